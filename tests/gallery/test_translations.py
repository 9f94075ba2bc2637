"""The translation services (gallery.translations): validation, permissions, the audit trail, and the
four-eyes rule they share with the original's text: a draft's translations change freely and its review
covers them, an approved object goes back to draft, an object in review waits, and an object that is out
takes a proposal that a second publisher approves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db.models.signals import post_delete, post_save

from traceobject.audit.models import AuditEvent
from traceobject.core.errors import ApplicationError, PermissionDeniedError
from traceobject.gallery import selectors, services, translations
from traceobject.gallery.models import (
    REVIEW_CHECKLIST,
    TRANSLATION_CHECKLIST,
    Object,
    ObjectStatus,
    ObjectTranslation,
    ProposalState,
    TranslationProposal,
)
from traceobject.gallery.translations import TranslationFields

pytestmark = pytest.mark.django_db

NOT_WRITERS = ("administrator", "partner_a", "auditor", "outsider")
NOT_PUBLISHERS = ("administrator", "analyst", "partner_a", "auditor", "outsider")
FRENCH = TranslationFields(
    title="  Sac en toile   bleu ",
    description=" Un sac à fermeture jaune. ",
    questions=["  Quel magasin   vendait ce sac ? ", "", "D'où vient la marque ?"],
    hints=["Vers 2015."],
)


def _events(action: str, obj: Object) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, target_id=str(obj.pk)).order_by("id"))


def _only_event(action: str, obj: Object, actor: Any) -> AuditEvent:
    events = _events(action, obj)
    assert len(events) == 1, [event.action for event in AuditEvent.objects.all()]
    assert events[0].actor == actor
    assert events[0].target_type == "gallery.object"
    return events[0]


def _row(obj: Object, language: str = "fr") -> ObjectTranslation | None:
    return ObjectTranslation.objects.filter(object=obj, language=language).first()


@pytest.fixture
def draft(staff, make_draft) -> Object:
    return make_draft(staff["analyst"])


@pytest.fixture
def in_review(staff, draft, safety) -> Object:
    services.object_submit(actor=staff["analyst"], obj=draft)
    return draft


@pytest.fixture
def approved(staff, in_review) -> Object:
    services.object_approve(actor=staff["publisher_two"], obj=in_review, checklist=list(REVIEW_CHECKLIST))
    return in_review


@pytest.fixture
def published(object_factory) -> Object:
    return object_factory(code="PUB-2026", title="Blue canvas bag", description="A bag with a yellow zip.")


def _propose(actor: Any, obj: Object, language: str = "fr", title: str = "Sac en toile bleu") -> Any:
    return translations.object_translation_create(
        actor=actor, obj=obj, language=language, fields=TranslationFields(title=title)
    )


# --- A draft: written at once, covered by the publication review ---------------------------------------


def test_create_on_a_draft_stores_the_tidied_text_and_records_it(staff, draft) -> None:
    saved = translations.object_translation_create(
        actor=staff["publisher"], obj=draft, language="fr", fields=FRENCH
    )
    row = _row(draft)
    assert row is not None
    assert saved.translation == row
    assert not saved.proposed
    assert row.title == "Sac en toile bleu"
    assert row.description == "Un sac à fermeture jaune."
    assert row.questions == ["Quel magasin vendait ce sac ?", "D'où vient la marque ?"]
    assert row.hints == ["Vers 2015."]
    # Made from the original as it is: the digest of the draft's text at this moment.
    assert row.source_digest == Object.objects.get(pk=draft.pk).text_digest()
    assert Object.objects.get(pk=draft.pk).status == ObjectStatus.DRAFT
    event = _only_event("translation.create", draft, staff["publisher"])
    assert event.details == {"language": "fr", "changed": ["title", "description", "questions", "hints"]}


def test_edit_on_a_draft_records_what_changed_and_nothing_when_nothing_did(staff, draft) -> None:
    translations.object_translation_create(actor=staff["analyst"], obj=draft, language="pl", fields=FRENCH)
    changed = TranslationFields(title="Niebieska torba", questions=FRENCH.questions, hints=FRENCH.hints)
    saved = translations.object_translation_edit(
        actor=staff["publisher"], obj=draft, language="pl", fields=changed
    )
    assert saved.changed == ["title", "description"]
    assert _row(draft, "pl").title == "Niebieska torba"  # type: ignore[union-attr]
    assert _only_event("translation.edit", draft, staff["publisher"]).details == {
        "language": "pl",
        "changed": ["title", "description"],
    }
    again = translations.object_translation_edit(
        actor=staff["publisher"], obj=draft, language="pl", fields=changed
    )
    assert again.changed == []
    assert len(_events("translation.edit", draft)) == 1


def test_create_refuses_a_language_that_has_one_and_edit_one_that_has_none(staff, draft) -> None:
    translations.object_translation_create(actor=staff["analyst"], obj=draft, language="fr", fields=FRENCH)
    with pytest.raises(ApplicationError, match="already a translation into French"):
        translations.object_translation_create(
            actor=staff["analyst"], obj=draft, language="fr", fields=FRENCH
        )
    with pytest.raises(ApplicationError, match="no translation into Polish"):
        translations.object_translation_edit(actor=staff["analyst"], obj=draft, language="pl", fields=FRENCH)
    assert ObjectTranslation.objects.filter(object=draft).count() == 1


@pytest.mark.parametrize(
    ("language", "fields", "field", "message"),
    [
        ("xx", FRENCH, "language", "one of the site's languages"),
        ("en", FRENCH, "language", "language the object was written in"),
        ("fr", TranslationFields(title="   "), "title", "Give the translation a title"),
        ("fr", TranslationFields(title="x" * 201), "title", "too long"),
        ("fr", TranslationFields(title="Sac", description="d" * 5001), "description", "too long"),
        (
            "fr",
            TranslationFields(title="Sac", questions=[f"Q{n}" for n in range(21)]),
            "questions",
            "at most 20",
        ),
        ("fr", TranslationFields(title="Sac", hints=["h" * 301]), "hints", "under 300"),
    ],
)
def test_validation(staff, draft, language, fields, field, message) -> None:
    with pytest.raises(ApplicationError, match=message) as caught:
        translations.object_translation_create(
            actor=staff["analyst"], obj=draft, language=language, fields=fields
        )
    assert caught.value.field == field
    assert not ObjectTranslation.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="translation.").exists()


def test_every_public_language_but_the_original_is_accepted(staff, draft) -> None:
    codes = [code for code, _name in settings.LANGUAGES]
    assert len(codes) == 36
    for code in codes:
        if code == "en":
            continue
        translations.object_translation_create(
            actor=staff["analyst"],
            obj=draft,
            language=code.upper(),
            fields=TranslationFields(title=f"T {code}"),
        )
    assert sorted(ObjectTranslation.objects.values_list("language", flat=True)) == sorted(set(codes) - {"en"})


@pytest.mark.parametrize("name", NOT_WRITERS)
def test_only_writers_may_add_edit_or_delete(staff, draft, name) -> None:
    translations.object_translation_create(actor=staff["analyst"], obj=draft, language="fr", fields=FRENCH)
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDeniedError):
        translations.object_translation_create(actor=staff[name], obj=draft, language="de", fields=FRENCH)
    with pytest.raises(PermissionDeniedError):
        translations.object_translation_edit(actor=staff[name], obj=draft, language="fr", fields=FRENCH)
    with pytest.raises(PermissionDeniedError):
        translations.object_translation_delete(actor=staff[name], obj=draft, language="fr")
    assert list(ObjectTranslation.objects.values_list("language", flat=True)) == ["fr"]
    assert AuditEvent.objects.count() == before


def test_whoever_translates_a_draft_may_not_review_it(staff, make_draft, safety) -> None:
    """The publication review covers the translations: their writer is a contributor (four eyes)."""
    obj = make_draft(staff["analyst"])
    translations.object_translation_create(
        actor=staff["publisher_two"], obj=obj, language="fr", fields=FRENCH
    )
    services.object_submit(actor=staff["analyst"], obj=obj)
    assert staff["publisher_two"].pk in selectors.object_contributor_ids(obj=obj)
    assert obj not in selectors.objects_reviewable_by(user=staff["publisher_two"])
    with pytest.raises(ApplicationError, match="four eyes"):
        services.object_approve(actor=staff["publisher_two"], obj=obj, checklist=list(REVIEW_CHECKLIST))
    services.object_approve(actor=staff["publisher"], obj=obj, checklist=list(REVIEW_CHECKLIST))


# --- Approved, in review, withdrawn: the original's rule ------------------------------------------------


def test_a_translation_sends_an_approved_object_back_to_draft(staff, approved) -> None:
    saved = translations.object_translation_create(
        actor=staff["analyst"], obj=approved, language="fr", fields=FRENCH
    )
    assert saved.returned_to_draft
    assert approved.status == ObjectStatus.DRAFT  # the caller's instance follows
    assert Object.objects.get(pk=approved.pk).status == ObjectStatus.DRAFT
    event = _only_event("translation.create", approved, staff["analyst"])
    assert event.details["status"] == {"from": "approved", "to": "draft"}


def test_an_object_in_review_waits_for_its_decision(staff, in_review) -> None:
    with pytest.raises(ApplicationError, match="in review cannot be edited"):
        translations.object_translation_create(
            actor=staff["analyst"], obj=in_review, language="fr", fields=FRENCH
        )
    assert not ObjectTranslation.objects.exists()
    assert not TranslationProposal.objects.exists()


def test_a_withdrawn_object_takes_no_text(staff, published) -> None:
    services.object_withdraw(actor=staff["publisher"], obj=published, reason="Test.")
    with pytest.raises(ApplicationError, match="withdrawn cannot be edited"):
        _propose(staff["analyst"], published)
    assert not TranslationProposal.objects.exists()


# --- Out: a proposal, and a second person ---------------------------------------------------------------


def test_on_a_published_object_a_translation_is_a_proposal_and_the_page_does_not_change(
    staff, published
) -> None:
    saved = translations.object_translation_create(
        actor=staff["analyst"], obj=published, language="fr", fields=FRENCH
    )
    assert saved.proposed
    assert saved.translation is None
    assert _row(published) is None
    proposal = TranslationProposal.objects.get(object=published, language="fr")
    assert (proposal.title, proposal.state) == ("Sac en toile bleu", ProposalState.PENDING)
    assert list(proposal.writers.all()) == [staff["analyst"]]
    event = _only_event("translation.propose", published, staff["analyst"])
    assert event.details["language"] == "fr"
    assert event.details["proposal"] == proposal.pk
    assert event.details["replaces"] is False
    text = selectors.object_text(obj=published, language="fr")
    assert text.fallback
    assert text.title == "Blue canvas bag"
    assert Object.objects.get(pk=published.pk).status == ObjectStatus.PUBLISHED


def test_a_second_publisher_approves_it_and_the_page_shows_it(staff, published) -> None:
    _propose(staff["publisher"], published)
    with pytest.raises(ApplicationError, match="four eyes"):
        translations.translation_proposal_approve(
            actor=staff["publisher"], obj=published, language="fr", checklist=list(TRANSLATION_CHECKLIST)
        )
    with pytest.raises(ApplicationError, match="Tick every item") as caught:
        translations.translation_proposal_approve(
            actor=staff["publisher_two"], obj=published, language="fr", checklist=["faithful"]
        )
    assert caught.value.field == "checklist"
    assert _row(published) is None
    row = translations.translation_proposal_approve(
        actor=staff["publisher_two"], obj=published, language="fr", checklist=list(TRANSLATION_CHECKLIST)
    )
    assert _row(published) == row
    assert row.title == "Sac en toile bleu"
    assert row.source_digest == published.text_digest()
    assert not TranslationProposal.objects.exists()
    event = _only_event("translation.approve", published, staff["publisher_two"])
    assert event.details["writers"] == [staff["publisher"].pk]
    assert event.details["created"] is True
    assert event.details["checklist"] == sorted(TRANSLATION_CHECKLIST)
    text = selectors.object_text(obj=published, language="fr")
    assert (text.fallback, text.title, text.language) == (False, "Sac en toile bleu", "fr")


def test_everyone_who_wrote_a_proposal_is_kept_from_approving_it(staff, published) -> None:
    _propose(staff["publisher"], published)
    _propose(staff["publisher_two"], published, title="Sac bleu en toile")
    proposal = TranslationProposal.objects.get()
    assert set(proposal.writers.all()) == {staff["publisher"], staff["publisher_two"]}
    for name in ("publisher", "publisher_two"):
        with pytest.raises(ApplicationError, match="four eyes"):
            translations.translation_proposal_approve(
                actor=staff[name], obj=published, language="fr", checklist=list(TRANSLATION_CHECKLIST)
            )
    assert selectors.translation_proposals_reviewable_by(user=staff["publisher"]).count() == 0


@pytest.mark.parametrize("name", NOT_PUBLISHERS)
def test_only_publishers_review(staff, published, name) -> None:
    _propose(staff["publisher"], published)
    with pytest.raises(PermissionDeniedError):
        translations.translation_proposal_approve(
            actor=staff[name], obj=published, language="fr", checklist=list(TRANSLATION_CHECKLIST)
        )
    with pytest.raises(PermissionDeniedError):
        translations.translation_proposal_reject(
            actor=staff[name], obj=published, language="fr", comments="No."
        )
    assert TranslationProposal.objects.get().state == ProposalState.PENDING
    assert _row(published) is None


def test_sent_back_then_changed_goes_to_review_again(staff, published) -> None:
    _propose(staff["analyst"], published)
    with pytest.raises(ApplicationError, match="Say what must change") as caught:
        translations.translation_proposal_reject(
            actor=staff["publisher"], obj=published, language="fr", comments=" "
        )
    assert caught.value.field == "comments"
    translations.translation_proposal_reject(
        actor=staff["publisher"], obj=published, language="fr", comments="Le titre est trop long."
    )
    proposal = TranslationProposal.objects.get()
    assert (proposal.state, proposal.comments) == (ProposalState.SENT_BACK, "Le titre est trop long.")
    assert _only_event("translation.reject", published, staff["publisher"]).details["comments"] == (
        "Le titre est trop long."
    )
    with pytest.raises(ApplicationError, match="sent back"):
        translations.translation_proposal_approve(
            actor=staff["publisher"], obj=published, language="fr", checklist=list(TRANSLATION_CHECKLIST)
        )
    _propose(staff["analyst"], published, title="Sac bleu")
    proposal.refresh_from_db()
    assert (proposal.state, proposal.comments, proposal.title) == (ProposalState.PENDING, "", "Sac bleu")
    translations.translation_proposal_approve(
        actor=staff["publisher"], obj=published, language="fr", checklist=list(TRANSLATION_CHECKLIST)
    )
    assert _row(published).title == "Sac bleu"  # type: ignore[union-attr]


def test_a_change_to_a_public_translation_keeps_the_public_text_until_approved(staff, published) -> None:
    _propose(staff["analyst"], published)
    translations.translation_proposal_approve(
        actor=staff["publisher"], obj=published, language="fr", checklist=list(TRANSLATION_CHECKLIST)
    )
    with pytest.raises(ApplicationError, match="already reads"):
        translations.object_translation_edit(
            actor=staff["analyst"],
            obj=published,
            language="fr",
            fields=TranslationFields(title="Sac en toile bleu"),
        )
    saved = translations.object_translation_edit(
        actor=staff["analyst"], obj=published, language="fr", fields=TranslationFields(title="Sac bleu")
    )
    assert saved.proposed
    assert _events("translation.propose", published)[-1].details["replaces"] is True
    assert selectors.object_text(obj=published, language="fr").title == "Sac en toile bleu"
    translations.translation_proposal_approve(
        actor=staff["publisher_two"], obj=published, language="fr", checklist=list(TRANSLATION_CHECKLIST)
    )
    assert selectors.object_text(obj=published, language="fr").title == "Sac bleu"
    assert ObjectTranslation.objects.filter(object=published).count() == 1
    assert _events("translation.approve", published)[-1].details["created"] is False


def test_a_proposal_can_be_discarded_by_a_writer(staff, published) -> None:
    _propose(staff["analyst"], published)
    with pytest.raises(PermissionDeniedError):
        translations.translation_proposal_discard(actor=staff["auditor"], obj=published, language="fr")
    translations.translation_proposal_discard(actor=staff["publisher"], obj=published, language="fr")
    assert not TranslationProposal.objects.exists()
    assert (
        _only_event("translation.discard", published, staff["publisher"]).details["title"]
        == "Sac en toile bleu"
    )
    with pytest.raises(ApplicationError, match="waiting for review"):
        translations.translation_proposal_discard(actor=staff["publisher"], obj=published, language="fr")


def test_a_proposal_for_an_object_withdrawn_since_cannot_be_approved(staff, published) -> None:
    _propose(staff["analyst"], published)
    services.object_withdraw(actor=staff["publisher"], obj=published, reason="Test.")
    with pytest.raises(ApplicationError, match="withdrawn cannot be edited"):
        translations.translation_proposal_approve(
            actor=staff["publisher_two"], obj=published, language="fr", checklist=list(TRANSLATION_CHECKLIST)
        )
    assert _row(published) is None
    assert TranslationProposal.objects.get().state == ProposalState.PENDING
    assert selectors.translation_proposals_reviewable_by(user=staff["publisher_two"]).count() == 0


def test_a_located_object_still_takes_proposals(staff, published) -> None:
    Object.objects.filter(pk=published.pk).update(status=ObjectStatus.IDENTIFIED)
    published.refresh_from_db()
    assert _propose(staff["analyst"], published).proposed


# --- Deleting: always, at once ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [ObjectStatus.PUBLISHED, ObjectStatus.IN_REVIEW, ObjectStatus.WITHDRAWN])
def test_a_translation_can_be_taken_down_in_any_state(staff, object_factory, status) -> None:
    obj = object_factory(status=status)
    from tests.factories import ObjectTranslationFactory

    ObjectTranslationFactory(object=obj, language="pl", title="Torba")
    assert not selectors.object_text(obj=obj, language="pl").fallback
    translations.object_translation_delete(actor=staff["analyst"], obj=obj, language="pl")
    assert _row(obj, "pl") is None
    assert Object.objects.get(pk=obj.pk).status == status  # taking text down changes no state
    event = _only_event("translation.delete", obj, staff["analyst"])
    assert event.details == {"language": "pl", "title": "Torba", "status": status}
    assert selectors.object_text(obj=obj, language="pl").fallback
    with pytest.raises(ApplicationError, match="no translation into Polish"):
        translations.object_translation_delete(actor=staff["analyst"], obj=obj, language="pl")


# --- Out of date ------------------------------------------------------------------------------------


def test_a_translation_of_an_earlier_original_blocks_submission_until_confirmed(staff, draft, safety) -> None:
    translations.object_translation_create(actor=staff["analyst"], obj=draft, language="fr", fields=FRENCH)
    translations.object_translation_create(
        actor=staff["analyst"], obj=draft, language="ar", fields=TranslationFields(title="حقيبة زرقاء")
    )
    services.object_edit(
        actor=staff["analyst"],
        obj=draft,
        fields=services.ObjectFields(code=draft.code, title="Blue canvas bag", category=draft.category),
    )
    states = {state.code: state for state in selectors.object_languages(obj=draft)}
    assert states["fr"].outdated
    assert states["ar"].outdated
    assert not states["pl"].outdated
    # The public never sees it, whatever the object's state.
    assert selectors.object_text(obj=draft, language="fr").fallback
    with pytest.raises(ApplicationError, match="earlier text of the object: Arabic, French"):
        services.object_submit(actor=staff["analyst"], obj=draft)
    translations.object_translation_delete(actor=staff["analyst"], obj=draft, language="ar")
    # Saved unchanged: its writer says it matches the original as it is now.
    saved = translations.object_translation_edit(
        actor=staff["analyst"], obj=draft, language="fr", fields=FRENCH
    )
    assert saved.changed == []
    assert _events("translation.edit", draft)[-1].details == {
        "language": "fr",
        "changed": [],
        "brought_up_to_date": True,
    }
    assert not selectors.object_text(obj=draft, language="fr").fallback
    services.object_submit(actor=staff["analyst"], obj=draft)


def test_approval_refuses_an_out_of_date_translation(staff, in_review) -> None:
    """Defence in depth: no service changes an object in review, but a row written otherwise (an older
    version, a restore) must not slip past the reviewer."""
    from tests.factories import ObjectTranslationFactory

    ObjectTranslationFactory(object=in_review, language="de", title="Tasche", source_digest="0" * 64)
    with pytest.raises(ApplicationError, match="earlier text of the object: German"):
        services.object_approve(actor=staff["publisher_two"], obj=in_review, checklist=list(REVIEW_CHECKLIST))
    assert Object.objects.get(pk=in_review.pk).status == ObjectStatus.IN_REVIEW


# --- The original's language -----------------------------------------------------------------------------


def test_the_original_language_can_change_unless_a_translation_holds_it(staff, draft) -> None:
    translations.object_translation_create(actor=staff["analyst"], obj=draft, language="fr", fields=FRENCH)

    def edit(language: str | None) -> Any:
        return services.object_edit(
            actor=staff["analyst"],
            obj=draft,
            fields=services.ObjectFields(
                code=draft.code, title=draft.title, category=draft.category, original_language=language
            ),
        )

    with pytest.raises(ApplicationError, match="translation into French") as caught:
        edit("fr")
    assert caught.value.field == "original_language"
    with pytest.raises(ApplicationError, match="one of the site's languages"):
        edit("xx")
    assert "original_language" in edit("de").changed
    assert Object.objects.get(pk=draft.pk).original_language == "de"
    edit(None)  # left out: kept
    assert Object.objects.get(pk=draft.pk).original_language == "de"
    with pytest.raises(ApplicationError, match="language the object was written in"):
        translations.object_translation_create(
            actor=staff["analyst"], obj=draft, language="de", fields=FRENCH
        )
    # English is now a translation like any other.
    translations.object_translation_create(actor=staff["analyst"], obj=draft, language="en", fields=FRENCH)


# --- The gallery search keeps its index through the model's signals ---------------------------------


@pytest.fixture
def signals() -> Iterator[list[tuple[str, str]]]:
    seen: list[tuple[str, str]] = []

    def saved(sender: Any, instance: ObjectTranslation, **kwargs: Any) -> None:
        seen.append(("save", instance.language))

    def deleted(sender: Any, instance: ObjectTranslation, **kwargs: Any) -> None:
        seen.append(("delete", instance.language))

    post_save.connect(saved, sender=ObjectTranslation, weak=False)
    post_delete.connect(deleted, sender=ObjectTranslation, weak=False)
    yield seen
    post_save.disconnect(saved, sender=ObjectTranslation)
    post_delete.disconnect(deleted, sender=ObjectTranslation)


def test_every_change_of_a_translation_sends_the_model_signals(staff, draft, published, signals) -> None:
    translations.object_translation_create(actor=staff["analyst"], obj=draft, language="fr", fields=FRENCH)
    translations.object_translation_edit(
        actor=staff["analyst"], obj=draft, language="fr", fields=TranslationFields(title="Sac")
    )
    translations.object_translation_delete(actor=staff["analyst"], obj=draft, language="fr")
    _propose(staff["analyst"], published, language="pl", title="Torba")
    assert signals == [("save", "fr"), ("save", "fr"), ("delete", "fr")]  # a proposal is not public text
    translations.translation_proposal_approve(
        actor=staff["publisher"], obj=published, language="pl", checklist=list(TRANSLATION_CHECKLIST)
    )
    assert signals[-1] == ("save", "pl")
