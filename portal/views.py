"""The portal's own pages: home, profile with API tokens, health check, error pages."""

import logging
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import check_for_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import ListView, TemplateView
from django.views.i18n import set_language
from django_otp import login as otp_login
from django_otp import user_has_device

from . import security
from .exceptions import DomainError
from .forms import ApiTokenCreateForm, NotificationPreferencesForm, ProfileForm, TwoFactorCodeForm
from .middleware import LANGUAGE_CHOSEN_SESSION_KEY
from .models import ApiToken, Notification
from .notifications import (
    notification_mark_all_read,
    notification_mark_read,
    notification_preferences_for,
    notification_preferences_update,
    notifications_for,
)
from .services import (
    ProfileData,
    api_token_create,
    api_token_revoke,
    two_factor_confirm,
    two_factor_disable,
    two_factor_pending_device,
    user_language_set,
    user_profile_update,
)
from .types import AuthenticatedHttpRequest

logger = logging.getLogger(__name__)


def domain_error_message(request: HttpRequest, error: DomainError | PermissionDenied) -> None:
    """Show a refused action as an error message (the page-side twin of the API handler)."""
    if isinstance(error, PermissionDenied):
        messages.error(request, _("You do not have permission to do that."))
    else:
        messages.error(request, error.message)


class ProfileView(TemplateView):
    template_name = "portal/profile.html"
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.setdefault("profile_form", ProfileForm(instance=user))
        context.setdefault("token_form", ApiTokenCreateForm())
        context["tokens"] = ApiToken.objects.filter(user=user)
        context["new_token_key"] = self.request.session.pop("new_token_key", None)
        return context

    def post(self, request, *args, **kwargs):
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            data = ProfileData(
                **{name: form.cleaned_data[name] for name in ProfileForm.Meta.fields}
            )
            try:
                user_profile_update(user=request.user, actor=request.user, data=data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Your profile was saved."))
                return redirect("profile")
        return self.render_to_response(self.get_context_data(profile_form=form), status=400)


@require_POST
def api_token_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ApiTokenCreateForm(request.POST)
    if form.is_valid():
        try:
            token, key = api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                actor=request.user,
                two_factor_verified=security.session_is_two_factor_verified(request),
            )
        except ValidationError as exc:
            form.add_error("name", exc.message_dict.get("name", exc.messages))
        except DomainError as exc:
            domain_error_message(request, exc)
            return redirect("profile")
        else:
            # Shown once on the next page, then gone: only the digest is kept.
            request.session["new_token_key"] = key
            messages.success(request, _("Token “%(name)s” created.") % {"name": token.name})
            return redirect("profile")
    view = ProfileView(request=request, kwargs={}, args=())
    return view.render_to_response(view.get_context_data(token_form=form), status=400)


@require_POST
def api_token_revoke_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("profile")


def _check_database() -> dict[str, object]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def _check_broker_and_workers() -> tuple[dict[str, object], dict[str, object]]:
    from portal.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}, {"ok": False, "count": 0}
    broker = {"ok": True, "transport": str(transport)}
    try:
        replies = app.control.ping(timeout=1.0) or []
    except Exception as exc:  # noqa: BLE001
        return broker, {"ok": False, "count": 0, "error": exc.__class__.__name__}
    return broker, {"ok": bool(replies), "count": len(replies)}


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, broker and worker state; 200 while the database answers, else 503."""
    database = _check_database()
    broker, workers = _check_broker_and_workers()
    healthy = database["ok"] and broker["ok"] and workers["ok"]
    body = {
        "status": "ok" if healthy else ("degraded" if database["ok"] else "down"),
        "database": database,
        "broker": broker,
        "workers": workers,
    }
    return JsonResponse(body, status=200 if database["ok"] else 503)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A request Django refused before any view (a body too large, too many fields)."""
    from django.views.defaults import bad_request

    from .api.exceptions import api_error_page

    return api_error_page(request, 400) or bad_request(request, exception or Exception())


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from .api.exceptions import api_error_page

    return api_error_page(request, 404) or render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    from .api.exceptions import api_error_page

    return api_error_page(request, 500) or render(request, "500.html", status=500)


@login_not_required
@require_POST
def language_set_view(request: HttpRequest) -> HttpResponse:
    """The language switcher: Django's `set_language` (cookie and redirect back), and the choice
    is remembered on the account: saved now when signed in, else at the next login."""
    language = request.POST.get("language", "")
    response = set_language(request)
    if language not in dict(settings.LANGUAGES):
        # Django's view accepts any language it has a catalogue for; the portal offers three.
        response.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    elif check_for_language(language):
        user = request.user
        if user.is_authenticated:
            user_language_set(user=user, actor=user, language=language)
        else:
            request.session[LANGUAGE_CHOSEN_SESSION_KEY] = language
    return response


# Two-factor login: set up an authenticator (profile), the second login step, turning it off.


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url("home")


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


class TwoFactorSetupView(TemplateView):
    """Show a new authenticator's QR code and secret; a correct code turns two-factor login on."""

    template_name = "portal/two_factor_setup.html"
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        confirmed = user_has_device(user, confirmed=True)
        context["confirmed"] = confirmed
        context["required"] = security.two_factor_required(user)
        context.setdefault("form", TwoFactorCodeForm())
        context["next"] = _safe_next(self.request)
        if not confirmed:
            device = two_factor_pending_device(user=user)
            context["otpauth_url"] = device.config_url
            context["secret"] = b32encode(device.bin_key).decode()
            context["qr_svg"] = mark_safe(_qr_svg(device.config_url))  # noqa: S308 - our SVG
        context["breadcrumbs"] = [
            {"label": _("Your profile"), "url": resolve_url("profile")},
            {"label": _("Two-factor login"), "url": None},
        ]
        return context

    def post(self, request, *args, **kwargs):
        form = TwoFactorCodeForm(request.POST)
        if form.is_valid():
            try:
                device = two_factor_confirm(
                    user=request.user, token=form.cleaned_data["token"], actor=request.user
                )
            except ValidationError as exc:
                form.add_error("token", exc.message_dict.get("token", exc.messages))
            else:
                otp_login(request, device)
                security.forget_two_factor_step(request)
                messages.success(request, _("Two-factor login is on."))
                return redirect(_safe_next(request))
        return self.render_to_response(self.get_context_data(form=form), status=400)


@require_POST
def two_factor_disable_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TwoFactorCodeForm(request.POST)
    if form.is_valid():
        try:
            two_factor_disable(
                user=request.user,
                token=form.cleaned_data["token"],
                actor=request.user,
                required=security.two_factor_required(request.user),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except DomainError as exc:
            domain_error_message(request, exc)
        else:
            security.forget_two_factor_step(request)
            messages.success(request, _("Two-factor login is off."))
    else:
        messages.error(request, _("Enter the current code from your authenticator app."))
    return redirect("two-factor-setup")


class TwoFactorVerifyView(TemplateView):
    """The second login step: the code from the user's authenticator app."""

    template_name = "registration/two_factor_verify.html"
    request: AuthenticatedHttpRequest

    def get(self, request, *args, **kwargs):
        if security.two_factor_step(request) != "verify":
            return redirect(_safe_next(request))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", TwoFactorCodeForm())
        context["next"] = _safe_next(self.request)
        return context

    def post(self, request, *args, **kwargs):
        form = TwoFactorCodeForm(request.POST)
        if form.is_valid():
            device = security.second_factor_check(request, request.user, form.cleaned_data["token"])
            if device is not None:
                otp_login(request, device)
                security.forget_two_factor_step(request)
                return redirect(_safe_next(request))
            form.add_error("token", _("That code is not right. Enter the current code."))
        return self.render_to_response(self.get_context_data(form=form), status=400)


# --- notifications (the bell, the inbox and reminder settings) ----------------------------------


class NotificationListView(ListView):
    """The user's notifications, unread first, with "mark as read" per item and for all."""

    template_name = "portal/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 20
    request: AuthenticatedHttpRequest

    def get_queryset(self):
        return notifications_for(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [
            {"label": _("Home"), "url": reverse("home")},
            {"label": _("Notifications"), "url": None},
        ]
        return context


@require_POST
def notification_read_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark one notification as read: htmx swaps the item, without JS the page reloads."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(notification=notification, actor=request.user)
    if getattr(request, "htmx", False):
        response = render(
            request,
            "portal/includes/_notification_read.html",
            {"notification": notification},
        )
        response["HX-Trigger"] = "notifications-changed"
        return response
    messages.success(request, _("Marked as read."))
    return redirect(_notifications_back(request))


@require_POST
def notification_read_all_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark every unread notification as read."""
    count = notification_mark_all_read(user=request.user, actor=request.user)
    messages.success(
        request,
        ngettext("%(n)s notification marked as read.", "%(n)s notifications marked as read.", count)
        % {"n": count},
    )
    return redirect("notification-list")


def _notifications_back(request: HttpRequest) -> str:
    page = request.POST.get("page", "")
    url = reverse("notification-list")
    return f"{url}?page={page}" if page.isdigit() else url


class NotificationPreferencesView(TemplateView):
    """Per kind of reminder: e-mail on or off, immediately or in a daily digest."""

    template_name = "portal/notification_preferences.html"
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault(
            "form",
            NotificationPreferencesForm(rows=notification_preferences_for(self.request.user)),
        )
        context["breadcrumbs"] = [
            {"label": _("Home"), "url": reverse("home")},
            {"label": _("Your profile"), "url": reverse("profile")},
            {"label": _("Reminder settings"), "url": None},
        ]
        return context

    def post(self, request, *args, **kwargs):
        form = NotificationPreferencesForm(
            request.POST, rows=notification_preferences_for(request.user)
        )
        if form.is_valid():
            try:
                notification_preferences_update(
                    user=request.user, values=form.values(), actor=request.user
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Your reminder settings are saved."))
                return redirect("notification-preferences")
        return self.render_to_response(self.get_context_data(form=form), status=400)
