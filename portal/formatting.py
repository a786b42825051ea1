"""How the portal shows values to people: dates, times, numbers, PKR amounts and Markdown text.

ONE place for every page, PDF, spreadsheet, e-mail, notification and flash message (the
template filters in `portal.templatetags.portal` call these; so do services and views that
build messages). Dates use the named formats of the active language (`portal/formats/<lang>`:
DATE_FORMAT, DATETIME_FORMAT, TIME_FORMAT, ...), never `isoformat()` or a hard-coded pattern;
the API is the exception and keeps ISO 8601.

Markdown is rendered by `render_markdown` only (sanitised by nh3), and turned into plain text
(search snippets, notifications, e-mail text parts, spreadsheet cells) by `markdown_to_text`.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from html.parser import HTMLParser
from typing import Any

import markdown as markdown_lib
import nh3
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

# Dates and times -------------------------------------------------------------------------------


def _local(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def format_date(value: dt.date | dt.datetime | None, format_name: str = "DATE_FORMAT") -> str:
    """A date (or the local date of a datetime) in the active language: "3 Dec 2026"."""
    if value is None:
        return ""
    local = _local(value)
    if isinstance(local, dt.datetime):
        local = local.date()
    return formats.date_format(local, format_name)


def format_datetime(value: dt.datetime | None, format_name: str = "DATETIME_FORMAT") -> str:
    """A moment in local time in the active language: "3 Dec 2026, 15:24"."""
    if value is None:
        return ""
    return formats.date_format(_local(value), format_name)


# Numbers ---------------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_number(value: Any, decimal_places: int | None = None) -> str:
    """A number with the language's separators: "20,000", "1,200.5" (at most two decimals
    unless `decimal_places` says how many; whole numbers show none). Not a number: as given."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    if decimal_places is None:
        rounded = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
        places = max(0, -rounded.as_tuple().exponent)  # type: ignore[operator]
    else:
        places = decimal_places
    quantum = Decimal(1).scaleb(-places)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    return formats.number_format(number, decimal_pos=places, force_grouping=True)


def format_pkr(value: Any) -> str:
    """An amount in Pakistani rupees, two decimals and thousands separators: "PKR 1,200.00"."""
    if _decimal(value) is None:
        return ""
    return _("PKR %(amount)s") % {"amount": format_number(value, decimal_places=2)}


# Spreadsheets: real cells with a number format of the report's language --------------------------

#: Number formats of .xlsx cells (the spreadsheet program shows its own separators).
SPREADSHEET_DECIMAL_FORMAT = "#,##0.00"
SPREADSHEET_NUMBER_FORMAT = "#,##0.##"
SPREADSHEET_INTEGER_FORMAT = "#,##0"


def _portal_format(name: str, default: str) -> str:
    """A setting of the active language's module in `portal/formats/` (not one Django knows)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    for module in formats.iter_format_modules(language, settings.FORMAT_MODULE_PATH):
        if hasattr(module, name):
            return str(getattr(module, name))
    return default


def spreadsheet_date_format() -> str:
    """The .xlsx number format of a date cell in the active language ("d mmm yyyy")."""
    return _portal_format("SPREADSHEET_DATE_FORMAT", "yyyy-mm-dd")


def spreadsheet_datetime_format() -> str:
    """The .xlsx number format of a date-and-time cell in the active language."""
    return _portal_format("SPREADSHEET_DATETIME_FORMAT", "yyyy-mm-dd hh:mm")


# Markdown --------------------------------------------------------------------------------------

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "ins", "sub", "sup", "code",
    "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a", "table",
    "thead", "tbody", "tr", "th", "td", "abbr", "dl", "dt", "dd",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}


def render_markdown(text: str | None) -> str:
    """Markdown to HTML with everything not on the allow-list removed (scripts, handlers, styles).

    The one renderer of Markdown: pages, PDFs (WeasyPrint) and the HTML part of e-mails."""
    rendered = markdown_lib.markdown(
        text or "", extensions=["extra", "sane_lists", "nl2br"], output_format="html"
    )
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown_inline(text: str | None) -> str:
    """Like `render_markdown`, without the paragraph around a one-paragraph text (for text set
    inside a sentence or a list item: "**Genomics:** sequence *10,000* samples")."""
    rendered = render_markdown(text).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        return rendered[3:-4]
    return rendered


_BLOCKS = {
    "p", "div", "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "dl", "dt", "dd", "hr",
}  # fmt: skip
# Emphasis markers a cut-off fragment can leave unpaired ("…the **seven districts"); a word is
# also a private-use character (callers' own markers, as the search's highlight).
_WORD = r"[\w\ue000-\uf8ff]"
_STRAY_MARKERS = re.compile(
    rf"(?<![\w*])\*{{1,3}}(?={_WORD})|(?<={_WORD})\*{{1,3}}(?![\w*])|(?<!\w)_{{2,3}}|_{{2,3}}(?!\w)"
)


_LIST_ITEM = re.compile(r"(- |\d+\. )")
# A <br>: one new line, whatever white space the HTML has after it.
_LINE_BREAK = "\u2028"
_LINE_BREAK_AND_SPACE = re.compile(r"\u2028[ \t]*\n?")


class _TextCollector(HTMLParser):
    """Collect the text of sanitised HTML: blocks become lines, list items start with "- "."""

    def __init__(self, *, links: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.links = links
        self.parts: list[str] = []
        self._href: list[str] = []
        self._lists: list[int] = []  # per open list: 0 for bullets, else the next number

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")
        if tag in {"ul", "ol"}:
            self._lists.append(1 if tag == "ol" else 0)
        elif tag == "li":
            number = self._lists[-1] if self._lists else 0
            self.parts.append(f"{number}. " if number else "- ")
            if number:
                self._lists[-1] += 1
        elif tag == "br":
            self.parts.append(_LINE_BREAK)
        elif tag in {"td", "th"}:
            self.parts.append(" ")
        elif tag == "a":
            self._href.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")
        if tag in {"ul", "ol"} and self._lists:
            self._lists.pop()
        elif tag == "a" and self._href:
            href = self._href.pop()
            text = "".join(self.parts).rsplit("\n", 1)[-1]
            if self.links and href and not text.endswith(href):
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def markdown_to_text(text: str | None, *, single_line: bool = False, links: bool = False) -> str:
    """The plain text a Markdown text reads as: no `**`, `#`, `[..](..)` or HTML left.

    Paragraphs stay separated by a blank line and list items start with "- " (e-mail text
    parts); `single_line` joins everything with spaces (snippets, spreadsheet cells,
    notifications); `links` keeps a link's address after its text."""
    if not text:
        return ""
    collector = _TextCollector(links=links)
    collector.feed(render_markdown(text))
    collector.close()
    plain = _LINE_BREAK_AND_SPACE.sub("\n", html.unescape("".join(collector.parts)))
    plain = _STRAY_MARKERS.sub("", plain)
    if single_line:
        return " ".join(plain.split())
    lines = [" ".join(line.split()) for line in plain.split("\n")]
    paragraphs: list[str] = []
    blank = False
    for line in lines:
        if not line:
            blank = bool(paragraphs)
            continue
        if blank and not (_LIST_ITEM.match(line) and _LIST_ITEM.match(paragraphs[-1])):
            paragraphs.append("")
        paragraphs.append(line)
        blank = False
    return "\n".join(paragraphs)
