"""Readable differences between two values (texts word by word, lists item by item, single
values as a whole), for recommendation versions."""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class DiffPart:
    """One run of the diff: `op` is "equal", "insert" or "delete"."""

    op: str
    text: str


def word_diff(old: str, new: str) -> list[DiffPart]:
    """Compare word by word (whitespace and punctuation are their own tokens)."""
    a = _TOKENS.findall(old or "")
    b = _TOKENS.findall(new or "")
    parts: list[DiffPart] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(DiffPart("equal", "".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            parts.append(DiffPart("delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            parts.append(DiffPart("insert", "".join(b[j1:j2])))
    return parts


def list_diff(old: list[str], new: list[str]) -> list[DiffPart]:
    """Compare two lists item by item: kept, removed and added items, separated by "; "."""
    kept = set(old) & set(new)
    items = [
        *(DiffPart("equal" if item in kept else "delete", item) for item in old),
        *(DiffPart("insert", item) for item in new if item not in kept),
    ]
    parts: list[DiffPart] = []
    for index, item in enumerate(items):
        if index:
            parts.append(DiffPart("equal", "; "))
        parts.append(item)
    return parts


def value_diff(old: str, new: str) -> list[DiffPart]:
    """Compare two single values (a number, say) as a whole: unchanged, or old then new."""
    if old == new:
        return [DiffPart("equal", old)] if old else []
    return [
        *([DiffPart("delete", old)] if old else []),
        *([DiffPart("equal", " → ")] if old and new else []),
        *([DiffPart("insert", new)] if new else []),
    ]


def diff_html(parts: list[DiffPart]) -> SafeString:
    """The diff as escaped HTML with <del> and <ins>, readable by screen readers too."""
    html = []
    for part in parts:
        text = escape(part.text)
        if part.op == "insert":
            html.append(f'<ins class="diff-ins">{text}</ins>')
        elif part.op == "delete":
            html.append(f'<del class="diff-del">{text}</del>')
        else:
            html.append(text)
    return mark_safe("".join(html))  # noqa: S308 - every piece is escaped above
