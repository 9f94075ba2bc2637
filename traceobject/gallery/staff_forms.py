"""Forms of the staff workspace for objects and releases. They parse; the services decide."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from traceobject.gallery.models import (
    REVIEW_CHECKLIST,
    TRANSLATION_CHECKLIST,
    Audience,
    Category,
    Object,
    ObjectStatus,
    Release,
    code_validator,
)
from traceobject.gallery.services import ObjectFields
from traceobject.gallery.translations import (
    DESCRIPTION_MAX,
    LINE_CHARS_MAX,
    LINES_MAX,
    TEXT_FIELDS,
    TITLE_MAX,
    TranslationFields,
)

MAX_LINES = LINES_MAX


class LinesField(forms.CharField):
    """A textarea with one entry per line, cleaned into a list of non-empty lines."""

    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [" ".join(line.split()) for line in text.splitlines() if line.strip()]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(value) > MAX_LINES:
            raise forms.ValidationError(
                ngettext("Give at most %(max)d line.", "Give at most %(max)d lines.", MAX_LINES)
                % {"max": MAX_LINES},
                code="too_many_lines",
            )
        for line in value:
            if len(line) > LINE_CHARS_MAX:
                raise forms.ValidationError(_("Keep each line under 300 characters."), code="line_too_long")


# The range of a primary key (a 64-bit signed integer on both databases).
_PK_RANGE = range(-(2**63), 2**63)


class ObjectCodeChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Object) -> str:
        return f"{obj.code} · {obj.title} ({obj.get_status_display()})"

    def _check_values(self, value: Any) -> Any:
        """A number no key can hold is an invalid choice. Django checks each value by building (not
        running) a query, then runs ``pk__in``, which SQLite cannot bind past 64 bits: an OverflowError,
        a 500 (found by the fuzz, bench/fuzz.py)."""
        for item in value:
            text = str(item).strip()
            if text.lstrip("-").isdigit() and int(text) not in _PK_RANGE:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super()._check_values(value)  # type: ignore[misc]


class ObjectForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=24,
        validators=[code_validator],
        help_text=_(
            "Short and stable, shown to the public: capital letters, digits and hyphens, such as B17-2026."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(), empty_label=None)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    questions = LinesField(
        label=_("Questions"),
        required=False,
        help_text=_("One question to the public per line, such as: Which shop sold this?"),
    )
    hints = LinesField(
        label=_("Hints"),
        required=False,
        help_text=_("One hint per line, such as: circa 2015, or: look at the carpet, not the toy."),
    )
    original_language = forms.ChoiceField(
        label=_("Language of the text"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
        # Left out of a post, the object keeps its language (a new one gets the site's default).
        required=False,
        help_text=_(
            "The language you write the title, description, questions and hints in. Visitors whose "
            "language has no translation read this text."
        ),
    )
    related = ObjectCodeChoice(
        label=_("Related objects"),
        queryset=Object.objects.none(),
        required=False,
        help_text=_("Other objects from the same scene. Hold Ctrl (or Cmd) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    case_reference = forms.CharField(
        label=_("Internal case reference"),
        max_length=100,
        required=False,
        help_text=_("Internal: never shown to the public."),
    )
    internal_notes = forms.CharField(
        label=_("Internal notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        help_text=_("Internal: never shown to the public."),
    )

    def __init__(self, *args: Any, related_queryset: QuerySet[Object], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["related"].queryset = related_queryset  # type: ignore[attr-defined]
        self.fields["category"].label_from_instance = lambda category: category.label  # type: ignore[attr-defined]

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()

    @staticmethod
    def initial_for(obj: Object) -> dict[str, Any]:
        return {
            "code": obj.code,
            "title": obj.title,
            "category": obj.category_id,
            "description": obj.description,
            "questions": obj.questions,
            "hints": obj.hints,
            "original_language": obj.original_language,
            "related": [other.pk for other in obj.related.all()],
            "case_reference": obj.case_reference,
            "internal_notes": obj.internal_notes,
        }

    def to_fields(self) -> ObjectFields:
        data = self.cleaned_data
        return ObjectFields(
            code=data["code"],
            title=data["title"],
            category=data["category"],
            description=data["description"],
            questions=data["questions"],
            hints=data["hints"],
            related=list(data["related"]),
            case_reference=data["case_reference"],
            internal_notes=data["internal_notes"],
            original_language=data["original_language"] or None,
        )


class TranslationForm(forms.Form):
    """An object's public text in one more language: the same fields and limits as the original's."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=DESCRIPTION_MAX,
    )
    questions = LinesField(
        label=_("Questions"), required=False, help_text=_("One question per line, as in the original.")
    )
    hints = LinesField(
        label=_("Hints"), required=False, help_text=_("One hint per line, as in the original.")
    )

    def __init__(self, *args: Any, language: str, direction: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Typed in the target language: the browser picks its spell checker and writing direction.
        for field in self.fields.values():
            field.widget.attrs.update({"lang": language, "dir": direction})

    @staticmethod
    def initial_for(text: Any) -> dict[str, Any]:
        """The form's values from a translation or a proposal (or an object: the original, to start from)."""
        return {name: getattr(text, name) for name in TEXT_FIELDS}

    def to_fields(self) -> TranslationFields:
        data = self.cleaned_data
        return TranslationFields(
            title=data["title"],
            description=data["description"],
            questions=data["questions"],
            hints=data["hints"],
        )


class TranslationReviewForm(forms.Form):
    APPROVE = "approve"
    SEND_BACK = "send_back"

    checklist = forms.MultipleChoiceField(
        label=_("Checklist"),
        required=False,
        choices=list(TRANSLATION_CHECKLIST.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    comments = forms.CharField(
        label=_("Comments"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to send the translation back: say what must change."),
    )
    decision = forms.ChoiceField(choices=[(APPROVE, _("Approve")), (SEND_BACK, _("Send back"))])


class ObjectFilterForm(forms.Form):
    """The object list's filters; an invalid value is ignored rather than refused."""

    q = forms.CharField(label=_("Code or title"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *ObjectStatus.choices]
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    release = forms.ChoiceField(label=_("Release"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("Any category")),
            *((category.slug, category.label) for category in Category.objects.all()),
        ]
        self.fields["release"].choices = [  # type: ignore[attr-defined]
            ("", _("Any release")),
            *((str(release.pk), release.name) for release in Release.objects.order_by("-publish_at")),
        ]

    def value(self, name: str) -> str:
        """The cleaned value of one filter, or "" when it is missing or invalid (others still apply)."""
        if not self.is_bound:
            return ""
        self.is_valid()
        return str(self.cleaned_data.get(name) or "")


class ImageUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Image file"),
        help_text=_("JPEG, PNG, WebP or TIFF. It is re-encoded and stripped of all metadata."),
    )
    alt_text = forms.CharField(
        label=_("Text alternative"),
        max_length=300,
        required=False,
        help_text=_("What the image shows, for visitors who cannot see it."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.STAFF_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large."), code="too_large")
        return upload


_BOX_LINE = re.compile(
    r"^\s*(\d+)\s*[, ]\s*(\d+)\s*[, ]\s*(\d+)\s*[, ]\s*(\d+)\s*(?:[, ]\s*(black|blur))?\s*$", re.I
)


def parse_box(text: str) -> list[int]:
    match = _BOX_LINE.match(text)
    if not match or match.group(5):
        raise forms.ValidationError(_("Write the box as four numbers: left, top, right, bottom."), code="box")
    box = [int(number) for number in match.groups()[:4]]
    _check_box(box)
    return box


def _check_box(box: list[int]) -> None:
    left, top, right, bottom = box
    if right <= left or bottom <= top:
        raise forms.ValidationError(
            _("In %(box)s, right must be greater than left and bottom greater than top.")
            % {"box": ", ".join(map(str, box))},
            code="box",
        )


class ImageEditForm(forms.Form):
    """Crop and redactions in the pixels of the original (as uploaded, turned upright)."""

    crop = forms.CharField(
        label=_("Crop"),
        required=False,
        max_length=100,
        help_text=_(
            "Four numbers in original pixels: left, top, right, bottom, such as 120, 40, 900, 700. "
            "Leave empty to keep the whole image."
        ),
    )
    redactions = forms.CharField(
        label=_("Redactions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_(
            "One box per line in original pixels: left, top, right, bottom, then black or blur, "
            "such as 300, 200, 360, 260, black."
        ),
    )

    def clean_crop(self) -> list[int] | None:
        text = self.cleaned_data["crop"].strip()
        return parse_box(text) if text else None

    def clean_redactions(self) -> list[dict[str, Any]]:
        boxes: list[dict[str, Any]] = []
        lines = [line for line in self.cleaned_data["redactions"].splitlines() if line.strip()]
        if len(lines) > 50:
            raise forms.ValidationError(_("Give at most 50 redactions."), code="too_many")
        for number, line in enumerate(lines, start=1):
            match = _BOX_LINE.match(line)
            if not match:
                raise forms.ValidationError(
                    _("Line %(line)d: write left, top, right, bottom, then black or blur.")
                    % {"line": number},
                    code="box",
                )
            box = [int(value) for value in match.groups()[:4]]
            _check_box(box)
            boxes.append({"box": box, "mode": (match.group(5) or "black").lower()})
        return boxes

    @staticmethod
    def initial_for(crop: list[int] | None, redactions: list[dict[str, Any]]) -> dict[str, str]:
        return {
            "crop": ", ".join(map(str, crop)) if crop else "",
            "redactions": "\n".join(
                f"{', '.join(map(str, item['box']))}, {item.get('mode', 'black')}"
                for item in redactions or []
            ),
        }


class ReviewForm(forms.Form):
    APPROVE = "approve"
    SEND_BACK = "send_back"

    checklist = forms.MultipleChoiceField(
        label=_("Checklist"),
        required=False,
        choices=list(REVIEW_CHECKLIST.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    comments = forms.CharField(
        label=_("Comments"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required to send the object back: say what must change."),
    )
    decision = forms.ChoiceField(choices=[(APPROVE, _("Approve")), (SEND_BACK, _("Send back"))])


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Internal: recorded in the audit trail."),
    )


def _publish_at_field() -> forms.DateTimeField:
    # A naive value from the browser is read in the current time zone (the form field makes it aware),
    # and the help text names that zone, so that nobody publishes an hour early.
    return forms.DateTimeField(
        label=_("Publication time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"],
    )


class _PublishAtMixin(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["publish_at"].help_text = _(
            "Now or later, in the %(zone)s time zone. The objects appear at this time."
        ) % {"zone": timezone.get_current_timezone_name()}
        if not self.is_bound:
            self.initial.setdefault("publish_at", timezone.localtime().replace(second=0, microsecond=0))


class ReleaseForm(_PublishAtMixin):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("Such as: 25 new objects, June 2026.")
    )
    publish_at = _publish_at_field()


class ReleaseScheduleForm(_PublishAtMixin):
    publish_at = _publish_at_field()


class ReleaseAssignForm(forms.Form):
    objects = ObjectCodeChoice(
        label=_("Approved objects"),
        queryset=Object.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one approved object.")},
    )
    audience = forms.ChoiceField(
        label=_("Audience"),
        choices=Audience.choices,
        initial=Audience.PARTNERS,
        widget=forms.RadioSelect,
        help_text=_(
            "National partners first is the discreet step; the public can follow in a later release."
        ),
    )

    def __init__(self, *args: Any, queryset: QuerySet[Object], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objects"].queryset = queryset  # type: ignore[attr-defined]
