"""Django's createsuperuser, except that the password validators also run without a prompt.

Django checks AUTH_PASSWORD_VALIDATORS only when it asks for the password interactively; with
--no-input and DJANGO_SUPERUSER_PASSWORD it would accept any password.
"""

import os

from django.contrib.auth.management.commands import createsuperuser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from portal.models import User


class Command(createsuperuser.Command):
    def handle(self, *args, **options):
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not options["interactive"] and password:
            username = options.get("username") or os.environ.get("DJANGO_SUPERUSER_USERNAME", "")
            try:
                validate_password(password, User(username=username))
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
        return super().handle(*args, **options)
