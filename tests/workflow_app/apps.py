from django.apps import AppConfig


class WorkflowAppConfig(AppConfig):
    """A test-only app with one versioned, workflow-driven model, for the shared building blocks."""

    name = "tests.workflow_app"
    label = "workflow_app"
