"""Where built reports are kept: the `reports` storage alias (STORAGES["reports"]).

By default a private folder under MEDIA_ROOT with no public URL; with `REPORTS_STORAGE=s3` an
S3-compatible bucket (django-storages), also private. Either way a report file is served only
through the permission-checked download views.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.functional import cached_property


class PrivateReportStorage(FileSystemStorage):
    """Report files under MEDIA_ROOT/private/reports/, never served by URL.

    The folder is read from settings when first used (and again when MEDIA_ROOT changes), so
    the web process, the worker and each test agree on it through MEDIA_ROOT.
    """

    @cached_property
    def base_location(self) -> str:
        return os.path.join(settings.MEDIA_ROOT, "private", "reports")

    def url(self, name: str | None) -> str:
        raise ValueError("Reports are served only through views that check permission.")


def reports_storage() -> Storage:
    """The storage behind `Report.file` (a callable, so migrations do not freeze the backend)."""
    return storages["reports"]
