from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.models import ApiToken, Notification, Role, User


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "organisation",
            "title",
            "email",
            "preferred_language",
            "time_zone",
            "roles",
        ]
        read_only_fields = fields

    def get_roles(self, obj: User) -> list[str]:
        from portal.policies import role_names

        names = role_names(obj)
        return [role.value for role in Role if role.value in names]


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


class TokenLoginInputSerializer(serializers.Serializer):
    username = serializers.CharField(min_length=1, max_length=150)
    password = serializers.CharField(min_length=1, max_length=128, style={"input_type": "password"})
    name = serializers.CharField(
        max_length=100,
        required=False,
        default="Script token",
        help_text=_("A name for the new token."),
    )
    otp = serializers.CharField(
        max_length=12,
        required=False,
        default="",
        help_text=_(
            "The current code from the authenticator app: required when two-factor login is on "
            "for the account, or its role requires it."
        ),
    )


class TokenLoginSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send as `Authorization: Token <token>`."))
    name = serializers.CharField()
    prefix = serializers.CharField()


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(required=False)  # type: ignore[assignment]


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API."""

    error = ErrorDetailSerializer()


# Shapes shared by the apps' APIs --------------------------------------------------------------


class UserRefSerializer(serializers.ModelSerializer):
    """A person as another record mentions them: username and display name only."""

    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name"]
        read_only_fields = fields


class AvailableTransitionSerializer(serializers.Serializer):
    """A workflow step the caller may take now (a `portal.workflow.Transition`)."""

    name = serializers.CharField(read_only=True)
    label = serializers.CharField(source="display", read_only=True)  # type: ignore[assignment]
    comment_required = serializers.BooleanField(read_only=True)


class TransitionHistorySerializer(serializers.Serializer):
    """One recorded step of a workflow (a `TransitionLogBase` row).

    Labels come from the `workflow` in the context, when given, and the statuses' choices.
    """

    transition = serializers.CharField(read_only=True)
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    from_status = serializers.CharField(read_only=True)
    from_label = serializers.SerializerMethodField()
    to_status = serializers.CharField(read_only=True)
    to_label = serializers.SerializerMethodField()
    actor = UserRefSerializer(read_only=True, allow_null=True)
    comment = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def _status_labels(self) -> dict[str, str]:
        workflow = self.context.get("workflow")
        if workflow is None:
            return {}
        field = workflow.model._meta.get_field(workflow.field)
        return {value: str(label) for value, label in field.flatchoices}

    def get_label(self, obj: Any) -> str:
        """The step's name as people read it."""
        workflow = self.context.get("workflow")
        if workflow is not None and obj.transition in workflow.transitions:
            return str(workflow.transitions[obj.transition].display)
        return obj.transition

    def get_from_label(self, obj: Any) -> str:
        return self._status_labels().get(obj.from_status, obj.from_status)

    def get_to_label(self, obj: Any) -> str:
        return self._status_labels().get(obj.to_status, obj.to_status)


class TransitionsSerializer(serializers.Serializer):
    """GET …/transitions/: what the caller may do now, and what happened so far."""

    available = AvailableTransitionSerializer(many=True, read_only=True)
    history = TransitionHistorySerializer(many=True, read_only=True)


# Notifications --------------------------------------------------------------------------------


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class NotificationReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many notifications were marked as read."))
