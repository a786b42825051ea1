"""The committed translation catalogues: complete, reviewed (no fuzzy entries), placeholders
intact, and the compiled .mo files in step with the .po files (a fresh machine needs no gettext)."""

import gettext
import shutil
import subprocess

import pytest

from tests.conftest import require_service
from tests.i18n.catalogue import PLACEHOLDER, po_path, read_po

LANGUAGES = ["ur", "zh_Hans"]


def placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_reviewed(language):
    entries = read_po(po_path(language))

    assert entries
    assert [entry.msgid for entry in entries if "fuzzy" in entry.flags] == []
    assert [entry.msgid for entry in entries if not entry.translated] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_the_english(language):
    wrong = []
    for entry in read_po(po_path(language)):
        for index, text in enumerate(entry.msgstr):
            if not text:
                continue  # an untranslated entry is the completeness test's business
            source = entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
            expected = placeholders(source)
            found = placeholders(text)
            if entry.msgid_plural is not None:
                # A plural form may leave the count out ("one comment"), never add a name.
                if not set(found) <= set(placeholders(entry.msgid_plural)) | set(expected):
                    wrong.append(entry.msgid)
            elif found != expected:
                wrong.append(entry.msgid)
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_po_file(language):
    path = po_path(language)
    with path.with_suffix(".mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]

    expected = {}
    for entry in read_po(path):
        if not entry.translated:
            continue
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[key] = entry.msgstr[0]
        else:
            for index, text in enumerate(entry.msgstr):
                expected[(key, index)] = text
    compiled_entries = {key: value for key, value in catalog.items() if key != ""}

    assert compiled_entries == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_gettext_checks_the_po_file(language):
    msgfmt = shutil.which("msgfmt")
    require_service(msgfmt is not None, "gettext's msgfmt")

    result = subprocess.run(
        [msgfmt, "--check", "--output-file=/dev/null", str(po_path(language))],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
