"""Pages of the collaboration app (URL names are `collaboration:<model>-<action>`)."""

from django.urls import path

from .views import programme, recommendations

app_name = "collaboration"

urlpatterns = [
    # Recommendations and "My work" (views/recommendations.py)
    path("my-work/", recommendations.MyWorkView.as_view(), name="my-work"),
    path("recommendations/", recommendations.RecommendationListView.as_view(), name="recommendation-list"),
    path("recommendations/new/", recommendations.RecommendationCreateView.as_view(), name="recommendation-create"),
    path("recommendations/<int:pk>/", recommendations.RecommendationDetailView.as_view(), name="recommendation-detail"),
    path("recommendations/<int:pk>/edit/", recommendations.RecommendationUpdateView.as_view(), name="recommendation-update"),
    path("recommendations/<int:pk>/transitions/", recommendations.RecommendationTransitionView.as_view(), name="recommendation-transition"),
    path("recommendations/<int:pk>/comments/", recommendations.RecommendationCommentView.as_view(), name="recommendation-comment"),
    path("recommendations/<int:pk>/archive/", recommendations.RecommendationArchiveView.as_view(), name="recommendation-archive"),
    path("recommendations/<int:pk>/versions/", recommendations.RecommendationVersionListView.as_view(), name="recommendation-versions"),
    path("recommendations/<int:pk>/diff/", recommendations.RecommendationDiffView.as_view(), name="recommendation-diff"),
    # Programme, priority areas, capabilities, team, meetings, action items (views/programme.py)
    path("programme/", programme.ProgrammeDetailView.as_view(), name="programme-detail"),
    path("priority-areas/", programme.PriorityAreaListView.as_view(), name="priority-area-list"),
    path("priority-areas/<slug:slug>/", programme.PriorityAreaDetailView.as_view(), name="priority-area-detail"),
    path("priority-areas/<slug:slug>/transitions/", programme.PriorityAreaTransitionView.as_view(), name="priority-area-transition"),
    path("indicators/<int:pk>/values/", programme.IndicatorValueRecordView.as_view(), name="indicator-value-record"),
    path("capabilities/", programme.CapabilityListView.as_view(), name="capability-list"),
    path("team/", programme.TeamDetailView.as_view(), name="team-detail"),
    path("team/edit/", programme.TeamUpdateView.as_view(), name="team-update"),
    path("team/members/new/", programme.TeamMemberAddView.as_view(), name="team-member-add"),
    path("team/members/<int:pk>/end/", programme.TeamMemberEndView.as_view(), name="team-member-end"),
    path("meetings/", programme.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/new/", programme.MeetingCreateView.as_view(), name="meeting-create"),
    path("meetings/<int:pk>/", programme.MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<int:pk>/edit/", programme.MeetingUpdateView.as_view(), name="meeting-update"),
    path("meetings/<int:pk>/decisions/", programme.DecisionAddView.as_view(), name="decision-add"),
    path("action-items/", programme.ActionItemListView.as_view(), name="action-item-list"),
    path("action-items/new/", programme.ActionItemCreateView.as_view(), name="action-item-create"),
    path("action-items/<int:pk>/", programme.ActionItemDetailView.as_view(), name="action-item-detail"),
    path("action-items/<int:pk>/edit/", programme.ActionItemUpdateView.as_view(), name="action-item-update"),
    path("action-items/<int:pk>/transitions/", programme.ActionItemTransitionView.as_view(), name="action-item-transition"),
]  # fmt: skip
