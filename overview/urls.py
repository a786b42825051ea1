"""Pages of the overview app (URL names are `overview:<page>`)."""

from django.urls import path

from . import views

app_name = "overview"

urlpatterns = [
    path("timeline/", views.TimelineView.as_view(), name="timeline"),
    path("api-guide/", views.ApiGuideView.as_view(), name="api-guide"),
]
