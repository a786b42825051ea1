"""Placeholder until this module is built; every view answers 501."""

from django.http import HttpResponse
from django.views import View


class _NotBuilt(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("Not built yet", status=501)


class ReviewRoundListView(_NotBuilt):
    pass


class ReviewRoundCreateView(_NotBuilt):
    pass


class ReviewRoundDetailView(_NotBuilt):
    pass


class ReviewAnswerView(_NotBuilt):
    pass


class ClearanceRecordView(_NotBuilt):
    pass


class SigningView(_NotBuilt):
    pass


class SignatoryCreateView(_NotBuilt):
    pass


class SignatureRecordView(_NotBuilt):
    pass


class SignedCopyUploadView(_NotBuilt):
    pass


class SignedCopyDownloadView(_NotBuilt):
    pass


class SignedCopyVerifyView(_NotBuilt):
    pass


class EntryIntoForceView(_NotBuilt):
    pass


class ObligationListView(_NotBuilt):
    pass


class ObligationTransitionView(_NotBuilt):
    pass


class MouVersionPdfView(_NotBuilt):
    pass


class MouVersionDocxView(_NotBuilt):
    pass
