from django.db import models
from simple_history.models import HistoricalRecords

from portal.models import ArchivableModel, TimeStampedModel, TransitionLogBase, VersionedModel


class Dossier(TimeStampedModel, VersionedModel, ArchivableModel):
    """A stand-in for a domain record: a status moved by a workflow, and a version."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned"

    title = models.CharField(max_length=100)
    owner = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.title


class DossierTransition(TransitionLogBase):
    subject = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="transitions")
