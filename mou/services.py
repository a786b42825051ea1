"""Every write of the MoU app. Keyword-only, typed, atomic; the actor is explicit."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from collaboration.models import Programme, Recommendation
from events.outbox import emit
from portal import policies as roles
from portal.exceptions import Conflict, DomainError, StaleVersion, TransitionNotAllowed
from portal.formatting import format_date
from portal.freshness import tables_changed
from portal.recording import add_months as _add_months
from portal.recording import require as _require
from portal.recording import save_recorded as _save
from portal.uploads import validate_pdf

from . import policies, selectors
from .models import (
    Clause,
    ClauseComment,
    ClauseSnapshot,
    Clearance,
    Mou,
    MouVersion,
    Obligation,
    OutOfStepOverride,
    ReviewRequest,
    ReviewRound,
    Signatory,
    SignedCopy,
)
from .workflows import (
    BINDING_STATUSES,
    IN_STEP_TARGETS,
    MOU_FLOW,
    OBLIGATION_FLOW,
    PUBLISHABLE_STATUSES,
    SIGNED_STATUSES,
    TRANSITIONS_WITH_DATA,
)

if TYPE_CHECKING:
    from collaboration.models import PriorityArea
    from portal.models import User


def _lock_mou(mou: Mou, expected_version: int | None = None) -> Mou:
    locked = Mou.objects.select_for_update().get(pk=mou.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(current=locked.version)
    return locked


def _touch(mou: Mou) -> None:
    Mou.objects.filter(pk=mou.pk).update(version=models.F("version") + 1, updated_at=timezone.now())
    tables_changed(Mou)  # an update() sends no model signal


# Bilingual integrity -----------------------------------------------------------------------------


def require_in_step(mou: Mou) -> OutOfStepOverride | None:
    """Refuse (409, naming the clauses) while a clause of the draft is out of step between
    English and Chinese and no override covers it; returns the override that covers the
    clauses out of step, if any (selectors.in_step_check is the rule)."""
    check = selectors.in_step_check(mou)
    if not check.is_clear:
        raise out_of_step_conflict(check)
    return check.override


def out_of_step_conflict(check: selectors.InStepCheck) -> Conflict:
    """The refusal naming the clauses out of step that no override covers."""
    return Conflict(
        _(
            "English and Chinese are out of step in %(clauses)s. Bring both texts into "
            "step, or have the ministry record an override with its reason on the Clauses page."
        )
        % {"clauses": selectors.clause_names(check.blocking)},
        code="clauses_out_of_step",
    )


@transaction.atomic
def out_of_step_override_record(*, mou: Mou, actor: User, reason: str) -> OutOfStepOverride:
    """The ministry goes on although clauses are out of step, and says why. The override
    covers the clauses out of step now, as they stand (editing one again needs a new one)."""
    _require(policies.can_manage_mou(actor, mou))
    locked = _lock_mou(mou)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the MoU may go on with clauses out of step.")})
    lagging = selectors.out_of_step_clauses(locked)
    if not lagging:
        raise Conflict(_("No clause is out of step: there is nothing to override."))
    override = OutOfStepOverride(
        mou=locked,
        reason=reason.strip(),
        recorded_by=actor,
        clauses=[
            {"id": c.pk, "key": str(c.key), "version": c.version, "position": c.position,
             "heading": c.heading_en, "lagging": c.lagging_language}
            for c in lagging
        ],
    )  # fmt: skip
    _save(override, actor)
    _touch(locked)
    return override


# The MoU -------------------------------------------------------------------------------------


@transaction.atomic
def mou_create(
    *, programme: Programme, title: str, actor: User | None, title_zh: str = "",
    responsible_officer: User | None = None, clearances: list[str] | None = None,
    term_months: int = 60,
) -> Mou:  # fmt: skip
    """Start an MoU in drafting, with its clearance chain (the default chain unless given)."""
    if actor is not None:
        _require(policies.can_manage_mou(actor))
    mou = Mou(programme=programme, title=title, title_zh=title_zh, term_months=term_months,
              responsible_officer=responsible_officer)  # fmt: skip
    _save(mou, actor)
    for position, name in enumerate(clearances or Clearance.DEFAULT_CHAIN):
        _save(Clearance(mou=mou, name=name, position=position), actor)
    return mou


@transaction.atomic
def mou_transition(
    *, mou: Mou, name: str, actor: User, comment: str = "", expected_version: int | None = None
) -> Mou:
    """Move the MoU (MOU_FLOW). Approval for signature needs every clearance on record."""
    if name in TRANSITIONS_WITH_DATA:
        raise TransitionNotAllowed(
            _("“%(name)s” follows from its own records (signatures, entry into force).")
            % {"name": name},
            code="transition_needs_data",
        )
    step = MOU_FLOW.transitions.get(name)
    if (step is not None and step.target in IN_STEP_TARGETS and mou.status in step.source
            and step.allowed(actor, mou)):  # fmt: skip
        require_in_step(mou)
    if name == "approve_for_signature":
        missing = [c.name for c in mou.clearances.exclude(decision=Clearance.Decision.CLEARED)]
        if missing and policies.can_approve_for_signature(actor, mou):
            raise Conflict(
                _("Clearances still missing: %(names)s.") % {"names": ", ".join(missing)},
                code="clearance_missing",
            )
    moved: Mou = MOU_FLOW.apply(
        mou, name, actor=actor, comment=comment, expected_version=expected_version
    )
    if name == "approve_for_signature":
        moved.approved_by = actor
        _save(moved, actor, ["approved_by", "updated_at"])
        _signature_awaited(moved, actor)
    return moved


def _signature_awaited(mou: Mou, actor: User | None) -> None:
    """Tell the desk whose signature is awaited next (nothing once every signatory answered)."""
    following = (
        mou.signatories.filter(is_witness=False, answer=Signatory.Answer.PENDING)
        .order_by("order")
        .first()
    )
    if following is not None:
        emit(
            type="mou.signature_awaited",
            subject=mou,
            actor=actor,
            payload={"signatory": following.name, "order": following.order},
        )


# Clauses of the working draft ----------------------------------------------------------------


@dataclass(frozen=True)
class ClauseData:
    """What a clause of the draft says, in both languages, and what it answers to."""

    heading_en: str
    text_en: str
    heading_zh: str = ""
    text_zh: str = ""
    priority_areas: list[PriorityArea] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)


def _require_editable(mou: Mou) -> None:
    if not mou.is_editable:
        raise Conflict(_("Clauses change only while the MoU is being drafted or negotiated."))


@transaction.atomic
def clause_add(
    *,
    mou: Mou,
    actor: User | None,
    data: ClauseData,
    source_recommendation: Recommendation | None = None,
) -> Clause:
    """Add a clause at the end of the draft; without its Chinese text it starts out of step."""
    if actor is not None:
        _require(policies.can_edit_draft(actor, mou))
    locked = _lock_mou(mou)
    _require_editable(locked)
    now = timezone.now()
    position = (locked.clauses.active().aggregate(m=Max("position"))["m"] or 0) + 1
    clause = Clause(
        mou=locked, position=position, heading_en=data.heading_en, heading_zh=data.heading_zh,
        text_en=data.text_en, text_zh=data.text_zh, source_recommendation=source_recommendation,
        en_changed_at=now, zh_changed_at=now if data.text_zh else None,
        lagging_language="" if data.text_zh else "zh",
    )  # fmt: skip
    _save(clause, actor)
    clause.priority_areas.set(data.priority_areas)
    clause.recommendations.set(data.recommendations)
    _touch(locked)
    return clause


def _lagging_after(lagging: str, en_changed: bool, zh_changed: bool) -> str:
    """Which language is out of step after an edit: the one that did not follow a change."""
    if en_changed and zh_changed:
        return ""
    if en_changed:
        return "" if lagging == "en" else "zh"
    if zh_changed:
        return "" if lagging == "zh" else "en"
    return lagging


@transaction.atomic
def clause_update(
    *, clause: Clause, actor: User, expected_version: int, data: ClauseData
) -> Clause:
    """Edit a clause; whichever language changed is timed, so the other may fall out of step."""
    _require(policies.can_edit_draft(actor, clause.mou))
    _require_editable(clause.mou)
    locked = Clause.objects.select_for_update().get(pk=clause.pk)
    if locked.version != expected_version:
        raise StaleVersion(current=locked.version)
    now = timezone.now()
    en_changed = (data.heading_en, data.text_en) != (locked.heading_en, locked.text_en)
    zh_changed = (data.heading_zh, data.text_zh) != (locked.heading_zh, locked.text_zh)
    if en_changed:
        locked.en_changed_at = now
    if zh_changed:
        locked.zh_changed_at = now
    locked.lagging_language = _lagging_after(locked.lagging_language, en_changed, zh_changed)
    locked.heading_en, locked.text_en = data.heading_en, data.text_en
    locked.heading_zh, locked.text_zh = data.heading_zh, data.text_zh
    locked.version += 1
    _save(locked, actor)
    locked.priority_areas.set(data.priority_areas)
    locked.recommendations.set(data.recommendations)
    _touch(locked.mou)
    return locked


@transaction.atomic
def clause_clear_out_of_step(*, clause: Clause, actor: User) -> Clause:
    """Consciously accept that the two languages differ in timing (e.g. a typo fixed in one)."""
    _require(policies.can_edit_draft(actor, clause.mou))
    locked = Clause.objects.select_for_update().get(pk=clause.pk)
    locked.lagging_language = ""
    locked.version += 1
    _save(locked, actor, ["lagging_language", "version", "updated_at"])
    _touch(locked.mou)  # the MoU's out-of-step count changed
    return locked


@transaction.atomic
def clause_move(*, clause: Clause, actor: User, position: int) -> Clause:
    """Move a clause to another place; the others shift to keep the numbering whole."""
    _require(policies.can_edit_draft(actor, clause.mou))
    _require_editable(clause.mou)
    clauses = list(Clause.objects.select_for_update().active().filter(mou=clause.mou)
                   .order_by("position", "pk"))  # fmt: skip
    moving = next(c for c in clauses if c.pk == clause.pk)
    clauses.remove(moving)
    clauses.insert(max(0, min(position - 1, len(clauses))), moving)
    for number, item in enumerate(clauses, start=1):
        if item.position != number:
            item.position = number
            _save(item, actor, ["position", "updated_at"])
    _touch(clause.mou)
    moving.refresh_from_db()
    return moving


@transaction.atomic
def clause_remove(*, clause: Clause, actor: User) -> Clause:
    """Take a clause out of the draft (archived: published versions keep it)."""
    _require(policies.can_edit_draft(actor, clause.mou))
    _require_editable(clause.mou)
    locked = Clause.objects.select_for_update().get(pk=clause.pk)
    locked.archived_at = timezone.now()
    _save(locked, actor, ["archived_at", "updated_at"])
    for number, item in enumerate(
        Clause.objects.active().filter(mou=locked.mou).order_by("position", "pk"),
        start=1,
    ):
        if item.position != number:
            item.position = number
            _save(item, actor, ["position", "updated_at"])
    _touch(locked.mou)
    return locked


@transaction.atomic
def clause_from_recommendation(*, mou: Mou, recommendation: Recommendation, actor: User) -> Clause:
    """Turn an approved recommendation into a proposed clause, keeping the link to it."""
    if recommendation.status != Recommendation.Status.APPROVED:
        raise Conflict(_("Only approved recommendations become clauses."))
    if mou.clauses.active().filter(source_recommendation=recommendation).exists():
        raise Conflict(_("This recommendation is already a clause of the draft."))
    return clause_add(
        mou=mou, actor=actor, source_recommendation=recommendation,
        data=ClauseData(
            heading_en=recommendation.title,
            text_en=recommendation.summary or recommendation.title,
            priority_areas=list(recommendation.priority_areas.all()),
            recommendations=[recommendation],
        ),
    )  # fmt: skip


# Versions ------------------------------------------------------------------------------------


@transaction.atomic
def mou_version_publish(*, mou: Mou, actor: User | None, note: str = "") -> MouVersion:
    """Freeze every clause of the draft into the next numbered, immutable version."""
    if actor is not None:
        _require(policies.can_manage_mou(actor, mou))
    locked = _lock_mou(mou)
    if locked.status not in PUBLISHABLE_STATUSES:
        raise Conflict(_("Versions are published while the text is still being worked on."))
    clauses = list(locked.clauses.active().order_by("position", "pk"))
    if not clauses:
        raise ValidationError({"clauses": _("The draft has no clauses to publish.")})
    override = require_in_step(locked)
    number = (locked.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = MouVersion(mou=locked, number=number, note=note, published_by=actor,
                         out_of_step_override=override)  # fmt: skip
    _save(version, actor)
    ClauseSnapshot.objects.bulk_create(
        ClauseSnapshot(version=version, key=c.key, position=c.position, heading_en=c.heading_en,
                       heading_zh=c.heading_zh, text_en=c.text_en, text_zh=c.text_zh,
                       lagging_language=c.lagging_language)
        for c in clauses
    )  # fmt: skip
    _touch(locked)
    return version


def version_share_refusal(version: MouVersion) -> Conflict | None:
    """Why sharing this version with BGI would be refused, or None: already shared, or clauses
    published out of step between English and Chinese without an override."""
    if version.is_shared_with_bgi:
        return Conflict(_("This version is already shared with BGI."))
    lagging = list(version.clauses.filter(lagging_language__gt="").order_by("position"))
    if lagging and version.out_of_step_override_id is None:
        return Conflict(
            _(
                "English and Chinese are out of step in %(clauses)s of this version, and no "
                "override was recorded for them: publish a version with both texts in step."
            )
            % {"clauses": selectors.clause_names(lagging)},
            code="clauses_out_of_step",
        )
    return None


@transaction.atomic
def mou_version_share(*, version: MouVersion, actor: User | None) -> MouVersion:
    """Share a published version with BGI's liaison (read and comment); cannot be undone."""
    if actor is not None:
        _require(policies.can_manage_mou(actor, version.mou))
    locked = MouVersion.objects.select_for_update().get(pk=version.pk)
    refusal = version_share_refusal(locked)
    if refusal is not None:
        raise refusal
    locked.is_shared_with_bgi = True
    locked.shared_at = timezone.now()
    _save(locked, actor, ["is_shared_with_bgi", "shared_at", "updated_at"])
    _touch(locked.mou)  # BGI's view of the MoU changed (its latest version)
    emit(type="mouversion.shared", subject=locked, actor=actor, payload={"number": locked.number})
    return locked


@transaction.atomic
def clause_comment_add(
    *,
    version: MouVersion,
    clause: ClauseSnapshot,
    actor: User,
    body: str,
    visible_to_bgi: bool = False,
) -> ClauseComment:
    """Comment on a clause of a version; BGI's liaison only on shared versions."""
    version = MouVersion.objects.get(pk=version.pk)
    _require(policies.can_comment_version(actor, version))
    if clause.version_id != version.pk:
        raise ValidationError({"clause": _("That clause is not in this version.")})
    if not body.strip():
        raise ValidationError({"body": _("Write a comment first.")})
    from_bgi = roles.is_bgi_liaison(actor)
    comment = ClauseComment(version=version, clause=clause, author=actor, body=body,
                            is_from_bgi=from_bgi,
                            is_visible_to_bgi=from_bgi or (visible_to_bgi and version.is_shared_with_bgi))  # fmt: skip
    _save(comment, actor)
    emit(
        type="clausecomment.added",
        subject=comment,
        actor=actor,
        payload={"clause": clause.position, "from_bgi": from_bgi, "comment": body[:1000]},
    )
    return comment


# Review rounds and clearances ----------------------------------------------------------------


@transaction.atomic
def review_round_open(
    *, mou: Mou, version: MouVersion, actor: User, title: str, reviewers: list[User],
    due_on: dt.date | None = None,
) -> ReviewRound:  # fmt: skip
    """Ask named ministry or NIH reviewers to approve a published version or request changes."""
    _require(policies.can_manage_mou(actor, mou))
    if version.mou_id != mou.pk:
        raise ValidationError({"version": _("That version belongs to another MoU.")})
    if not reviewers:
        raise ValidationError({"reviewers": _("Name at least one reviewer.")})
    if any(not roles.is_internal(r) for r in reviewers):
        raise ValidationError({"reviewers": _("Reviewers are ministry or NIH people.")})
    review = ReviewRound(mou=mou, version=version, title=title, due_on=due_on, requested_by=actor)
    _save(review, actor)
    for reviewer in dict.fromkeys(reviewers):
        _save(ReviewRequest(round=review, reviewer=reviewer), actor)
    return review


@transaction.atomic
def review_answer(
    *, request: ReviewRequest, actor: User, decision: str, comment: str = ""
) -> ReviewRequest:
    """A named reviewer approves or requests changes; the round closes when all have answered."""
    if request.reviewer_id != actor.pk:
        raise PermissionDenied
    locked = ReviewRequest.objects.select_for_update().select_related("round").get(pk=request.pk)
    if locked.round.closed_at is not None:
        raise Conflict(_("This review round is closed."))
    if decision not in (ReviewRequest.Decision.APPROVED, ReviewRequest.Decision.CHANGES):
        raise ValidationError({"decision": _("Approve, or request changes.")})
    if decision == ReviewRequest.Decision.CHANGES and not comment.strip():
        raise ValidationError({"comment": _("Say which changes you ask for.")})
    locked.decision, locked.comment, locked.answered_at = decision, comment, timezone.now()
    _save(locked, actor, ["decision", "comment", "answered_at", "updated_at"])
    review = ReviewRound.objects.select_for_update().get(pk=locked.round_id)
    if not review.requests.filter(decision=ReviewRequest.Decision.PENDING).exists():
        review.closed_at = timezone.now()
        _save(review, actor, ["closed_at", "updated_at"])
    return locked


@transaction.atomic
def clearance_record(
    *, clearance: Clearance, actor: User, decision: str, reference: str = "",
    decided_on: dt.date | None = None, note: str = "",
) -> Clearance:  # fmt: skip
    """Record a step of the clearance chain: cleared or refused, with its reference."""
    _require(policies.can_manage_mou(actor, clearance.mou))
    locked = Clearance.objects.select_for_update().get(pk=clearance.pk)
    locked.decision, locked.reference, locked.note = decision, reference, note
    pending = decision == Clearance.Decision.PENDING
    locked.decided_on = None if pending else (decided_on or timezone.localdate())
    locked.recorded_by = actor
    _save(
        locked, actor, ["decision", "reference", "note", "decided_on", "recorded_by", "updated_at"]
    )
    _touch(locked.mou)
    if decision == Clearance.Decision.CLEARED:
        following = (
            locked.mou.clearances.filter(decision=Clearance.Decision.PENDING)
            .order_by("position")
            .first()
        )
        if following is not None:
            emit(
                type="mou.clearance_awaited",
                subject=locked.mou,
                actor=actor,
                payload={"clearance": following.name, "after": locked.name},
            )
    return locked


# Signing -------------------------------------------------------------------------------------


@transaction.atomic
def signatory_add(
    *, mou: Mou, actor: User | None, name: str, title: str, party: str, order: int = 0,
    is_witness: bool = False,
) -> Signatory:  # fmt: skip
    """Name a signatory (next in order unless given) or a witness, until the MoU is signed."""
    if actor is not None:
        _require(policies.can_manage_mou(actor, mou))
    if mou.status in SIGNED_STATUSES:
        raise Conflict(_("Signatories are fixed once the MoU is signed."))
    if not is_witness and not party:
        raise ValidationError({"party": _("Say which party the signatory signs for.")})
    if not is_witness and not order:
        order = (mou.signatories.filter(is_witness=False).aggregate(m=Max("order"))["m"] or 0) + 1
    signatory = Signatory(
        mou=mou, name=name, title=title, party=party, order=order, is_witness=is_witness
    )
    _save(signatory, actor)
    return signatory


def signature_refusal(
    *, mou: Mou, signatory: Signatory, actor: User, signers: list[Signatory],
    in_step: selectors.InStepCheck, declined: bool = False, decline_reason: str = "",
) -> DomainError | ValidationError | None:  # fmt: skip
    """Why recording this signatory's signature (or refusal, `declined`, with its reason) would
    be refused now, or None: the MoU approved for signature, the answer still pending, the
    signing order, a refusal's reason, both languages in step (signing only) and maker-checker (the approver of the text does not
    record every signature alone). The service raises it; the signing page offers "Record
    signature" only where it is None. `signers` are the MoU's signatories in order."""
    if mou.status != Mou.Status.APPROVED:
        return TransitionNotAllowed(
            _("Signatures are recorded once the MoU is approved for signature.")
        )
    if signatory.answer != Signatory.Answer.PENDING:
        return Conflict(_("This signatory's answer is already recorded."))
    if not signatory.is_witness:
        earlier = [
            s for s in signers if s.order < signatory.order and s.answer != Signatory.Answer.SIGNED
        ]
        if earlier:
            return Conflict(
                _("%(name)s signs first (order %(n)s).")
                % {"name": earlier[0].name, "n": earlier[0].order},
                code="signing_order",
            )
    if declined:
        if not decline_reason.strip():
            return ValidationError({"decline_reason": _("Record why the signatory declined.")})
        return None
    if not in_step.is_clear:
        return out_of_step_conflict(in_step)
    pending_after = [
        s for s in signers if s.pk != signatory.pk and s.answer == Signatory.Answer.PENDING
    ]
    if (not signatory.is_witness and not pending_after and mou.approved_by_id == actor.pk
            and all(s.recorded_by_id == actor.pk for s in signers if s.pk != signatory.pk)):  # fmt: skip
        return Conflict(
            _(
                "The approver of the text cannot record every signature alone: another officer records one."
            ),
            code="maker_checker",
        )
    return None


@transaction.atomic
def signature_record(
    *, signatory: Signatory, actor: User, signed_on: dt.date, place: str,
    declined: bool = False, decline_reason: str = "",
) -> Signatory:  # fmt: skip
    """Record a signature (or a refusal) in order; the last signature makes the MoU signed.

    Maker and checker: the person who approved the text for signature may record signatures,
    but not all of them.
    """
    mou = _lock_mou(signatory.mou)
    _require(policies.can_record_signature(actor, mou))
    locked = Signatory.objects.select_for_update().get(pk=signatory.pk)
    signers = list(mou.signatories.filter(is_witness=False).order_by("order"))
    refusal = signature_refusal(
        mou=mou, signatory=locked, actor=actor, signers=signers,
        in_step=selectors.in_step_check(mou), declined=declined, decline_reason=decline_reason,
    )  # fmt: skip
    if refusal is not None:
        raise refusal
    if declined:
        locked.answer, locked.decline_reason = Signatory.Answer.DECLINED, decline_reason
    else:
        locked.answer = Signatory.Answer.SIGNED
    pending_after = [
        s for s in signers if s.pk != locked.pk and s.answer == Signatory.Answer.PENDING
    ]
    locked.signed_on, locked.place, locked.recorded_by = signed_on, place, actor
    _save(
        locked,
        actor,
        ["answer", "decline_reason", "signed_on", "place", "recorded_by", "updated_at"],
    )
    if not declined and not locked.is_witness and not pending_after:
        MOU_FLOW.apply(mou, "mark_signed", actor=actor,
                       comment=_("All parties signed; last signature recorded on %(day)s.") % {"day": format_date(signed_on)})  # fmt: skip
    elif not declined and not locked.is_witness:
        _signature_awaited(mou, actor)
    return locked


def file_sha256(upload: Any) -> str:
    """The SHA-256 of an uploaded file, read in chunks; the file is left at its start."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def signed_copy_upload(*, mou: Mou, actor: User, upload: Any) -> SignedCopy:
    """Keep the scanned signed MoU (a PDF) and its SHA-256; it is never replaced."""
    _require(policies.can_record_signature(actor, mou))
    mou = _lock_mou(mou)
    if mou.status not in BINDING_STATUSES:
        raise Conflict(_("The signed copy is uploaded once every party has signed."))
    if SignedCopy.objects.filter(mou=mou).exists():
        raise Conflict(_("The signed copy is already on record; it cannot be replaced."))
    validate_pdf(upload, field="file")
    copy = SignedCopy(mou=mou, sha256=file_sha256(upload), size=upload.size, uploaded_by=actor)
    copy.file.save(upload.name or "signed.pdf", upload, save=False)
    _save(copy, actor)
    return copy


def signed_copy_matches(*, mou: Mou, upload: Any) -> bool:
    """Whether a file is exactly the signed copy on record (same SHA-256)."""
    copy = SignedCopy.objects.filter(mou=mou).first()
    return copy is not None and file_sha256(upload) == copy.sha256


@transaction.atomic
def mou_enter_into_force(*, mou: Mou, actor: User, effective_on: dt.date, comment: str = "") -> Mou:
    """Record the effective date; the term gives the expiry (renewal) date."""
    locked = _lock_mou(mou)
    locked.effective_on = effective_on
    locked.expires_on = _add_months(effective_on, locked.term_months)
    if locked.status == Mou.Status.SIGNED and policies.can_manage_mou(actor, locked):
        _save(locked, actor, ["effective_on", "expires_on", "updated_at"])
    moved: Mou = MOU_FLOW.apply(locked, "enter_into_force", actor=actor, comment=comment)
    return moved


# Obligations ---------------------------------------------------------------------------------


@transaction.atomic
def obligation_add(
    *, mou: Mou, actor: User | None, party: str, description: str, due_on: dt.date,
    owner: User | None = None, clause: Clause | None = None,
) -> Obligation:  # fmt: skip
    """Record what a party must do under a signed MoU, by when, and who follows it up."""
    if actor is not None:
        _require(policies.can_manage_mou(actor, mou))
    mou = _lock_mou(mou)
    if mou.status not in BINDING_STATUSES:
        raise Conflict(_("Obligations are recorded once the MoU is signed."))
    obligation = Obligation(mou=mou, party=party, description=description, due_on=due_on, owner=owner,
                            clause=clause)  # fmt: skip
    _save(obligation, actor)
    return obligation


@transaction.atomic
def obligation_transition(
    *, obligation: Obligation, name: str, actor: User | None, comment: str = "",
    expected_version: int | None = None,
) -> Obligation:  # fmt: skip
    """Start, meet, waive or reopen an obligation (OBLIGATION_FLOW)."""
    moved: Obligation = OBLIGATION_FLOW.apply(
        obligation, name, actor=actor, comment=comment, expected_version=expected_version
    )
    return moved
