"""A version exported as PDF and Word: both languages of every clause, both titles, the version
number and note; BGI's liaison exports shared versions only."""

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from docx import Document

from mou.services import mou_create, mou_version_publish, mou_version_share
from tests.conftest import require_service
from tests.factories import ClauseFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

CLAUSES = [
    ("Purpose", "The Parties shall cooperate in genomics.", "宗旨", "双方应在基因组学领域开展合作。"),
    ("Genetic data", "Samples stay subject to the laws of Pakistan.", "遗传数据", "样本受巴基斯坦法律管辖。"),
    ("Funding", "Each Party bears its own costs.", "经费", "各方自行承担其费用。"),
]  # fmt: skip
TITLE_ZH = "巴基斯坦政府与华大集团谅解备忘录"


@pytest.fixture
def mou(ministry):
    mou = mou_create(
        programme=ProgrammeFactory(), title="Genomics MoU", title_zh=TITLE_ZH, actor=ministry
    )
    for position, (heading_en, text_en, heading_zh, text_zh) in enumerate(CLAUSES, start=1):
        ClauseFactory(mou=mou, position=position, heading_en=heading_en, text_en=text_en,
                      heading_zh=heading_zh, text_zh=text_zh)  # fmt: skip
    return mou


@pytest.fixture
def version(mou, ministry):
    return mou_version_publish(mou=mou, actor=ministry, note="For signature")


def pdf_text(body: bytes) -> str:
    require_service(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=body,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def flat(text: str) -> str:
    """Whitespace as one space, so text wrapped over lines still matches."""
    return " ".join(text.split())


def no_space(text: str) -> str:
    """Chinese has no spaces between words: lines wrapped anywhere rejoin without any."""
    return "".join(text.split())


def docx_text(body: bytes) -> str:
    document = Document(io.BytesIO(body))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_pdf_export_has_both_texts_of_every_clause(client, nih_expert, mou, version):
    client.force_login(nih_expert)

    response = client.get(reverse("mou:version-pdf", args=[mou.pk, version.number]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="genomics-mou-v1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    text = pdf_text(response.content)
    for position, (heading_en, text_en, heading_zh, text_zh) in enumerate(CLAUSES, start=1):
        assert f"{position}. {heading_en}" in flat(text)
        assert text_en in flat(text)
        assert f"{position}.{heading_zh}" in no_space(text)
        assert text_zh in no_space(text)
    assert "Genomics MoU" in text
    assert TITLE_ZH in no_space(text)
    assert "For signature" in text


def test_docx_export_has_both_texts_of_every_clause(client, ministry, mou, version):
    client.force_login(ministry)

    response = client.get(reverse("mou:version-docx", args=[mou.pk, version.number]))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == 'attachment; filename="genomics-mou-v1.docx"'
    text = docx_text(response.content)
    for position, (heading_en, text_en, heading_zh, text_zh) in enumerate(CLAUSES, start=1):
        assert f"{position}. {heading_en}" in text
        assert text_en in text
        assert f"{position}. {heading_zh}" in text
        assert text_zh in text
    assert "Genomics MoU" in text
    assert TITLE_ZH in text
    assert "Version 1" in text
    assert "For signature" in text


def test_an_export_shows_the_version_asked_for(client, ministry, mou, version):
    clause = mou.clauses.get(position=1)
    clause.text_en = "Changed after version 1."
    clause.save()
    mou_version_publish(mou=mou, actor=ministry)
    client.force_login(ministry)

    first = docx_text(client.get(reverse("mou:version-docx", args=[mou.pk, 1])).content)
    second = docx_text(client.get(reverse("mou:version-docx", args=[mou.pk, 2])).content)

    assert "The Parties shall cooperate in genomics." in first
    assert "Changed after version 1." not in first
    assert "Changed after version 1." in second


@pytest.mark.parametrize("url_name", ["mou:version-pdf", "mou:version-docx"])
def test_bgi_exports_only_shared_versions(client, ministry, bgi_liaison, mou, version, url_name):
    shared = mou_version_share(version=mou_version_publish(mou=mou, actor=ministry), actor=ministry)
    client.force_login(bgi_liaison)

    unshared_response = client.get(reverse(url_name, args=[mou.pk, version.number]))
    shared_response = client.get(reverse(url_name, args=[mou.pk, shared.number]))

    assert unshared_response.status_code == 404
    assert shared_response.status_code == 200
    assert shared_response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("url_name", ["mou:version-pdf", "mou:version-docx"])
def test_an_unknown_version_is_404(client, ministry, mou, version, url_name):
    client.force_login(ministry)

    response = client.get(reverse(url_name, args=[mou.pk, version.number + 1]))

    assert response.status_code == 404
