"""Placeholder until this module is built; every view answers 501."""

from django.http import HttpResponse
from django.views import View


class _NotBuilt(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("Not built yet", status=501)


class VisitItineraryView(_NotBuilt):
    pass


class ItineraryItemCreateView(_NotBuilt):
    pass


class ItineraryItemUpdateView(_NotBuilt):
    pass


class ItineraryItemRemoveView(_NotBuilt):
    pass


class VisitCalendarView(_NotBuilt):
    pass


class MemberCalendarView(_NotBuilt):
    pass


class VisitBriefingPackView(_NotBuilt):
    pass


class TripReportView(_NotBuilt):
    pass


class FindingCreateView(_NotBuilt):
    pass


class AttachmentCreateView(_NotBuilt):
    pass


class AttachmentDownloadView(_NotBuilt):
    pass


class TripReportSubmitView(_NotBuilt):
    pass


class SiteListView(_NotBuilt):
    pass
