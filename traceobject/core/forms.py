"""The project's form renderer: one place that decides which elements describe a field; and the one
helper that shows a service's refusal in a form.

Django (5.x) points a field's ``aria-describedby`` at ``<id>_helptext`` and ``<id>_error``. The
project's field templates (``public/_tip_form.html``, ``public/_follow_up_field.html``,
``staff/_field.html``) give the help text Django's ``<id>_helptext`` id and render the error list with
an ``<id>_errors`` id; this bound field names exactly those, so screen readers announce both, on
every form of the site, and the templates need not pass anything.
"""

from __future__ import annotations

from django.forms import Form
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates

from traceobject.core.errors import ApplicationError


class DescribedBoundField(BoundField):
    @property
    def aria_describedby(self) -> str | None:
        if self.field.widget.attrs.get("aria-describedby"):
            return None  # set by hand on the widget: kept as it is
        ids = []
        if self.auto_id and not self.is_hidden:
            if self.help_text:
                ids.append(f"{self.auto_id}_helptext")
            if self.errors:
                ids.append(f"{self.auto_id}_errors")
        return " ".join(ids)


class FormRenderer(DjangoTemplates):
    bound_field_class = DescribedBoundField


def form_refusal_add(form: Form, error: ApplicationError) -> None:
    """Put a service's refusal next to its field, or above the form when it names no field of this
    form (a refusal about the whole action, or a field the form does not show): the one way every view
    shows an ``ApplicationError`` in its form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
