"""Pages of the collaboration app (URL names are `collaboration:<model>-<action>`)."""

from django.urls import path

from .views import (
    action_items,
    meetings,
    my_work,
    programme,
    recommendation_edit,
    recommendation_versions,
    recommendations,
    team,
)

app_name = "collaboration"

urlpatterns = [
    # Recommendations and "My work" (views/recommendations.py, recommendation_*.py, my_work.py)
    path("my-work/", my_work.MyWorkView.as_view(), name="my-work"),
    path("recommendations/", recommendations.RecommendationListView.as_view(), name="recommendation-list"),
    path("recommendations/new/", recommendation_edit.RecommendationCreateView.as_view(), name="recommendation-create"),
    path("recommendations/<int:pk>/", recommendations.RecommendationDetailView.as_view(), name="recommendation-detail"),
    path("recommendations/<int:pk>/edit/", recommendation_edit.RecommendationUpdateView.as_view(), name="recommendation-update"),
    path("recommendations/<int:pk>/transitions/", recommendations.RecommendationTransitionView.as_view(), name="recommendation-transition"),
    path("recommendations/<int:pk>/comments/", recommendations.RecommendationCommentView.as_view(), name="recommendation-comment"),
    path("recommendations/<int:pk>/archive/", recommendations.RecommendationArchiveView.as_view(), name="recommendation-archive"),
    path("recommendations/<int:pk>/versions/", recommendation_versions.RecommendationVersionListView.as_view(), name="recommendation-versions"),
    path("recommendations/<int:pk>/diff/", recommendation_versions.RecommendationDiffView.as_view(), name="recommendation-diff"),
    # Programme, priority areas, capabilities (views/programme.py); team, meetings, action items
    path("programme/", programme.ProgrammeDetailView.as_view(), name="programme-detail"),
    path("priority-areas/", programme.PriorityAreaListView.as_view(), name="priority-area-list"),
    path("priority-areas/<slug:slug>/", programme.PriorityAreaDetailView.as_view(), name="priority-area-detail"),
    path("priority-areas/<slug:slug>/transitions/", programme.PriorityAreaTransitionView.as_view(), name="priority-area-transition"),
    path("indicators/<int:pk>/values/", programme.IndicatorValueRecordView.as_view(), name="indicator-value-record"),
    path("capabilities/", programme.CapabilityListView.as_view(), name="capability-list"),
    path("team/", team.TeamDetailView.as_view(), name="team-detail"),
    path("team/edit/", team.TeamUpdateView.as_view(), name="team-update"),
    path("team/members/new/", team.TeamMemberAddView.as_view(), name="team-member-add"),
    path("team/members/<int:pk>/end/", team.TeamMemberEndView.as_view(), name="team-member-end"),
    path("meetings/", meetings.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/new/", meetings.MeetingCreateView.as_view(), name="meeting-create"),
    path("meetings/<int:pk>/", meetings.MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<int:pk>/edit/", meetings.MeetingUpdateView.as_view(), name="meeting-update"),
    path("meetings/<int:pk>/decisions/", meetings.DecisionAddView.as_view(), name="decision-add"),
    path("action-items/", action_items.ActionItemListView.as_view(), name="action-item-list"),
    path("action-items/new/", action_items.ActionItemCreateView.as_view(), name="action-item-create"),
    path("action-items/<int:pk>/", action_items.ActionItemDetailView.as_view(), name="action-item-detail"),
    path("action-items/<int:pk>/edit/", action_items.ActionItemUpdateView.as_view(), name="action-item-update"),
    path("action-items/<int:pk>/transitions/", action_items.ActionItemTransitionView.as_view(), name="action-item-transition"),
]  # fmt: skip
