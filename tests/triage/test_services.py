"""Analysts' changes: statuses (one tip, a selection, a cluster), labels, assignment, notes, other reports.

Each must be audited, refuse roles without the permission, and keep the aggregates equal to what a full
recount gives (``assert_aggregates_consistent``)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories import ObjectFactory
from tests.staff_fixtures import make_staff
from tests.utils import value_contains
from traceobject.audit.models import AuditEvent
from traceobject.core.errors import ApplicationError
from traceobject.tips.models import Tip, TipStatus
from traceobject.tips.payload import TipPayload
from traceobject.tips.services import tip_submit
from traceobject.triage import services
from traceobject.triage.aggregates import objects_refresh, supports_refresh, tallies_rebuild
from traceobject.triage.models import Cluster, ClusterSupport, Label, ObjectSupport, Tally, TipNote

pytestmark = pytest.mark.django_db

TEXTS = [
    "Ta torba pochodzi z Polski, widziałem ją w sklepie w Warszawie w 2016 roku.",
    "Ta torba pochodzi z Polski, widziałem ją w sklepie w Warszawie w 2016 roku!!",
    "Diese Tapete gab es in Deutschland bei OBI, ungefähr 2012, in vielen Farben.",
    "I think this carpet is from Turkey or maybe Iran, sold in bazaars in Istanbul.",
    "Este juguete se vendía en México y en España a principios de los 2000.",
]


@pytest.fixture
def analyst():
    return make_staff("ana", "analyst")


def submit(obj, text: str) -> Tip:
    tip = tip_submit(obj=obj, payload=TipPayload(text=text)).tip
    tip.refresh_from_db()
    return tip


def snapshot(obj) -> tuple:
    def rows(model, *fields):
        return sorted(model.objects.filter(object=obj).values_list(*fields))

    return (
        rows(ClusterSupport, "cluster_id", "kind", "value", "tips", "relevant_tips"),
        [
            (k, v, c, r, t, round(s, 6))
            for k, v, c, r, t, s in rows(
                ObjectSupport, "kind", "value", "clusters", "relevant_clusters", "tips", "score"
            )
        ],
        [row for row in rows(Tally, "dimension", "value", "tips") if row[2]],
        rows(Cluster, "pk", "size", "relevant"),
    )


def assert_aggregates_consistent(obj) -> None:
    """The incrementally kept aggregates equal a recount from the tips and signals."""
    kept = snapshot(obj)
    supports_refresh(cluster_ids=Cluster.objects.filter(object=obj).values_list("pk", flat=True))
    objects_refresh(object_ids=[obj.pk])
    tallies_rebuild(object_ids=[obj.pk])
    assert snapshot(obj) == kept


def test_status_change_is_audited_and_moves_the_tallies(analyst) -> None:
    obj = ObjectFactory()
    tips = [submit(obj, text) for text in TEXTS]
    result = services.tips_status_set(actor=analyst, tip_ids=[tips[2].pk, tips[3].pk], status="relevant")
    assert (result.changed, result.unchanged) == (2, 0)
    assert set(Tip.objects.filter(status="relevant").values_list("pk", flat=True)) == {tips[2].pk, tips[3].pk}
    event = AuditEvent.objects.get(action="tips.status")
    assert event.actor == analyst
    assert event.details == {"status": "relevant", "tips": [tips[2].pk, tips[3].pk]}
    tallies = {(t.dimension, t.value): t.tips for t in Tally.objects.filter(object=obj, dimension="status")}
    assert tallies[("status", "relevant")] == 2
    assert tallies[("status", "new")] == 3
    de = ObjectSupport.objects.get(object=obj, kind="country", value="DE")
    assert de.relevant_clusters == 1
    assert_aggregates_consistent(obj)


def test_setting_the_same_status_again_changes_nothing(analyst) -> None:
    obj = ObjectFactory()
    tip = submit(obj, TEXTS[0])
    services.tips_status_set(actor=analyst, tip_ids=[tip.pk], status="relevant")
    again = services.tips_status_set(actor=analyst, tip_ids=[tip.pk], status="relevant")
    assert (again.changed, again.unchanged) == (0, 1)
    assert_aggregates_consistent(obj)


def test_a_whole_cluster_in_one_action(analyst) -> None:
    obj = ObjectFactory()
    first, second = submit(obj, TEXTS[0]), submit(obj, TEXTS[1])
    assert first.cluster_id == second.cluster_id
    cluster = Cluster.objects.get(pk=first.cluster_id)
    result = services.cluster_status_set(actor=analyst, cluster=cluster, status="relevant")
    assert result.changed == 2
    cluster.refresh_from_db()
    assert cluster.relevant == 2
    pl = ObjectSupport.objects.get(object=obj, kind="country", value="PL")
    assert (pl.clusters, pl.relevant_clusters, pl.tips) == (1, 1, 2)
    event = AuditEvent.objects.get(action="tips.cluster_status")
    assert event.target_id == str(cluster.pk)
    assert sorted(event.details["tips"]) == sorted([first.pk, second.pk])
    assert_aggregates_consistent(obj)


def test_ruled_out_tips_stop_supporting_a_country(analyst) -> None:
    obj = ObjectFactory()
    tip = submit(obj, TEXTS[2])
    services.tips_status_set(actor=analyst, tip_ids=[tip.pk], status="not_relevant")
    assert not ObjectSupport.objects.filter(object=obj, kind="country", value="DE").exists()
    services.tips_status_set(actor=analyst, tip_ids=[tip.pk], status="needs_follow_up")
    assert ObjectSupport.objects.get(object=obj, kind="country", value="DE").clusters == 1
    assert_aggregates_consistent(obj)


def test_other_reports_leave_the_consensus_and_come_back(analyst) -> None:
    obj = ObjectFactory()
    tip = submit(obj, TEXTS[3])
    services.tips_other_set(actor=analyst, tip_ids=[tip.pk], is_other=True)
    tip.refresh_from_db()
    assert tip.is_other
    assert not ObjectSupport.objects.filter(object=obj, kind="country").exists()
    assert Tally.objects.get(object=obj, dimension="other", value="yes").tips == 1
    services.tips_other_set(actor=analyst, tip_ids=[tip.pk], is_other=False)
    assert ObjectSupport.objects.filter(object=obj, kind="country", value="TR").exists()
    assert AuditEvent.objects.filter(action__in=["tips.other", "tips.not_other"]).count() == 2
    assert_aggregates_consistent(obj)


@pytest.mark.parametrize("role", ["publisher", "auditor", "partner", "administrator"])
def test_roles_without_the_permission_are_refused_and_nothing_changes(role: str) -> None:
    obj = ObjectFactory()
    tip = submit(obj, TEXTS[0])
    user = make_staff(f"u-{role}", role, country="PL" if role == "partner" else "")
    calls = [
        lambda: services.tips_status_set(actor=user, tip_ids=[tip.pk], status="relevant"),
        lambda: services.cluster_status_set(actor=user, cluster=tip.cluster, status="relevant"),
        lambda: services.tips_other_set(actor=user, tip_ids=[tip.pk], is_other=True),
        lambda: services.tips_assign(actor=user, tip_ids=[tip.pk], assignee=None),
        lambda: services.tips_label(actor=user, tip_ids=[tip.pk], name="x"),
        lambda: services.tip_note_add(actor=user, tip=tip, text="note"),
    ]
    for call in calls:
        with pytest.raises(ApplicationError):
            call()
    tip.refresh_from_db()
    assert tip.status == "new"
    assert not tip.is_other
    assert not AuditEvent.objects.exists()
    assert not TipNote.objects.exists()


def test_bad_selections_and_statuses_are_refused(analyst) -> None:
    tip = submit(ObjectFactory(), TEXTS[0])
    with pytest.raises(ApplicationError, match="Unknown status"):
        services.tips_status_set(actor=analyst, tip_ids=[tip.pk], status="archived")
    with pytest.raises(ApplicationError, match="at least one"):
        services.tips_status_set(actor=analyst, tip_ids=[], status="relevant")
    with pytest.raises(ApplicationError, match="no longer exist"):
        services.tips_status_set(actor=analyst, tip_ids=[tip.pk, tip.pk + 999], status="relevant")
    tip.refresh_from_db()
    assert tip.status == TipStatus.NEW
    assert not AuditEvent.objects.exists()


def test_labels_are_created_on_first_use_added_and_removed(analyst) -> None:
    obj = ObjectFactory()
    tips = [submit(obj, text) for text in TEXTS[:3]]
    ids = [tip.pk for tip in tips]
    assert services.tips_label(actor=analyst, tip_ids=ids[:2], name="  brand   lead ").changed == 2
    assert services.tips_label(actor=analyst, tip_ids=ids, name="brand lead").changed == 1
    label = Label.objects.get()
    assert label.name == "brand lead"
    assert set(label.tips.values_list("pk", flat=True)) == set(ids)
    assert services.tips_label(actor=analyst, tip_ids=ids[:1], name="brand lead", add=False).changed == 1
    assert set(label.tips.values_list("pk", flat=True)) == set(ids[1:])
    with pytest.raises(ApplicationError):
        services.tips_label(actor=analyst, tip_ids=ids, name="   ")
    with pytest.raises(ApplicationError):
        services.tips_label(actor=analyst, tip_ids=ids, name="x" * 41)
    with pytest.raises(ApplicationError):
        services.tips_label(actor=analyst, tip_ids=ids, name="unknown", add=False)
    assert AuditEvent.objects.filter(action="tips.label_add").count() == 2


def test_assignment_only_to_analysts(analyst) -> None:
    tip = submit(ObjectFactory(), TEXTS[0])
    publisher = make_staff("pub", "publisher")
    with pytest.raises(ApplicationError, match="analyst"):
        services.tips_assign(actor=analyst, tip_ids=[tip.pk], assignee=publisher)
    services.tips_assign(actor=analyst, tip_ids=[tip.pk], assignee=analyst)
    tip.refresh_from_db()
    assert tip.assignee == analyst
    services.tips_assign(actor=analyst, tip_ids=[tip.pk], assignee=None)
    tip.refresh_from_db()
    assert tip.assignee is None
    assert AuditEvent.objects.filter(action="tips.assign").count() == 2


def test_notes_are_sealed_and_opening_a_tip_is_audited(analyst) -> None:
    tip = submit(ObjectFactory(), TEXTS[0])
    services.tip_note_add(actor=analyst, tip=tip, text="  Call the Warsaw liaison about BRASSKEY-991  ")
    note = TipNote.objects.get()
    assert not value_contains(note.sealed, "BRASSKEY-991")
    with pytest.raises(ApplicationError):
        services.tip_note_add(actor=analyst, tip=tip, text="   ")
    payload, notes = services.tip_open(actor=analyst, tip=tip)
    assert payload.text == TEXTS[0]
    assert [n.text for n in notes] == ["Call the Warsaw liaison about BRASSKEY-991"]
    opened = AuditEvent.objects.get(action="tip.open")
    assert (opened.actor, opened.target_id) == (analyst, str(tip.pk))
    shown = services.tips_read(actor=analyst, tips=[tip], where="inbox")
    assert shown[tip.pk].text == TEXTS[0]
    assert AuditEvent.objects.get(action="tips.view").details == {"where": "inbox", "tips": [tip.pk]}


def test_reading_tips_needs_the_read_permission() -> None:
    tip = submit(ObjectFactory(), TEXTS[0])
    auditor = make_staff("aud", "auditor")
    with pytest.raises(ApplicationError):
        services.tip_open(actor=auditor, tip=tip)
    with pytest.raises(ApplicationError):
        services.tips_read(actor=auditor, tips=[tip], where="inbox")
    assert not AuditEvent.objects.exists()


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["submit", "status", "cluster", "other", "back"]),
        st.integers(min_value=0, max_value=len(TEXTS) - 1),
        st.sampled_from(TipStatus.values),
    ),
    min_size=1,
    max_size=12,
)


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS)
def test_aggregates_stay_equal_to_a_recount_whatever_analysts_do(analyst, actions) -> None:
    obj = ObjectFactory()
    tips = [submit(obj, TEXTS[0])]
    for action, index, status in actions:
        tip = tips[index % len(tips)]
        if action == "submit":
            tips.append(submit(obj, TEXTS[index]))
        elif action == "status":
            services.tips_status_set(actor=analyst, tip_ids=[tip.pk], status=status)
        elif action == "cluster":
            services.cluster_status_set(
                actor=analyst, cluster=Cluster.objects.get(pk=tip.cluster_id), status=status
            )
        else:
            services.tips_other_set(actor=analyst, tip_ids=[tip.pk], is_other=action == "other")
    assert_aggregates_consistent(obj)


FRANCE_TEXTS = [
    "I saw this bag in France, in a shop in Lyon, around 2015, next to the umbrellas.",
    "My aunt had exactly the same one; it was sold everywhere in France in the nineties.",
    "This came from a French market stall, I am sure of it: France, 2012, near Bordeaux station.",
]


def test_verified_support_weighs_twice_and_ranks_first(analyst) -> None:
    from traceobject.triage.selectors import consensus

    obj = ObjectFactory()
    france = [submit(obj, text) for text in FRANCE_TEXTS]
    poland = submit(obj, TEXTS[0])
    assert len({tip.cluster_id for tip in [*france, poland]}) == 4, "four independent clusters"
    poland_confidence = ClusterSupport.objects.get(
        cluster_id=poland.cluster_id, kind="country", value="PL"
    ).confidence
    france_score = sum(
        ClusterSupport.objects.filter(object=obj, kind="country", value="FR").values_list(
            "confidence", flat=True
        )
    )
    assert france_score > 2 * poland_confidence, "before any verdict France leads on numbers alone"
    assert [s.value for s in consensus(obj=obj).countries][:2] == ["FR", "PL"]

    services.cluster_status_set(
        actor=analyst, cluster=Cluster.objects.get(pk=poland.cluster_id), status="relevant"
    )

    pl = ObjectSupport.objects.get(object=obj, kind="country", value="PL")
    assert pl.score == pytest.approx(2 * poland_confidence), "a verified cluster counts twice"
    fr = ObjectSupport.objects.get(object=obj, kind="country", value="FR")
    assert fr.score == pytest.approx(france_score), "unverified clusters are unchanged"
    # One verified cluster outranks three unverified ones, whatever their scores.
    assert [s.value for s in consensus(obj=obj).countries][:2] == ["PL", "FR"]
    # A new tip that joins the verified cluster keeps the weighting, as a recount would.
    submit(obj, TEXTS[0] + " Naprawdę.")
    assert_aggregates_consistent(obj)
    # Undoing the verdict undoes the weight.
    services.cluster_status_set(
        actor=analyst, cluster=Cluster.objects.get(pk=poland.cluster_id), status="new"
    )
    assert ObjectSupport.objects.get(object=obj, kind="country", value="PL").score == pytest.approx(
        poland_confidence
    )
    assert [s.value for s in consensus(obj=obj).countries][:2] == ["FR", "PL"]
