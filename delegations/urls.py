"""Pages of the delegations app (URL names are `delegations:<model>-<action>`)."""

from django.urls import path

from .views import invitation, itinerary, logistics, members, trip_report, visits

app_name = "delegations"

urlpatterns = [
    # Visits, objectives, sharing, states (views/visits.py); invitation, members, logistics
    # and budget (views/invitation.py, members.py, logistics.py)
    path("visits/", visits.VisitListView.as_view(), name="visit-list"),
    path("visits/new/", visits.VisitCreateView.as_view(), name="visit-create"),
    path("visits/<int:pk>/", visits.VisitDetailView.as_view(), name="visit-detail"),
    path("visits/<int:pk>/edit/", visits.VisitUpdateView.as_view(), name="visit-update"),
    path("visits/<int:pk>/transitions/", visits.VisitTransitionView.as_view(), name="visit-transition"),
    path("visits/<int:pk>/share/", visits.VisitShareView.as_view(), name="visit-share"),
    path("visits/<int:pk>/invitation/", invitation.VisitInvitationView.as_view(), name="visit-invitation"),
    path("visits/<int:pk>/invitation/letter.pdf", invitation.VisitInvitationDownloadView.as_view(), name="visit-invitation-download"),
    path("visits/<int:pk>/members/", members.VisitMembersView.as_view(), name="visit-members"),
    path("visits/<int:pk>/members/new/", members.MemberCreateView.as_view(), name="member-create"),
    path("members/<int:pk>/edit/", members.MemberUpdateView.as_view(), name="member-update"),
    path("members/<int:pk>/remove/", members.MemberRemoveView.as_view(), name="member-remove"),
    path("visits/<int:pk>/objectives/", visits.ObjectiveCreateView.as_view(), name="objective-create"),
    path("visits/<int:pk>/logistics/", logistics.VisitLogisticsView.as_view(), name="visit-logistics"),
    path("logistics/<int:pk>/done/", logistics.LogisticsTaskDoneView.as_view(), name="logistics-done"),
    path("visits/<int:pk>/budget/", logistics.VisitBudgetView.as_view(), name="visit-budget"),
    path("budget-lines/<int:pk>/edit/", logistics.BudgetLineUpdateView.as_view(), name="budget-line-update"),
    # Itinerary, calendar, briefing pack, sites (views/itinerary.py); trip report (trip_report.py)
    path("visits/<int:pk>/itinerary/", itinerary.VisitItineraryView.as_view(), name="visit-itinerary"),
    path("visits/<int:pk>/itinerary/new/", itinerary.ItineraryItemCreateView.as_view(), name="itinerary-item-create"),
    path("itinerary/<int:pk>/edit/", itinerary.ItineraryItemUpdateView.as_view(), name="itinerary-item-update"),
    path("itinerary/<int:pk>/remove/", itinerary.ItineraryItemRemoveView.as_view(), name="itinerary-item-remove"),
    path("visits/<int:pk>/calendar.ics", itinerary.VisitCalendarView.as_view(), name="visit-calendar"),
    path("members/<int:pk>/calendar.ics", itinerary.MemberCalendarView.as_view(), name="member-calendar"),
    path("visits/<int:pk>/briefing-pack.pdf", itinerary.VisitBriefingPackView.as_view(), name="visit-briefing-pack"),
    path("visits/<int:pk>/report/", trip_report.TripReportView.as_view(), name="trip-report"),
    path("visits/<int:pk>/report/findings/", trip_report.FindingCreateView.as_view(), name="finding-create"),
    path("visits/<int:pk>/report/attachments/", trip_report.AttachmentCreateView.as_view(), name="attachment-create"),
    path("attachments/<int:pk>/file.pdf", trip_report.AttachmentDownloadView.as_view(), name="attachment-download"),
    path("visits/<int:pk>/report/submit/", trip_report.TripReportSubmitView.as_view(), name="trip-report-submit"),
    path("sites/", itinerary.SiteListView.as_view(), name="site-list"),
]  # fmt: skip
