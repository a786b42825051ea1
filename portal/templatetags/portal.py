"""Template helpers: Markdown rendered safely, and small display helpers (the pager's pages)."""

import markdown as markdown_lib
import nh3
from django import template
from django.core.paginator import Page
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "ins", "sub", "sup", "code",
    "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a", "table",
    "thead", "tbody", "tr", "th", "td", "abbr", "dl", "dt", "dd",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}


def render_markdown(text: str) -> str:
    """Markdown to HTML with everything not on the allow-list removed (scripts, handlers, styles)."""
    html = markdown_lib.markdown(
        text or "", extensions=["extra", "sane_lists"], output_format="html"
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3 above


@register.filter
def page_links(page: Page) -> list[int | str]:
    """The page numbers a pager shows: the first and last, and two on each side of the
    current one, with `Paginator.ELLIPSIS` for the gaps (a list of 400 pages stays short)."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
