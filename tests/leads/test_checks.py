from __future__ import annotations

from django.test import override_settings

from traceobject.leads.checks import lead_notice_configuration


def test_no_warning_outside_production() -> None:
    with override_settings(MODE="test", LEADS_PARTNER_URL="http://localhost/partner/"):
        assert lead_notice_configuration(None) == []


def test_production_needs_an_https_portal_and_a_sender() -> None:
    with override_settings(
        MODE="production", LEADS_PARTNER_URL="http://localhost/partner/", DEFAULT_FROM_EMAIL="x@localhost"
    ):
        assert [w.id for w in lead_notice_configuration(None)] == ["traceobject.W101", "traceobject.W102"]
    with override_settings(
        MODE="production",
        LEADS_PARTNER_URL="https://traceobject.example.org/partner/",
        DEFAULT_FROM_EMAIL="noreply@traceobject.example.org",
    ):
        assert lead_notice_configuration(None) == []
