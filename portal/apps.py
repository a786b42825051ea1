from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def ensure_role_groups(sender: AppConfig, **kwargs: object) -> None:
    """Every role's group exists after any migrate or flush (a data migration made them first;
    a flush, as a transactional test's teardown does, would otherwise leave none)."""
    from django.contrib.auth.models import Group

    from .models import Role

    using = kwargs.get("using", "default")
    for role in Role:
        Group.objects.using(str(using)).get_or_create(name=role.value)


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from . import security  # noqa: F401 - connects the login and deactivation receivers
        from .caching import connect_invalidation
        from .models import Notification
        from .notifications import notification_written

        connect_invalidation()
        post_save.connect(notification_written, sender=Notification, dispatch_uid="unread-save")
        post_delete.connect(notification_written, sender=Notification, dispatch_uid="unread-del")

        post_migrate.connect(ensure_role_groups, sender=self)
