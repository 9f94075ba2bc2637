"""Forms of the staff pages of leads: they parse and check shape; the services decide.

The determination form is one ``DeterminationForm`` (kind, rationale) and one ``CountryRowForm`` per
country row: the candidate countries of the consensus panel, then a few free rows for a country that no
tip named. Every row is plain HTML (a checkbox to include it, a confidence, a rationale, and checkboxes
for the supporting tips), so the page needs no JavaScript.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from traceobject.core.countries import country_choices, country_codes
from traceobject.leads.models import Confidence, DeterminationKind, LeadState
from traceobject.leads.services import MAX_COUNTRIES, CountryClaim

# Free rows under the candidates, for a country that the tips did not name.
EXTRA_ROWS = 2


class TipIdsField(forms.Field):
    """The ids of the ticked tips (the template renders the checkboxes: each tip shows its excerpt)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        try:
            return sorted({int(item) for item in value})
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("Tick tips from the list."), code="invalid") from exc


class DeterminationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Determination"),
        choices=DeterminationKind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Identified: one or a few likely countries. Widespread: sold in many countries, so the trail "
            "is ruled out."
        ),
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the evidence supports this decision; the confirmer and the authorities read it."),
    )


class CountryRowForm(forms.Form):
    """One country row. ``fixed`` rows belong to a candidate of the consensus: their country is given."""

    include = forms.BooleanField(label=_("Include this country"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    confidence = forms.ChoiceField(
        label=_("Confidence"), required=False, choices=[("", "—"), *Confidence.choices]
    )
    rationale = forms.CharField(
        label=_("Rationale for this country"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    tips = TipIdsField(label=_("Supporting tips"), required=False)

    def __init__(self, *args: Any, fixed_country: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_country = fixed_country
        country = cast(forms.ChoiceField, self.fields["country"])
        if fixed_country:
            country.choices = [(fixed_country, fixed_country)]
            country.initial = fixed_country
            country.widget = forms.HiddenInput()
        else:
            country.choices = [("", "—"), *country_choices(get_language() or "en")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.fixed_country:
            data["country"] = self.fixed_country
        if not data.get("include"):
            return data
        if data.get("country") not in country_codes():
            self.add_error("country", _("Choose a country."))
        if not data.get("confidence"):
            self.add_error("confidence", _("Choose a confidence."))
        if not (data.get("rationale") or "").strip():
            self.add_error("rationale", _("Say why the object points to this country."))
        return data

    def claim(self) -> CountryClaim | None:
        data = self.cleaned_data
        if not data.get("include"):
            return None
        return CountryClaim(
            country=data["country"],
            confidence=data["confidence"],
            rationale=data["rationale"],
            tip_ids=tuple(data.get("tips") or ()),
        )


def country_rows(data: Any, candidates: Sequence[str]) -> list[CountryRowForm]:
    """The row forms, candidates first (prefix ``c0``…), then ``EXTRA_ROWS`` free rows."""
    rows = [CountryRowForm(data, prefix=f"c{i}", fixed_country=code) for i, code in enumerate(candidates)]
    start = len(rows)
    rows += [CountryRowForm(data, prefix=f"c{start + i}") for i in range(EXTRA_ROWS)]
    return rows


def claims_from(form: DeterminationForm, rows: Sequence[CountryRowForm]) -> list[CountryClaim] | None:
    """The claims of valid forms, or None after adding the errors that span the rows to ``form``."""
    valid = form.is_valid()
    row_results = [row.is_valid() for row in rows]  # every row, so that each shows its errors
    valid = all(row_results) and valid
    if not valid:
        return None
    claims = [claim for row in rows if (claim := row.claim()) is not None]
    kind = form.cleaned_data["kind"]
    if kind == DeterminationKind.IDENTIFIED and not claims:
        form.add_error(None, _("An identified determination names at least one country: include one."))
    elif kind == DeterminationKind.IDENTIFIED and len(claims) > MAX_COUNTRIES:
        form.add_error(
            None,
            ngettext(
                "Include at most %(count)d country; more than that is widespread.",
                "Include at most %(count)d countries; more than that is widespread.",
                MAX_COUNTRIES,
            )
            % {"count": MAX_COUNTRIES},
        )
    elif kind == DeterminationKind.WIDESPREAD and claims:
        form.add_error(None, _("A widespread determination names no country: untick the countries."))
    elif len({claim.country for claim in claims}) != len(claims):
        form.add_error(None, _("A country is included twice."))
    return None if form.errors else claims


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class LeadFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All")), *LeadState.choices])
    unacknowledged = forms.BooleanField(label=_("Not acknowledged in time"), required=False)

    def filter_values(self) -> dict[str, str]:
        """The filters that are set, as the query string gives them: for the CSV link and its record."""
        values = {"state": self.cleaned_data.get("state") or ""}
        if self.cleaned_data.get("unacknowledged"):
            values["unacknowledged"] = "on"
        return {name: value for name, value in values.items() if value}


class AuthorityForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"))
    name = forms.CharField(label=_("Unit name"), max_length=200)
    email = forms.EmailField(
        label=_("Contact address"),
        help_text=_("Receives the notice that a lead is waiting; the notice never says what is in it."),
    )
    active = forms.BooleanField(label=_("Active: receives leads"), required=False, initial=True)

    def __init__(self, *args: Any, fixed_country: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if fixed_country:
            del self.fields["country"]
        else:
            country = cast(forms.ChoiceField, self.fields["country"])
            country.choices = [("", "—"), *country_choices(get_language() or "en")]


class LeadSendForm(forms.Form):
    """Sending a lead: an optional note written for the authority, and the confirmation asked for when
    the lead's country has no partner account yet (a second submit, no JavaScript)."""

    note_for_authority = forms.CharField(
        label=_("Note for the authority"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Travels with the lead: the authority reads it on its page and in every export. The internal "
            "notes on the tips never leave the agency."
        ),
    )
    without_reader = forms.BooleanField(required=False, widget=forms.HiddenInput)
