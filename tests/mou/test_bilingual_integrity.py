"""Bilingual integrity: while a clause is out of step between English and Chinese, publishing,
sharing with BGI, "text agreed", approval for signature and signing are refused (web and API,
naming the clauses) unless the ministry records an override with its reason, which is kept in
history and shown on the version page and in its PDF and Word exports."""

import io

import pytest
from django.urls import reverse
from docx import Document

from mou.models import ClauseSnapshot, Mou, MouVersion, OutOfStepOverride
from mou.services import (
    ClauseData,
    clause_update,
    clearance_record,
    mou_create,
    mou_version_publish,
    out_of_step_override_record,
    signatory_add,
)
from portal.exceptions import Conflict
from tests.conftest import require_service
from tests.factories import ClauseFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

M = Mou.Status
REFUSAL = "English and Chinese are out of step in 2. “Districts”"


def html_of(response) -> str:
    return response.content.decode()


def drifted(ministry, status=M.NEGOTIATION):
    """An MoU with clause 1 in step and clause 2 changed in English only ("seven districts"),
    every clearance given, in `status`."""
    mou = mou_create(programme=ProgrammeFactory(), title="Genomics MoU", actor=ministry)
    ClauseFactory(mou=mou, position=1, heading_en="Purpose")
    districts = ClauseFactory(mou=mou, position=2, heading_en="Districts",
                              text_en="Five districts.", text_zh="五个区。")  # fmt: skip
    clause_update(clause=districts, actor=ministry, expected_version=districts.version,
                  data=ClauseData(heading_en="Districts", heading_zh=districts.heading_zh,
                                  text_en="Seven districts.", text_zh="五个区。"))  # fmt: skip
    for clearance in mou.clearances.all():
        clearance_record(clearance=clearance, actor=ministry, decision="cleared", reference="r")
    Mou.objects.filter(pk=mou.pk).update(status=status)
    return Mou.objects.get(pk=mou.pk)


def test_publishing_is_refused_on_the_web_naming_the_clause_and_nothing_is_published(
    client, ministry
):
    mou = drifted(ministry)
    client.force_login(ministry)

    response = client.post(reverse("mou:version-publish", args=[mou.pk]), {"note": "v1"})

    assert response.status_code == 409
    assert REFUSAL in html_of(response)
    assert not MouVersion.objects.filter(mou=mou).exists()


def test_text_agreed_is_refused_on_the_web_and_the_api(client, api_as, ministry):
    mou = drifted(ministry)
    client.force_login(ministry)

    page = client.post(
        reverse("mou:mou-transition", args=[mou.pk]),
        {"transition": "agree_text", "version": mou.version},
    )
    api = api_as(ministry).post(
        reverse("api:mou-transitions", args=[mou.pk]),
        {"transition": "agree_text"},
        HTTP_IF_MATCH=f'"{mou.version}"',
    )

    assert page.status_code == 409
    assert REFUSAL in html_of(page)
    assert api.status_code == 409
    assert api.json()["error"]["code"] == "clauses_out_of_step"
    assert "2. “Districts”" in str(api.json())
    mou.refresh_from_db()
    assert mou.status == M.NEGOTIATION
    assert not mou.transitions.exists()


def test_approval_for_signature_is_refused_on_the_api(api_as, approver, ministry):
    mou = drifted(ministry, status=M.TEXT_AGREED)

    response = api_as(approver).post(
        reverse("api:mou-transitions", args=[mou.pk]),
        {"transition": "approve_for_signature"},
        HTTP_IF_MATCH=f'"{mou.version}"',
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "clauses_out_of_step"
    mou.refresh_from_db()
    assert (mou.status, mou.approved_by_id) == (M.TEXT_AGREED, None)


def test_signing_is_refused_and_not_offered_until_an_override_is_recorded(
    client, ministry, approver
):
    mou = drifted(ministry, status=M.APPROVED)
    Mou.objects.filter(pk=mou.pk).update(approved_by=approver)
    first = signatory_add(mou=mou, actor=ministry, name="Secretary Health", title="Secretary",
                          party="gop")  # fmt: skip
    client.force_login(ministry)
    signing = reverse("mou:signing", args=[mou.pk])
    sign = reverse("mou:signature-record", args=[first.pk])
    data = {"signed_on": "2027-03-01", "place": "Islamabad", "confirmed": "1"}

    before = html_of(client.get(signing))
    refused = client.post(sign, data)
    out_of_step_override_record(mou=mou, actor=ministry, reason="Chinese corrected at signing.")
    after = html_of(client.get(signing))
    recorded = client.post(sign, data)

    assert sign not in before
    assert REFUSAL in before
    assert refused.status_code == 409
    assert REFUSAL in html_of(refused)
    assert sign in after
    assert recorded.status_code == 302
    first.refresh_from_db()
    assert first.answer == "signed"


def test_sharing_a_version_published_out_of_step_without_an_override_is_refused(client, ministry):
    mou = drifted(ministry)
    version = MouVersion.objects.create(mou=mou, number=1, published_by=ministry)
    ClauseSnapshot.objects.create(version=version, key=mou.clauses.last().key, position=2,
                                  heading_en="Districts", text_en="Seven districts.",
                                  text_zh="五个区。", lagging_language="zh")  # fmt: skip
    client.force_login(ministry)

    response = client.post(reverse("mou:version-share", args=[mou.pk, 1]), {"confirmed": "1"})

    assert response.status_code == 409
    assert "out of step in 2. “Districts” of this version" in html_of(response)
    version.refresh_from_db()
    assert version.is_shared_with_bgi is False


def test_an_override_needs_a_reason_and_is_kept_in_history(client, ministry):
    mou = drifted(ministry)
    client.force_login(ministry)
    url = reverse("mou:out-of-step-override", args=[mou.pk])

    page = html_of(client.get(reverse("mou:clause-list", args=[mou.pk])))
    empty = client.post(url, {"reason": "  "})
    recorded = client.post(url, {"reason": "The Chinese follows from the translator."})

    assert "Record the override" in page
    assert empty.status_code == 400
    assert recorded.status_code == 302
    override = OutOfStepOverride.objects.get(mou=mou)
    assert override.reason == "The Chinese follows from the translator."
    assert override.clause_labels == ["2. Districts"]
    assert override.history.count() == 1
    listing = html_of(client.get(reverse("mou:clause-list", args=[mou.pk])))
    assert "The Chinese follows from the translator." in listing


def test_an_override_does_not_cover_a_clause_edited_after_it(ministry):
    mou = drifted(ministry)
    out_of_step_override_record(mou=mou, actor=ministry, reason="Translator is on leave.")
    districts = mou.clauses.get(position=2)
    clause_update(clause=districts, actor=ministry, expected_version=districts.version,
                  data=ClauseData(heading_en="Districts", heading_zh=districts.heading_zh,
                                  text_en="Eight districts.", text_zh="五个区。"))  # fmt: skip

    with pytest.raises(Conflict, match=r"2\. “Districts”"):
        mou_version_publish(mou=mou, actor=ministry)


def test_a_version_published_under_an_override_marks_the_clause_and_shows_the_reason(
    client, ministry
):
    mou = drifted(ministry)
    out_of_step_override_record(mou=mou, actor=ministry, reason="Translator is on leave.")
    version = mou_version_publish(mou=mou, actor=ministry)
    client.force_login(ministry)

    page = html_of(client.get(version.get_absolute_url()))
    docx = client.get(reverse("mou:version-docx", args=[mou.pk, version.number]))
    text = "\n".join(
        [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
        + [
            cell.text
            for table in Document(io.BytesIO(docx.content)).tables
            for row in table.rows
            for cell in row.cells
        ]
    )

    assert version.out_of_step_override is not None
    assert 'data-testid="out-of-step-override"' in page
    assert "Translator is on leave." in page
    assert page.count('data-testid="out-of-step-badge"') == 1
    assert "Translator is on leave." in text
    assert "Out of step: the Chinese text has not followed the English change" in text


def test_the_pdf_marks_the_clause_and_prints_the_override_reason(client, ministry):
    import shutil
    import subprocess

    require_service(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    mou = drifted(ministry)
    out_of_step_override_record(mou=mou, actor=ministry, reason="Translator is on leave.")
    version = mou_version_publish(mou=mou, actor=ministry)
    client.force_login(ministry)

    response = client.get(reverse("mou:version-pdf", args=[mou.pk, version.number]))
    text = " ".join(
        subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=response.content,
                       capture_output=True, check=True).stdout.decode().split()
    )  # fmt: skip

    assert "Translator is on leave." in text
    assert "Out of step: the Chinese text has not followed the English change" in text


def test_in_step_clauses_are_not_held_up(ministry):
    mou = drifted(ministry)
    districts = mou.clauses.get(position=2)
    clause_update(clause=districts, actor=ministry, expected_version=districts.version,
                  data=ClauseData(heading_en="Districts", heading_zh=districts.heading_zh,
                                  text_en="Seven districts.", text_zh="七个区。"))  # fmt: skip

    version = mou_version_publish(mou=mou, actor=ministry)

    assert version.out_of_step_override is None
    assert not version.clauses.filter(lagging_language__gt="").exists()


def test_the_api_records_an_override_with_a_reason_and_then_publishes(api_as, ministry, nih_expert):
    mou = drifted(ministry)
    client = api_as(ministry)
    override_url = reverse("api:mou-clauses-override", args=[mou.pk])
    publish_url = reverse("api:mou-versions", args=[mou.pk])

    refused = client.post(publish_url, {"note": "v1"}, format="json")
    no_reason = client.post(override_url, {"reason": ""}, format="json")
    not_theirs = api_as(nih_expert).post(override_url, {"reason": "Go on"}, format="json")
    assert refused.status_code == 409
    assert no_reason.status_code == 400
    assert not_theirs.status_code == 403
    assert not OutOfStepOverride.objects.filter(mou=mou).exists()

    recorded = client.post(
        override_url, {"reason": "MOFA's translators are checking clause 2."}, format="json"
    )
    published = client.post(publish_url, {"note": "v1"}, format="json")

    assert recorded.status_code == 201, recorded.json()
    assert recorded.json()["reason"] == "MOFA's translators are checking clause 2."
    assert recorded.json()["recorded_by"]["username"] == "ministry"
    assert [c["id"] for c in recorded.json()["clauses"]] == [mou.clauses.get(position=2).pk]
    assert published.status_code == 201, published.json()
    assert MouVersion.objects.get(mou=mou).out_of_step_override.reason.startswith("MOFA")


def test_the_api_version_marks_the_clause_published_out_of_step(api_as, ministry):
    mou = drifted(ministry)
    client = api_as(ministry)
    client.post(
        reverse("api:mou-clauses-override", args=[mou.pk]), {"reason": "Checked."}, format="json"
    )
    client.post(reverse("api:mou-versions", args=[mou.pk]), {"note": "v1"}, format="json")

    body = client.get(reverse("api:mou-version-detail", args=[mou.pk, 1])).json()

    assert [(c["position"], c["lagging_language"]) for c in body["clauses"]] == [
        (1, ""),
        (2, "zh"),
    ]
