"""The auditor's pages: /staff/audit/ and /staff/audit/<id>/."""

from __future__ import annotations

import csv
import io
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise

from tests.audit.triggers import audit_triggers_lifted
from tests.utils import find_all
from traceobject.audit.actions import AuditAction, action_label
from traceobject.audit.models import AuditEvent, AuditHead
from traceobject.audit.selectors import PAGE_SIZE
from traceobject.audit.services import audit_record, event_digest

LIST_URL = "/staff/audit/"
LOGIN_URL = "/staff/login/"

pytestmark = pytest.mark.django_db


def _ids(response) -> list[int]:
    """The event ids in the table, in page order."""
    html = response.content.decode()
    return [int(cell.text.strip().lstrip("#")) for cell in find_all(html, "a") if _is_event_link(cell)]


def _is_event_link(element) -> bool:
    href = element.attrs.get("href") or ""
    return href.startswith("/staff/audit/") and href.rstrip("/").split("/")[-1].isdigit()


def _link(response, rel: str) -> str | None:
    html = response.content.decode()
    links = [a.attrs.get("href") for a in find_all(html, "a") if a.attrs.get("rel") == rel]
    return links[0] if links else None


def _record(actor=None, *, label: str = "system:test", action=AuditAction.OBJECT_EDIT, when=None, **kwargs):
    """One event; ``when`` is the clock at recording time (callers record in order, so the chain holds)."""
    clock = (
        mock.patch("traceobject.audit.services.timezone.now", return_value=when) if when else nullcontext()
    )
    with clock, transaction.atomic():
        return audit_record(actor=actor, actor_label="" if actor else label, action=action, **kwargs)


# --- Who may read ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["auditor", "administrator"])
def test_roles_with_audit_read_see_the_trail(staff_client, staff, name: str) -> None:
    event = _record(staff["publisher"], action=AuditAction.OBJECT_SUBMIT)
    response = staff_client(name).get(LIST_URL)
    assert response.status_code == 200
    assert _ids(response) == [event.pk]
    html = response.content.decode()
    assert "Submitted an object for review" in html
    assert "publisher" in html


@pytest.mark.parametrize(
    "name", ["publisher", "publisher_two", "analyst", "partner_a", "partner_b", "outsider"]
)
def test_roles_without_audit_read_are_refused(staff_client, name: str) -> None:
    event = _record()
    client = staff_client(name)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(f"{LIST_URL}{event.pk}/").status_code == 403
    assert client.get(f"{LIST_URL}{event.pk + 1000}/").status_code == 403  # no hint of what exists


def test_anonymous_is_sent_to_the_login_page(client) -> None:
    response = client.get(f"{LIST_URL}?action=x")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == LOGIN_URL
    assert parse_qs(location.query)["next"] == [f"{LIST_URL}?action=x"]


def test_the_pages_are_read_only(staff_client) -> None:
    event = _record()
    client = staff_client("auditor")
    assert client.post(LIST_URL).status_code == 405
    assert client.post(f"{LIST_URL}{event.pk}/").status_code == 405


def test_the_staff_navigation_links_the_trail_for_the_auditor_only(staff_client) -> None:
    assert f'href="{LIST_URL}"' in staff_client("auditor").get("/staff/").content.decode()
    assert f'href="{LIST_URL}"' not in staff_client("publisher").get("/staff/").content.decode()


# --- Filters --------------------------------------------------------------------------------------


@pytest.fixture
def trail(staff, object_factory):
    obj, other = object_factory(), object_factory()
    day = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
    return {
        "obj": obj,
        "other": other,
        "a": _record(
            staff["publisher"], action=AuditAction.OBJECT_CREATE, target=obj, when=day - timedelta(days=2)
        ),
        "b": _record(staff["publisher_two"], action=AuditAction.OBJECT_APPROVE, target=obj, when=day),
        "c": _record(
            staff["analyst"], action=AuditAction.OBJECT_EDIT, target=other, when=day + timedelta(days=1)
        ),
        "d": _record(
            label="system:demo", action=AuditAction.AUTHORITY_DEMO_LOAD, when=day + timedelta(days=3)
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["d", "c", "b", "a"]),
        ("actor=publisher", ["a"]),
        ("actor=publisher_two", ["b"]),
        ("actor=system:demo", ["d"]),
        ("actor=nobody", []),
        ("action=object.edit", ["c"]),
        ("target_type=gallery.object", ["c", "b", "a"]),
        ("target_type=GALLERY.OBJECT&target_id={obj}", ["b", "a"]),
        ("target_type=gallery.object&target_id={other}", ["c"]),
        ("date_from=2026-05-10", ["d", "c", "b"]),
        ("date_to=2026-05-10", ["b", "a"]),  # the end date is included
        ("date_from=2026-05-10&date_to=2026-05-11", ["c", "b"]),
        ("date_from=2026-05-10&date_to=2026-05-10", ["b"]),
        ("actor=publisher&action=object.approve", []),
    ],
)
def test_filters(staff_client, trail, query: str, expected: list[str]) -> None:
    query = query.format(obj=trail["obj"].pk, other=trail["other"].pk)
    response = staff_client("auditor").get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    assert _ids(response) == [trail[key].pk for key in expected]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("date_from=2026-13-01", "date_from", "Enter a valid date."),
        ("date_to=yesterday", "date_to", "Enter a valid date."),
        ("date_from=2026-05-11&date_to=2026-05-10", "date_to", "The end date is before the start date."),
        ("target_id=7", "target_type", "Give the target type too"),
        ("before=abc", "before", None),
        ("before=5&after=3", None, "This page link is not valid."),
        ("actor=" + "x" * 151, "actor", "Ensure this value has at most 150 characters"),
    ],
)
def test_bad_filters_are_explained_and_show_no_events(staff_client, trail, query, field, message) -> None:
    response = staff_client("auditor").get(f"{LIST_URL}?{query}")
    assert response.status_code == 400
    form = response.context["form"]
    if field is not None:
        assert field in form.errors
    if message is not None:
        assert message in response.content.decode()
    assert _ids(response) == []
    assert 'class="errorlist' in response.content.decode()


def test_a_date_at_the_end_of_the_calendar_does_not_overflow(staff_client, trail) -> None:
    response = staff_client("auditor").get(f"{LIST_URL}?date_from=2026-01-01&date_to=9999-12-31")
    assert response.status_code == 200
    assert len(_ids(response)) == 4


# --- Keyset pagination ----------------------------------------------------------------------------


TWO_ACTIONS = (AuditAction.TIP_OPEN, AuditAction.TIPS_VIEW)


def test_keyset_pagination_newest_first(staff_client) -> None:
    events = [_record(action=TWO_ACTIONS[n % 2]) for n in range(PAGE_SIZE * 2 + 7)]
    ids = [event.pk for event in reversed(events)]
    client = staff_client("auditor")

    first = client.get(LIST_URL)
    assert _ids(first) == ids[:PAGE_SIZE]
    assert _link(first, "prev") is None
    second = client.get(LIST_URL + _link(first, "next"))
    assert _ids(second) == ids[PAGE_SIZE : PAGE_SIZE * 2]
    third = client.get(LIST_URL + _link(second, "next"))
    assert _ids(third) == ids[PAGE_SIZE * 2 :]
    assert _link(third, "next") is None

    back = client.get(LIST_URL + _link(third, "prev"))
    assert _ids(back) == ids[PAGE_SIZE : PAGE_SIZE * 2]
    front = client.get(LIST_URL + _link(back, "prev"))
    assert _ids(front) == ids[:PAGE_SIZE]
    assert _link(front, "prev") is None


def test_pagination_keeps_the_filters(staff_client) -> None:
    events = [_record(action=TWO_ACTIONS[n % 2]) for n in range(PAGE_SIZE * 2 + 10)]
    wanted = [event.pk for event in reversed(events) if event.action == "tips.view"]
    client = staff_client("auditor")
    first = client.get(f"{LIST_URL}?action=tips.view")
    next_link = _link(first, "next")
    assert "action=tips.view" in next_link
    second = client.get(LIST_URL + next_link)
    assert _ids(first) + _ids(second) == wanted


def test_query_count_does_not_grow_with_the_events(staff_client, staff, count_queries) -> None:
    client = staff_client("auditor")
    client.get(LIST_URL)  # the first request of a session also writes the session
    for _ in range(5):
        _record(staff["publisher"], details={"a": 1})
    few = count_queries(lambda: client.get(LIST_URL))
    for _ in range(45):
        _record(staff["publisher"], details={"a": 1})
    many = count_queries(lambda: client.get(LIST_URL))
    assert few == many
    # Beyond what every staff page costs (session, user, second factor): events, head, newest event.
    assert many - count_queries(lambda: client.get("/staff/")) <= 3
    filtered = count_queries(lambda: client.get(f"{LIST_URL}?actor=publisher&date_from=2020-01-01"))
    assert filtered == many


# --- The chain's status ---------------------------------------------------------------------------


def test_an_empty_trail_says_so(staff_client) -> None:
    html = staff_client("auditor").get(LIST_URL).content.decode()
    assert "No events have been recorded yet." in html


def test_a_consistent_head_is_reported(staff_client) -> None:
    events = [_record() for _ in range(3)]
    html = staff_client("auditor").get(LIST_URL).content.decode()
    assert f"The end of the chain matches: 3 events, the newest is #{events[-1].pk}." in html
    assert 'role="alert"' not in html


@pytest.mark.parametrize("tamper", ["head-hash", "newest-altered", "newest-deleted"])
def test_a_broken_end_of_the_chain_raises_an_alert(staff_client, tamper: str) -> None:
    events = [_record() for _ in range(3)]
    with audit_triggers_lifted():  # as the database's owner can
        if tamper == "head-hash":
            AuditHead.objects.filter(pk=1).update(last_hash="d" * 64)
        elif tamper == "newest-altered":
            AuditEvent.objects.filter(pk=events[-1].pk).update(action="test.altered")
        else:
            AuditEvent.objects.filter(pk=events[-1].pk).delete()
    response = staff_client("auditor").get(LIST_URL)
    assert response.status_code == 200
    alerts = [
        element
        for element in find_all(response.content.decode(), "div")
        if element.attrs.get("role") == "alert"
    ]
    assert len(alerts) == 1
    assert "traceobject audit verify" in response.content.decode()


# --- One event ------------------------------------------------------------------------------------


def test_the_detail_page_shows_the_event_and_its_neighbours(staff_client, staff, object_factory) -> None:
    obj = object_factory()
    first = _record()
    event = _record(
        staff["publisher"], action=AuditAction.OBJECT_WITHDRAW, target=obj, details={"reason": "duplicate"}
    )
    last = _record()
    response = staff_client("auditor").get(f"{LIST_URL}{event.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("object.withdraw", "publisher", "duplicate", event.hash, str(obj)):
        assert text in html
    assert f'href="{LIST_URL}{first.pk}/"' in html
    assert f'href="{LIST_URL}{last.pk}/"' in html
    assert 'role="alert"' not in html


def test_the_detail_page_flags_an_altered_event_and_a_missing_predecessor(staff_client) -> None:
    first, second, third = (_record() for _ in range(3))
    with audit_triggers_lifted():  # as the database's owner can
        AuditEvent.objects.filter(pk=second.pk).update(action="test.altered")
    html = staff_client("auditor").get(f"{LIST_URL}{second.pk}/").content.decode()
    assert "This event was altered" in html
    with audit_triggers_lifted():
        AuditEvent.objects.filter(pk=second.pk).delete()
    html = staff_client("auditor").get(f"{LIST_URL}{third.pk}/").content.decode()
    assert "The event this one follows is missing from the trail." in html
    assert first.pk


def test_an_unknown_event_is_404_for_the_auditor(staff_client) -> None:
    assert staff_client("auditor").get(f"{LIST_URL}999999/").status_code == 404


# --- Readable labels, object codes, CSV export -------------------------------------------------------


def _event_of_another_version(action: str) -> AuditEvent:
    """An event that another version of the code wrote, with an action this version does not know:
    appended the way ``audit_record`` appends, since ``audit_record`` itself takes only members."""
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().get(pk=1)
        event = AuditEvent(
            created_at=timezone.now(),
            actor_label="system:test",
            action=action,
            details={},
            prev_hash=head.last_hash,
        )
        event.hash = event_digest(event)
        event.save(force_insert=True)
        head.last_hash, head.count = event.hash, head.count + 1
        head.save()
    return event


def test_actions_show_translated_labels_and_unknown_ones_their_raw_string(staff_client, staff) -> None:
    _record(staff["publisher"], action=AuditAction.OBJECT_APPROVE)
    _event_of_another_version("brand.new_action")
    html = staff_client("auditor").get(LIST_URL).content.decode()
    labels = [a.text for a in find_all(html, "a", class_="audit-action")]
    assert labels == ["brand.new_action", "Approved an object (publication review)"]
    assert action_label("brand.new_action") == "brand.new_action"
    assert action_label("object.approve") == "Approved an object (publication review)"
    with translation.override("de"):
        # Labels are looked up at display time, in the reader's language (catalogues come later).
        assert isinstance(AuditAction.OBJECT_APPROVE.label, Promise)


# Every action that events may already carry, as they were stored before the enum existed: the hash
# chain covers these strings, so each must stay a member with exactly this value (members may be added).
STORED_ACTIONS = frozenset(
    {
        "auth.login", "auth.login_failed", "auth.logout", "auth.otp_enrolment_start", "auth.otp_enrol",
        "user.create", "user.update", "user.password_change", "user.otp_reset",
        "vault.grant", "vault.key_create", "vault.key_pair_create", "vault.key_pair_reset", "vault.escrow",
        "vault.rotation_start", "vault.rotation_resume", "vault.rotation_finish",
        "object.create", "object.edit", "object.submit", "object.approve", "object.reject", "object.publish",
        "object.withdraw", "image.upload", "image.edit", "image.remove", "image.scan", "image.reprocess",
        "release.create", "release.schedule",
        "tip.open", "tips.view", "barriers.view", "tip.note_add", "tip.question", "tip.questions_resealed",
        "tips.status", "tips.cluster_status", "tips.assign", "tips.label_add", "tips.label_remove",
        "tips.other", "tips.not_other", "retention.contacts", "retention.withdrawn",
        "determination.propose", "determination.confirm", "determination.reject",
        "lead.open", "lead.export", "lead.send", "lead.acknowledge", "lead.outcome", "lead.outcome_correct",
        "partner.object_report", "authority.save", "authority.demo_load", "audit.export",
        "consensus.export", "leads.export", "determinations.export",
    }
)  # fmt: skip


def test_every_stored_action_keeps_its_value() -> None:
    values = {member.value for member in AuditAction}
    assert sorted(STORED_ACTIONS - values) == []
    assert AuditAction.OBJECT_APPROVE.value == "object.approve"


def test_every_action_has_its_own_translated_label_and_fits_the_column() -> None:
    limit = AuditEvent._meta.get_field("action").max_length
    for member in AuditAction:
        # A member written without a label gets Django's generated one, a plain str: not translatable.
        assert isinstance(member.label, Promise), member
        assert 1 <= len(member.value) <= limit, member
    labels = [str(member.label) for member in AuditAction]
    assert len(set(labels)) == len(labels), "two actions would read the same in the trail"


def test_no_call_records_a_free_string_action() -> None:
    """Every ``audit_record(...)`` in the code names its action by the enum, not by a string literal
    (the run-time check refuses strings too; this finds one before it runs)."""
    import ast
    from pathlib import Path

    import traceobject

    calls = 0
    offenders: list[str] = []
    for source in Path(traceobject.__file__).parent.rglob("*.py"):
        tree = ast.parse(source.read_text(), filename=str(source))
        string_constants = {
            node.targets[0].id
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant | ast.JoinedStr)
            and (isinstance(node.value, ast.JoinedStr) or isinstance(node.value.value, str))
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name != "audit_record":
                continue
            calls += 1
            for keyword in node.keywords:
                if keyword.arg != "action":
                    continue
                for part in ast.walk(keyword.value):
                    literal = isinstance(part, ast.JoinedStr) or (
                        isinstance(part, ast.Constant) and isinstance(part.value, str)
                    )
                    if literal or (isinstance(part, ast.Name) and part.id in string_constants):
                        offenders.append(f"{source.name}:{node.lineno}")
    assert calls > 40  # the scan sees the code's calls
    assert offenders == []


def test_object_targets_show_the_object_code_not_the_internal_id(staff_client, staff, object_factory) -> None:
    obj = object_factory(code="Q42-2026")
    _record(staff["publisher"], action=AuditAction.OBJECT_EDIT, target=obj)
    html = staff_client("auditor").get(LIST_URL).content.decode()
    targets = find_all(html, "a", class_="audit-target")
    assert [a.text for a in targets] == ["Q42-2026"]
    assert targets[0].attrs["href"] == f"{LIST_URL}?target_type=gallery.object&target_id={obj.pk}"
    detail = staff_client("auditor").get(f"{LIST_URL}{AuditEvent.objects.get().pk}/").content.decode()
    assert "Q42-2026" in [element.text for element in find_all(detail, "strong", class_="audit-target")]


def test_labels_and_codes_cost_a_fixed_number_of_queries(staff_client, staff, object_factory, count_queries):
    client = staff_client("auditor")
    client.get(LIST_URL)
    _record(staff["publisher"], action=AuditAction.OBJECT_EDIT, target=object_factory())
    few = count_queries(lambda: client.get(LIST_URL))
    for _ in range(20):
        _record(staff["publisher"], action=AuditAction.OBJECT_EDIT, target=object_factory())
    assert count_queries(lambda: client.get(LIST_URL)) == few


def _csv(response) -> list[list[str]]:
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_csv_export_of_the_current_filter_is_streamed_and_audited(staff_client, staff, trail) -> None:
    client = staff_client("auditor")
    response = client.get(f"/staff/audit/export.csv?target_type=gallery.object&target_id={trail['obj'].pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    rows = _csv(response)
    header, body = rows[0], rows[1:]
    assert header[:5] == ["id", "time_utc", "actor", "action", "action_label"]
    assert [int(row[0]) for row in body] == [trail["a"].pk, trail["b"].pk]  # oldest first, filter kept
    first = dict(zip(header, body[0], strict=True))
    assert first["time_utc"] == "2026-05-08T12:00:00+00:00"  # ISO 8601, UTC
    assert datetime.fromisoformat(first["time_utc"]) == datetime(2026, 5, 8, 12, tzinfo=UTC)
    assert first["action_label"] == "Created an object"
    assert first["target_code"] == trail["obj"].code
    assert first["actor"] == "publisher"
    export = AuditEvent.objects.filter(action="audit.export").get()
    assert export.actor == staff["auditor"]
    assert export.details == {
        "export": "audit",
        "filters": {"target_type": "gallery.object", "target_id": str(trail["obj"].pk)},
        "count": 2,
        "until": trail["b"].pk,
        "format": "csv",
    }


def test_csv_export_stops_at_the_events_that_existed_and_batches(staff_client, staff, monkeypatch) -> None:
    from traceobject.audit import selectors

    monkeypatch.setattr(selectors, "EXPORT_BATCH", 3)
    recorded = [_record(staff["publisher"], details={"n": index}).pk for index in range(7)]
    rows = _csv(staff_client("auditor").get("/staff/audit/export.csv"))
    # Every event once, in order, across batches; the export's own event is after the snapshot.
    assert [int(row[0]) for row in rows[1:]] == recorded


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_cannot_run_as_spreadsheet_formulas(staff_client, staff, start) -> None:
    _record(label=f'{start}HYPERLINK("http://x")')
    rows = _csv(staff_client("auditor").get("/staff/audit/export.csv"))
    assert rows[1][2] == f'\'{start}HYPERLINK("http://x")'


@pytest.mark.parametrize("name", ["publisher", "analyst", "partner_a", "partner_b", "outsider"])
def test_csv_export_is_refused_without_the_permission(staff_client, name) -> None:
    _record()
    assert staff_client(name).get("/staff/audit/export.csv").status_code == 403
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_the_export_link_carries_the_filters(staff_client, trail) -> None:
    html = staff_client("administrator").get(f"{LIST_URL}?actor=publisher&before=999").content.decode()
    link = next(a for a in find_all(html, "a") if a.attrs.get("id") == "audit-export")
    assert link.attrs["href"] == "/staff/audit/export.csv?actor=publisher"


def test_an_invalid_filter_exports_nothing(staff_client, trail) -> None:
    response = staff_client("auditor").get("/staff/audit/export.csv?date_from=notadate")
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="audit.export").exists()
