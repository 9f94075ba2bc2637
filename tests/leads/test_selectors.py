"""The leads selectors: partner scoping (404 to another country), queues, and the figures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone

from tests.leads.conftest import Loop
from traceobject.leads.models import Determination, Lead, LeadState, OutcomeKind
from traceobject.leads.selectors import (
    determination_for_object,
    determinations_pending,
    lead_figures,
    lead_for_partner,
    lead_outcomes,
    leads_list,
    leads_unacknowledged,
    partner_leads,
)
from traceobject.leads.services import lead_send, outcome_report

pytestmark = pytest.mark.django_db


def _send_both(staff: dict[str, Any], loop: Loop) -> None:
    for lead in loop.leads.values():
        lead_send(actor=staff["analyst"], lead=lead)


def test_pending_and_for_object(proposal: Determination) -> None:
    assert list(determinations_pending()) == [proposal]
    assert determination_for_object(proposal.object) == proposal


def test_pending_is_empty_after_confirmation(loop: Loop) -> None:
    assert not determinations_pending().exists()
    assert determination_for_object(loop.obj) == loop.determination


def test_partner_sees_only_sent_leads_of_its_own_country(staff: dict[str, Any], loop: Loop) -> None:
    pl, de = loop.leads["PL"], loop.leads["DE"]
    assert not partner_leads(user=staff["partner_a"]).exists()  # nothing sent yet
    with pytest.raises(Http404):
        lead_for_partner(user=staff["partner_a"], reference=pl.reference)
    _send_both(staff, loop)
    assert list(partner_leads(user=staff["partner_a"])) == [pl]
    assert list(partner_leads(user=staff["partner_b"])) == [de]
    assert lead_for_partner(user=staff["partner_a"], reference=pl.reference) == pl
    with pytest.raises(Http404):
        lead_for_partner(user=staff["partner_a"], reference=de.reference)
    with pytest.raises(Http404):
        lead_for_partner(user=staff["partner_b"], reference=pl.reference)
    for who in ("outsider", "analyst", "publisher", "auditor", "administrator"):
        assert not partner_leads(user=staff[who]).exists()
        with pytest.raises(Http404):
            lead_for_partner(user=staff[who], reference=pl.reference)


def test_leads_list_and_unacknowledged(staff: dict[str, Any], loop: Loop) -> None:
    assert {lead.reference for lead in leads_list()} == {lead.reference for lead in loop.leads.values()}
    assert list(leads_list(state=LeadState.SENT)) == []
    _send_both(staff, loop)
    assert leads_list(state=LeadState.SENT).count() == 2
    assert not leads_unacknowledged(older_than_days=7).exists()
    Lead.objects.filter(country="DE").update(sent_at=timezone.now() - timedelta(days=8))
    assert [lead.country for lead in leads_unacknowledged(older_than_days=7)] == ["DE"]


def test_lead_figures_from_aggregates(
    staff: dict[str, Any], loop: Loop, django_assert_max_num_queries: Any
) -> None:
    loop.obj.published_at = loop.determination.decided_at - timedelta(days=10)
    loop.obj.save(update_fields=["published_at"])
    _send_both(staff, loop)
    pl = loop.leads["PL"]
    outcome_report(
        actor=staff["partner_a"], lead=pl, kind=OutcomeKind.VICTIM_IDENTIFIED, count=2, update="Two."
    )
    outcome_report(
        actor=staff["partner_a"], lead=pl, kind=OutcomeKind.OFFENDER_ARRESTED, count=1, update="One."
    )
    with django_assert_max_num_queries(6):
        figures = lead_figures()
    assert figures.objects_identified == 1
    assert figures.objects_placed == 1
    assert figures.objects_widespread == 0
    assert figures.countries_with_leads == 2
    assert figures.victims_identified == 2
    assert figures.offenders_arrested == 1
    assert figures.leads_total == 2
    assert figures.leads_acknowledged == 1
    assert figures.leads_with_outcome == 1
    month = loop.determination.decided_at.strftime("%Y-%m")
    assert figures.identifications_by_month == [(month, 1)]
    assert figures.median_days_to_determination == pytest.approx(10.0, abs=0.1)
    assert [o.update for o in lead_outcomes(pl)] == ["Two.", "One."]


def test_lead_figures_take_the_same_queries_for_many_leads(
    staff: dict[str, Any], loop: Loop, more_leads: Any, count_queries: Any, django_assert_max_num_queries: Any
) -> None:
    """Aggregates, not rows: the figures of a dozen more leads with outcomes cost no more queries."""
    _send_both(staff, loop)
    few = count_queries(lead_figures)
    assert few <= 6
    more_leads(12)
    with django_assert_max_num_queries(few):
        figures = lead_figures()
    assert figures.leads_total == 14
    assert figures.leads_with_outcome == 12


def test_lead_figures_empty(db: None) -> None:
    figures = lead_figures()
    assert figures.objects_identified == 0
    assert figures.victims_identified == 0
    assert figures.identifications_by_month == []
    assert figures.median_days_to_determination is None
