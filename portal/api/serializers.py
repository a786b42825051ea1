from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.models import ApiToken, Role, User


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
