"""Issue 12, safe editing of an edition's set-up: rubric levels as a whole, the tie-break chosen from the
edition's aspects (or the previous stage's score), draft deletion, copies, numbers exported as written."""

import json
from decimal import Decimal

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.utils import translation

from assessments.domain import configuration, criteria, ranking
from assessments.domain import editions as services
from assessments.models import Aspect, AwardCategory, Decree, Edition, Indicator, RubricLevel, Stage
from tests.assessments.domain.test_ranking import enter, give, make_assessors, row_of, set_edition, stage_of
from tests.factories import DecreeFactory, ParticipantFactory

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def rubric_indicator(edition):
    return Indicator.objects.filter(aspect__stage__edition=edition, scale=Indicator.Scale.RUBRIC).first()


# --- rubric levels: a rubric that cannot reach its scale is refused ---


def test_a_1_to_5_rubric_saved_with_levels_1_and_2_is_refused_with_a_clear_message(edition):
    indicator = Indicator.objects.filter(aspect__stage__edition=edition, scale=Indicator.Scale.NUMERIC).first()
    indicator.scale, indicator.scale_min, indicator.scale_max = Indicator.Scale.RUBRIC, D(1), D(5)
    levels = [RubricLevel(value=1, label="Kurang"), RubricLevel(value=2, label="Cukup")]
    with pytest.raises(ValidationError) as refused:
        criteria.save_indicator(indicator, levels)
    assert "missing: 3, 4, 5" in " ".join(refused.value.messages)
    stored = Indicator.objects.get(pk=indicator.pk)
    assert stored.scale == Indicator.Scale.NUMERIC and not stored.levels.exists()  # nothing saved


def test_a_rubric_with_a_gap_is_refused_and_a_complete_one_is_saved(edition):
    indicator = rubric_indicator(edition)
    three = indicator.levels.get(value=3)
    with pytest.raises(ValidationError, match="missing: 3"):
        criteria.save_indicator(indicator, deleted_levels=[three])
    assert indicator.levels.count() == 5
    indicator.scale_max = D(6)
    criteria.save_indicator(indicator, [RubricLevel(value=6, label="Istimewa")])
    assert list(indicator.levels.values_list("value", flat=True)) == [1, 2, 3, 4, 5, 6]


def test_rubric_level_problems_names_levels_outside_and_missing():
    assert criteria.rubric_level_problems([{"value": 1, "label": "a"}, {"value": 5, "label": "b"}], 1, 5, "X") == [
        "X: the levels must cover the whole scale 1–5, one level per score; missing: 2, 3, 4. "
        "Add the missing levels or change the lowest and highest scores."
    ]
    assert criteria.rubric_level_problems([{"value": v, "label": "l"} for v in (1, 2, 3)], 1, 3, "X") == []


def test_the_configuration_import_refuses_a_rubric_that_does_not_cover_its_scale(edition):
    data = configuration.export_configuration(edition)
    field = data["stages"][2]["aspects"][0]["indicators"][0]
    field["levels"] = field["levels"][:2]
    assert any("missing: 3, 4, 5" in problem for problem in services.validate_configuration(data))


# --- the tie-break: chosen from the edition's aspects ---


def test_a_tie_break_aspect_that_is_not_an_aspect_is_refused(edition):
    edition.tie_break_aspect = "Inovasi (IK)"  # a typo
    with pytest.raises(ValidationError, match="is not an aspect of this edition"):
        criteria.save_edition_settings(edition)
    assert Edition.objects.get(pk=edition.pk).tie_break_aspect == "Inovasi (IKI)"
    edition.tie_break_aspect = "Pelayanan publik"
    criteria.save_edition_settings(edition)
    assert Edition.objects.get(pk=edition.pk).tie_break_aspect == "Pelayanan publik"


def test_a_deleted_tie_break_aspect_is_reported_and_blocks_opening_the_edition(edition, province_admin):
    from assessments.domain import workflow

    assert criteria.tie_break_problem(edition) is None
    for aspect in Aspect.objects.filter(stage__edition=edition, name="Inovasi (IKI)"):
        criteria.delete_criterion(aspect)
    assert "“Inovasi (IKI)” is not an aspect of this edition" in criteria.tie_break_problem(edition)
    problems = workflow.precondition_problems(edition, Edition.State.NOMINATION)
    assert any("tie_break_aspect" in problem and "Inovasi (IKI)" in problem for problem in problems)


def test_the_import_refuses_a_tie_break_aspect_missing_from_the_file(edition):
    data = configuration.export_configuration(edition)
    data["tie_break_aspect"] = "Inovasi"
    assert any("tie_break_aspect" in problem for problem in services.validate_configuration(data))


# --- the tie-break: the previous stage's score ---


@pytest.fixture
def panel(make_user, edition):
    return make_assessors(make_user, edition, 2)


FIELD_LEVELS = {"Pelayanan publik": 5, "Inovasi (IKI)": 3, "Koordinasi penyelenggaraan pemerintahan": 3}


def last_stage_tie(edition, participants, panel):
    """Last stage only: p and q tie on the field visit (70); q did better in the presentation (80 > 60)."""
    desk, presentation, field = (stage_of(edition, i) for i in (1, 2, 3))
    p, q = participants[0], participants[2]
    enter(presentation, [p, q])
    enter(field, [p, q])
    for participant, talk in ((p, 60), (q, 80)):
        give(desk, panel[0], participant, 50)
        give(presentation, panel[0], participant, talk)
        give(field, panel[0], participant, aspects=FIELD_LEVELS)
    set_edition(edition, final_score=Edition.FinalScore.LAST_STAGE, tie_break_aspect="")
    return p, q


def test_last_stage_only_ties_are_broken_by_the_previous_stage(edition, participants, panel):
    p, q = last_stage_tie(edition, participants, panel)
    rows = ranking.final_ranking(edition)
    # Before: the last stage's score is the final score itself, compared twice: a shared rank.
    assert (row_of(rows, p).rank, row_of(rows, q).rank, row_of(rows, p).shared) == (1, 1, True)
    set_edition(edition, tie_break_previous_stage=True)
    rows = ranking.final_ranking(edition)
    assert [(r.participant, r.rank, r.score, r.tie_broken) for r in rows[:2]] == [
        (q, 1, row_of(rows, q).score, True),
        (p, 2, row_of(rows, p).score, True),
    ]
    assert row_of(rows, p).score == row_of(rows, q).score
    # The field visit's own ranking is broken by the presentation too.
    field = [(r.participant, r.rank) for r in ranking.stage_ranking(stage_of(edition, 3)) if r.rank]
    assert field == [(q, 1), (p, 2)]


def test_the_previous_stage_comes_before_the_tie_break_aspect(edition, participants, panel):
    p, q = last_stage_tie(edition, participants, panel)
    # The aspect alone cannot separate them (same field-visit sheets): the previous stage does.
    set_edition(edition, tie_break_aspect="Inovasi (IKI)", tie_break_previous_stage=True)
    rows = ranking.final_ranking(edition)
    assert [(r.participant, r.rank) for r in rows[:2]] == [(q, 1), (p, 2)]


def test_existing_tie_break_settings_keep_their_results(edition, participants, panel):
    """Without the new setting, the order is the one of before (score, last stage, aspect)."""
    p, q = last_stage_tie(edition, participants, panel)
    set_edition(edition, tie_break_aspect="Inovasi (IKI)")
    rows = ranking.final_ranking(edition)
    assert row_of(rows, p).rank == row_of(rows, q).rank == 1


# --- deleting a draft edition ---


def test_a_draft_edition_can_be_deleted_with_its_set_up(edition):
    DecreeFactory(edition=edition)
    AwardCategory.objects.create(edition=edition, order=1, name="Juara I", rank=1)
    services.delete_edition(edition)
    assert not Edition.objects.filter(pk=edition.pk).exists()
    assert not Stage.objects.filter(edition_id=edition.pk).exists()


def test_an_edition_is_not_deleted_once_opened_or_nominated(edition, province_admin):
    from assessments.domain import workflow

    ParticipantFactory(edition=edition, district_id="35.10.13")
    with pytest.raises(ValidationError, match="nominated"):
        services.delete_edition(edition)
    edition.participants.all().delete()
    workflow.move_edition(edition, Edition.State.NOMINATION, province_admin)
    with pytest.raises(ValidationError, match="Only a draft edition can be deleted"):
        services.delete_edition(edition)
    assert Edition.objects.filter(pk=edition.pk).exists()


# --- copies ---


def test_a_copy_from_last_year_carries_the_awards_and_the_decree_set_up(edition):
    AwardCategory.objects.bulk_create(
        [
            AwardCategory(edition=edition, order=1, name="Juara I", rank=1),
            AwardCategory(edition=edition, order=2, name="Inovasi terbaik", rank=None),
        ]
    )
    DecreeFactory(
        edition=edition,
        number="188/966/KPTS/013/2022",
        title="Penetapan Juara SP2K Tahun 2022",
        considerations=["bahwa a", "bahwa b"],
        legal_bases=["UU 23/2014"],
        amounts={"Juara I": 50_000_000},
    )
    copy = services.copy_edition(edition, "SP2K Jawa Timur 2023", 2023)
    assert list(copy.award_categories.order_by("order").values_list("name", "rank")) == [
        ("Juara I", 1),
        ("Inovasi terbaik", None),
    ]
    decree = Decree.objects.get(edition=copy)
    assert decree.title == "Penetapan Juara SP2K Tahun 2023"
    assert (decree.considerations, decree.legal_bases, decree.amounts) == (
        ["bahwa a", "bahwa b"],
        ["UU 23/2014"],
        {"Juara I": 50_000_000},
    )
    # A decree of a new year gets its own number and date, entered before it can be printed.
    assert (decree.number, decree.date) == ("", None)
    from assessments.domain.documents import _decree_of

    with pytest.raises(ValidationError, match="number, date"):
        _decree_of(copy)


def test_criteria_are_copied_into_an_editable_stage_only(edition, participants, panel):
    desk, presentation = stage_of(edition, 1), stage_of(edition, 2)
    configuration.copy_stage_criteria(desk, presentation)
    copied = configuration.export_configuration(edition)["stages"]
    assert copied[1]["aspects"] == copied[0]["aspects"]
    assert presentation.name != desk.name  # the stage's own settings stay
    give(presentation, panel[0], participants[0], 50)  # the presentation has a score now
    with pytest.raises(ValidationError, match="already has scores"):
        configuration.copy_stage_criteria(stage_of(edition, 3), presentation)


def test_criteria_are_not_copied_from_another_province(edition, jabar):
    from tests.factories import ConfiguredEditionFactory

    other = ConfiguredEditionFactory(province=jabar, name="SP2K Jawa Barat 2022", year=2022)
    with pytest.raises(ValidationError, match="same province"):
        configuration.copy_stage_criteria(other.stages.first(), stage_of(edition, 2))


# --- numbers as people write them ---


def test_the_configuration_export_writes_40_not_4E1(edition):
    aspect = stage_of(edition, 1).aspects.first()
    aspect.weight = D("40.00")
    aspect.save()
    text = services.export_json(edition) + services.export_yaml(edition)
    assert "E+" not in text
    data = json.loads(services.export_json(edition))
    assert data["stages"][0]["aspects"][0]["weight"] == "40"
    assert yaml.safe_load(services.export_yaml(edition))["stages"][0]["weight"] == "20"
    assert criteria.plain_number(D("33.330")) == "33.33"
    assert criteria.plain_number(D("100.00")) == "100"
