"""Domain errors: each carries a stable code, a message and the HTTP status it maps to.

The API maps them once in portal/api/exceptions.py; pages map them once in
portal/views.py (`domain_error_message`). Field-level input errors stay Django's
ValidationError.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused the action; nothing was changed."""

    code = "domain_error"
    status_code = 400
    default_message = _("The action could not be completed.")

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        self.message = str(message or self.default_message)
        if code:
            self.code = code
        super().__init__(self.message)


class TransitionNotAllowed(DomainError):
    """The workflow does not allow this move from the record's current state."""

    code = "transition_not_allowed"
    status_code = 409
    default_message = _("This step is not allowed in the record's current state.")


class Conflict(DomainError):
    """The record's state conflicts with the request (for example, it is no longer a draft)."""

    code = "conflict"
    status_code = 409
    default_message = _("The record's current state does not allow this change.")


class StaleVersion(DomainError):
    """Someone else changed the record since the client read it (optimistic concurrency)."""

    code = "stale_version"
    status_code = 412
    default_message = _("Someone else changed this record since you opened it.")

    def __init__(self, message: str | None = None, *, current: int | None = None) -> None:
        self.current = current
        super().__init__(message)


class PreconditionRequired(DomainError):
    """A write to a versioned record came without the version it was based on."""

    code = "precondition_required"
    status_code = 428
    default_message = _('Send the If-Match header with the record\'s ETag (for example "3").')
