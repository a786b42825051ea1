"""Authentication backend: the Administrator role holds every model permission (for the admin)."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ObjectDoesNotExist

from . import policies


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        """The signed-in user of a session, with their roles in the same query."""
        users = policies.with_role_names(get_user_model()._default_manager.all())
        try:
            user = users.get(pk=user_id)
        except ObjectDoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def has_perm(self, user_obj, perm, obj=None):
        if user_obj.is_active and policies.is_administrator(user_obj):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        if user_obj.is_active and policies.is_administrator(user_obj):
            return True
        return super().has_module_perms(user_obj, app_label)


class PortalAxesBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in AUTHENTICATION_BACKENDS.

    Every login form and the API token endpoint pass the request, so failures are counted per
    username and address. A call without a request (a script, the test client's `login()`)
    has no address to lock; it goes on to the password check, which still refuses bad
    credentials.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
