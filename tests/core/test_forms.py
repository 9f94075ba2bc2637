"""The project's form renderer (core/forms.py): every form's fields are described by the help and error
elements that the shared field templates render, staff forms included."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.template.loader import render_to_string

from tests.utils import find_all, find_by_id


class _Note(forms.Form):
    text = forms.CharField(label="Note", help_text="Only staff read notes.", min_length=5)
    flag = forms.BooleanField(label="Urgent", help_text="Raises it in the inbox.", required=False)


@pytest.mark.parametrize("template", ["staff/_field.html", "public/_follow_up_field.html"])
def test_shared_field_templates_match_aria_describedby(template: str) -> None:
    for form, expected in (
        (_Note(), ["id_text_helptext"]),
        (_Note(data={"text": "x"}), ["id_text_helptext", "id_text_errors"]),
    ):
        html = render_to_string(template, {"field": form["text"]})
        field = find_by_id(html, "id_text")
        assert field
        described = (field.attrs.get("aria-describedby") or "").split()
        assert described == expected
        for element_id in described:
            assert find_by_id(html, element_id), f"#{element_id} is missing in {template}"


def test_checkbox_in_the_staff_template_is_described_too() -> None:
    html = render_to_string("staff/_field.html", {"field": _Note()["flag"]})
    field = find_by_id(html, "id_flag")
    assert field
    assert field.attrs.get("aria-describedby") == "id_flag_helptext"
    assert find_by_id(html, "id_flag_helptext")


def test_hand_set_aria_describedby_is_kept() -> None:
    class Custom(forms.Form):
        text = forms.CharField(help_text="h", widget=forms.TextInput(attrs={"aria-describedby": "mine"}))

    html: Any = str(Custom()["text"])
    assert find_all(html, "input")[0].attrs["aria-describedby"] == "mine"
