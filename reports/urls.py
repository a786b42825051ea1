"""Pages of the reports app (URL names are `reports:<model>-<action>`)."""

from django.urls import path  # noqa: F401

app_name = "reports"

urlpatterns: list = []
