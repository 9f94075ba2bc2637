"""What the intake stores for triage: signals, clusters, aggregates; and nothing a tipster wrote."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ObjectFactory
from traceobject.tips.models import Tip
from traceobject.tips.payload import TipPayload
from traceobject.tips.services import tip_submit
from traceobject.triage.models import Band, Cluster, ClusterSupport, Fingerprint, ObjectSupport, Signal, Tally
from traceobject.triage.selectors import consensus

pytestmark = pytest.mark.django_db

POLISH = "Ta torba pochodzi z Polski, widziałem ją w sklepie Biedronka w Warszawie w 2016 roku."
POLISH_EDIT = "Ta torba pochodzi z Polski, widziałem ją w sklepie Biedronka w Warszawie w 2017 roku!"
GERMAN = "Diese Tapete gab es in Deutschland bei OBI, ungefähr 2012, in vielen Farben."


def submit(obj, text: str, **fields) -> Tip:
    return tip_submit(obj=obj, payload=TipPayload(text=text, **fields)).tip


def test_a_tip_gets_language_signals_and_its_own_cluster() -> None:
    obj = ObjectFactory()
    tip = submit(obj, POLISH, links=["https://allegro.pl/oferta/torba-123"], contact="me@example.org")
    tip.refresh_from_db()
    assert tip.language == "pl"
    assert tip.has_contact
    assert tip.has_links
    assert tip.cluster_id == tip.pk
    cluster = Cluster.objects.get(pk=tip.pk)
    assert (cluster.size, cluster.object_id, cluster.last_tip_id) == (1, obj.pk, tip.pk)
    countries = set(Signal.objects.filter(tip=tip, kind="country").values_list("value", flat=True))
    assert countries == {"PL"}
    assert Fingerprint.objects.filter(tip=tip).exists()
    assert Band.objects.filter(tip=tip).count() >= 1


def test_near_duplicates_join_the_first_tips_cluster_and_others_do_not() -> None:
    obj = ObjectFactory()
    first = submit(obj, POLISH)
    second = submit(obj, POLISH_EDIT)
    third = submit(obj, GERMAN)
    for tip in (first, second, third):
        tip.refresh_from_db()
    assert second.cluster_id == first.pk
    assert third.cluster_id == third.pk
    assert Cluster.objects.get(pk=first.pk).size == 2
    assert Cluster.objects.get(pk=first.pk).last_tip_id == second.pk


def test_a_repost_joins_the_cluster_without_adding_to_the_index() -> None:
    """Its signature equals its twin's: band rows would only repeat the twin's and crowd the newest."""
    obj = ObjectFactory()
    first = submit(obj, POLISH)
    repost = submit(obj, POLISH)
    edit = submit(obj, POLISH_EDIT)
    for tip in (repost, edit):
        tip.refresh_from_db()
    assert repost.cluster_id == first.pk
    assert edit.cluster_id == first.pk
    assert not Fingerprint.objects.filter(tip=repost).exists()
    assert not Band.objects.filter(tip=repost).exists()
    # The fingerprint carries its tip's cluster, which the lookup reads instead of the tips table.
    assert Fingerprint.objects.get(tip=edit).cluster_id == first.pk
    assert Band.objects.filter(tip=edit).count() == Band.objects.filter(tip=first).count()
    assert Cluster.objects.get(pk=first.pk).size == 3


def test_the_same_text_on_another_object_is_another_cluster() -> None:
    first = submit(ObjectFactory(), POLISH)
    other = submit(ObjectFactory(), POLISH)
    other.refresh_from_db()
    assert other.cluster_id == other.pk != first.pk


def test_support_counts_clusters_not_tips() -> None:
    obj = ObjectFactory()
    for _ in range(3):
        submit(obj, POLISH)  # one piece of evidence, repeated
    submit(obj, GERMAN)
    submit(obj, "Widziałem ją w Polsce na targu w Krakowie, chyba z Chin.")
    support = {row.value: row for row in ObjectSupport.objects.filter(object=obj, kind="country")}
    assert support["PL"].clusters == 2
    assert support["PL"].tips == 4
    assert support["DE"].clusters == 1
    assert support["PL"].relevant_clusters == 0
    ranked = [item.value for item in consensus(obj=obj).countries]
    assert ranked[0] == "PL"


def test_tallies_count_each_tip_once_per_dimension() -> None:
    obj = ObjectFactory()
    day = timezone.now() - timedelta(days=3)
    tip_submit(obj=obj, payload=TipPayload(text=POLISH), received_at=day)
    submit(obj, GERMAN, contact="x")
    tallies = {(t.dimension, t.value): t.tips for t in Tally.objects.filter(object=obj)}
    assert tallies[("total", "")] == 2
    assert tallies[("status", "new")] == 2
    assert tallies[("language", "pl")] == 1
    assert tallies[("language", "de")] == 1
    assert tallies[("contact", "yes")] == 1
    assert tallies[("contact", "no")] == 1
    assert tallies[("day", day.date().isoformat())] == 1
    assert Tip.objects.get(language="pl").created_at == day


def test_domains_and_shops_are_grouped_without_being_stored_in_clear() -> None:
    obj = ObjectFactory()
    submit(obj, POLISH, shop_brand="Biedronka", links=["https://www.allegro.pl/oferta/1"])
    submit(obj, GERMAN, shop_brand=" BIEDRONKA ", links=["https://allegro.pl/other"])
    rows = list(ObjectSupport.objects.filter(object=obj).exclude(kind="country"))
    assert {row.kind for row in rows} == {"domain", "shop"}
    assert all("allegro" not in row.value and "biedronka" not in row.value.lower() for row in rows)
    assert not ClusterSupport.objects.filter(value__icontains="allegro").exists()
    assert not Signal.objects.filter(value__icontains="biedronka").exists()
    result = consensus(obj=obj)
    assert [(item.label, item.clusters) for item in result.domains] == [("allegro.pl", 2)]
    assert [item.clusters for item in result.shops] == [2]
    assert result.shops[0].label == "Biedronka", (
        "shown as the first tipster spelt it, grouped whatever the case"
    )


def test_the_new_kinds_of_signal_are_stored_with_their_source_and_span() -> None:
    obj = ObjectFactory()
    text = "Kupiłam to na Mazowszu w Biedronce za 49,99 zł, na metce +48 600 123 456."
    tip = submit(obj, text)
    rows = {
        row.source: (row.value, text[row.start : row.end])
        for row in Signal.objects.filter(tip=tip, kind="country")
    }
    assert rows["subdivision"] == ("PL", "Mazowszu")
    assert rows["chain"] == ("PL", "Biedronce")
    assert rows["currency"] == ("PL", "zł")
    assert rows["phone"] == ("PL", "+48 600 123 456")
    assert [item.value for item in consensus(obj=obj).countries] == ["PL"]
