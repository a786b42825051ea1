from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    name = "overview"
    verbose_name = _("Overview")

    def ready(self) -> None:
        """Give the MoU's and the visits' reminder kinds their viewer scope."""
        # Pages read the reminder kinds scoped to the viewer (portal.reminders.due_items). The
        # MoU's and the visits' kinds are declared without a scope and their records have no
        # `visible_to` of their own, so they are given one here, from the apps' selectors.
        # TODO(issue 13): pass these as `visible=` in mou/reminders.py and
        # delegations/reminders.py, and drop this.
        from delegations.selectors import logistics_tasks_visible_to, members_visible_to
        from mou.selectors import (
            mous_with_deadlines_visible_to,
            obligations_visible_to,
            review_requests_visible_to,
        )
        from portal.reminders import registry

        registry.scope("mou_review_due", review_requests_visible_to)
        registry.scope("mou_signing_deadline", mous_with_deadlines_visible_to)
        registry.scope("mou_obligation_due", obligations_visible_to)
        registry.scope("mou_expiry", mous_with_deadlines_visible_to)
        registry.scope("visit_task_due", logistics_tasks_visible_to)
        registry.scope("visit_visa_missing", members_visible_to)
