"""The notice that a lead is waiting, sent through Django's SMTP backend to a real local SMTP server."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from tests.leads.conftest import Loop
from traceobject.accounts.models import User
from traceobject.leads.models import LeadState
from traceobject.leads.services import lead_send

pytestmark = pytest.mark.django_db


@dataclass
class Received:
    envelope_from: str
    recipients: list[str]
    content: bytes


@dataclass
class Inbox:
    """What the aiosmtpd handler got; aiosmtpd calls ``handle_DATA`` for every message."""

    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp() -> Iterator[Inbox]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            DEFAULT_FROM_EMAIL="noreply@traceobject.example.org",
            LEADS_PARTNER_URL="https://traceobject.example.org/partner/",
        ):
            yield inbox
    finally:
        controller.stop()


def test_notice_goes_to_the_authority_and_its_partners_and_says_nothing(
    staff: dict[str, Any], loop: Loop, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    User.objects.filter(pk=staff["partner_a"].pk).update(email="officer-a@police.example.org")
    User.objects.filter(pk=staff["partner_b"].pk).update(email="officer-b@polizei.example.org")
    User.objects.create_user(
        username="gone", role="partner", country="PL", email="former@police.example.org", is_active=False
    )
    lead = loop.leads["PL"]
    with django_capture_on_commit_callbacks(execute=True):
        lead_send(actor=staff["analyst"], lead=lead)
    assert lead.state == LeadState.SENT

    assert len(smtp.messages) == 1
    received = smtp.messages[0]
    assert received.envelope_from == "noreply@traceobject.example.org"
    assert sorted(received.recipients) == sorted([lead.authority.email, "officer-a@police.example.org"])
    message = email.message_from_bytes(received.content, policy=email.policy.default)
    assert message["To"] == lead.authority.email
    assert message["Bcc"] is None  # the partners' addresses are not shown to anyone
    subject = str(message["Subject"])
    body = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "https://traceobject.example.org/partner/" in body
    everything = f"{subject}\n{body}"
    for secret in (
        lead.reference,
        "B17-2026",
        "Blue canvas bag",
        "Poland",
        "Polska",
        "Germany",
        lead.authority.name,
    ):
        assert secret.lower() not in everything.lower(), secret
    for code in ("PL", "DE"):
        assert not re.search(rf"\b{code}\b", everything), code
    assert "L-20" not in everything


def test_resend_repeats_the_notice(
    staff: dict[str, Any], loop: Loop, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    lead = loop.leads["DE"]
    with django_capture_on_commit_callbacks(execute=True):
        lead_send(actor=staff["analyst"], lead=lead)
    with django_capture_on_commit_callbacks(execute=True):
        lead_send(actor=staff["analyst"], lead=lead)
    assert len(smtp.messages) == 2
    assert all(m.recipients == [lead.authority.email] for m in smtp.messages)
