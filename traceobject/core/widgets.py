"""Form widgets that render in Python where Django's template-per-option rendering is too slow."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class QuickSelect(forms.Select):
    """A single select rendered without a template per option.

    Django renders each ``<option>`` through the template engine; a filter with hundreds of options
    (objects, countries) then costs tens of milliseconds per page. Same markup as Django's, groups
    included: a choice whose value is a list of pairs becomes an ``<optgroup>`` labelled by its name
    (rendering such a list as one option printed the Python list and sent the group's name as value).
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = {str(item) for item in self.format_value(value)}
        options = []
        for option, label in self.choices:
            if isinstance(label, list | tuple):
                group = self._options(label, selected)
                options.append(format_html('<optgroup label="{}">{}</optgroup>', option, group))
            else:
                options.append(self._options([(option, label)], selected))
        return format_html("<select{}>{}</select>", flatatt(final_attrs), SafeString("".join(options)))

    @staticmethod
    def _options(choices: Iterable[tuple[Any, Any]], selected: set[str]) -> SafeString:
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((option, " selected" if str(option) in selected else "", label) for option, label in choices),
        )


def quicken_selects(form: forms.BaseForm) -> None:
    """Swap every plain single select of ``form`` for a ``QuickSelect`` with the same attributes."""
    for field in form.fields.values():
        widget = field.widget
        if type(widget) is forms.Select:
            quick = QuickSelect(attrs=widget.attrs)
            quick.choices = widget.choices
            quick.is_required = widget.is_required
            field.widget = quick
