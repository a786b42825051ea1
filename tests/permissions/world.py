"""One programme with a record behind every URL: the demo programme plus what it leaves out
(a review round, a completed visit with its trip report and attachment, a second MoU signed and in
force with its signatories, signed copy and obligation).

The permission matrix requests every URL against this world as every identity.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from collaboration.models import (
    ActionItem,
    Capability,
    Indicator,
    Meeting,
    PriorityArea,
    Programme,
    Recommendation,
    TeamMembership,
)
from delegations import services as delegation_services
from delegations.models import BudgetLine, DelegationMember, ItineraryItem, LogisticsTask, Visit
from mou import services as mou_services
from mou.models import Clause, Clearance, Mou, MouVersion
from portal.demo import DEMO_USERS, seed_users
from portal.models import Notification, User
from portal.services import api_token_create

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

# Every identity the matrix plays, in the order it plays them: outsiders first, so a write
# that an insider may make never hides what an outsider would have seen before it.
IDENTITIES = [
    "anonymous",
    "bgi_liaison",
    "api_client",
    "nih_expert2",
    "nih_expert",
    "nih_lead",
    "ministry",
    "approver",
    "admin",
]


@dataclass
class World:
    users: dict[str, User]
    tokens: dict[str, str]
    objects: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.objects[name]
        except KeyError as error:
            raise AttributeError(name) from error


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def build_world() -> World:
    """Seed the demo programme and add the records it does not have."""
    from collaboration.demo import seed_collaboration
    from delegations.demo import seed_delegation
    from genebank.demo import seed_genebank
    from mou.demo import seed_mou

    seed_users(password=settings.DEMO_PASSWORD)
    names = [data.username for data in DEMO_USERS]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    programme = seed_collaboration(users=users)
    seed_delegation(programme=programme, users=users)
    seed_mou(programme=programme, users=users)
    seed_genebank(programme=programme, users=users)
    tokens = {}
    for name, user in users.items():
        _token, key = api_token_create(user=user, name="matrix", actor=user)
        tokens[name] = key

    world = World(users=users, tokens=tokens)
    o = world.objects
    o["programme"] = Programme.objects.get()
    o["priority_area"] = PriorityArea.objects.order_by("pk").first()
    o["capability"] = Capability.objects.order_by("pk").first()
    o["indicator"] = Indicator.objects.order_by("pk").first()
    o["recommendation"] = (
        Recommendation.objects.filter(status=Recommendation.Status.DRAFT).order_by("pk").first()
    )
    o["membership"] = TeamMembership.objects.filter(user=users["nih_expert2"]).first()
    o["meeting"] = Meeting.objects.order_by("pk").first()
    o["action_item"] = ActionItem.objects.order_by("pk").first()
    o["token"] = users["ministry"].api_tokens.order_by("pk").first()
    o["reset_uid"] = urlsafe_base64_encode(force_bytes(users["ministry"].pk))
    o["reset_token"] = default_token_generator.make_token(users["ministry"])
    o["notification"] = Notification.objects.create(
        recipient=users["ministry"], kind="action_item", title="Action item due in 3 days"
    )

    # The demo visit (shared with BGI) and its parts.
    visit = Visit.objects.order_by("pk").first()
    o["visit"] = visit
    o["member"] = DelegationMember.objects.filter(visit=visit).order_by("pk").first()
    o["logistics_task"] = LogisticsTask.objects.filter(visit=visit).order_by("pk").first()
    o["budget_line"] = BudgetLine.objects.filter(visit=visit).order_by("pk").first()
    o["itinerary_item"] = ItineraryItem.objects.filter(visit=visit).order_by("pk").first()

    # A visit under way, with its trip report and an attachment.
    from tests.factories import DelegationMemberFactory, VisitFactory

    travelling = VisitFactory(programme=programme, in_progress=True, title="Visit under way")
    DelegationMemberFactory(visit=travelling, user=users["nih_expert"])
    o["attachment"] = delegation_services.trip_report_attach(
        visit=travelling, actor=users["ministry"], title="Minutes", upload=_pdf("minutes.pdf")
    )
    o["report_visit"] = travelling

    # The demo MoU in drafting, with a shared version and a review round.
    mou = Mou.objects.order_by("pk").first()
    o["mou"] = mou
    o["clause"] = Clause.objects.filter(mou=mou).order_by("position", "pk").first()
    o["version"] = MouVersion.objects.filter(mou=mou).order_by("number").first()
    o["clearance"] = Clearance.objects.filter(mou=mou).order_by("pk").first()
    # The demo draft has clauses out of step: the ministry goes on under an override.
    mou_services.out_of_step_override_record(
        mou=mou, actor=users["ministry"], reason="The Chinese follows after legal vetting."
    )
    o["draft_version"] = mou_services.mou_version_publish(mou=mou, actor=users["ministry"])
    o["review_round"] = mou_services.review_round_open(
        mou=mou, version=o["version"], actor=users["ministry"], title="Legal review",
        reviewers=[users["nih_expert"], users["approver"]], due_on=dt.date(2027, 1, 15),
    )  # fmt: skip
    o["review_request"] = o["review_round"].requests.order_by("pk").first()

    # A second MoU, signed by both parties and in force, with its obligation.
    signed = mou_services.mou_create(
        programme=programme, title="Sample-sharing agreement", actor=users["ministry"]
    )
    for clearance in signed.clearances.all():
        mou_services.clearance_record(
            clearance=clearance, actor=users["ministry"], decision="cleared", reference="ref"
        )
    Mou.objects.filter(pk=signed.pk).update(status=Mou.Status.TEXT_AGREED)
    signed = mou_services.mou_transition(
        mou=Mou.objects.get(pk=signed.pk), name="approve_for_signature", actor=users["approver"]
    )
    first = mou_services.signatory_add(
        mou=signed, actor=users["ministry"], name="Secretary Health", title="Secretary", party="gop"
    )
    second = mou_services.signatory_add(
        mou=signed, actor=users["ministry"], name="President BGI", title="President", party="bgi"
    )
    mou_services.signature_record(
        signatory=first, actor=users["approver"], signed_on=dt.date(2027, 3, 1), place="Islamabad"
    )
    mou_services.signature_record(
        signatory=second, actor=users["ministry"], signed_on=dt.date(2027, 3, 2), place="Shenzhen"
    )
    signed = Mou.objects.get(pk=signed.pk)
    mou_services.signed_copy_upload(mou=signed, actor=users["approver"], upload=_pdf("signed.pdf"))
    o["signed_mou"] = signed
    o["signatory"] = second
    o["obligation"] = mou_services.obligation_add(
        mou=signed, actor=users["ministry"], party="gop", description="Share the gene bank plan",
        due_on=dt.date(2027, 6, 30), owner=users["ministry"],
    )  # fmt: skip
    # The demo gene bank: a cohort, the signed MTA, an approval, and a transfer to BGI that the
    # ministry approved (so BGI's liaison sees it).
    from genebank.models import Agreement, Approval, Cohort, Transfer

    o["cohort"] = Cohort.objects.order_by("pk").first()
    o["agreement"] = Agreement.objects.get(reference="MTA-NIH-BGI-2026-01")
    o["approval"] = Approval.objects.order_by("pk").first()
    o["transfer"] = Transfer.objects.get(reference="TR-2026-002")
    # A report ministry staff asked for, built and ready to download.
    from reports import services as report_services

    report = report_services.report_request(
        actor=users["ministry"], kind="action_items", format="xlsx"
    )
    o["report"] = report_services.report_build(report_id=report.pk, actor=None)
    # A webhook subscription of the administrator, with one delivered event in its log.
    from events.models import Event, WebhookDelivery
    from events.webhooks import SubscriptionData, webhook_subscription_create

    o["webhook"] = webhook_subscription_create(
        owner=users["admin"], actor=None,
        data=SubscriptionData(name="Matrix", target_url="https://hooks.example.org/m", event_types=[]),
    )  # fmt: skip
    o["webhook_delivery"] = WebhookDelivery.objects.create(
        subscription=o["webhook"], event=Event.objects.order_by("pk").first(), status="succeeded",
        attempts=1, delivered_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    return world
