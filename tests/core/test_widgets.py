from __future__ import annotations

from xml.etree import ElementTree

from django import forms

from traceobject.core.widgets import QuickSelect, quicken_selects


class Filters(forms.Form):
    country = forms.ChoiceField(
        required=False, choices=[("", "Any"), ("PL", "Poland"), ("FR", 'France <&> "Outre-mer"')]
    )
    note = forms.CharField(required=False)
    multi = forms.MultipleChoiceField(required=False, choices=[("a", "A")])


def _parse(html: str) -> ElementTree.Element:
    return ElementTree.fromstring(html.replace(" selected", ' selected="selected"'))  # noqa: S314 - our own markup


def _options(html: str) -> list[tuple[str, str, bool]]:
    root = _parse(html)
    return [(o.get("value") or "", o.text or "", o.get("selected") is not None) for o in root]


def test_renders_like_djangos_select_with_the_value_selected_and_labels_escaped() -> None:
    form = Filters({"country": "FR"})
    standard = str(form["country"])
    quicken_selects(form)
    assert isinstance(form.fields["country"].widget, QuickSelect)
    quick = str(form["country"])
    assert _options(quick) == _options(standard)
    assert ("FR", 'France <&> "Outre-mer"', True) in _options(quick)
    assert "<&>" not in quick
    root = _parse(quick)
    assert (root.get("name"), root.get("id")) == ("country", "id_country")


def test_only_plain_single_selects_are_swapped_and_later_choices_reach_the_new_widget() -> None:
    form = Filters()
    quicken_selects(form)
    assert not isinstance(form.fields["note"].widget, QuickSelect)
    assert not isinstance(form.fields["multi"].widget, QuickSelect)
    form.fields["country"].choices = [("", "Any"), ("DE", "Germany")]  # type: ignore[attr-defined]
    assert _options(str(form["country"])) == [("", "Any", True), ("DE", "Germany", False)]


def _grouped(html: str) -> list[tuple[str | None, list[tuple[str, str, bool]]]]:
    """(group label or None for a top-level option, its options) in page order."""
    result: list[tuple[str | None, list[tuple[str, str, bool]]]] = []
    for child in _parse(html.replace(" required", "")):
        if child.tag == "optgroup":
            result.append(
                (
                    child.get("label"),
                    [(o.get("value") or "", o.text or "", o.get("selected") is not None) for o in child],
                )
            )
        else:
            result.append(
                (None, [(child.get("value") or "", child.text or "", child.get("selected") is not None)])
            )
    return result


class Grouped(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("", "Choose"),
            ("Set <the> status", [("status:new", "New"), ("status:relevant", "Relevant")]),
            ("Assign", [("assign_me", "Assign to me")]),
        ]
    )


def test_grouped_choices_render_as_optgroups_like_djangos_select() -> None:
    form = Grouped({"action": "status:relevant"})
    standard = str(form["action"])
    quicken_selects(form)
    quick = str(form["action"])
    assert _grouped(quick) == _grouped(standard)
    assert _grouped(quick) == [
        (None, [("", "Choose", False)]),
        ("Set <the> status", [("status:new", "New", False), ("status:relevant", "Relevant", True)]),
        ("Assign", [("assign_me", "Assign to me", False)]),
    ]
    assert "[(" not in quick
