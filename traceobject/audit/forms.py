from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from traceobject.audit.selectors import AuditFilter


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditFilterForm(forms.Form):
    """The auditor's filters, read from the query string. Every field is optional."""

    actor = forms.CharField(
        label=_("Actor"), required=False, max_length=150, help_text=_("Username at the time of the action.")
    )
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
    target_type = forms.CharField(
        label=_("Target type"), required=False, max_length=64, help_text=_("For example gallery.object.")
    )
    target_id = forms.CharField(label=_("Target id"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="YYYY-MM-DD",
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="YYYY-MM-DD"
    )
    # Keyset cursors from the pagination links.
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    after = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        if cleaned.get("target_id") and not cleaned.get("target_type"):
            self.add_error("target_type", _("Give the target type too: ids are only unique within a type."))
        # The cursors are hidden fields: say that the link is wrong rather than name them.
        both = cleaned.get("before") is not None and cleaned.get("after") is not None
        if both or "before" in self.errors or "after" in self.errors:
            raise forms.ValidationError(_("This page link is not valid."), code="cursor")
        return cleaned

    def filters(self) -> AuditFilter:
        data = self.cleaned_data
        date_from, date_to = data.get("date_from"), data.get("date_to")
        return AuditFilter(
            actor=data.get("actor", "").strip(),
            action=data.get("action", "").strip(),
            target_type=data.get("target_type", "").strip().lower(),
            target_id=data.get("target_id", "").strip(),
            since=_start_of_day(date_from) if date_from else None,
            # The end date is included: up to the start of the next day.
            until=_start_of_day(date_to + timedelta(days=1)) if date_to and date_to < date.max else None,
        )
