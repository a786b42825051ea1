"""Input shapes for the portal's own pages (profile, API tokens)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "title", "email", "preferred_language", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "profile-form"
        self.helper.add_input(Submit("save", _("Save profile")))


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("Say what will use it, for example “ministry dashboard”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "token-create-form"
        self.helper.add_input(Submit("create", _("Create token")))


class TwoFactorCodeForm(forms.Form):
    """A six-digit code from the user's authenticator app."""

    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class NotificationPreferencesForm(forms.Form):
    """One row per kind of reminder: e-mail on or off, immediately or in a daily digest."""

    def __init__(self, *args, rows=(), **kwargs):
        from .models import NotificationPreference

        super().__init__(*args, **kwargs)
        self.rows = []
        for row in rows:
            code = row.kind.code
            email = forms.BooleanField(
                label=_("E-mail for “%(kind)s”") % {"kind": row.kind.label},
                required=False,
                initial=row.email_enabled,
            )
            frequency = forms.ChoiceField(
                label=_("How often for “%(kind)s”") % {"kind": row.kind.label},
                choices=[
                    choice
                    for choice in NotificationPreference.Frequency.choices
                    if row.allows_off or choice[0] != NotificationPreference.Frequency.OFF
                ],
                initial=row.frequency,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
            self.fields[f"{code}__email"] = email
            self.fields[f"{code}__frequency"] = frequency
            self.rows.append((row.kind, self[f"{code}__email"], self[f"{code}__frequency"]))

    def values(self) -> dict[str, tuple[bool, str]]:
        """kind code → (e-mail on, frequency), from the cleaned data."""
        result = {}
        for name, value in self.cleaned_data.items():
            code, _sep, part = name.rpartition("__")
            if part == "email":
                result[code] = (bool(value), self.cleaned_data[f"{code}__frequency"])
        return result
