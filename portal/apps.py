from django.apps import AppConfig
from django.db.models.signals import post_migrate
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
        from .freshness import connect_stamps, ensure_stamps

        connect_stamps()

        post_migrate.connect(ensure_role_groups, sender=self)
        post_migrate.connect(ensure_stamps, sender=self, dispatch_uid="ensure-stamps")
