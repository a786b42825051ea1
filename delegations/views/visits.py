"""Placeholder until this module is built; every view answers 501."""

from django.http import HttpResponse
from django.views import View


class _NotBuilt(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("Not built yet", status=501)


class VisitListView(_NotBuilt):
    pass


class VisitCreateView(_NotBuilt):
    pass


class VisitDetailView(_NotBuilt):
    pass


class VisitUpdateView(_NotBuilt):
    pass


class VisitTransitionView(_NotBuilt):
    pass


class VisitShareView(_NotBuilt):
    pass


class VisitInvitationView(_NotBuilt):
    pass


class VisitInvitationDownloadView(_NotBuilt):
    pass


class VisitMembersView(_NotBuilt):
    pass


class MemberCreateView(_NotBuilt):
    pass


class MemberUpdateView(_NotBuilt):
    pass


class MemberRemoveView(_NotBuilt):
    pass


class ObjectiveCreateView(_NotBuilt):
    pass


class VisitLogisticsView(_NotBuilt):
    pass


class LogisticsTaskDoneView(_NotBuilt):
    pass


class VisitBudgetView(_NotBuilt):
    pass


class BudgetLineUpdateView(_NotBuilt):
    pass
