"""The portal's template filters, in one module: Markdown rendered safely or as plain text,
numbers and PKR amounts in the active language, and the pager's pages.

Dates use Django's `date` filter with a named format (`|date:"DATE_FORMAT"`, `"DATETIME_FORMAT"`,
`"TIME_FORMAT"`, `"MONTH_DAY_FORMAT"`): the formats are set per language in `portal/formats/`.
The filters are thin: the rules live in `portal.formatting`, which Python code calls as well.
"""

from typing import Any

from django import template
from django.core.paginator import Page
from django.utils.safestring import SafeString, mark_safe

from portal.formatting import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    format_number,
    format_pkr,
    markdown_to_text,
    render_markdown,
    render_markdown_inline,
)

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "render_markdown"]

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Markdown as sanitised HTML (pages, PDFs, the HTML part of e-mails)."""
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3 in render_markdown


@register.filter(name="markdown_inline")
def markdown_inline_filter(text: str) -> SafeString:
    """Markdown as sanitised HTML without the paragraph around a one-paragraph text."""
    return mark_safe(render_markdown_inline(text))  # noqa: S308 - sanitised by nh3


@register.filter(name="markdown_text")
def markdown_text_filter(text: str, single_line: str = "") -> str:
    """Markdown as plain text (e-mail text parts; `:"line"` for one line, as in snippets)."""
    return markdown_to_text(text, single_line=bool(single_line), links=not single_line)


@register.filter(name="number")
def number_filter(value: Any, decimal_places: int | None = None) -> str:
    """A number with the language's thousands separator: "20,000", "1,200.5"."""
    return format_number(value, decimal_places)


@register.filter(name="pkr")
def pkr_filter(value: Any) -> str:
    """An amount in rupees: "PKR 1,200.00"."""
    return format_pkr(value)


@register.filter
def page_links(page: Page) -> list[int | str]:
    """The page numbers a pager shows: the first and last, and two on each side of the
    current one, with `Paginator.ELLIPSIS` for the gaps (a list of 400 pages stays short)."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
