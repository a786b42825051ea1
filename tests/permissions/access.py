"""What each identity may do at each URL: the one table the permission matrix checks.

Each URL name maps its methods to the identities that may use them ("let in": served, or their
input refused on its merits). A method or identity not listed must be refused: sent to log in,
403, 404 or 405. A URL missing from this table fails the matrix; so does one listed here that no
longer exists. Object rules are exercised on the matrix world (tests/permissions/world.py): for
instance the recommendation is a draft of the NIH team, the notification and the API token
belong to ministry staff, the review request is the NIH expert's, the report was asked for by
ministry staff.
"""

PAGE_METHODS = ["GET", "POST"]
API_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


EVERYONE = roles(
    "anonymous", "bgi_liaison", "api_client", "nih_expert2", "nih_expert", "nih_lead", "ministry",
    "approver", "admin",
)  # fmt: skip
SIGNED_IN = EVERYONE - {"anonymous"}
# Government and the portal's administrator: every internal record.
INTERNAL = roles("nih_expert2", "nih_expert", "nih_lead", "ministry", "approver", "admin")
# Who reads programme status: internal people and machine accounts (never BGI's liaison).
STATUS_READERS = INTERNAL | {"api_client"}
# People: internal people and BGI's liaison (what is shared with BGI); never machine accounts.
PEOPLE = INTERNAL | {"bgi_liaison"}
GOVERNMENT = INTERNAL - {"admin"}
MINISTRY = roles("ministry", "approver")
MINISTRY_ADMIN = MINISTRY | {"admin"}
NIH = roles("nih_expert2", "nih_expert", "nih_lead")

ACCESS: dict[str, dict[str, frozenset[str]]] = {
    "api-docs": {"GET": STATUS_READERS},
    "api:action-item-detail": {"GET": STATUS_READERS},
    "api:action-item-list": {"GET": SIGNED_IN},
    "api:action-item-transitions": {
        "GET": STATUS_READERS,
        "POST": roles("nih_lead", "ministry", "approver"),
    },
    "api:capability-detail": {"GET": STATUS_READERS},
    "api:capability-list": {"GET": SIGNED_IN},
    "api:me": {"GET": SIGNED_IN},
    "api:meeting-detail": {"GET": STATUS_READERS},
    "api:meeting-list": {"GET": SIGNED_IN},
    "api:mou-detail": {"GET": SIGNED_IN},
    # BGI compares shared versions only; the matrix asks about an unshared one.
    "api:mou-diff": {"GET": STATUS_READERS},
    "api:mou-list": {"GET": SIGNED_IN},
    "api:mou-obligations": {"GET": STATUS_READERS},
    "api:mou-signatures": {"GET": STATUS_READERS},
    "api:mou-transitions": {"GET": STATUS_READERS, "POST": MINISTRY},
    "api:mou-verify": {"POST": INTERNAL},
    "api:mou-version-detail": {"GET": SIGNED_IN},
    "api:mou-versions": {"GET": SIGNED_IN},
    "api:notification-detail": {"GET": roles("ministry")},
    "api:notification-list": {"GET": SIGNED_IN},
    "api:notification-read": {"POST": roles("ministry")},
    "api:notification-read-all": {"POST": SIGNED_IN},
    "api:priority-area-detail": {"GET": STATUS_READERS},
    "api:priority-area-list": {"GET": SIGNED_IN},
    "api:programme-detail": {"GET": STATUS_READERS},
    "api:programme-list": {"GET": SIGNED_IN},
    "api:recommendation-comments": {"GET": STATUS_READERS, "POST": GOVERNMENT},
    "api:recommendation-detail": {"GET": STATUS_READERS, "PUT": NIH, "PATCH": NIH},
    "api:recommendation-diff": {"GET": STATUS_READERS},
    "api:recommendation-list": {"GET": SIGNED_IN, "POST": NIH},
    "api:recommendation-transitions": {"GET": STATUS_READERS, "POST": GOVERNMENT},
    "api:recommendation-versions": {"GET": STATUS_READERS},
    "api:report-detail": {"GET": MINISTRY_ADMIN},
    "api:report-download": {"GET": MINISTRY_ADMIN},
    "api:report-list": {
        "GET": roles("api_client", "nih_lead", "ministry", "approver", "admin"),
        "POST": roles("api_client", "nih_lead", "ministry", "approver", "admin"),
    },
    "api:root": {"GET": SIGNED_IN},
    # The feed lists what each caller may see (an empty list for someone who sees nothing).
    "api:event-list": {"GET": SIGNED_IN},
    # Webhooks: administrators, and API clients only once given events.add_webhooksubscription.
    "api:webhook-list": {"GET": roles("admin"), "POST": roles("admin")},
    "api:webhook-detail": {"GET": roles("admin"), "PUT": roles("admin")},
    "api:webhook-deliveries": {"GET": roles("admin")},
    "api:webhook-send-test": {"POST": roles("admin")},
    "api:webhook-redeliver": {"POST": roles("admin")},
    "api:schema": {"GET": STATUS_READERS},
    "api:search": {"GET": PEOPLE},
    "api:site-detail": {"GET": SIGNED_IN},
    "api:site-list": {"GET": SIGNED_IN},
    "api:status": {"GET": STATUS_READERS},
    "api:team-member-detail": {"GET": STATUS_READERS},
    "api:team-member-list": {"GET": SIGNED_IN},
    "api:token-detail": {"GET": roles("ministry"), "DELETE": roles("ministry")},
    "api:token-list": {"GET": SIGNED_IN},
    "api:token-login": {"POST": EVERYONE},
    "api:trace": {"GET": INTERNAL},
    "api:visit-calendar": {"GET": SIGNED_IN},
    "api:visit-detail": {"GET": SIGNED_IN},
    "api:visit-list": {"GET": SIGNED_IN},
    "api:visit-transitions": {
        "GET": STATUS_READERS,
        "POST": roles("nih_lead", "ministry", "approver"),
    },
    "collaboration:action-item-create": {"GET": MINISTRY, "POST": MINISTRY},
    "collaboration:action-item-detail": {"GET": INTERNAL},
    "collaboration:action-item-list": {"GET": INTERNAL},
    "collaboration:action-item-transition": {"POST": INTERNAL},
    "collaboration:action-item-update": {"GET": MINISTRY, "POST": MINISTRY},
    "collaboration:capability-list": {"GET": INTERNAL},
    "collaboration:decision-add": {"POST": MINISTRY},
    "collaboration:indicator-value-record": {
        "POST": roles("nih_expert", "nih_lead", "ministry", "approver")
    },
    "collaboration:meeting-create": {"GET": MINISTRY, "POST": MINISTRY},
    "collaboration:meeting-detail": {"GET": INTERNAL},
    "collaboration:meeting-list": {"GET": INTERNAL},
    "collaboration:meeting-update": {"GET": MINISTRY, "POST": MINISTRY},
    "collaboration:my-work": {"GET": INTERNAL},
    "collaboration:priority-area-detail": {"GET": INTERNAL},
    "collaboration:priority-area-list": {"GET": INTERNAL},
    "collaboration:priority-area-transition": {"POST": INTERNAL},
    "collaboration:programme-detail": {"GET": INTERNAL},
    "collaboration:recommendation-archive": {"POST": roles("nih_lead", "ministry", "approver")},
    "collaboration:recommendation-comment": {"POST": GOVERNMENT},
    "collaboration:recommendation-create": {"GET": NIH, "POST": NIH},
    "collaboration:recommendation-detail": {"GET": INTERNAL},
    # Follow / Unfollow: whoever sees the record's page (the matrix asks about a recommendation).
    "events:follow": {"POST": INTERNAL},
    "collaboration:recommendation-diff": {"GET": INTERNAL},
    "collaboration:recommendation-list": {"GET": INTERNAL},
    "collaboration:recommendation-transition": {"POST": INTERNAL},
    "collaboration:recommendation-update": {"GET": NIH, "POST": NIH},
    "collaboration:recommendation-versions": {"GET": INTERNAL},
    "collaboration:team-detail": {"GET": INTERNAL},
    "collaboration:team-member-add": {"GET": roles("nih_lead"), "POST": roles("nih_lead")},
    "collaboration:team-member-end": {"POST": roles("nih_lead")},
    "collaboration:team-update": {"GET": roles("nih_lead"), "POST": roles("nih_lead")},
    "delegations:attachment-create": {"POST": roles("nih_expert", "ministry", "approver")},
    "delegations:attachment-download": {"GET": INTERNAL},
    "delegations:budget-line-update": {"GET": MINISTRY, "POST": MINISTRY},
    "delegations:finding-create": {"POST": roles("nih_expert", "ministry", "approver")},
    "delegations:itinerary-item-create": {"GET": MINISTRY, "POST": MINISTRY},
    "delegations:itinerary-item-remove": {"POST": MINISTRY},
    "delegations:itinerary-item-update": {"GET": MINISTRY, "POST": MINISTRY},
    "delegations:logistics-done": {"POST": MINISTRY},
    "delegations:member-calendar": {"GET": INTERNAL},
    "delegations:member-create": {"GET": MINISTRY, "POST": MINISTRY},
    "delegations:member-remove": {"POST": MINISTRY},
    "delegations:member-update": {"GET": MINISTRY, "POST": MINISTRY},
    "delegations:objective-create": {"POST": MINISTRY},
    "delegations:site-list": {"GET": PEOPLE},
    "delegations:trip-report": {
        "GET": INTERNAL,
        "POST": roles("nih_expert", "ministry", "approver"),
    },
    "delegations:trip-report-submit": {"POST": MINISTRY},
    "delegations:visit-briefing-pack": {"GET": INTERNAL},
    "delegations:visit-budget": {"GET": INTERNAL, "POST": MINISTRY},
    "delegations:visit-calendar": {"GET": PEOPLE},
    "delegations:visit-create": {"GET": MINISTRY, "POST": MINISTRY},
    "delegations:visit-detail": {"GET": PEOPLE},
    "delegations:visit-invitation": {"GET": MINISTRY, "POST": MINISTRY},
    "delegations:visit-invitation-download": {"GET": INTERNAL},
    "delegations:visit-itinerary": {"GET": PEOPLE},
    "delegations:visit-list": {"GET": PEOPLE},
    "delegations:visit-logistics": {"GET": INTERNAL, "POST": MINISTRY},
    "delegations:visit-members": {"GET": INTERNAL},
    "delegations:visit-share": {"POST": MINISTRY},
    "delegations:visit-transition": {"POST": INTERNAL},
    "delegations:visit-update": {"GET": MINISTRY, "POST": MINISTRY},
    "healthz": {"GET": EVERYONE},
    "home": {"GET": SIGNED_IN},
    "login": {"GET": EVERYONE, "POST": EVERYONE},
    "logout": {"POST": SIGNED_IN},
    "mou:clause-clear-out-of-step": {"POST": MINISTRY},
    "mou:clause-create": {"GET": MINISTRY, "POST": MINISTRY},
    "mou:clause-from-recommendation": {"GET": MINISTRY, "POST": MINISTRY},
    "mou:clause-list": {"GET": INTERNAL},
    "mou:clause-move": {"POST": INTERNAL},
    "mou:clause-remove": {"POST": MINISTRY},
    "mou:clause-update": {"GET": MINISTRY, "POST": MINISTRY},
    "mou:clearance-record": {"GET": MINISTRY, "POST": MINISTRY},
    "mou:comment-create": {
        "POST": roles(
            "bgi_liaison", "nih_expert2", "nih_expert", "nih_lead", "ministry", "approver"
        )
    },
    "mou:entry-into-force": {"GET": MINISTRY, "POST": MINISTRY},
    "mou:mou-create": {"GET": MINISTRY, "POST": MINISTRY},
    "mou:mou-detail": {"GET": PEOPLE},
    "mou:mou-list": {"GET": PEOPLE},
    "mou:mou-transition": {"POST": INTERNAL},
    "mou:obligation-list": {"GET": INTERNAL, "POST": MINISTRY},
    "mou:obligation-transition": {"POST": INTERNAL},
    "mou:review-answer": {"POST": roles("nih_expert")},
    "mou:review-create": {"GET": MINISTRY, "POST": MINISTRY},
    "mou:review-detail": {"GET": INTERNAL},
    "mou:review-list": {"GET": INTERNAL},
    "mou:signatory-create": {"GET": MINISTRY, "POST": MINISTRY},
    "mou:signature-record": {"GET": MINISTRY, "POST": MINISTRY},
    "mou:signed-copy-download": {"GET": INTERNAL},
    "mou:signed-copy-upload": {"GET": MINISTRY, "POST": MINISTRY},
    "mou:signed-copy-verify": {"GET": INTERNAL, "POST": INTERNAL},
    "mou:signing": {"GET": INTERNAL},
    "mou:version-detail": {"GET": PEOPLE},
    "mou:version-diff": {"GET": PEOPLE},
    "mou:version-docx": {"GET": PEOPLE},
    "mou:version-list": {"GET": PEOPLE},
    "mou:version-pdf": {"GET": PEOPLE},
    "mou:version-publish": {"POST": MINISTRY},
    "mou:version-share": {"POST": MINISTRY},
    "notification-list": {"GET": SIGNED_IN},
    "notification-preferences": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "notification-read": {"POST": roles("ministry")},
    "notification-read-all": {"POST": SIGNED_IN},
    "overview:api-guide": {"GET": STATUS_READERS},
    "overview:timeline": {"GET": PEOPLE},
    "password_change": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "password_change_done": {"GET": SIGNED_IN},
    "password_reset": {"GET": EVERYONE, "POST": EVERYONE},
    "password_reset_complete": {"GET": EVERYONE},
    "password_reset_confirm": {"GET": EVERYONE, "POST": EVERYONE},
    "password_reset_done": {"GET": EVERYONE},
    "profile": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "reports:report-download": {"GET": MINISTRY_ADMIN},
    "reports:report-list": {"GET": roles("nih_lead", "ministry", "approver", "admin")},
    "reports:report-request": {"POST": roles("nih_lead", "ministry", "approver", "admin")},
    "reports:report-status": {"GET": MINISTRY_ADMIN},
    "search:search": {"GET": PEOPLE},
    "search:trace": {"GET": INTERNAL},
    "set_language": {"POST": EVERYONE},
    "token-create": {"POST": SIGNED_IN},
    "token-revoke": {"POST": roles("ministry")},
    "two-factor-disable": {"POST": SIGNED_IN},
    "two-factor-setup": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "two-factor-verify": {"GET": SIGNED_IN, "POST": SIGNED_IN},
}
