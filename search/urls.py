"""Pages of the search app: the results page and each record's traceability."""

from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("", views.SearchView.as_view(), name="search"),
    path("trace/<str:kind>/<int:pk>/", views.TraceView.as_view(), name="trace"),
]
