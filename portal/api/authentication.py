"""`Authorization: Token <key>` against the portal's hashed, named API tokens."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from portal.security import token_usable
from portal.services import api_token_user


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from None
        found = api_token_user(key)
        if found is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        user, token = found
        if not token_usable(user, token):
            raise exceptions.AuthenticationFailed(
                _(
                    "This token was created without two-factor verification, which your role "
                    "requires. Create a new one with the current code."
                )
            )
        return found

    def authenticate_header(self, request):
        return self.keyword


class ApiTokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`; create a key on your profile page.",
        }
