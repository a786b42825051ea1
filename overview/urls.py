"""Pages of the overview app (URL names are `overview:<model>-<action>`)."""

from django.urls import path  # noqa: F401

app_name = "overview"

urlpatterns: list = []
