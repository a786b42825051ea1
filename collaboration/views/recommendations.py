"""Placeholder until this module is built; every view answers 501."""

from django.http import HttpResponse
from django.views import View


class _NotBuilt(View):
    def dispatch(self, request, *args, **kwargs):
        return HttpResponse("Not built yet", status=501)


class MyWorkView(_NotBuilt):
    pass


class RecommendationListView(_NotBuilt):
    pass


class RecommendationCreateView(_NotBuilt):
    pass


class RecommendationDetailView(_NotBuilt):
    pass


class RecommendationUpdateView(_NotBuilt):
    pass


class RecommendationTransitionView(_NotBuilt):
    pass


class RecommendationCommentView(_NotBuilt):
    pass


class RecommendationArchiveView(_NotBuilt):
    pass


class RecommendationVersionListView(_NotBuilt):
    pass


class RecommendationDiffView(_NotBuilt):
    pass
