"""Pages of the search app (URL names are `search:<model>-<action>`)."""

from django.urls import path  # noqa: F401

app_name = "search"

urlpatterns: list = []
