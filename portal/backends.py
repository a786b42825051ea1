"""Authentication backend: the Administrator role holds every model permission (for the admin)."""

from django.contrib.auth.backends import ModelBackend

from . import policies


class PortalBackend(ModelBackend):
    def has_perm(self, user_obj, perm, obj=None):
        if user_obj.is_active and policies.is_administrator(user_obj):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        if user_obj.is_active and policies.is_administrator(user_obj):
            return True
        return super().has_module_perms(user_obj, app_label)
