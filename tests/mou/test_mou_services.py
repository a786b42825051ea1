"""The MoU: clauses in two languages, immutable versions and their diff, review and clearances,
sharing with BGI, the workflow, signing in order with maker and checker, the signed copy."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from mou.models import Clause, ClauseComment, ClauseSnapshot, Clearance, Mou, MouVersion
from mou.selectors import out_of_step_clauses, version_diff
from mou.services import (
    ClauseData,
    clause_add,
    clause_clear_out_of_step,
    clause_comment_add,
    clause_from_recommendation,
    clause_move,
    clause_remove,
    clause_update,
    clearance_record,
    mou_create,
    mou_enter_into_force,
    mou_transition,
    mou_version_publish,
    mou_version_share,
    out_of_step_override_record,
    review_answer,
    review_round_open,
    signatory_add,
    signature_record,
    signed_copy_matches,
    signed_copy_upload,
)
from mou.workflows import MOU_FLOW
from portal.exceptions import Conflict, TransitionNotAllowed
from tests.factories import ClauseFactory, MouFactory, ProgrammeFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\nsigned by both parties\n%%EOF\n"


def _data(clause, **changes):
    values = {f: getattr(clause, f) for f in ("heading_en", "text_en", "heading_zh", "text_zh")}
    return ClauseData(**{**values, **changes})


def test_a_new_mou_gets_the_default_clearance_chain(ministry):
    mou = mou_create(programme=ProgrammeFactory(), title="MoU", actor=ministry)

    assert [c.name for c in mou.clearances.all()] == list(Clearance.DEFAULT_CHAIN)
    assert mou.status == Mou.Status.DRAFTING


def test_changing_only_the_english_puts_the_clause_out_of_step_until_the_chinese_follows(ministry):
    clause = ClauseFactory()
    assert clause.is_out_of_step is False

    clause = clause_update(clause=clause, actor=ministry, expected_version=1,
                           data=_data(clause, text_en="The Parties shall cooperate closely."))  # fmt: skip

    assert (clause.is_out_of_step, clause.lagging_language) == (True, "zh")
    assert out_of_step_clauses(clause.mou) == [clause]
    clause = clause_update(clause=clause, actor=ministry, expected_version=2,
                           data=_data(clause, text_zh="双方应密切合作。"))  # fmt: skip
    assert clause.is_out_of_step is False


def test_the_out_of_step_flag_can_be_cleared_consciously(ministry):
    clause = ClauseFactory()
    clause = clause_update(clause=clause, actor=ministry, expected_version=1,
                           data=_data(clause, heading_en="Purpose (typo fixed)"))  # fmt: skip

    cleared = clause_clear_out_of_step(clause=clause, actor=ministry)

    assert cleared.is_out_of_step is False
    again = clause_update(clause=cleared, actor=ministry, expected_version=cleared.version,
                          data=_data(cleared, text_en="Changed again."))  # fmt: skip
    assert again.is_out_of_step is True


def test_publishing_freezes_the_draft_and_later_edits_go_to_the_next_draft(ministry):
    mou = MouFactory()
    clause = ClauseFactory(mou=mou, heading_en="Purpose", text_en="Original.")

    version = mou_version_publish(mou=mou, actor=ministry, note="For internal review")
    clause_update(
        clause=clause, actor=ministry, expected_version=1, data=_data(clause, text_en="Revised.")
    )

    snapshot = version.clauses.get()
    assert (version.number, snapshot.text_en) == (1, "Original.")
    snapshot.text_en = "Tampered"
    with pytest.raises(ValueError, match="cannot change"):
        snapshot.save()
    assert ClauseSnapshot.objects.get().text_en == "Original."


def test_the_diff_shows_added_removed_moved_and_changed_clauses(ministry):
    mou = MouFactory()
    purpose = ClauseFactory(
        mou=mou, position=1, heading_en="Purpose", text_en="To cooperate in genomics."
    )
    areas = ClauseFactory(mou=mou, position=2, heading_en="Areas", text_en="Thalassemia.")
    funding = ClauseFactory(
        mou=mou, position=3, heading_en="Funding", text_en="Each Party bears its costs."
    )
    old = mou_version_publish(mou=mou, actor=ministry)
    clause_update(clause=areas, actor=ministry, expected_version=1,
                  data=_data(areas, text_en="Thalassemia and rare diseases."))  # fmt: skip
    clause_remove(clause=purpose, actor=ministry)
    clause_move(clause=Clause.objects.get(pk=funding.pk), actor=ministry, position=1)
    clause_add(
        mou=mou,
        actor=ministry,
        data=ClauseData(heading_en="Languages", text_en="Both texts are authentic."),
    )
    out_of_step_override_record(mou=mou, actor=ministry, reason="Chinese follows in vetting.")
    new = mou_version_publish(mou=mou, actor=ministry)

    changes = {(c.new or c.old).heading_en: c for c in version_diff(old=old, new=new)}

    assert {name: c.kind for name, c in changes.items()} == {
        "Purpose": "removed", "Areas": "changed", "Funding": "moved", "Languages": "added",
    }  # fmt: skip
    assert [(p.op, p.text) for p in changes["Areas"].text_en] == [
        ("equal", "Thalassemia"), ("insert", " and rare diseases"), ("equal", "."),
    ]  # fmt: skip
    assert (
        changes["Areas"].moved is True
    )  # it went from second to first of the shared clauses... after Funding


def test_clauses_cannot_change_outside_drafting_or_negotiation(ministry):
    clause = ClauseFactory(mou__status=Mou.Status.LEGAL_VETTING)

    with pytest.raises(Conflict):
        clause_update(
            clause=clause, actor=ministry, expected_version=1, data=_data(clause, text_en="x")
        )

    clause.refresh_from_db()
    assert clause.text_en == "The Parties shall cooperate."


def test_an_nih_expert_cannot_edit_clauses(nih_expert):
    clause = ClauseFactory()

    with pytest.raises(PermissionDenied):
        clause_update(
            clause=clause, actor=nih_expert, expected_version=1, data=_data(clause, text_en="x")
        )


def test_an_approved_recommendation_becomes_a_proposed_clause_linked_to_it(ministry):
    mou = MouFactory()
    recommendation = RecommendationFactory(approved=True, title="Carrier screening")

    clause = clause_from_recommendation(mou=mou, recommendation=recommendation, actor=ministry)

    assert (clause.heading_en, clause.source_recommendation) == (
        "Carrier screening",
        recommendation,
    )
    assert list(recommendation.mou_clauses.all()) == [clause]
    with pytest.raises(Conflict):
        clause_from_recommendation(mou=mou, recommendation=RecommendationFactory(), actor=ministry)


def test_bgi_reads_and_comments_only_on_shared_versions(ministry, bgi_liaison):
    mou = MouFactory()
    ClauseFactory(mou=mou)
    unshared = mou_version_publish(mou=mou, actor=ministry)
    shared = mou_version_share(version=mou_version_publish(mou=mou, actor=ministry), actor=ministry)
    clause_comment_add(
        version=shared, clause=shared.clauses.get(), actor=ministry, body="Internal only"
    )

    comment = clause_comment_add(
        version=shared, clause=shared.clauses.get(), actor=bgi_liaison, body="Agreed"
    )

    assert comment.is_from_bgi is True
    assert list(MouVersion.objects.visible_to(bgi_liaison)) == [shared]
    assert list(ClauseComment.objects.visible_to(bgi_liaison)) == [comment]
    assert list(Mou.objects.visible_to(bgi_liaison)) == [mou]
    with pytest.raises(PermissionDenied):
        clause_comment_add(
            version=unshared, clause=unshared.clauses.get(), actor=bgi_liaison, body="x"
        )


def test_bgi_sees_no_mou_without_a_shared_version(bgi_liaison):
    MouFactory()

    assert Mou.objects.visible_to(bgi_liaison).count() == 0


def test_a_review_round_closes_when_every_reviewer_has_answered(ministry, nih_lead, approver):
    mou = MouFactory()
    ClauseFactory(mou=mou)
    version = mou_version_publish(mou=mou, actor=ministry)
    review = review_round_open(mou=mou, version=version, actor=ministry, title="Internal review",
                               reviewers=[nih_lead, approver])  # fmt: skip

    review_answer(
        request=review.requests.get(reviewer=nih_lead), actor=nih_lead, decision="approved"
    )
    review.refresh_from_db()
    assert review.closed_at is None
    with pytest.raises(PermissionDenied):
        review_answer(
            request=review.requests.get(reviewer=approver), actor=nih_lead, decision="approved"
        )
    with pytest.raises(ValidationError):
        review_answer(
            request=review.requests.get(reviewer=approver),
            actor=approver,
            decision="changes_requested",
        )
    review_answer(request=review.requests.get(reviewer=approver), actor=approver,
                  decision="changes_requested", comment="Clause 4: name the governing law.")  # fmt: skip

    review.refresh_from_db()
    assert review.closed_at is not None


def _clear_all(mou, actor):
    for clearance in mou.clearances.all():
        clearance_record(clearance=clearance, actor=actor, decision="cleared", reference="ref")


def test_only_the_approver_approves_for_signature_and_only_with_every_clearance(ministry, approver):
    mou = mou_create(programme=ProgrammeFactory(), title="MoU", actor=ministry)
    Mou.objects.filter(pk=mou.pk).update(status=Mou.Status.TEXT_AGREED)
    mou.refresh_from_db()

    with pytest.raises(PermissionDenied):
        mou_transition(mou=mou, name="approve_for_signature", actor=ministry)
    with pytest.raises(Conflict, match="Clearances still missing: NIH technical review"):
        mou_transition(mou=mou, name="approve_for_signature", actor=approver)
    _clear_all(mou, ministry)
    moved = mou_transition(mou=mou, name="approve_for_signature", actor=approver)

    assert (moved.status, moved.approved_by) == (Mou.Status.APPROVED, approver)


@pytest.mark.parametrize("status", list(Mou.Status.values))
def test_agree_text_is_allowed_only_in_negotiation(ministry, status):
    mou = MouFactory(status=status, effective_on=dt.date(2027, 1, 1))

    if status in MOU_FLOW.get("agree_text").source:
        assert mou_transition(mou=mou, name="agree_text", actor=ministry).status == "text_agreed"
    else:
        with pytest.raises(TransitionNotAllowed):
            mou_transition(mou=mou, name="agree_text", actor=ministry)


def _approved_mou(approver, ministry):
    mou = mou_create(programme=ProgrammeFactory(), title="MoU", actor=ministry)
    _clear_all(mou, ministry)
    Mou.objects.filter(pk=mou.pk).update(status=Mou.Status.TEXT_AGREED)
    mou = mou_transition(
        mou=Mou.objects.get(pk=mou.pk), name="approve_for_signature", actor=approver
    )
    first = signatory_add(
        mou=mou, actor=ministry, name="Secretary, MoNHSR&C", title="Secretary", party="gop"
    )
    second = signatory_add(
        mou=mou, actor=ministry, name="President, BGI Group", title="President", party="bgi"
    )
    return mou, first, second


def test_signatures_are_recorded_in_order_and_the_last_one_signs_the_mou(ministry, approver):
    mou, first, second = _approved_mou(approver, ministry)

    with pytest.raises(Conflict, match="signs first"):
        signature_record(
            signatory=second, actor=ministry, signed_on=dt.date(2027, 3, 1), place="Islamabad"
        )
    signature_record(
        signatory=first, actor=approver, signed_on=dt.date(2027, 3, 1), place="Islamabad"
    )
    signature_record(
        signatory=second, actor=ministry, signed_on=dt.date(2027, 3, 1), place="Islamabad"
    )

    mou.refresh_from_db()
    assert mou.status == Mou.Status.SIGNED
    assert mou.transitions.last().transition == "mark_signed"


def test_the_approver_cannot_record_every_signature_alone(ministry, approver):
    mou, first, second = _approved_mou(approver, ministry)
    signature_record(
        signatory=first, actor=approver, signed_on=dt.date(2027, 3, 1), place="Islamabad"
    )

    with pytest.raises(Conflict, match="cannot record every signature alone"):
        signature_record(
            signatory=second, actor=approver, signed_on=dt.date(2027, 3, 1), place="Islamabad"
        )

    mou.refresh_from_db()
    second.refresh_from_db()
    assert (mou.status, second.answer) == (Mou.Status.APPROVED, "pending")


def test_signatures_need_approval_for_signature_first(ministry):
    mou = MouFactory(text_agreed=True)
    signatory = signatory_add(mou=mou, actor=ministry, name="S", title="T", party="gop")

    with pytest.raises(TransitionNotAllowed):
        signature_record(
            signatory=signatory, actor=ministry, signed_on=dt.date(2027, 3, 1), place="x"
        )


def test_the_signed_copy_verifies_and_a_one_byte_change_does_not(ministry, approver):
    mou, first, second = _approved_mou(approver, ministry)
    signature_record(
        signatory=first, actor=approver, signed_on=dt.date(2027, 3, 1), place="Islamabad"
    )
    signature_record(
        signatory=second, actor=ministry, signed_on=dt.date(2027, 3, 2), place="Shenzhen"
    )

    copy = signed_copy_upload(mou=mou, actor=ministry, upload=SimpleUploadedFile("s.pdf", PDF))

    import hashlib

    assert copy.sha256 == hashlib.sha256(PDF).hexdigest()
    assert signed_copy_matches(mou=mou, upload=SimpleUploadedFile("x.pdf", PDF)) is True
    tampered = PDF[:-2] + b"X\n"
    assert signed_copy_matches(mou=mou, upload=SimpleUploadedFile("x.pdf", tampered)) is False
    with pytest.raises(Conflict):
        signed_copy_upload(mou=mou, actor=ministry, upload=SimpleUploadedFile("s.pdf", PDF))


def test_entering_into_force_sets_the_expiry_from_the_term(ministry, approver):
    mou, first, second = _approved_mou(approver, ministry)
    signature_record(
        signatory=first, actor=approver, signed_on=dt.date(2027, 3, 1), place="Islamabad"
    )
    signature_record(
        signatory=second, actor=ministry, signed_on=dt.date(2027, 3, 2), place="Shenzhen"
    )

    moved = mou_enter_into_force(mou=mou, actor=ministry, effective_on=dt.date(2027, 3, 31))

    assert (moved.status, moved.expires_on) == (Mou.Status.IN_FORCE, dt.date(2032, 3, 31))
