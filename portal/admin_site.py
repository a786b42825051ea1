"""Django's admin, opened to the Administrator role as well as to superusers."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    site_header = _("Genomics Collaboration Portal — administration")
    site_title = _("Genomics Portal admin")

    def has_permission(self, request):
        from . import policies  # the app registry is not ready when this module loads

        return bool(request.user.is_active and policies.is_administrator(request.user))


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"
