"""Signing pages as each persona sees them: signatories in order with maker and checker, the
signed copy with its SHA-256 and "Check a file", entry into force, and obligations."""

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mou.models import Mou, Obligation, Signatory, SignedCopy
from mou.services import (
    clearance_record,
    mou_create,
    mou_transition,
    mou_version_publish,
    mou_version_share,
    obligation_add,
    signatory_add,
    signature_record,
    signed_copy_upload,
)
from tests.factories import ClauseFactory, MouFactory, ProgrammeFactory, SignatoryFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\nsigned by both parties\n%%EOF\n"
DAY = "2027-03-01"


def html_of(response) -> str:
    return response.content.decode()


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def pdf_upload(content=PDF, name="signed.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def approved_mou(approver, ministry):
    """An MoU cleared and approved for signature by the approver, with two signatories."""
    mou = mou_create(programme=ProgrammeFactory(), title="Genomics MoU", actor=ministry)
    for clearance in mou.clearances.all():
        clearance_record(clearance=clearance, actor=ministry, decision="cleared", reference="ref")
    Mou.objects.filter(pk=mou.pk).update(status=Mou.Status.TEXT_AGREED)
    mou = mou_transition(
        mou=Mou.objects.get(pk=mou.pk), name="approve_for_signature", actor=approver
    )
    first = signatory_add(
        mou=mou, actor=ministry, name="Secretary Health", title="Secretary", party="gop"
    )
    second = signatory_add(
        mou=mou, actor=ministry, name="President BGI", title="President", party="bgi"
    )
    return mou, first, second


def signed_mou(approver, ministry):
    mou, first, second = approved_mou(approver, ministry)
    signature_record(
        signatory=first, actor=approver, signed_on=dt.date(2027, 3, 1), place="Islamabad"
    )
    signature_record(
        signatory=second, actor=ministry, signed_on=dt.date(2027, 3, 2), place="Shenzhen"
    )
    return Mou.objects.get(pk=mou.pk)


def shared_with_bgi(mou, ministry):
    """Give the MoU a version shared with BGI, so BGI's liaison can see that it exists."""
    status = Mou.objects.get(pk=mou.pk).status
    ClauseFactory(mou=mou)
    Mou.objects.filter(pk=mou.pk).update(status=Mou.Status.DRAFTING)
    version = mou_version_publish(mou=Mou.objects.get(pk=mou.pk), actor=ministry)
    mou_version_share(version=version, actor=ministry)
    Mou.objects.filter(pk=mou.pk).update(status=status)
    return version


def sign(client, signatory, **data):
    return client.post(
        reverse("mou:signature-record", args=[signatory.pk]),
        {"signed_on": DAY, "place": "Islamabad", "confirmed": "1", **data},
    )


# The signing page ---------------------------------------------------------------------------


def test_signing_page_lists_signatories_in_order_with_who_signs_next(client, ministry, approver):
    mou, first, _second = approved_mou(approver, ministry)
    SignatoryFactory(mou=mou, name="Ambassador of China", party="bgi", is_witness=True, order=0)
    client.force_login(ministry)

    response = client.get(reverse("mou:signing", args=[mou.pk]))

    html = html_of(response)
    assert response.status_code == 200
    signatories = html.split('id="signatories"', 1)[1].split("</table>", 1)[0]
    assert signatories.index("Secretary Health") < signatories.index("President BGI")
    assert "Signs next" in signatories.split("President BGI")[0]
    assert "Ambassador of China" in html.split('id="witnesses"', 1)[1]
    assert reverse("mou:signature-record", args=[first.pk]) in html


def test_signatures_recorded_in_order_sign_the_mou(client, ministry, approver):
    mou, first, second = approved_mou(approver, ministry)

    client.force_login(approver)
    assert sign(client, first).status_code == 302
    client.force_login(ministry)
    response = sign(client, second, place="Shenzhen")

    assert response.status_code == 302
    mou.refresh_from_db()
    second.refresh_from_db()
    assert (mou.status, second.answer, second.place) == (Mou.Status.SIGNED, "signed", "Shenzhen")
    assert second.recorded_by == ministry
    page = html_of(client.get(reverse("mou:signing", args=[mou.pk])))
    assert "Shenzhen" in page
    assert "Every party has signed" in page


def test_signing_out_of_order_is_refused_with_409_and_nothing_recorded(client, ministry, approver):
    _mou, _first, second = approved_mou(approver, ministry)
    client.force_login(ministry)

    response = sign(client, second)

    assert response.status_code == 409
    assert "Secretary Health signs first (order 1)." in html_of(response)
    second.refresh_from_db()
    assert (second.answer, second.signed_on, second.recorded_by) == ("pending", None, None)


def test_the_approver_cannot_record_every_signature_alone(client, ministry, approver):
    mou, first, second = approved_mou(approver, ministry)
    client.force_login(approver)
    assert sign(client, first).status_code == 302

    response = sign(client, second)

    assert response.status_code == 409
    assert "cannot record every signature alone" in html_of(response)
    second.refresh_from_db()
    mou.refresh_from_db()
    assert (second.answer, mou.status) == ("pending", Mou.Status.APPROVED)


def test_a_ministry_officer_cannot_record_signatures_before_approval(client, ministry):
    mou = MouFactory(text_agreed=True)
    signatory = signatory_add(mou=mou, actor=ministry, name="S", title="T", party="gop")
    client.force_login(ministry)

    response = sign(client, signatory)

    assert response.status_code == 409
    assert "once the MoU is approved for signature" in html_of(response)
    signatory.refresh_from_db()
    assert signatory.answer == "pending"
    assert "Record signature" not in html_of(client.get(reverse("mou:signing", args=[mou.pk])))


def test_a_declined_signature_needs_its_reason_and_then_shows_it(client, ministry, approver):
    mou, first, _second = approved_mou(approver, ministry)
    client.force_login(ministry)

    refused = sign(client, first, declined="on")
    recorded = sign(client, first, declined="on", decline_reason="Awaiting cabinet approval.")

    assert refused.status_code == 400
    assert "Record why the signatory declined." in html_of(refused)
    assert recorded.status_code == 302
    first.refresh_from_db()
    assert first.answer == Signatory.Answer.DECLINED
    page = html_of(client.get(reverse("mou:signing", args=[mou.pk])))
    assert "Awaiting cabinet approval." in page


def test_an_nih_expert_cannot_record_signatures(client, nih_expert, ministry, approver):
    _mou, first, _second = approved_mou(approver, ministry)
    client.force_login(nih_expert)

    response = sign(client, first)

    assert response.status_code == 403
    first.refresh_from_db()
    assert first.answer == "pending"


def test_ministry_adds_a_signatory_and_a_witness(client, ministry):
    mou = MouFactory(text_agreed=True)
    client.force_login(ministry)
    url = reverse("mou:signatory-create", args=[mou.pk])

    client.post(url, {"name": "Secretary", "title": "Secretary", "party": "gop"})
    client.post(url, {"name": "Witness", "title": "Director", "party": "bgi", "is_witness": "on"})

    signers = list(mou.signatories.order_by("is_witness", "order").values_list("name", "order", "is_witness"))  # fmt: skip
    assert signers == [("Secretary", 1, False), ("Witness", 0, True)]


def test_an_nih_expert_cannot_add_signatories(client, nih_expert):
    mou = MouFactory(text_agreed=True)
    client.force_login(nih_expert)

    response = client.post(
        reverse("mou:signatory-create", args=[mou.pk]),
        {"name": "S", "title": "T", "party": "gop"},
    )

    assert response.status_code == 403
    assert mou.signatories.count() == 0


@pytest.mark.parametrize("count", [10, 100])
def test_signing_page_query_count_is_flat(client, ministry, django_assert_max_num_queries, count):
    mou = MouFactory(approved=True, approved_by=ministry)
    for n in range(count):
        SignatoryFactory(mou=mou, order=n + 1, recorded_by=ministry if n % 2 else None)
        SignatoryFactory(mou=mou, order=0, is_witness=True)
    client.force_login(ministry)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("mou:signing", args=[mou.pk]))

    assert response.status_code == 200
    # every witness, and the signatory who signs next (the others would be refused: order)
    assert html_of(response).count("Record signature") == count + 1


# The signed copy ----------------------------------------------------------------------------


def test_the_signed_copy_is_kept_and_its_full_hash_shown(client, ministry, approver, settings):
    mou = signed_mou(approver, ministry)
    client.force_login(ministry)

    response = client.post(reverse("mou:signed-copy-upload", args=[mou.pk]), {"file": pdf_upload()})

    assert response.status_code == 302
    digest = hashlib.sha256(PDF).hexdigest()
    assert SignedCopy.objects.get(mou=mou).sha256 == digest
    page = html_of(client.get(reverse("mou:signing", args=[mou.pk])))
    assert f'data-testid="signed-copy-sha256">{digest}</code>' in page
    assert "cannot be replaced" in page
    assert len(stored_files(settings)) == 1


def test_the_signed_copy_cannot_be_replaced(client, ministry, approver, settings):
    mou = signed_mou(approver, ministry)
    signed_copy_upload(mou=mou, actor=ministry, upload=pdf_upload())
    client.force_login(ministry)

    response = client.post(
        reverse("mou:signed-copy-upload", args=[mou.pk]),
        {"file": pdf_upload(PDF + b"% other\n")},
    )

    assert response.status_code == 409
    assert "already on record" in html_of(response)
    assert SignedCopy.objects.get(mou=mou).sha256 == hashlib.sha256(PDF).hexdigest()
    assert len(stored_files(settings)) == 1


def test_a_signed_copy_that_is_not_a_pdf_is_refused_and_nothing_stored(
    client, ministry, approver, settings
):
    mou = signed_mou(approver, ministry)
    client.force_login(ministry)
    fake = SimpleUploadedFile(
        "signed.pdf", b"PK\x03\x04 a zip file", content_type="application/pdf"
    )

    response = client.post(reverse("mou:signed-copy-upload", args=[mou.pk]), {"file": fake})

    assert response.status_code == 400
    assert "The file is not a PDF document." in html_of(response)
    assert SignedCopy.objects.filter(mou=mou).exists() is False
    assert stored_files(settings) == []


def test_check_a_file_says_whether_it_is_exactly_the_signed_copy(
    client, ministry, approver, settings
):
    mou = signed_mou(approver, ministry)
    signed_copy_upload(mou=mou, actor=ministry, upload=pdf_upload())
    client.force_login(ministry)
    url = reverse("mou:signed-copy-verify", args=[mou.pk])
    one_byte_changed = PDF[:-2] + b"X\n"

    same = client.post(url, {"file": pdf_upload(PDF, "copy.pdf")})
    changed = client.post(url, {"file": pdf_upload(one_byte_changed, "copy.pdf")})

    assert same.status_code == changed.status_code == 200
    assert "This file is exactly the signed copy on record." in html_of(same)
    assert "NOT the signed copy" not in html_of(same)
    assert "This file is NOT the signed copy on record." in html_of(changed)
    assert hashlib.sha256(one_byte_changed).hexdigest() in html_of(changed)
    assert len(stored_files(settings)) == 1  # only the signed copy itself


def test_bgi_checks_a_file_when_the_mou_is_visible_to_them(client, ministry, approver, bgi_liaison):
    mou = signed_mou(approver, ministry)
    signed_copy_upload(mou=mou, actor=ministry, upload=pdf_upload())
    url = reverse("mou:signed-copy-verify", args=[mou.pk])
    client.force_login(bgi_liaison)
    assert client.get(url).status_code == 404  # nothing shared with BGI yet

    shared_with_bgi(mou, ministry)
    response = client.post(url, {"file": pdf_upload()})

    assert response.status_code == 200
    assert "This file is exactly the signed copy on record." in html_of(response)


def test_checking_a_file_before_any_signed_copy_is_a_conflict(client, ministry):
    mou = MouFactory(approved=True)
    client.force_login(ministry)

    response = client.post(reverse("mou:signed-copy-verify", args=[mou.pk]), {"file": pdf_upload()})

    assert response.status_code == 409
    assert "no signed copy on record" in html_of(response)


def test_internal_people_download_the_signed_copy_as_a_pdf_attachment(
    client, ministry, approver, nih_expert
):
    mou = signed_mou(approver, ministry)
    signed_copy_upload(mou=mou, actor=ministry, upload=pdf_upload())
    client.force_login(nih_expert)

    response = client.get(reverse("mou:signed-copy-download", args=[mou.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="genomics-mou-signed.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("persona_name", ["bgi_liaison", "api_client"])
def test_bgi_and_machine_accounts_cannot_download_the_signed_copy(
    client, persona, persona_name, ministry, approver
):
    mou = signed_mou(approver, ministry)
    signed_copy_upload(mou=mou, actor=ministry, upload=pdf_upload())
    shared_with_bgi(mou, ministry)
    client.force_login(persona(persona_name))

    response = client.get(reverse("mou:signed-copy-download", args=[mou.pk]))

    assert response.status_code == 404


# Entry into force ---------------------------------------------------------------------------


def test_entering_into_force_shows_the_computed_expiry(client, ministry, approver):
    mou = signed_mou(approver, ministry)
    client.force_login(ministry)

    response = client.post(
        reverse("mou:entry-into-force", args=[mou.pk]), {"effective_on": "2027-03-31"}, follow=True
    )

    mou.refresh_from_db()
    assert (mou.status, mou.expires_on) == (Mou.Status.IN_FORCE, dt.date(2032, 3, 31))
    assert "It expires, unless renewed, on 31 Mar 2032." in html_of(response)


def test_an_unsigned_mou_cannot_enter_into_force(client, ministry, approver):
    mou, _first, _second = approved_mou(approver, ministry)
    client.force_login(ministry)

    response = client.post(
        reverse("mou:entry-into-force", args=[mou.pk]), {"effective_on": "2027-03-31"}
    )

    assert response.status_code == 409
    mou.refresh_from_db()
    assert (mou.status, mou.effective_on) == (Mou.Status.APPROVED, None)


# Obligations --------------------------------------------------------------------------------


def obligation_post(**changes):
    return {
        "party": "bgi",
        "description": "Train ten NIH scientists in sequencing.",
        "due_on": "2027-12-31",
        **changes,
    }


def test_obligations_wait_until_the_mou_is_signed(client, ministry, approver):
    mou, _first, _second = approved_mou(approver, ministry)
    client.force_login(ministry)
    url = reverse("mou:obligation-list", args=[mou.pk])

    page = client.get(url)
    response = client.post(url, obligation_post())

    assert "Obligations are recorded once the MoU is signed." in html_of(page)
    assert 'id="obligation-form"' not in html_of(page)
    assert response.status_code == 409
    assert "Obligations are recorded once the MoU is signed." in html_of(response)
    assert mou.obligations.count() == 0


def test_ministry_adds_an_obligation_shown_under_its_party(client, ministry, approver, nih_lead):
    mou = signed_mou(approver, ministry)
    client.force_login(ministry)
    url = reverse("mou:obligation-list", args=[mou.pk])

    response = client.post(url, obligation_post(owner=nih_lead.pk))

    assert response.status_code == 302
    obligation = mou.obligations.get()
    assert (obligation.party, obligation.owner) == ("bgi", nih_lead)
    page = html_of(client.get(url))
    bgi_section = page.split('id="obligations-bgi"', 1)[1]
    assert "Train ten NIH scientists in sequencing." in bgi_section
    assert nih_lead.display_name in bgi_section
    assert "1 obligation of BGI Group, soonest due first" in bgi_section
    assert 'id="obligations-gop"' not in page


def test_an_obligation_moves_through_its_steps(client, ministry, approver):
    mou = signed_mou(approver, ministry)
    obligation = obligation_add(
        mou=mou, actor=ministry, party="gop", description="Name a focal point.",
        due_on=dt.date(2027, 6, 1),
    )  # fmt: skip
    client.force_login(ministry)
    url = reverse("mou:obligation-transition", args=[obligation.pk])
    page = html_of(client.get(reverse("mou:obligation-list", args=[mou.pk])))
    assert 'data-transition="start"' in page
    assert 'data-transition="reopen"' not in page

    started = client.post(url, {"transition": "start", "version": 1})
    stale = client.post(url, {"transition": "meet", "version": 1})
    waived_without_reason = client.post(url, {"transition": "waive", "version": 2})

    assert started.status_code == 302
    assert stale.status_code == 409
    assert waived_without_reason.status_code == 409
    obligation.refresh_from_db()
    assert (obligation.status, obligation.version) == (Obligation.Status.IN_PROGRESS, 2)


def test_an_nih_expert_who_does_not_own_an_obligation_cannot_move_it(
    client, ministry, approver, nih_expert
):
    mou = signed_mou(approver, ministry)
    obligation = obligation_add(
        mou=mou, actor=ministry, party="gop", description="x", due_on=dt.date(2027, 6, 1)
    )
    client.force_login(nih_expert)

    response = client.post(
        reverse("mou:obligation-transition", args=[obligation.pk]),
        {"transition": "meet", "version": 1},
    )

    assert response.status_code == 403
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.OPEN


@pytest.mark.parametrize("count", [10, 100])
def test_obligation_list_query_count_is_flat(
    client, ministry, nih_lead, django_assert_max_num_queries, count
):
    mou = MouFactory(status=Mou.Status.SIGNED)
    clause = ClauseFactory(mou=mou)
    for n in range(count):
        Obligation.objects.create(
            mou=mou, party="gop" if n % 2 else "bgi", description=f"Obligation {n}",
            due_on=dt.date(2027, 1, 1) + dt.timedelta(days=n), owner=nih_lead, clause=clause,
        )  # fmt: skip
    client.force_login(ministry)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("mou:obligation-list", args=[mou.pk]))

    assert response.status_code == 200
    assert html_of(response).count('data-transition="start"') == count


# Who may see what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["signing", "obligation-list", "signatory-create", "entry-into-force"]
)
def test_bgi_gets_404_for_the_internal_signing_pages(
    client, ministry, approver, bgi_liaison, url_name
):
    mou = signed_mou(approver, ministry)
    shared_with_bgi(mou, ministry)
    client.force_login(bgi_liaison)

    response = client.get(reverse(f"mou:{url_name}", args=[mou.pk]))

    assert response.status_code == 404


def test_bgi_gets_404_when_recording_a_signature(client, ministry, approver, bgi_liaison):
    mou, first, _second = approved_mou(approver, ministry)
    shared_with_bgi(mou, ministry)
    client.force_login(bgi_liaison)

    response = sign(client, first)

    assert response.status_code == 404
    first.refresh_from_db()
    assert first.answer == "pending"
