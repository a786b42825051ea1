"""Checked uploads: files are what they claim (by content), within a size limit, and kept in
private storage that is served only through views that check permission."""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, Storage
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

PDF_MAGIC = b"%PDF-"


class PrivateStorage(FileSystemStorage):
    """Uploaded documents live under MEDIA_ROOT/private/ and have no public URL.

    The location is read from settings when first used (and again when MEDIA_ROOT changes),
    so each deployment and each test keeps its own folder.
    """

    @cached_property
    def base_location(self) -> str:
        return os.path.join(settings.MEDIA_ROOT, "private")

    def url(self, name: str | None) -> str:
        raise ValueError("Private files are served only through views that check permission.")


def private_storage() -> Storage:
    return PrivateStorage()


def validate_pdf(upload, *, field: str, max_bytes: int | None = None) -> None:
    """Refuse anything that is not a PDF by content, or is larger than the limit."""
    limit = max_bytes or settings.MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            {field: _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}}
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if not head.lstrip().startswith(PDF_MAGIC):
        raise ValidationError({field: _("The file is not a PDF document.")})
