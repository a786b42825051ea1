from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events and webhooks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.notifications import register_topic

        from . import registry
        from .models import WebhookSubscription
        from .notices import NOTICES

        for notice in NOTICES:
            registry.register_notice(notice)
            register_topic(notice)
        registry.check_types()
        # A subscription is the subject of its own test events, seen by its owner only.
        registry.register_subject(
            registry.SubjectKind(
                model=WebhookSubscription,
                visible=lambda user: WebhookSubscription.objects.filter(
                    owner_id=getattr(user, "pk", None)
                ),
                serialize=lambda obj, viewer: {"id": obj.pk, "name": obj.name},
                title=lambda obj: obj.name,
                url=lambda obj: "",
                audience=lambda event, obj: [],
            )
        )
