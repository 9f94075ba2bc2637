from __future__ import annotations

import copy
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import get_language, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from traceobject.core.countries import country_choices
from traceobject.tips.antiabuse.pow import challenge_new
from traceobject.tips.barriers import BarrierPayload
from traceobject.tips.services import MAX_LINKS, TipPayload
from traceobject.tips.submissions import submission_token_new, submission_token_valid

TEXT_MIN, TEXT_MAX = 10, 5000
_url_validator = URLValidator(schemes=["http", "https"])
# Web addresses written into the text itself: link spam puts dozens there rather than in "Links".
_TEXT_LINK_RE = re.compile(r"(?:https?://|www\.)\S", re.IGNORECASE)
HONEYPOT = "leave_empty"


def _country_choices() -> list[tuple[str, Any]]:
    return [("", _("I don't know / not sure")), *country_choices(get_language() or "en")]


class HoneypotMixin:
    """The public forms' honeypot: a field the style sheet hides, which only form-filling bots fill in.

    A filled one is an error, not a fake success: a person whose browser filled it in by mistake must
    learn that nothing was sent. Bots get nothing stored either way."""

    honeypot_message: Any = ""

    def person_fields(self) -> list[Any]:
        """The fields a person fills in, in order: the template renders the honeypot apart."""
        return [field for field in self.visible_fields() if field.name != HONEYPOT]  # type: ignore[attr-defined]

    def honeypot(self) -> Any:
        return self[HONEYPOT]  # type: ignore[index]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}  # type: ignore[misc]
        if (cleaned.get(HONEYPOT) or "").strip():
            self.add_error(None, ValidationError(self.honeypot_message, code="honeypot"))  # type: ignore[attr-defined]
        return cleaned


# The length refusals of the free-text fields, in the plural form the limit asks for (Django picks it when
# it formats the message with ``limit_value``).
TOO_SHORT = ngettext_lazy(
    "Please write at least %(limit_value)d character (you wrote %(show_value)d).",
    "Please write at least %(limit_value)d characters (you wrote %(show_value)d).",
    "limit_value",
)
TOO_LONG = ngettext_lazy(
    "Please write at most %(limit_value)d character (you wrote %(show_value)d).",
    "Please write at most %(limit_value)d characters (you wrote %(show_value)d).",
    "limit_value",
)


class TipForm(HoneypotMixin, forms.Form):
    text = forms.CharField(
        label=_("What do you know about this object?"),
        help_text=_("Where it was sold, who makes it, where you saw it, when. No clue is too small."),
        min_length=TEXT_MIN,
        max_length=TEXT_MAX,
        # dir="auto": a tip in Latin script on an Arabic page (or in Arabic on an English one) reads in
        # its own direction as it is typed.
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": TEXT_MAX, "dir": "auto"}),
        error_messages={
            "required": _("Please tell us what you know about this object."),
            "min_length": TOO_SHORT,
            "max_length": TOO_LONG,
        },
    )
    # A callable, evaluated in the request's language and only when the field is rendered or a country
    # was given: setting ``choices`` in ``__init__`` normalized ~250 pairs on every tip.
    country = forms.ChoiceField(label=_("Country"), required=False, choices=_country_choices)
    place = forms.CharField(label=_("Place (city, region, street)"), required=False, max_length=200)
    shop_brand = forms.CharField(label=_("Shop or brand"), required=False, max_length=200)
    time_period = forms.CharField(
        label=_("Time period"),
        help_text=_("For example: sold around 2015, or only in the 1990s."),
        required=False,
        max_length=100,
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        max_length=MAX_LINKS * 2100,
        # Not stripped, so that "line N" in an error is the line the tipster sees, blank lines included.
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
    )
    contact = forms.CharField(
        label=_("How can we reach you? (optional)"),
        help_text=_(
            "Anonymous tips are welcome: leave this empty and keep your receipt to read our questions. "
            "If you do give contact details, they may be passed to the police of the country concerned."
        ),
        required=False,
        max_length=500,
    )

    # Anti-abuse (tips.antiabuse). The challenge comes with the page and pow.js fills in the nonce; without
    # JavaScript both may be empty, which is fine: the tip is then taken as unverified.
    pow_challenge = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    pow_nonce = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    # A fresh single-use token with every rendering of the form (``tips.submissions``): posting the same
    # form twice (a reload of the receipt page, a double click) stores one tip. Optional, so that a form
    # from before the token existed still goes through, only without that protection.
    submission = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # The honeypot: hidden by the style sheet, so people never see it and form-filling bots do. Its label
    # tells the few who do see it (no style sheet, some screen readers) to leave it alone.
    leave_empty = forms.CharField(
        label=_("Leave this field empty"),
        help_text=_("It is here to catch automated spam."),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["links"].help_text = ngettext(
            "Up to %(max)d web address, one per line. We never open it automatically.",
            "Up to %(max)d web addresses, one per line. We never open them automatically.",
            MAX_LINKS,
        ) % {"max": MAX_LINKS}

    def challenge(self, *, code: str) -> None:
        """Give the form a fresh proof-of-work challenge for object ``code``; a form shown again after an
        error gets a new one too (and an empty honeypot), since its old challenge may be used up."""
        fresh = {"pow_challenge": challenge_new(code=code), "pow_nonce": ""}
        if self.is_bound:
            # The same submission token: this form's tip was not stored, and the next post is the same tip.
            token = self.data.get("submission") or ""
            fresh["submission"] = token if submission_token_valid(token) else submission_token_new()
            # One value per field (no field here takes several), with the new challenge and no honeypot.
            self.data = {name: self.data.get(name) for name in self.data} | fresh | {HONEYPOT: ""}
        else:
            self.initial.update(fresh | {"submission": submission_token_new()})

    honeypot_message = _("Please empty the field “Leave this field empty” and send your tip again.")

    def tip_fields(self) -> list[Any]:
        return self.person_fields()

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        found = len(_TEXT_LINK_RE.findall(text))
        if found > MAX_LINKS:
            raise ValidationError(
                ngettext(
                    "Please write at most %(max)d web address in the text (you wrote %(count)d). "
                    "Put the most useful one in the Links field.",
                    "Please write at most %(max)d web addresses in the text (you wrote %(count)d). "
                    "Put the most useful ones in the Links field.",
                    MAX_LINKS,
                ),
                params={"max": MAX_LINKS, "count": found},
                code="too_many_links",
            )
        return text

    def clean_submission(self) -> str:
        """A malformed token is dropped rather than refused: the tipster could do nothing about it."""
        token: str = self.cleaned_data["submission"]
        return token if submission_token_valid(token) else ""

    def clean_links(self) -> list[str]:
        numbered = [
            (number, line.strip())
            for number, line in enumerate(self.cleaned_data["links"].splitlines(), start=1)
            if line.strip()
        ]
        lines = [line for _number, line in numbered]
        if len(lines) > MAX_LINKS:
            raise ValidationError(
                ngettext(
                    "Please give at most %(max)d link (you gave %(count)d).",
                    "Please give at most %(max)d links (you gave %(count)d).",
                    MAX_LINKS,
                ),
                params={"max": MAX_LINKS, "count": len(lines)},
                code="too_many",
            )
        errors = []
        for number, line in numbered:
            try:
                _url_validator(line)
            except ValidationError:
                errors.append(
                    ValidationError(
                        _("Line %(line)d is not a web address starting with http:// or https://."),
                        params={"line": number},
                        code="invalid_link",
                    )
                )
        if errors:
            raise ValidationError(errors)
        return lines

    def payload(self) -> TipPayload:
        data = self.cleaned_data
        return TipPayload(
            text=data["text"].strip(),
            country=data["country"],
            place=data["place"].strip(),
            shop_brand=data["shop_brand"].strip(),
            time_period=data["time_period"].strip(),
            links=data["links"],
            contact=data["contact"].strip(),
        )


class BarrierReportForm(HoneypotMixin, forms.Form):
    """The accessibility statement's barrier report (``tips.barriers``): free text and two optional fields."""

    text = forms.CharField(
        label=_("What went wrong?"),
        help_text=_(
            "Say what you tried to do, what happened, and, if it matters, the device, browser or "
            "assistive technology you use."
        ),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": TEXT_MAX}),
        error_messages={
            "required": _("Please describe the barrier you met."),
            "max_length": TOO_LONG,
        },
    )
    page = forms.CharField(
        label=_("Which page? (optional)"),
        help_text=_("The page's address, or its name, such as “the tip form”."),
        required=False,
        max_length=500,
    )
    contact = forms.CharField(
        label=_("How can we answer you? (optional)"),
        help_text=_("Leave this empty to stay anonymous. We use it only to answer this report."),
        required=False,
        max_length=500,
    )
    # The tip form's honeypot (hidden by the style sheet), for the same form-filling bots.
    leave_empty = copy.deepcopy(TipForm.base_fields[HONEYPOT])

    honeypot_message = _("Please empty the field “Leave this field empty” and send your report again.")

    def payload(self) -> BarrierPayload:
        data = self.cleaned_data
        return BarrierPayload(
            text=data["text"].strip(), page=data["page"].strip(), contact=data["contact"].strip()
        )
