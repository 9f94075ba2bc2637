"""The staff pages of an object's languages: the list on the object page and the publication review
(present, out of date, awaiting review, missing), the form per language, the review of a proposal, and
the review list with its work-list entry. Who may open which URL is the permission matrix's part."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import ObjectTranslationFactory, TranslationProposalFactory
from tests.utils import find_all, find_by_id
from traceobject.gallery import services
from traceobject.gallery.models import (
    TRANSLATION_CHECKLIST,
    Object,
    ObjectStatus,
    ObjectTranslation,
    ProposalState,
    TranslationProposal,
)

pytestmark = pytest.mark.django_db

FORM = {"title": "Sac en toile bleu", "description": "", "questions": "Quel magasin ?\nD'où ?", "hints": ""}


def _html(response: Any) -> str:
    return response.content.decode()


def _missing(html: str) -> list[str]:
    return [
        item.attrs["id"].removeprefix("missing-")
        for item in find_all(html, "li")
        if item.attrs.get("id", "").startswith("missing-")
    ]  # type: ignore[union-attr]


@pytest.fixture
def draft(staff, make_draft) -> Object:
    return make_draft(staff["analyst"], code="D1-2026")


@pytest.fixture
def published(object_factory) -> Object:
    return object_factory(code="PUB-2026", title="Blue canvas bag")


# --- The object page: which languages exist and which are missing -------------------------------------


def test_the_object_page_lists_present_and_missing_languages(staff_client, draft) -> None:
    ObjectTranslationFactory(object=draft, language="fr", title="Sac en toile bleu")
    ObjectTranslationFactory(object=draft, language="ar", title="حقيبة زرقاء")
    html = _html(staff_client("analyst").get("/staff/objects/D1-2026/"))
    section = find_by_id(html, "languages")
    assert section is not None
    assert "Written in English; 2 other languages have a translation or a proposal." in " ".join(
        section.text.split()
    )
    french = find_by_id(html, "language-fr")
    assert french is not None
    assert "French" in french.text
    assert "Sac en toile bleu" in french.text
    # The Arabic title is marked right to left.
    assert 'lang="ar" dir="rtl">حقيبة زرقاء</span>' in html
    missing = _missing(html)
    assert len(missing) == 33  # 36 public languages, less English, French and Arabic
    assert {"pl", "de", "zh-hans", "mt"} <= set(missing)
    assert {"en", "fr", "ar"}.isdisjoint(missing)
    assert 'href="/staff/objects/D1-2026/languages/pl/">Polish</a>' in html
    assert 'href="/staff/objects/D1-2026/languages/fr/">Edit' in html
    assert find_by_id(html, "languages-outdated") is None


def test_an_auditor_sees_the_languages_without_links_to_change_them(staff_client, draft) -> None:
    html = _html(staff_client("auditor").get("/staff/objects/D1-2026/"))
    assert len(_missing(html)) == 35
    assert "/languages/" not in html


def test_an_out_of_date_translation_is_flagged(staff, staff_client, draft) -> None:
    ObjectTranslationFactory(object=draft, language="fr", title="Sac")
    services.object_edit(
        actor=staff["analyst"],
        obj=draft,
        fields=services.ObjectFields(
            code=draft.code, title="Blue canvas bag, zipped", category=draft.category
        ),
    )
    html = _html(staff_client("analyst").get("/staff/objects/D1-2026/"))
    box = find_by_id(html, "languages-outdated")
    assert box is not None
    assert "French" in box.text
    row = find_by_id(html, "language-fr")
    assert row is not None
    assert "Out of date" in row.text


def test_the_publication_review_lists_the_texts_and_the_missing_languages(
    staff, staff_client, draft, safety
) -> None:
    ObjectTranslationFactory(object=draft, language="pl", title="Niebieska torba", hints=["Około 2015 roku."])
    services.object_submit(actor=staff["analyst"], obj=draft)
    html = _html(staff_client("publisher").get("/staff/objects/D1-2026/review/"))
    assert find_by_id(html, "languages") is not None
    assert "Niebieska torba" in html
    assert "Około 2015 roku." in html  # the reviewer can read every field of it
    missing = _missing(html)
    assert len(missing) == 34
    assert "pl" not in missing
    assert "fr" in missing


# --- The form per language ---------------------------------------------------------------------------


def test_the_form_on_a_draft_saves_at_once(staff_client, draft) -> None:
    client = staff_client("analyst")
    html = _html(client.get("/staff/objects/D1-2026/languages/ar/"))
    assert 'name="title"' in html
    [title] = find_all(html, "input", name="title")
    assert (title.attrs["lang"], title.attrs["dir"]) == ("ar", "rtl")
    assert "Blue canvas bag" in html  # the original, beside the form
    response = client.post("/staff/objects/D1-2026/languages/fr/", FORM)
    assert response.status_code == 302
    assert response["Location"] == "/staff/objects/D1-2026/#languages"
    row = ObjectTranslation.objects.get(object=draft, language="fr")
    assert (row.title, row.questions) == ("Sac en toile bleu", ["Quel magasin ?", "D'où ?"])
    # The same page edits it now.
    response = client.post("/staff/objects/D1-2026/languages/fr/", {**FORM, "title": "Sac bleu"})
    assert response.status_code == 302
    assert ObjectTranslation.objects.get(object=draft, language="fr").title == "Sac bleu"


def test_the_form_refuses_what_the_service_refuses(staff, staff_client, draft, safety) -> None:
    client = staff_client("analyst")
    response = client.post("/staff/objects/D1-2026/languages/fr/", {**FORM, "title": ""})
    assert response.status_code == 400
    services.object_submit(actor=staff["analyst"], obj=draft)
    html = _html(client.get("/staff/objects/D1-2026/languages/fr/"))
    assert "its text cannot be changed now" in html
    response = client.post("/staff/objects/D1-2026/languages/fr/", FORM)
    assert response.status_code == 400
    assert "in review cannot be edited" in _html(response)
    assert not ObjectTranslation.objects.exists()


@pytest.mark.parametrize("language", ["en", "xx", "EN"])
def test_the_original_or_an_unknown_language_has_no_page(staff_client, draft, language) -> None:
    assert staff_client("analyst").get(f"/staff/objects/D1-2026/languages/{language}/").status_code == 404


def test_on_a_published_object_the_form_proposes(staff_client, published) -> None:
    client = staff_client("analyst")
    html = _html(client.get("/staff/objects/PUB-2026/languages/fr/"))
    assert find_by_id(html, "goes-to-review") is not None
    response = client.post("/staff/objects/PUB-2026/languages/fr/", FORM, follow=True)
    assert "waits for a second publisher" in _html(response)
    assert not ObjectTranslation.objects.exists()
    proposal = TranslationProposal.objects.get(object=published, language="fr")
    assert proposal.state == ProposalState.PENDING
    html = _html(client.get("/staff/objects/PUB-2026/"))
    row = find_by_id(html, "language-fr")
    assert row is not None
    assert "Awaiting review" in row.text


def test_a_translation_can_be_deleted_and_a_proposal_discarded(staff, staff_client, published) -> None:
    ObjectTranslationFactory(object=published, language="pl", title="Torba")
    TranslationProposalFactory(object=published, language="de", title="Tasche", writers=[staff["analyst"]])
    client = staff_client("analyst")
    response = client.post("/staff/objects/PUB-2026/languages/pl/delete/", {"target": "translation"})
    assert response.status_code == 302
    assert not ObjectTranslation.objects.exists()
    client.post("/staff/objects/PUB-2026/languages/de/delete/", {"target": "proposal"})
    assert not TranslationProposal.objects.exists()
    response = client.post(
        "/staff/objects/PUB-2026/languages/de/delete/", {"target": "proposal"}, follow=True
    )
    assert "No translation into German is waiting for review." in _html(response)


# --- The review of a proposal -------------------------------------------------------------------------


def test_the_writer_sees_four_eyes_and_another_publisher_approves(staff, staff_client, published) -> None:
    TranslationProposalFactory(
        object=published, language="fr", title="Sac en toile bleu", writers=[staff["publisher"]]
    )
    writer = staff_client("publisher")
    html = _html(writer.get("/staff/objects/PUB-2026/languages/fr/review/"))
    assert find_by_id(html, "four-eyes") is not None
    assert 'name="decision"' not in html
    response = writer.post(
        "/staff/objects/PUB-2026/languages/fr/review/",
        {"decision": "approve", "checklist": list(TRANSLATION_CHECKLIST)},
    )
    assert response.status_code == 400
    assert not ObjectTranslation.objects.exists()

    reviewer = staff_client("publisher_two")
    html = _html(reviewer.get("/staff/objects/PUB-2026/languages/fr/review/"))
    proposed = find_by_id(html, "proposal-text")
    assert proposed is not None
    assert "Sac en toile bleu" in proposed.text
    assert "Blue canvas bag" in html  # the original beside it
    response = reviewer.post("/staff/objects/PUB-2026/languages/fr/review/", {"decision": "approve"})
    assert response.status_code == 400  # the checklist
    response = reviewer.post("/staff/objects/PUB-2026/languages/fr/review/", {"decision": "send_back"})
    assert response.status_code == 400  # a reason
    response = reviewer.post(
        "/staff/objects/PUB-2026/languages/fr/review/",
        {"decision": "approve", "checklist": list(TRANSLATION_CHECKLIST)},
    )
    assert response.status_code == 302
    assert ObjectTranslation.objects.get(object=published, language="fr").title == "Sac en toile bleu"
    assert "Sac en toile bleu" in _html(staff_client("analyst").get("/fr/objects/PUB-2026/"))


def test_sending_back_shows_the_reason_to_the_writer(staff, staff_client, published) -> None:
    TranslationProposalFactory(object=published, language="fr", title="Sac", writers=[staff["analyst"]])
    response = staff_client("publisher").post(
        "/staff/objects/PUB-2026/languages/fr/review/",
        {"decision": "send_back", "comments": "Traduisez aussi les questions."},
    )
    assert response.status_code == 302
    html = _html(staff_client("analyst").get("/staff/objects/PUB-2026/languages/fr/"))
    box = find_by_id(html, "proposal-sent-back")
    assert box is not None
    assert "Traduisez aussi les questions." in box.text


def test_the_review_list_and_the_work_list_show_what_waits_for_this_publisher(
    staff, staff_client, object_factory
) -> None:
    mine = object_factory(code="MINE-2026")
    theirs = object_factory(code="THEIRS-2026")
    sent_back = object_factory(code="BACK-2026")
    withdrawn = object_factory(code="GONE-2026", status=ObjectStatus.WITHDRAWN)
    TranslationProposalFactory(object=mine, language="fr", title="Le mien", writers=[staff["publisher"]])
    TranslationProposalFactory(object=theirs, language="pl", title="Ich tekst", writers=[staff["analyst"]])
    TranslationProposalFactory(
        object=sent_back,
        language="fr",
        title="Renvoyé",
        state=ProposalState.SENT_BACK,
        writers=[staff["analyst"]],
    )
    TranslationProposalFactory(object=withdrawn, language="fr", title="Retiré", writers=[staff["analyst"]])
    client = staff_client("publisher")
    html = _html(client.get("/staff/translations/review/"))
    assert "Ich tekst" in html
    assert 'href="/staff/objects/THEIRS-2026/languages/pl/review/"' in html
    for absent in ("Le mien", "Renvoyé", "Retiré"):
        assert absent not in html
    item = find_by_id(_html(client.get("/staff/")), "work-translations")
    assert item is not None
    assert " ".join(item.text.split()) == "1 translation of a published object waits for your review"
    other = find_by_id(_html(staff_client("publisher_two").get("/staff/")), "work-translations")
    assert other is not None
    assert other.text.split()[0] == "2"  # theirs and mine: publisher_two wrote neither
