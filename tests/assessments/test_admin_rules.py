"""The Django admin obeys the competition's lifecycle rules: locked criteria and a published edition's
settings are read-only there, and what it writes goes through the domain, whose refusal shows on the
form. Each test posts to the admin as a superuser and checks the database did not move."""

# ruff: noqa: F811 - the setup/sheet/award fixtures are imported from their modules and used as arguments

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.domain import scoring
from assessments.models import (
    Aspect,
    Assignment,
    Conflict,
    Edition,
    EditionAssessor,
    Participant,
    ScoreSheet,
    Stage,
    StageEntry,
)
from tests.assessments.domain.test_awards import final_edition, published_edition, scorer  # noqa: F401
from tests.assessments.domain.test_scoring import save, setup, sheet  # noqa: F401
from tests.factories import AssignmentFactory, EditionAssessorFactory

pytestmark = pytest.mark.django_db
D = Decimal
NO_INLINE = {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}


def inline(prefix):
    return {f"{prefix}-{key}": value for key, value in NO_INLINE.items()}


def edition_data(edition, **changes):
    data = {
        "province": edition.province_id,
        "year": edition.year,
        "name": edition.name,
        "aggregation": edition.aggregation,
        "final_score": edition.final_score,
        "tie_break_aspect": edition.tie_break_aspect,
        "nomination_quota": edition.nomination_quota,
        "evidence_max_mb": edition.evidence_max_mb,
        "evidence_deadline_0": "",
        "evidence_deadline_1": "",
        "reminder_days": edition.reminder_days,
        "copied_from": "",
        **inline("stages"),
    }
    return {**data, **changes}


def aspect_data(aspect, **changes):
    return {
        "stage": aspect.stage_id,
        "order": aspect.order,
        "name": aspect.name,
        "weight": str(aspect.weight),
        **inline("indicators"),
        **changes,
    }


@pytest.fixture
def scored(setup, sheet):
    """The desk stage has its first score (the edition is under assessment)."""
    save(sheet, setup.indicators[0], "80")
    return setup


def test_a_published_editions_settings_cannot_change_in_the_admin(client, superuser, published_edition):
    client.force_login(superuser)
    url = reverse("admin:assessments_edition_change", args=[published_edition.pk])
    before = Edition.objects.filter(pk=published_edition.pk).values().get()
    response = client.post(url, edition_data(published_edition, aggregation="median", nomination_quota=9))
    assert response.status_code == 403
    assert Edition.objects.filter(pk=published_edition.pk).values().get() == before
    # Shown, read-only.
    assert client.get(url).status_code == 200


def test_the_formula_of_a_scored_edition_is_read_only_in_the_admin(client, superuser, scored):
    client.force_login(superuser)
    url = reverse("admin:assessments_edition_change", args=[scored.edition.pk])
    page = client.get(url).content.decode()
    assert 'name="aggregation"' not in page and 'name="name"' in page
    response = client.post(url, edition_data(scored.edition, aggregation="median", name="SP2K Jatim (ganti nama)"))
    assert response.status_code == 302
    edition = Edition.objects.get(pk=scored.edition.pk)
    assert (edition.aggregation, edition.name) == ("mean", "SP2K Jatim (ganti nama)")


def test_a_locked_aspect_cannot_change_in_the_admin(client, superuser, scored):
    client.force_login(superuser)
    aspect = Aspect.objects.filter(stage=scored.stage).first()
    response = client.post(
        reverse("admin:assessments_aspect_change", args=[aspect.pk]), aspect_data(aspect, weight="1")
    )
    assert response.status_code == 403
    assert Aspect.objects.get(pk=aspect.pk).weight == aspect.weight
    deleted = client.post(reverse("admin:assessments_aspect_delete", args=[aspect.pk]), {"post": "yes"})
    assert deleted.status_code == 403 and Aspect.objects.filter(pk=aspect.pk).exists()


def test_an_aspect_added_in_the_admin_to_a_scored_stage_is_refused_on_the_form(client, superuser, scored):
    client.force_login(superuser)
    count = Aspect.objects.count()
    new = Aspect(stage=scored.stage, order=99, name="Tambahan", weight=D("0"))
    response = client.post(reverse("admin:assessments_aspect_add"), aspect_data(new))
    assert response.status_code == 200
    assert "already has scores: its criteria can no longer change" in response.content.decode()
    assert Aspect.objects.count() == count


def test_a_scored_stages_weight_is_read_only_in_the_admin(client, superuser, scored):
    client.force_login(superuser)
    stage = scored.stage
    data = {
        "edition": stage.edition_id,
        "order": stage.order,
        "kind": stage.kind,
        "name": "Desk (renamed)",
        "starts_on": "",
        "ends_on": "",
        "weight": "1",
        "advance_count": stage.advance_count or "",
        **inline("aspects"),
    }
    response = client.post(reverse("admin:assessments_stage_change", args=[stage.pk]), data)
    assert response.status_code == 302
    stored = Stage.objects.get(pk=stage.pk)
    assert (stored.weight, stored.name) == (stage.weight, "Desk (renamed)")


def test_a_conflict_added_in_the_admin_voids_the_open_sheet(client, superuser, setup, sheet):
    client.force_login(superuser)
    save(sheet, setup.indicators[0], "80")
    response = client.post(
        reverse("admin:assessments_conflict_add"),
        {
            "edition": setup.edition.pk,
            "assessor": setup.assessor.pk,
            "participant": setup.rogojampi.pk,
            "reason": "Reported by the camat.",
        },
    )
    assert response.status_code == 302
    assert Conflict.objects.filter(assessor=setup.assessor, participant=setup.rogojampi).exists()
    with pytest.raises(scoring.ScoringError, match="This sheet is void"):
        scoring.submit_sheet(sheet, setup.assessor)
    assert ScoreSheet.objects.get(pk=sheet.pk).status == ScoreSheet.Status.DRAFT
    # And the declared conflict stays as declared: the admin cannot lift it under the sheet.
    conflict = Conflict.objects.get(assessor=setup.assessor, participant=setup.rogojampi)
    assert (
        client.post(reverse("admin:assessments_conflict_delete", args=[conflict.pk]), {"post": "yes"}).status_code
        == 403
    )


def test_who_takes_part_and_who_scores_whom_are_frozen_in_the_admin_with_the_results(client, superuser, final_edition):
    """A participant, assignment or assessor membership changed in the admin would change a final ranking."""
    client.force_login(superuser)
    stage = final_edition.stages.order_by("order").first()
    participant = final_edition.participants.first()
    assignment = AssignmentFactory(stage=stage, participant=participant)
    membership = EditionAssessorFactory(edition=final_edition)
    for model, obj in (("participant", participant), ("assignment", assignment), ("editionassessor", membership)):
        assert (
            client.post(reverse(f"admin:assessments_{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
        )
        assert client.post(reverse(f"admin:assessments_{model}_change", args=[obj.pk]), {}).status_code == 403
        # Still shown, read-only.
        assert client.get(reverse(f"admin:assessments_{model}_change", args=[obj.pk])).status_code == 200
    assert Participant.objects.filter(pk=participant.pk, status=participant.status).exists()
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    assert EditionAssessor.objects.filter(pk=membership.pk).exists()
    # Stage entries and score sheets change only through the portal (advancing, opening, submitting).
    entry = StageEntry.objects.filter(stage__edition=final_edition).first()
    delete_entry = reverse("admin:assessments_stageentry_delete", args=[entry.pk])
    assert client.post(delete_entry, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:assessments_stageentry_add")).status_code == 403
    sheet = ScoreSheet.objects.filter(stage__edition=final_edition).first()
    delete_sheet = reverse("admin:assessments_scoresheet_delete", args=[sheet.pk])
    assert client.post(delete_sheet, {"post": "yes"}).status_code == 403
    assert StageEntry.objects.filter(pk=entry.pk).exists() and ScoreSheet.objects.filter(pk=sheet.pk).exists()
