"""Pages of the reports app (URL names are `reports:<model>-<action>`)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="report-list"),
    path("request/", views.ReportRequestView.as_view(), name="report-request"),
    path("<int:pk>/status/", views.ReportStatusView.as_view(), name="report-status"),
    path("<int:pk>/download/", views.ReportDownloadView.as_view(), name="report-download"),
]
