"""Typing helpers shared by views."""

from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind the login-required middleware: `user` is a real User."""

    user: User
