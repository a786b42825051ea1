"""Placeholder until this module is built; every view answers 501."""

from django.http import HttpResponse
from django.views import View


class _NotBuilt(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("Not built yet", status=501)


class MouListView(_NotBuilt):
    pass


class MouCreateView(_NotBuilt):
    pass


class MouDetailView(_NotBuilt):
    pass


class MouTransitionView(_NotBuilt):
    pass


class ClauseListView(_NotBuilt):
    pass


class ClauseCreateView(_NotBuilt):
    pass


class ClauseFromRecommendationView(_NotBuilt):
    pass


class ClauseUpdateView(_NotBuilt):
    pass


class ClauseMoveView(_NotBuilt):
    pass


class ClauseRemoveView(_NotBuilt):
    pass


class ClauseClearOutOfStepView(_NotBuilt):
    pass


class MouVersionListView(_NotBuilt):
    pass


class MouVersionPublishView(_NotBuilt):
    pass


class MouVersionDetailView(_NotBuilt):
    pass


class MouVersionShareView(_NotBuilt):
    pass


class ClauseCommentCreateView(_NotBuilt):
    pass


class MouVersionDiffView(_NotBuilt):
    pass
