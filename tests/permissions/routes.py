"""Every URL of the portal, read from the URL configuration, with the arguments that name a real
record of the matrix world."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from tests.permissions.world import World


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    is_api: bool
    is_admin: bool


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            pattern = prefix + str(entry.pattern)
            # The API namespace authenticates with tokens; everything else (the API docs page
            # included) is a page with a session.
            yield Route(name, pattern, name.startswith("api:"), pattern.startswith("admin/"))


def all_routes() -> list[Route]:
    """Every named URL, once per name (format-suffix duplicates collapse into one)."""
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver()):
        seen.setdefault(route.name, route)
    return sorted(seen.values(), key=lambda r: r.name)


def _pk(attr: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": getattr(w, attr).pk}


def _version(w: World) -> dict[str, Any]:
    return {"pk": w.mou.pk, "number": w.version.number}


# URL name → the record it is asked about. A name with parameters that is missing here fails the
# matrix, so a new URL cannot slip through untested.
KWARGS: dict[str, Callable[[World], dict[str, Any]]] = {
    "token-revoke": lambda w: {"pk": w.token.pk},
    "notification-read": _pk("notification"),
    "reports:report-download": _pk("report"),
    "reports:report-status": _pk("report"),
    "search:trace": lambda w: {"kind": "recommendation", "pk": w.recommendation.pk},
    "password_reset_confirm": lambda w: {"uidb64": w.reset_uid, "token": w.reset_token},
    # collaboration
    "collaboration:recommendation-detail": _pk("recommendation"),
    "collaboration:recommendation-update": _pk("recommendation"),
    "collaboration:recommendation-transition": _pk("recommendation"),
    "collaboration:recommendation-comment": _pk("recommendation"),
    "collaboration:recommendation-archive": _pk("recommendation"),
    "collaboration:recommendation-versions": _pk("recommendation"),
    "collaboration:recommendation-diff": _pk("recommendation"),
    "collaboration:priority-area-detail": lambda w: {"slug": w.priority_area.slug},
    "collaboration:priority-area-transition": lambda w: {"slug": w.priority_area.slug},
    "collaboration:indicator-value-record": _pk("indicator"),
    "collaboration:team-member-end": _pk("membership"),
    "collaboration:meeting-detail": _pk("meeting"),
    "collaboration:meeting-update": _pk("meeting"),
    "collaboration:decision-add": _pk("meeting"),
    "collaboration:action-item-detail": _pk("action_item"),
    "collaboration:action-item-update": _pk("action_item"),
    "collaboration:action-item-transition": _pk("action_item"),
    # delegations
    "delegations:visit-detail": _pk("visit"),
    "delegations:visit-update": _pk("visit"),
    "delegations:visit-transition": _pk("visit"),
    "delegations:visit-share": _pk("visit"),
    "delegations:visit-invitation": _pk("visit"),
    "delegations:visit-invitation-download": _pk("visit"),
    "delegations:visit-members": _pk("visit"),
    "delegations:member-create": _pk("visit"),
    "delegations:member-update": _pk("member"),
    "delegations:member-remove": _pk("member"),
    "delegations:member-calendar": _pk("member"),
    "delegations:objective-create": _pk("visit"),
    "delegations:visit-logistics": _pk("visit"),
    "delegations:logistics-done": _pk("logistics_task"),
    "delegations:visit-budget": _pk("visit"),
    "delegations:budget-line-update": _pk("budget_line"),
    "delegations:visit-itinerary": _pk("visit"),
    "delegations:itinerary-item-create": _pk("visit"),
    "delegations:itinerary-item-update": _pk("itinerary_item"),
    "delegations:itinerary-item-remove": _pk("itinerary_item"),
    "delegations:visit-calendar": _pk("visit"),
    "delegations:visit-briefing-pack": _pk("visit"),
    "delegations:trip-report": _pk("report_visit"),
    "delegations:finding-create": _pk("report_visit"),
    "delegations:attachment-create": _pk("report_visit"),
    "delegations:attachment-download": _pk("attachment"),
    "delegations:trip-report-submit": _pk("report_visit"),
    # mou: drafting and review (the demo MoU), signing (the MoU in force)
    "mou:mou-detail": _pk("mou"),
    "mou:mou-transition": _pk("mou"),
    "mou:clause-list": _pk("mou"),
    "mou:clause-create": _pk("mou"),
    "mou:clause-from-recommendation": _pk("mou"),
    "mou:clause-update": _pk("clause"),
    "mou:clause-move": _pk("clause"),
    "mou:clause-remove": _pk("clause"),
    "mou:clause-clear-out-of-step": _pk("clause"),
    "mou:out-of-step-override": _pk("mou"),
    "mou:version-list": _pk("mou"),
    "mou:version-publish": _pk("mou"),
    "mou:version-detail": _version,
    "mou:version-share": _version,
    "mou:comment-create": _version,
    "mou:version-diff": _pk("mou"),
    "mou:version-pdf": _version,
    "mou:version-docx": _version,
    "mou:review-list": _pk("mou"),
    "mou:review-create": _pk("mou"),
    "mou:review-detail": _pk("review_round"),
    "mou:review-answer": _pk("review_request"),
    "mou:clearance-record": _pk("clearance"),
    "mou:signing": _pk("signed_mou"),
    "mou:signatory-create": _pk("signed_mou"),
    "mou:signature-record": _pk("signatory"),
    "mou:signed-copy-upload": _pk("signed_mou"),
    "mou:signed-copy-download": _pk("signed_mou"),
    "mou:signed-copy-verify": _pk("signed_mou"),
    "mou:entry-into-force": _pk("signed_mou"),
    "mou:obligation-list": _pk("signed_mou"),
    "mou:obligation-transition": _pk("obligation"),
    # genebank
    "genebank:cohort-detail": _pk("cohort"),
    "genebank:cohort-progress": _pk("cohort"),
    "genebank:consent-version-create": _pk("cohort"),
    "api:cohort-progress": _pk("cohort"),
    "api:cohort-consent-versions": _pk("cohort"),
    "genebank:agreement-detail": _pk("agreement"),
    "genebank:agreement-signed-copy-upload": _pk("agreement"),
    "genebank:agreement-signed-copy-download": _pk("agreement"),
    "genebank:transfer-detail": _pk("transfer"),
    "genebank:transfer-transition": _pk("transfer"),
    "api:cohort-detail": _pk("cohort"),
    "api:agreement-detail": _pk("agreement"),
    "api:approval-detail": _pk("approval"),
    "api:transfer-detail": _pk("transfer"),
    "api:transfer-transitions": _pk("transfer"),
    "api:transfer-checks": _pk("transfer"),
    # API
    "api:token-detail": lambda w: {"pk": w.token.pk},
    "api:notification-detail": _pk("notification"),
    "api:notification-read": _pk("notification"),
    "api:report-detail": _pk("report"),
    "api:report-download": _pk("report"),
    "api:trace": lambda w: {"kind": "recommendation", "id": w.recommendation.pk},
    "api:programme-detail": _pk("programme"),
    "api:priority-area-detail": lambda w: {"slug": w.priority_area.slug},
    "api:capability-detail": _pk("capability"),
    "api:team-member-detail": _pk("membership"),
    "api:recommendation-detail": _pk("recommendation"),
    "api:recommendation-comments": _pk("recommendation"),
    "api:recommendation-diff": _pk("recommendation"),
    "api:recommendation-transitions": _pk("recommendation"),
    "api:recommendation-versions": _pk("recommendation"),
    "api:meeting-detail": _pk("meeting"),
    "api:action-item-detail": _pk("action_item"),
    "api:action-item-transitions": _pk("action_item"),
    "api:visit-detail": _pk("visit"),
    "api:visit-transitions": _pk("visit"),
    "api:visit-calendar": _pk("visit"),
    "api:site-detail": lambda w: {"pk": w.itinerary_item.site_id},
    "api:mou-detail": _pk("mou"),
    "api:mou-diff": _pk("mou"),
    "api:mou-obligations": _pk("signed_mou"),
    "api:mou-signatures": _pk("signed_mou"),
    "api:mou-transitions": _pk("mou"),
    "api:mou-verify": _pk("signed_mou"),
    "api:mou-version-detail": _version,
    "api:mou-versions": _pk("mou"),
    "api:meeting-decisions": _pk("meeting"),
    "api:visit-members": _pk("visit"),
    "api:visit-member-detail": lambda w: {"pk": w.member.visit_id, "member_id": w.member.pk},
    "api:visit-objectives": _pk("visit"),
    "api:visit-itinerary": _pk("visit"),
    "api:visit-itinerary-item": lambda w: {
        "pk": w.itinerary_item.visit_id,
        "item_id": w.itinerary_item.pk,
    },
    "api:mou-clauses": _pk("mou"),
    "api:mou-clause-detail": lambda w: {"pk": w.clause.mou_id, "clause_id": w.clause.pk},
    "api:mou-version-share": _version,
    "api:mou-clauses-override": _pk("mou"),
    "api:mou-version-comments": _version,
    "api:webhook-detail": _pk("webhook"),
    "api:webhook-deliveries": _pk("webhook"),
    "api:webhook-send-test": _pk("webhook"),
    "api:webhook-redeliver": lambda w: {"pk": w.webhook.pk, "delivery_id": w.webhook_delivery.pk},
    "events:follow": lambda w: {"label": "collaboration.recommendation", "pk": w.recommendation.pk},
}


# URL name → form data for its POST, where an empty form cannot show who is let in (the view
# answers 404 for a missing record before it asks who is writing).
POST_DATA: dict[str, Callable[[World], dict[str, Any]]] = {
    "mou:comment-create": lambda w: {
        "clause": w.version.clauses.order_by("position").first().pk,
        "body": "A comment from the permission matrix",
    },
}

# URL name → query string for its GET, where the answer depends on one (a diff names its versions).
QUERY: dict[str, Callable[[World], dict[str, Any]]] = {
    "api:recommendation-diff": lambda w: {"from": 1, "to": w.recommendation.versions.count()},
    "api:mou-diff": lambda w: {"from": w.version.number, "to": w.draft_version.number},
    "api:search": lambda w: {"q": "thalassemia"},
}
