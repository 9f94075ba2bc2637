"""Forms of the analyst workspace. They parse the query string and the posts; the services decide.

The inbox's filters come from links that analysts copy, bookmark and edit by hand, so a bad value is
answered with a message naming the filter, never with a server error or a silently wider list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from traceobject.accounts.models import User
from traceobject.core.countries import country_codes
from traceobject.core.permissions import Permission, Role, role_permissions
from traceobject.core.widgets import quicken_selects
from traceobject.tips.models import TipStatus
from traceobject.triage.highlight import country_names, language_name
from traceobject.triage.models import Label
from traceobject.triage.selectors import Facets, InboxFilters
from traceobject.triage.services import LABEL_MAX, NOTE_MAX

_ID_RE = re.compile(r"^[0-9]{1,18}$")
_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)

# The statuses an analyst sets by hand. "Forwarded" is set when a lead goes to an authority, "Held (surge)"
# by the intake's circuit breaker (tips.antiabuse.surge); analysts release held tips by setting "New".
TRIAGE_STATUSES = [status for status in TipStatus if status not in {TipStatus.FORWARDED, TipStatus.SURGE}]
# The one-click verdicts on a whole cluster in the object queue (and the keys r, n, d, f).
CLUSTER_STATUSES = [
    TipStatus.RELEVANT,
    TipStatus.NOT_RELEVANT,
    TipStatus.DUPLICATE,
    TipStatus.NEEDS_FOLLOW_UP,
]


def analysts() -> QuerySet[User]:
    """The accounts tips can be assigned to: every active account whose role may change tips."""
    roles = [role for role in Role if Permission.TIPS_TIP_UPDATE in role_permissions(role)]
    return User.objects.filter(role__in=roles, is_active=True).order_by("username")


class _Counted:
    """Labels with counts, "Polish (1,234)", for the ~600 options of the inbox's filters: the pattern
    and the thousands separator are looked up once per page, not once per option (that was a tenth of
    the page's time at a million tips)."""

    def __init__(self) -> None:
        self.pattern = _("%(label)s (%(count)s)")
        self.separator = str(get_format("THOUSAND_SEPARATOR"))
        self.grouped = number_format(1000, force_grouping=True) != "1000"

    def __call__(self, label: Any, count: int | None) -> str:
        if count is None:
            return str(label)
        number = f"{count:,}".replace(",", self.separator) if self.grouped else str(count)
        return self.pattern % {"label": label, "count": number}


class OpenChoiceField(forms.ChoiceField):
    """A select whose options are only suggestions (the values that have tips now); any value the
    ``accept`` test passes is valid, so a bookmarked filter keeps working when its count drops to 0."""

    def __init__(self, *, accept: Callable[[str], bool], **kwargs: Any) -> None:
        self.accept = accept
        super().__init__(**kwargs)

    def valid_value(self, value: Any) -> bool:
        return value == "" or self.accept(str(value))


class InboxFilterForm(forms.Form):
    """The inbox's filters, from the query string. Every field is optional; ``before`` is the keyset
    cursor of the "Older" link and is not shown."""

    YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]
    YES_NO_ERRORS = {"invalid_choice": _("Choose yes, no, or any.")}
    DATE_ERRORS = {"invalid": _("Enter a date as YYYY-MM-DD, such as 2026-03-31.")}
    ABOUT = [("", _("Any")), ("object", _("The object")), ("other", _("Something else (other reports)"))]

    object = forms.ChoiceField(
        label=_("Object"),
        required=False,
        error_messages={"invalid_choice": _("No object with tips has the code “%(value)s”.")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is not a tip status.")},
    )
    language = OpenChoiceField(
        label=_("Language"),
        required=False,
        accept=lambda value: bool(_LANGUAGE_RE.match(value)),
        error_messages={
            "invalid_choice": _("“%(value)s” is not a language code: two or three small letters, such as de.")
        },
    )
    country = OpenChoiceField(
        label=_("Country named"),
        required=False,
        accept=lambda value: value in country_codes(),
        error_messages={
            "invalid_choice": _("“%(value)s” is not a country code: two capital letters, such as PL.")
        },
    )
    has_contact = forms.ChoiceField(
        label=_("Contact details"), required=False, choices=YES_NO, error_messages=YES_NO_ERRORS
    )
    has_links = forms.ChoiceField(
        label=_("Links"), required=False, choices=YES_NO, error_messages=YES_NO_ERRORS
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=DATE_ERRORS,
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=DATE_ERRORS,
    )
    cluster = forms.IntegerField(
        label=_("Cluster"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": _("A cluster is given by its number, such as 1234.")},
    )
    assignee = forms.ChoiceField(
        label=_("Assigned to"),
        required=False,
        error_messages={"invalid_choice": _("No analyst matches “%(value)s”.")},
    )
    label = forms.ChoiceField(
        label=pgettext_lazy("tip label", "Label"),
        required=False,
        error_messages={"invalid_choice": _("There is no label number “%(value)s”.")},
    )
    about = forms.ChoiceField(
        label=pgettext_lazy("tip filter: about an object or not", "About"),
        required=False,
        choices=ABOUT,
        error_messages={"invalid_choice": _("Choose from the list.")},
    )
    unverified = forms.ChoiceField(
        label=_("Sent without proof of work"),
        required=False,
        choices=YES_NO,
        error_messages=YES_NO_ERRORS,
    )
    reply = forms.ChoiceField(
        label=_("New reply from the tipster"),
        required=False,
        choices=YES_NO,
        error_messages=YES_NO_ERRORS,
    )
    before = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        *,
        user: Any,
        objects: Sequence[Mapping[str, Any]],
        other_queue: bool = False,
    ) -> None:
        super().__init__(data)
        quicken_selects(self)
        self.user = user
        self.other_queue = other_queue
        self._objects = {row["code"]: row for row in objects}
        self.fields["object"].choices = [  # type: ignore[attr-defined]
            ("", _("Any object")),
            *((row["code"], f"{row['code']} · {row['title']}") for row in objects),
        ]
        self.fields["status"].choices = [("", _("Any status")), *TipStatus.choices]  # type: ignore[attr-defined]
        # Kept for the page too (the bulk form's label suggestions): one query each, whatever the rows.
        self.labels = list(Label.objects.all())
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            ("", _("Anyone or no one")),
            ("me", _("Me")),
            *((str(account.pk), account.get_username()) for account in analysts()),
        ]
        self.fields["label"].choices = [  # type: ignore[attr-defined]
            ("", _("Any label")),
            *((str(label.pk), label.name) for label in self.labels),
        ]
        self.fields["language"].choices = [("", _("Any language"))]  # type: ignore[attr-defined]
        self.fields["country"].choices = [("", _("Any country"))]  # type: ignore[attr-defined]
        if other_queue:
            del self.fields["about"]

    def full_clean(self) -> None:
        super().full_clean()
        # Tie each error to its field for screen readers (the template renders id_<name>_errors).
        for name in self.errors:
            if name in self.fields and name != "before":
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{name}_errors"

    # --- Validation ---------------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        for name, day in (("date_from", date_from), ("date_to", date_to)):
            # Far dates overflow when the day is turned into a time zone's midnight.
            if day is not None and not FIRST_DAY <= day <= LAST_DAY:
                self.add_error(
                    name,
                    _("Choose a date between %(first)s and %(last)s.")
                    % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
                )
        if date_from and date_to and date_from > date_to and not self.has_error("date_from"):
            self.add_error("date_to", _("The end date is before the start date."))
        if "before" in self.errors:
            # A hidden field: say that the link is wrong rather than name it.
            del self.errors["before"]
            raise forms.ValidationError(
                _("This page link is not valid. Go back to the newest tips."), code="cursor"
            )
        return cleaned

    def filters(self) -> InboxFilters:
        """The valid filters as the selector takes them; call after ``is_valid()`` returned True."""
        data = self.cleaned_data

        def yes_no(name: str) -> bool | None:
            return {"yes": True, "no": False}.get(data.get(name) or "")

        assignee = data.get("assignee") or ""
        about = data.get("about") or ""
        return InboxFilters(
            object_id=self.object_id(),
            status=data.get("status") or "",
            language=data.get("language") or "",
            country=data.get("country") or "",
            has_contact=yes_no("has_contact"),
            has_links=yes_no("has_links"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            cluster_id=data.get("cluster"),
            assignee_id=self.user.pk if assignee == "me" else (int(assignee) if assignee else None),
            label_id=int(data["label"]) if data.get("label") else None,
            other=True if self.other_queue else {"object": False, "other": True}.get(about),
            unverified=yes_no("unverified"),
            reply_waiting=yes_no("reply"),
        )

    def object_id(self) -> int | None:
        """The selected object's id, when it is valid: the facets are counted for it alone."""
        if not self.is_bound:
            return None
        self.is_valid()
        code = self.cleaned_data.get("object") if hasattr(self, "cleaned_data") else None
        row = self._objects.get(code or "")
        return int(row["id"]) if row else None

    def cursor(self) -> int | None:
        """The "Older" link's cursor: show tips with a smaller id than this."""
        value = self.cleaned_data.get("before")
        return int(value) if value else None

    # --- Display ------------------------------------------------------------------------------------

    def selected_object(self) -> Mapping[str, Any] | None:
        """The filtered object's row from ``objects_with_tips`` (id, code, title, tips), if valid."""
        object_id = self.object_id()
        return next((row for row in self._objects.values() if row["id"] == object_id), None)

    def show_counts(self, facets: Facets, *, counted: bool = True) -> None:
        """Offer the values that have tips, with the tallies' counts unless ``counted`` is False
        (where the counts would not match the list, as in the other reports)."""
        counts = facets
        _counted = _Counted()

        def count(mapping: Mapping[str, int], key: str) -> int | None:
            return mapping.get(key, 0) if counted else None

        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("Any status")),
            *((value, _counted(label, count(counts.status, value))) for value, label in TipStatus.choices),
        ]
        for name, dimension in (("has_contact", counts.contact), ("has_links", counts.links)):
            self.fields[name].choices = [  # type: ignore[attr-defined]
                (value, label if not value else _counted(label, count(dimension, value)))
                for value, label in self.YES_NO
            ]
        if "about" in self.fields:
            about = {"object": "no", "other": "yes"}
            self.fields["about"].choices = [  # type: ignore[attr-defined]
                (value, label if not value else _counted(label, count(counts.other, about[value])))
                for value, label in self.ABOUT
            ]
        selected = self.data.get("language", "") if self.is_bound else ""
        languages = sorted(
            (code for code in counts.language if code and code != "-"), key=lambda c: language_name(c)
        )
        if selected and _LANGUAGE_RE.match(selected) and selected not in languages:
            languages.append(selected)
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            ("", _("Any language")),
            *((code, _counted(language_name(code), count(counts.language, code))) for code in languages),
        ]
        names = country_names()
        selected = self.data.get("country", "") if self.is_bound else ""
        countries = list(counts.country)  # most tips first
        if selected and selected in country_codes() and selected not in countries:
            countries.append(selected)
        self.fields["country"].choices = [  # type: ignore[attr-defined]
            ("", _("Any country")),
            *((code, _counted(names.get(code, code), count(counts.country, code))) for code in countries),
        ]
        objects = self._objects.values()
        self.fields["object"].choices = [  # type: ignore[attr-defined]
            ("", _("Any object")),
            *(
                (row["code"], _counted(f"{row['code']} · {row['title']}", row["tips"] if counted else None))
                for row in objects
            ),
        ]

    def kept(self) -> dict[str, str]:
        """The valid, non-empty filters (without the cursor), for links that keep them."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {
            name: str(self.data.get(name))
            for name in self.fields
            if name != "before" and self.data.get(name) not in (None, "")
        }


# --- Actions ---------------------------------------------------------------------------------------


class IdListField(forms.Field):
    """The ticked rows: a list of tip ids, each a plain decimal number."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Select at least one tip."),
        "invalid": _("The selection is not valid. Reload the page and try again."),
    }

    def to_python(self, value: Any) -> list[int]:
        if value in (None, "", [], ()):
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if not all(isinstance(item, str) and _ID_RE.match(item) for item in values):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return sorted({int(item) for item in values})


@dataclass(frozen=True)
class BulkAction:
    kind: str  # status | assign | unassign | label_add | label_remove | other | not_other
    tip_ids: list[int]
    status: str = ""
    assignee: User | None = None
    label: str = ""


class BulkActionForm(forms.Form):
    """One action on the ticked tips (the inbox) or on one tip (the tip page's forms post here too)."""

    tips = IdListField(label=_("Tips"))
    action = forms.ChoiceField(
        label=_("Action"),
        error_messages={
            "required": _("Choose an action."),
            "invalid_choice": _("Choose an action from the list."),
        },
    )
    assignee = forms.ModelChoiceField(
        label=_("Analyst"), queryset=User.objects.none(), required=False, empty_label=_("Choose an analyst")
    )
    label = forms.CharField(
        label=pgettext_lazy("tip label", "Label"),
        required=False,
        max_length=LABEL_MAX,
        widget=forms.TextInput(attrs={"list": "triage-labels", "autocomplete": "off"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        quicken_selects(self)
        self.fields["assignee"].queryset = analysts()  # type: ignore[attr-defined]
        self.fields["action"].choices = self.action_choices()  # type: ignore[attr-defined]

    @staticmethod
    def label_names() -> list[str]:
        """The existing labels, suggested as the label field is typed in."""
        return list(Label.objects.values_list("name", flat=True))

    @staticmethod
    def action_choices() -> list[tuple[Any, Any]]:
        return [
            ("", _("Choose an action")),
            (
                _("Set the status"),
                [(f"status:{status.value}", status.label) for status in TRIAGE_STATUSES],
            ),
            (
                _("Assign"),
                [
                    ("assign_me", _("Assign to me")),
                    ("assign", _("Assign to the analyst chosen below")),
                    ("unassign", _("Unassign")),
                ],
            ),
            (
                pgettext_lazy("tip label", "Labels"),
                [
                    ("label_add", _("Add the label written below")),
                    ("label_remove", _("Remove the label written below")),
                ],
            ),
            (
                _("Other reports"),
                [
                    ("other", _("Move to other reports (not about the object)")),
                    ("not_other", _("Move back: it is about the object")),
                ],
            ),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        action = cleaned.get("action") or ""
        if action == "assign" and not cleaned.get("assignee") and "assignee" not in self.errors:
            self.add_error("assignee", _("Choose the analyst to assign the tips to."))
        label_missing = not (cleaned.get("label") or "").strip() and "label" not in self.errors
        if action in {"label_add", "label_remove"} and label_missing:
            self.add_error("label", _("Write the label's name."))
        return cleaned

    def bulk_action(self, user: Any) -> BulkAction:
        data = self.cleaned_data
        action: str = data["action"]
        tip_ids: list[int] = data["tips"]
        if action.startswith("status:"):
            return BulkAction("status", tip_ids, status=action.removeprefix("status:"))
        if action == "assign_me":
            return BulkAction("assign", tip_ids, assignee=user)
        if action == "assign":
            return BulkAction("assign", tip_ids, assignee=data["assignee"])
        if action in {"label_add", "label_remove"}:
            return BulkAction(action, tip_ids, label=data["label"])
        return BulkAction(action, tip_ids)


class ClusterStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[(s.value, s.label) for s in CLUSTER_STATUSES])
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("New note"),
        max_length=NOTE_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": NOTE_MAX}),
        help_text=_("Internal: only staff read notes. They are stored encrypted, like the tip."),
    )


class QueueCursorForm(forms.Form):
    """The object queue's keyset cursor, ``after=<size>-<last tip id>`` from its "More" link."""

    after = forms.RegexField(regex=r"^[0-9]{1,10}-[0-9]{1,18}$", required=False)

    def cursor(self) -> tuple[int, int] | None:
        value = self.cleaned_data.get("after") or ""
        if not value:
            return None
        size, last = value.split("-")
        return int(size), int(last)
