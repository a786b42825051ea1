"""`Idempotency-Key` for the API: a retried POST or PATCH is carried out once.

The first request with a key is recorded (user, key, method, path, request hash) before it
runs, and its answer is stored when it ends. A retry with the same key and the same request
gets that answer again with `Idempotent-Replayed: true`; the same key with a different request
is 422; a retry while the first is still running is 409. A 5xx answer is not kept, so the
client may retry. A request no endpoint takes (404, 405) is answered as without the header.
Keys expire after IDEMPOTENCY_KEY_TTL_HOURS (the periodic cleanup).
"""

import hashlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
METHODS = frozenset({"POST", "PATCH"})
KEPT_HEADERS = ("Content-Type", "Location", "ETag")
MAX_KEY_LENGTH = 255


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _request_hash(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() if request.method else b"")
    digest.update(b"\0" + request.get_full_path().encode() + b"\0")
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/") and request.method == "POST":
        _hash_form(digest, request)
    elif content_type.startswith("multipart/"):
        # Django parses forms of POSTs only; reading this body here would leave nothing for
        # the API's parser, so its length stands for it.
        digest.update(content_type.encode() + request.META.get("CONTENT_LENGTH", "").encode())
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _hash_form(digest: Any, request: HttpRequest) -> None:
    """A multipart POST by what it carries, not by its bytes: every client picks a new random
    boundary for each attempt, so a retry's bytes differ. Uploads are read in chunks (large
    ones from their temporary files); DRF reuses the parsed form (`request.POST`/`FILES`)."""
    for name, values in sorted(request.POST.lists()):
        for value in values:
            digest.update(b"field\0" + name.encode() + b"\0" + value.encode() + b"\0")
    for name, files in sorted(request.FILES.lists()):
        for upload in files:
            digest.update(b"file\0" + name.encode() + b"\0" + (upload.name or "").encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            digest.update(b"\0")


def _api_user(request: HttpRequest) -> Any:
    """The caller: a session user, or the owner of the API token in the Authorization header."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    header = request.headers.get("Authorization", "").split()
    if len(header) == 2 and header[0].lower() == "token":
        from .services import api_token_user

        found = api_token_user(header[1])
        if found is not None:
            return found[0]
    return None


def _endpoint_takes(request: HttpRequest) -> bool:
    """Whether an endpoint at this path answers this method. A request none takes gets its 404
    or 405 as without the header: a key is kept only for a write that can happen."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    method = (request.method or "").lower()
    actions = getattr(match.func, "actions", None)  # a ViewSet's routes: method -> action
    if actions is not None:
        return method in actions
    view_class = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
    return view_class is None or hasattr(view_class, method)


def _replay(record: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(record.response_body, status=record.status_code)
    for name, value in record.response_headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


class IdempotencyKeyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if not key or request.method not in METHODS or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not _endpoint_takes(request):
            return self.get_response(request)
        if len(key) > MAX_KEY_LENGTH:
            return _error(
                400, "invalid", _("The Idempotency-Key header is longer than 255 characters.")
            )
        user = _api_user(request)
        if user is None:  # anonymous: authentication answers (401) as usual
            return self.get_response(request)
        try:
            request_hash = _request_hash(request)
        except MultiPartParserError as error:
            # The same answer, in the API's error format, as without the header.
            return _error(
                400,
                "invalid",
                _("The multipart form could not be read: %(error)s") % {"error": error},
            )
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=user,
                    key=key,
                    method=request.method,
                    path=request.path[:500],
                    request_hash=request_hash,
                )
        except IntegrityError:
            existing = IdempotencyKey.objects.filter(user=user, key=key).first()
            if existing is None:  # expired between the insert and this read
                return _error(409, "idempotency_conflict", _("Retry the request."))
            if existing.request_hash != request_hash:
                return _error(
                    422,
                    "idempotency_key_reused",
                    _("This Idempotency-Key was used for a different request."),
                )
            if existing.status_code is None:
                return _error(
                    409,
                    "idempotency_in_progress",
                    _("A request with this Idempotency-Key is still being processed."),
                )
            return _replay(existing)

        try:
            response = self.get_response(request)
        except BaseException:
            IdempotencyKey.objects.filter(pk=record.pk).delete()
            raise
        if response.status_code >= 500 or getattr(response, "streaming", False):
            IdempotencyKey.objects.filter(pk=record.pk).delete()
            return response
        IdempotencyKey.objects.filter(pk=record.pk).update(
            status_code=response.status_code,
            response_body=response.content.decode(response.charset or "utf-8", "replace"),
            response_headers={name: response[name] for name in KEPT_HEADERS if name in response},
        )
        return response


def idempotency_keys_expire(*, now: Any = None) -> int:
    """Delete keys older than IDEMPOTENCY_KEY_TTL_HOURS; returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _details = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
