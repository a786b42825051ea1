"""Placeholder until this module is built; every view answers 501."""

from django.http import HttpResponse
from django.views import View


class _NotBuilt(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("Not built yet", status=501)


class ProgrammeDetailView(_NotBuilt):
    pass


class PriorityAreaListView(_NotBuilt):
    pass


class PriorityAreaDetailView(_NotBuilt):
    pass


class IndicatorValueRecordView(_NotBuilt):
    pass


class CapabilityListView(_NotBuilt):
    pass


class TeamDetailView(_NotBuilt):
    pass


class TeamUpdateView(_NotBuilt):
    pass


class TeamMemberAddView(_NotBuilt):
    pass


class TeamMemberEndView(_NotBuilt):
    pass


class MeetingListView(_NotBuilt):
    pass


class MeetingCreateView(_NotBuilt):
    pass


class MeetingDetailView(_NotBuilt):
    pass


class MeetingUpdateView(_NotBuilt):
    pass


class DecisionAddView(_NotBuilt):
    pass


class ActionItemListView(_NotBuilt):
    pass


class ActionItemCreateView(_NotBuilt):
    pass


class ActionItemDetailView(_NotBuilt):
    pass


class ActionItemUpdateView(_NotBuilt):
    pass


class ActionItemTransitionView(_NotBuilt):
    pass
