"""The portal's own pages: home, profile with API tokens, health check, error pages."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView

from . import policies
from .exceptions import DomainError
from .forms import ApiTokenCreateForm, ProfileForm
from .models import ApiToken
from .services import ProfileData, api_token_create, api_token_revoke, user_profile_update
from .types import AuthenticatedHttpRequest

logger = logging.getLogger(__name__)


def domain_error_message(request: HttpRequest, error: DomainError | PermissionDenied) -> None:
    """Show a refused action as an error message (the page-side twin of the API handler)."""
    if isinstance(error, PermissionDenied):
        messages.error(request, _("You do not have permission to do that."))
    else:
        messages.error(request, error.message)


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["is_internal"] = policies.is_internal(user)
        context["is_bgi_liaison"] = policies.is_bgi_liaison(user)
        context["can_use_api"] = policies.can_read_programme_status(user)
        return context


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
                user=request.user, name=form.cleaned_data["name"], actor=request.user
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


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
