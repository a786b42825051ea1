"""Follow and unfollow a record (POST; htmx swaps the button, without JS the page reloads)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.types import AuthenticatedHttpRequest

from . import registry
from .services import can_follow, follow_set
from .templatetags.events_tags import follow_context


@require_POST
def follow_view(request: AuthenticatedHttpRequest, label: str, pk: int) -> HttpResponse:
    kind = registry.subject_kind_for_label(label)
    if kind is None or not kind.followable:
        raise Http404
    subject = kind.model._default_manager.filter(pk=pk).first()
    if subject is None or not can_follow(request.user, subject):
        raise Http404
    following = request.POST.get("following") == "1"
    try:
        follow_set(user=request.user, subject=subject, following=following, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    if getattr(request, "htmx", False):
        return render(
            request,
            "events/includes/_follow_button.html",
            follow_context(request.user, subject),
        )
    if following:
        messages.success(request, _("You follow this now: you are told of every change."))
    else:
        messages.success(request, _("You no longer follow this."))
    return redirect(kind.url(subject))
