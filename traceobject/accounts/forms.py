"""Forms of the staff login and of account administration. They parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from traceobject.core.countries import country_choices
from traceobject.core.permissions import Role


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "autofocus": True}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("Six digits. A code works only once."),
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "size": 8,
            }
        ),
    )

    def clean_token(self) -> str:
        token = "".join(str(self.cleaned_data["token"]).split())
        if not token.isdigit() or len(token) not in (6, 8):
            raise forms.ValidationError(_("Enter the six digits shown by your authenticator app."))
        return token


def _country_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Country"),
        help_text=_("For national partners only: the country of their authority."),
        required=False,
        choices=[],
    )


class UserSearchForm(forms.Form):
    """The account list's search; an invalid choice is ignored rather than refused (a list, not a save)."""

    q = forms.CharField(label=_("Username, name, role or country"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("Any role")), *Role.choices])
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Any country")), *country_choices(get_language() or "en")]
        self.fields["country"].choices = choices  # type: ignore[attr-defined]

    def value(self, name: str) -> str:
        if not self.is_bound:
            return ""
        self.is_valid()
        return str(self.cleaned_data.get(name) or "")


class _RoleCountryMixin(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    country = _country_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("(none)")), *country_choices(get_language() or "en")]
        self.fields["country"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role, country = cleaned.get("role"), cleaned.get("country")
        if role == Role.PARTNER and not country:
            self.add_error("country", _("A national partner needs a country."))
        elif role and role != Role.PARTNER and country:
            self.add_error("country", _("Only national partners have a country. Leave it empty."))
        return cleaned


class UserCreateForm(_RoleCountryMixin):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        max_length=4096,
        help_text=_("At least 12 characters. Give it to the person through a separate channel."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Initial password, again"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = ["username", "role", "country", "password", "password_again"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        password, again = cleaned.get("password"), cleaned.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", _("The two passwords differ."))
        return cleaned


class UserEditForm(_RoleCountryMixin):
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("An inactive account cannot log in, and its open sessions end."),
    )


class PasswordChangeForm(forms.Form):
    current = forms.CharField(
        label=_("Current password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new = forms.CharField(
        label=_("New password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    repeat = forms.CharField(
        label=_("New password, again"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new") and data.get("repeat") and data["new"] != data["repeat"]:
            self.add_error("repeat", _("The two new passwords differ."))
        return data


class ApiTokenForm(forms.Form):
    label = forms.CharField(label=_("What it is for"), max_length=100, required=False)
    expires_days = forms.IntegerField(
        label=_("Days until it expires"),
        min_value=1,
        initial=settings.API_TOKEN_DEFAULT_DAYS,
    )
