"""Reading the portal's own .po catalogues and the visible text of a rendered page.

Kept free of any Django test machinery so the checks can be tested on hand-made HTML too.
"""

from __future__ import annotations

import ast
import html as html_lib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
PLACEHOLDER = re.compile(r"%\((\w+)\)[-+ #0]*\d*(?:\.\d+)?[sdif]|%%")


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr)


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def read_po(path: Path) -> list[Entry]:
    """Every entry of a .po file (entries are separated by blank lines), header excluded;
    obsolete `#~` entries are skipped."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = Entry(msgid="")
        parts: dict[str, str] = {}
        key = ""
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,"):
                entry.flags = {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#") or not line:
                continue
            elif line.startswith('"'):
                parts[key] += ast.literal_eval(line)
            else:
                key, _, value = line.partition(" ")
                parts[key] = ast.literal_eval(value)
        if not parts.get("msgid"):
            continue  # the header, or an obsolete entry
        entry.msgid = parts["msgid"]
        entry.msgid_plural = parts.get("msgid_plural")
        entry.msgctxt = parts.get("msgctxt")
        if "msgstr" in parts:
            entry.msgstr = [parts["msgstr"]]
        else:
            entry.msgstr = [parts[k] for k in sorted(k for k in parts if k.startswith("msgstr["))]
        entries.append(entry)
    return entries


def _squash(text: str) -> str:
    return " ".join(text.split())


TAG = re.compile(r"<[^>]+>")


def source_fragments(msgid: str) -> list[str]:
    """The parts of a msgid a browser shows as separate text nodes (split at HTML tags)."""
    parts = (_squash(html_lib.unescape(part)) for part in TAG.split(msgid))
    return [part for part in parts if re.search(r"[A-Za-z]{2}", PLACEHOLDER.sub("", part))]


def source_pattern(fragment: str) -> re.Pattern[str]:
    """A msgid fragment as a pattern: each placeholder matches any text, spaces any spaces."""
    parts = []
    position = 0
    for match in PLACEHOLDER.finditer(fragment):
        parts.append(re.escape(fragment[position : match.start()]))
        parts.append("%" if match.group(0) == "%%" else ".+?")
        position = match.end()
    parts.append(re.escape(fragment[position:]))
    return re.compile(re.sub(r"(?:\\ |\s)+", r"\\s+", "".join(parts)), re.DOTALL)


class _VisibleText(HTMLParser):
    """Text nodes and human-read attributes of a page, minus scripts, styles, code and any
    element that declares another language with `lang` (the switcher's own names, English
    clause text)."""

    # Scripts and styles are not shown; code (keys, URLs, commands) is not in any language.
    SKIP = {"script", "style", "template", "noscript", "code", "kbd", "samp"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}  # fmt: skip
    ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "aria-description")

    def __init__(self, page_language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_language = page_language.lower()
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []
        self.buffer: list[str] = []
        # An <option> whose text is its value is a code (a time-zone name), not a sentence.
        self.option_value: str | None = None

    def _hidden(self) -> bool:
        return any(hidden for _tag, hidden in self.stack)

    def _flush(self) -> None:
        text = _squash("".join(self.buffer))
        self.buffer = []
        if text and not self._hidden() and text != self.option_value:
            self.texts.append(text)

    def handle_starttag(self, tag, attrs):
        self._flush()
        values = dict(attrs)
        lang = (values.get("lang") or "").lower()
        other_language = bool(lang) and not lang.startswith(self.page_language.split("-")[0])
        if tag == "html":
            other_language = False
        hidden = tag in self.SKIP or other_language
        if not hidden and not self._hidden():
            for name in self.ATTRIBUTES:
                if values.get(name):
                    self.texts.append(_squash(values[name]))
            if (
                tag == "input"
                and values.get("type") in {"submit", "button"}
                and values.get("value")
            ):
                self.texts.append(_squash(values["value"]))
        self.option_value = values.get("value") if tag == "option" else None
        if tag not in self.VOID:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag):
        self._flush()
        self.option_value = None
        while self.stack:
            open_tag, _hidden = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        self.buffer.append(data)


def visible_texts(html: str, page_language: str) -> list[str]:
    parser = _VisibleText(page_language)
    parser.feed(html)
    parser.close()
    parser._flush()
    return parser.texts


@dataclass
class Untranslated:
    text: str
    msgid: str


def untranslated_on_page(
    html: str, *, entries: list[Entry], page_language: str, data: set[str] = frozenset()
) -> list[Untranslated]:
    """Visible texts of the page that are still an English msgid of the catalogue.

    A text counts when it is a whole msgid (or the part of one between HTML tags), or when it
    contains a msgid of three words or more. A msgid (or part) the translation keeps as it is
    (PDF, SHA-256, a code example) is not counted; the test's database values (`data`) are
    ignored.
    """
    whole, inside = [], []
    for entry in entries:
        forms = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        if entry.msgstr and all(form in entry.msgstr for form in forms):
            continue
        translated = _squash(html_lib.unescape(" ".join(entry.msgstr)))
        for form in forms:
            for fragment in source_fragments(form):
                if fragment in translated:
                    continue  # kept as it is on purpose, such as a code example
                whole.append((form, source_pattern(fragment)))
                if len(PLACEHOLDER.sub("", fragment).split()) >= 3:
                    inside.append((form, re.compile(r"\b" + source_pattern(fragment).pattern)))
    found = []
    for text in visible_texts(html, page_language):
        if text in data:
            continue
        for form, pattern in whole:
            if pattern.fullmatch(text):
                found.append(Untranslated(text=text, msgid=form))
                break
        else:
            for form, pattern in inside:
                if pattern.search(text):
                    found.append(Untranslated(text=text, msgid=form))
                    break
    return found


LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def latin_words_in_translations(entries: list[Entry]) -> set[str]:
    """Latin-script words the translations themselves use (PDF, Markdown, Asia/Shanghai…)."""
    return {
        word.lower()
        for entry in entries
        for text in entry.msgstr
        for word in LATIN_WORD.findall(html_lib.unescape(TAG.sub(" ", PLACEHOLDER.sub(" ", text))))
    }


def foreign_words(html: str, *, page_language: str, allowed: set[str]) -> list[tuple[str, str]]:
    """(word, text) for each Latin-script word of the visible text that is not `allowed`
    (compared in lower case): on a Chinese page, English that no translation explains."""
    allowed = {word.lower() for word in allowed}
    return [
        (word, text)
        for text in visible_texts(html, page_language)
        for word in LATIN_WORD.findall(text)
        if word.lower() not in allowed
    ]
