"""The portal serves its own Urdu faces and embeds them, with a Chinese face, in every PDF.

A fresh Debian machine has no Urdu font: without these, letters such as ہ show as boxes. The pages
load the vendored Noto Naskh Arabic (text) and Noto Nastaliq Urdu (headings) through portal.css;
PDFs embed the same files and Debian's Noto Sans CJK SC (the browser side is checked in
tests/browser/test_language_journey.py).
"""

import gettext
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from portal.pdf import URDU_FACES, html_to_pdf
from reports.models import Report
from reports.rendering import render_report
from tests.conftest import require_service
from tests.factories import ClauseFactory, ItineraryItemFactory, ProgrammeFactory, VisitFactory
from tests.reports.factories import ReportFactory, programme_dataset

ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")


def pdf_fonts(content: bytes) -> str:
    """`pdffonts` on the PDF: one line per embedded font, with its name and "yes" when embedded."""
    require_service(shutil.which("pdffonts") is not None, "pdffonts (poppler-utils)")
    result = subprocess.run(["pdffonts", "-"], input=content, capture_output=True, check=False)
    if result.returncode != 0:  # older poppler reads no stdin: go through a file
        path = Path(settings.BASE_DIR) / "var" / "fonts-test.pdf"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(content)
        try:
            result = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True)
        finally:
            path.unlink()
    return result.stdout.decode()


def urdu_letters_of_the_interface() -> set[str]:
    path = Path(settings.BASE_DIR) / "locale/ur/LC_MESSAGES/django.mo"
    with path.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    texts = [v for v in catalogue.values() if isinstance(v, str)]
    return {c for text in texts for c in text if ARABIC_SCRIPT.match(c)}


@pytest.mark.parametrize(("family", "weight", "relative"), URDU_FACES)
def test_every_urdu_letter_of_the_interface_has_a_glyph_in_each_served_face(
    family, weight, relative
):
    path = finders.find(relative)
    assert path, f"{relative} is not among the static files"
    font = TTFont(path)
    assert font["name"].getDebugName(1) == family
    covered = set(map(chr, font.getBestCmap()))
    letters = urdu_letters_of_the_interface()

    assert len(letters) > 40  # the catalogue really is Urdu
    assert sorted(letters - covered) == []
    assert {"ہ", "ے", "ں", "ٹ", "ڈ", "ڑ", "ھ", "۔", "،", "؟"} <= covered


def test_the_stylesheet_loads_each_face_with_swap_and_uses_them_for_urdu_only(client):
    css = Path(finders.find("portal/css/portal.css")).read_text()
    faces = re.findall(r"@font-face\s*{([^}]*)}", css)

    for family, _weight, relative in URDU_FACES:
        rules = [face for face in faces if relative in face]
        assert len(rules) == 1, relative
        assert f'font-family: "{family}"' in rules[0]
        assert "font-display: swap" in rules[0]
        assert "unicode-range: U+0600-06FF" in rules[0]
    assert re.search(r'html\[lang="ur"\] body {\s*font-family: "Noto Naskh Arabic"', css)
    assert re.search(r'html\[lang="ur"\] :is\(h1[^{]*{\s*font-family: "Noto Nastaliq Urdu"', css)


def test_the_programme_status_pdf_in_urdu_embeds_the_portals_urdu_faces(ministry):
    programme_dataset()
    ministry.preferred_language = "ur"
    ministry.save(update_fields=["preferred_language"])
    report = ReportFactory(requested_by=ministry, format=Report.Format.PDF)

    fonts = pdf_fonts(render_report(report))

    assert re.search(r"Noto-Naskh-Arabic\s.*\syes\s", fonts), fonts
    assert re.search(r"Noto-Nastaliq-Urdu-Bold\s.*\syes\s", fonts), fonts


@pytest.mark.django_db
def test_the_mou_pdf_embeds_the_simplified_chinese_face_for_the_chinese_text(client, ministry):
    from mou.services import mou_create, mou_version_publish

    mou = mou_create(
        programme=ProgrammeFactory(), title="Genomics MoU", title_zh="谅解备忘录", actor=ministry
    )
    ClauseFactory(mou=mou, position=1, heading_en="Purpose", text_en="Cooperation.",
                  heading_zh="宗旨", text_zh="双方应在基因组学领域开展合作。")  # fmt: skip
    version = mou_version_publish(mou=mou, actor=ministry, note="")
    client.force_login(ministry)

    response = client.get(reverse("mou:version-pdf", args=[mou.pk, version.number]))

    fonts = pdf_fonts(response.content)
    assert re.search(r"Noto-Sans-CJK-SC\s.*\syes\s", fonts), fonts
    assert "Noto-Sans-CJK-JP" not in fonts  # Japanese glyph forms are wrong for Chinese


@pytest.mark.django_db
def test_the_briefing_pack_in_urdu_is_urdu_and_embeds_the_urdu_face(client, ministry):
    visit = VisitFactory()
    ItineraryItemFactory(visit=visit)
    ministry.preferred_language = "ur"
    ministry.save(update_fields=["preferred_language"])
    client.force_login(ministry)

    response = client.get(reverse("delegations:visit-briefing-pack", args=[visit.pk]))

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "ur"
    assert re.search(r"Noto-Naskh-Arabic\s.*\syes\s", pdf_fonts(response.content))


def test_a_pdf_opens_the_font_files_and_nothing_else(tmp_path):
    image = tmp_path / "pixel.svg"
    image.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")

    pdf = html_to_pdf(
        f'<html lang="en"><head><link rel="stylesheet" href="{secret.as_uri()}"></head>'
        f'<body><p>Text</p><img src="{image.as_uri()}"></body></html>'
    )

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    resources = page["/Resources"]
    assert not resources.get("/XObject")  # the image was not loaded
    assert b"1 0 0 rg" not in page.get_contents().get_data()  # nor the red stylesheet
