"""One JSON error shape for the whole API: {"error": {"code", "message", "fields"?}}."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

from portal.exceptions import DomainError, StaleVersion

from .parsers import PayloadTooLarge

_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "throttled",
}


def _input_refused(exc: SuspiciousOperation) -> exceptions.APIException:
    """Django's refusals of a request's body (too large, too many fields or files), as the API
    says them."""
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge(_("The request body is too large."))
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return exceptions.ParseError(_("The request has too many fields or files."))
    return exceptions.ParseError(_("The request could not be read."))


def _refused_unauthenticated(exc, context) -> Response | None:
    """A call without credentials, or with a token that does not work, counts towards the
    anonymous rate (`anon`); past it the answer is 429, so keys cannot be guessed at speed."""
    from .throttling import AnonRateThrottle

    request, view = context.get("request"), context.get("view")
    if request is None:
        return None
    throttle = AnonRateThrottle()
    if throttle.allow_request(request, view):
        return None
    wait = throttle.wait()
    throttled = exceptions.Throttled(wait)
    response = Response(
        error_body("throttled", str(throttled.detail)), status=status.HTTP_429_TOO_MANY_REQUESTS
    )
    if wait is not None:
        response["Retry-After"] = str(int(wait))
    return response


def _answer_in_json(context) -> None:
    """Errors are JSON whatever format the endpoint was asked for (a download's
    `?format=pdf` must not label an error body application/pdf)."""
    request = context.get("request")
    if request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = "application/json"


def _flatten(detail):
    if isinstance(detail, list):
        return [
            str(item) if not isinstance(item, dict | list) else _flatten(item) for item in detail
        ]
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    return [str(detail)]


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    error: dict = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def api_exception_handler(exc, context):
    """Map domain errors, Django errors and DRF errors to one shape; anything else is a 500."""
    response = _api_exception_response(exc, context)
    if response is not None:
        _answer_in_json(context)
    return response


def _api_exception_response(exc, context):
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        throttled = _refused_unauthenticated(exc, context)
        if throttled is not None:
            return throttled
    if isinstance(exc, SuspiciousOperation):
        exc = _input_refused(exc)
    if isinstance(exc, DomainError):
        body = error_body(exc.code, exc.message)
        if isinstance(exc, StaleVersion) and exc.current is not None:
            body["error"]["current_version"] = exc.current
        domain_response = Response(body, status=exc.status_code)
        if isinstance(exc, StaleVersion) and exc.current is not None:
            domain_response["ETag"] = f'"{exc.current}"'
        return domain_response
    if isinstance(exc, DjangoValidationError):
        fields = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(fields)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    code = _CODES.get(response.status_code, "error")
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body(code, _("Some fields are not valid."), _flatten(detail))
    else:
        message = str(getattr(exc, "detail", "") or _("Request failed."))
        response.data = error_body(code, message)
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = "Token"
    return response


def api_error_page(request, status_code: int) -> JsonResponse | None:
    """The JSON error for a request under /api/ that Django answers itself (no endpoint matched,
    or an uncaught error); None elsewhere, where the HTML page is right."""
    if not request.path_info.startswith("/api/"):
        return None
    if status_code == status.HTTP_404_NOT_FOUND:
        body = error_body("not_found", _("Not found."))
    elif status_code == status.HTTP_400_BAD_REQUEST:
        body = error_body("invalid", _("The request could not be read."))
    else:
        body = error_body("server_error", _("Something went wrong on our side."))
    return JsonResponse(body, status=status_code)
