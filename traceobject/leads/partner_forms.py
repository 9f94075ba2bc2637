"""The forms of the partner portal: they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from traceobject.leads.models import OutcomeKind


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=OutcomeKind.choices)
    count = forms.IntegerField(
        label=_("How many people"),
        min_value=0,
        max_value=10_000,
        required=False,
        help_text=_("For a victim identified or an offender arrested: how many. Leave empty otherwise."),
    )
    update = forms.CharField(
        label=_("Update"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A short note for the analysts. It is stored encrypted and never published."),
    )


class PartnerReportForm(forms.Form):
    text = forms.CharField(
        label=_("What do you recognise?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Where it was sold, a place, a brand, a case it reminds you of. It reaches the analysts' triage "
            "as a report from your authority, stored encrypted."
        ),
    )
