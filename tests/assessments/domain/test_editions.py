"""Editions: state moves, tenancy, copy from last year, export/import, criteria editing, the admin."""

import copy
import datetime
import json
from decimal import Decimal

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from assessments.domain import awards, workflow
from assessments.domain import editions as services
from assessments.domain.configuration import export_configuration
from assessments.models import (
    Aspect,
    Assignment,
    AwardCategory,
    Edition,
    EditionAssessor,
    EditionTransition,
    Indicator,
    Participant,
    Score,
    ScoreSheet,
    Stage,
    StageEntry,
)
from tests.factories import example_configuration

State = Edition.State


@pytest.fixture(autouse=True)
def english(client):
    # Text assertions use the English msgids, which stay valid once the Indonesian catalogue exists.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def text(response):
    return response.content.decode()


def criteria_only(data):
    """A configuration without what legitimately differs between two editions (name, year, dates)."""
    data = json.loads(json.dumps(data))
    data.pop("name", None)
    data.pop("year", None)
    for stage in data["stages"]:
        stage.pop("starts_on")
        stage.pop("ends_on")
    return data


def upload(name, content):
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


def submitted_sheet(stage, participant, assessor, value=Decimal("80")):
    """A submitted sheet with one score, as the sheets area would leave it."""
    StageEntry.objects.get_or_create(stage=stage, participant=participant)
    sheet = ScoreSheet.objects.create(
        stage=stage,
        assessor=assessor,
        participant=participant,
        status=ScoreSheet.Status.SUBMITTED,
        submitted_at=datetime.datetime(2022, 11, 3, tzinfo=datetime.UTC),
    )
    indicator = Indicator.objects.filter(aspect__stage=stage).first()
    Score.objects.create(sheet=sheet, indicator=indicator, value=value)
    return sheet


# --- state moves ---


def test_edition_moves_forward_one_step_at_a_time_and_each_move_is_recorded(
    edition, participants, province_admin, assessor
):
    with pytest.raises(ValidationError, match="cannot move"):
        workflow.move_edition(edition, State.ASSESSMENT, by=province_admin)  # skipping nomination
    assert EditionTransition.objects.count() == 0

    workflow.move_edition(edition, State.NOMINATION, by=province_admin)
    workflow.move_edition(edition, State.ASSESSMENT, by=province_admin)
    first, second, third = edition.stages.order_by("order")
    # Starting the assessment puts every accepted participant into the first stage.
    assert set(first.entries.values_list("participant_id", flat=True)) == {p.pk for p in participants}
    assert not second.entries.exists()

    for stage in (first, second, third):
        submitted_sheet(stage, participants[0], assessor)
    workflow.move_edition(edition, State.FINAL, by=province_admin)
    with pytest.raises(ValidationError):
        workflow.move_edition(edition, State.DRAFT, by=province_admin)
    # Publication needs confirmed awards (the awards area): one award, to the only participant scored.
    AwardCategory.objects.create(edition=edition, order=1, name="Juara I", rank=1)
    awards.confirm_awards(edition, province_admin)
    # Publishing is made on its confirmation page only (``workflow.publish``), never as a plain move.
    with pytest.raises(ValidationError, match="confirmation page"):
        workflow.move_edition(edition, State.PUBLISHED, by=province_admin)
    workflow.publish(edition, province_admin)

    edition.refresh_from_db()
    assert edition.state == State.PUBLISHED
    moves = list(EditionTransition.objects.filter(edition=edition).values_list("from_state", "to_state", "by"))
    assert moves == [
        (State.DRAFT, State.NOMINATION, province_admin.pk),
        (State.NOMINATION, State.ASSESSMENT, province_admin.pk),
        (State.ASSESSMENT, State.FINAL, province_admin.pk),
        (State.FINAL, State.PUBLISHED, province_admin.pk),
    ]
    assert all(t.at for t in EditionTransition.objects.all())
    # Once published, the only way back is withdrawing the publication, on its own confirmation page.
    assert workflow.allowed_moves(edition) == [State.FINAL]
    for state in State.values:
        with pytest.raises(ValidationError):
            workflow.move_edition(edition, state, by=province_admin)
    assert EditionTransition.objects.count() == 4


def test_results_can_be_reopened_before_publication(edition, province_admin):
    Edition.objects.filter(pk=edition.pk).update(state=State.FINAL)
    edition.refresh_from_db()
    workflow.move_edition(edition, State.ASSESSMENT, by=province_admin)
    edition.refresh_from_db()
    assert edition.state == State.ASSESSMENT
    assert EditionTransition.objects.get().from_state == State.FINAL


def test_only_the_editions_province_admin_moves_it(edition, other_province_admin, assessor, regency_admin, superuser):
    for user in (other_province_admin, assessor, regency_admin):
        with pytest.raises(PermissionDenied):
            workflow.move_edition(edition, State.NOMINATION, by=user)
    edition.refresh_from_db()
    assert edition.state == State.DRAFT
    workflow.move_edition(edition, State.NOMINATION, by=superuser)
    assert EditionTransition.objects.get().by == superuser


def test_transition_view_moves_the_edition_and_the_hub_shows_who_and_when(client, edition, province_admin):
    client.force_login(province_admin)
    response = client.post(reverse("assessments:edition_transition", args=[edition.pk]), {"to_state": "nomination"})
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.state == State.NOMINATION
    page = text(client.get(reverse("assessments:edition_detail", args=[edition.pk])))
    assert "Panitia Jatim" in page
    assert "Nomination open" in page
    assert "Start the assessment" in page
    # The hub leads to the other areas of the edition and of each stage.
    stage = edition.stages.first()
    for url in (
        reverse("assessments:participant_list", args=[edition.pk]),
        reverse("assessments:assessor_list", args=[edition.pk]),
        reverse("assessments:final_ranking", args=[edition.pk]),
        reverse("assessments:stage_criteria", args=[edition.pk, stage.pk]),
        reverse("assessments:stage_progress", args=[stage.pk]),
        reverse("assessments:assignment_matrix", args=[edition.pk, stage.pk]),
        reverse("assessments:stage_ranking", args=[stage.pk]),
    ):
        assert url in page, url


def test_transition_view_is_post_only(client, edition, province_admin):
    client.force_login(province_admin)
    assert client.get(reverse("assessments:edition_transition", args=[edition.pk])).status_code == 405


# --- preconditions ---


def test_nominations_need_stages_and_weights_that_add_up(edition, jatim, province_admin):
    empty = services.create_blank_edition(jatim, name="SP2K Jawa Timur 2030", year=2030)
    with pytest.raises(ValidationError) as error:
        workflow.move_edition(empty, State.NOMINATION, by=province_admin)
    assert "The edition has no stage yet." in error.value.messages

    Aspect.objects.filter(stage__edition=edition, name="Pelayanan publik", stage__order=2).update(weight=30)
    Indicator.objects.filter(aspect__stage__edition=edition, name="Inisiatif").update(weight=10)
    with pytest.raises(ValidationError) as error:
        workflow.move_edition(edition, State.NOMINATION, by=province_admin)
    messages = error.value.messages
    assert any("aspects of stage “Presentasi dan wawancara” add up to 105, not 100" in m for m in messages)
    assert any("indicators of aspect “Inovasi (IKI)”" in m and "add up to 90" in m for m in messages)
    edition.refresh_from_db()
    assert edition.state == State.DRAFT
    assert not EditionTransition.objects.exists()


def test_assessment_needs_accepted_participants_and_every_nomination_decided(edition, province_admin, regency_admin):
    workflow.move_edition(edition, State.NOMINATION, by=province_admin)
    with pytest.raises(ValidationError, match="No participant has been accepted yet"):
        workflow.move_edition(edition, State.ASSESSMENT, by=province_admin)
    Participant.objects.create(edition=edition, district_id="35.10.13", status=Participant.Status.ACCEPTED)
    Participant.objects.create(edition=edition, district_id="35.15.13", nominated_by=regency_admin)
    with pytest.raises(ValidationError, match="1 nomination"):
        workflow.move_edition(edition, State.ASSESSMENT, by=province_admin)
    assert not StageEntry.objects.exists()


def test_results_final_needs_every_assigned_sheet_submitted(edition, participants, province_admin, assessor):
    Edition.objects.filter(pk=edition.pk).update(state=State.ASSESSMENT)
    edition.refresh_from_db()
    stages = list(edition.stages.order_by("order"))
    for stage in stages:
        submitted_sheet(stage, participants[0], assessor)
    draft = ScoreSheet.objects.create(stage=stages[0], assessor=assessor, participant=participants[2])
    # Taman (participants[1]) lies in the assessor's home regency: that assignment is not missing.
    Assignment.objects.create(stage=stages[0], assessor=assessor, participant=participants[1])
    Assignment.objects.create(stage=stages[0], assessor=assessor, participant=participants[3])
    with pytest.raises(ValidationError) as error:
        workflow.move_edition(edition, State.FINAL, by=province_admin)
    assert error.value.messages == [
        "1 score sheet(s) are still in progress.",
        "Stage “Penilaian administrasi (desk)”: 1 assigned score sheet(s) have not been started.",
    ]
    draft.delete()
    submitted_sheet(stages[0], participants[3], assessor)
    workflow.move_edition(edition, State.FINAL, by=province_admin)
    assert Edition.objects.get(pk=edition.pk).state == State.FINAL


def test_the_hub_lists_what_stops_the_next_move(client, jatim, province_admin):
    empty = services.create_blank_edition(jatim, name="SP2K Jawa Timur 2030", year=2030)
    client.force_login(province_admin)
    page = text(client.get(reverse("assessments:edition_detail", args=[empty.pk])))
    assert "The edition has no stage yet." in page
    assert "disabled" in page


# --- tenancy ---


def edition_urls(edition):
    stage = edition.stages.order_by("order").first()
    aspect = stage.aspects.first()
    indicator = aspect.indicators.first()
    e, s, a, i = edition.pk, stage.pk, aspect.pk, indicator.pk
    return [
        ("edition_detail", [e]),
        ("edition_transition", [e]),
        ("edition_settings", [e]),
        ("edition_copy", [e]),
        ("edition_export", [e]),
        ("edition_import", [e]),
        ("stage_create", [e]),
        ("stage_criteria", [e, s]),
        ("stage_delete", [e, s]),
        ("aspect_create", [e, s]),
        ("aspect_edit", [e, s, a]),
        ("aspect_delete", [e, s, a]),
        ("indicator_create", [e, s, a]),
        ("indicator_edit", [e, s, a, i]),
        ("indicator_delete", [e, s, a, i]),
    ]


def test_another_provinces_admin_finds_nothing_on_any_editions_url(client, edition, other_province_admin):
    client.force_login(other_province_admin)
    for name, args in edition_urls(edition):
        url = reverse(f"assessments:{name}", args=args)
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"to_state": "nomination", "name": "x", "order": 9, "weight": 1}).status_code == 404, (
            url
        )
    assert Edition.objects.get(pk=edition.pk).state == State.DRAFT
    assert Aspect.objects.filter(stage__edition=edition).count() == 11
    assert edition.name not in text(client.get(reverse("assessments:edition_list")))


def test_an_assessor_sees_only_the_editions_it_assesses(client, edition, assessor):
    client.force_login(assessor)
    assert edition.name not in text(client.get(reverse("assessments:edition_list")))
    assert client.get(reverse("assessments:edition_detail", args=[edition.pk])).status_code == 404

    EditionAssessor.objects.create(edition=edition, user=assessor)
    assert edition.name in text(client.get(reverse("assessments:edition_list")))
    page = client.get(reverse("assessments:edition_detail", args=[edition.pk]))
    assert page.status_code == 200
    # An assessor sees the edition but configures nothing.
    assert reverse("assessments:edition_settings", args=[edition.pk]) not in text(page)
    assert client.get(reverse("assessments:edition_export", args=[edition.pk])).status_code == 403
    stage = edition.stages.first()
    assert client.get(reverse("assessments:stage_criteria", args=[edition.pk, stage.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_login_and_other_roles_refused(client, edition, camat, regency_admin):
    url = reverse("assessments:edition_detail", args=[edition.pk])
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client.force_login(camat)
    assert client.get(reverse("assessments:edition_list")).status_code == 403
    Edition.objects.filter(pk=edition.pk).update(state=State.NOMINATION)
    client.force_login(regency_admin)
    assert client.get(url).status_code == 403
    assert (
        client.post(
            reverse("assessments:edition_transition", args=[edition.pk]), {"to_state": "assessment"}
        ).status_code
        == 403
    )


def test_a_province_admin_creates_editions_in_its_own_province_only(client, province_admin, jabar):
    client.force_login(province_admin)
    response = client.post(
        reverse("assessments:edition_create"),
        {
            "province": jabar.pk,  # ignored: the admin's own province is used
            "name": "SP2K Jawa Timur 2024",
            "year": 2024,
            "aggregation": "mean",
            "final_score": "weighted",
            "nomination_quota": 1,
            "evidence_max_mb": 20,
            "reminder_days": 3,
        },
    )
    assert response.status_code == 302
    created = Edition.objects.get(name="SP2K Jawa Timur 2024")
    assert created.province_id == "35" and created.state == State.DRAFT


def test_the_navbar_offers_competitions_to_admins_and_assessors_only(client, province_admin, assessor, camat):
    for user, shown in ((province_admin, True), (assessor, True), (camat, False)):
        client.force_login(user)
        page = text(client.get(reverse("dashboard")))
        assert (f'href="{reverse("assessments:edition_list")}"' in page) is shown, user


def test_settings_are_saved_and_frozen_once_the_results_are_final(client, edition, province_admin):
    client.force_login(province_admin)
    url = reverse("assessments:edition_settings", args=[edition.pk])
    data = {
        "name": edition.name,
        "aggregation": "zscore",
        "final_score": "last_stage",
        "tie_break_aspect": "Inovasi (IKI)",
        "nomination_quota": 2,
        "evidence_max_mb": 20,
        "reminder_days": 3,
    }
    assert client.post(url, data).status_code == 302
    edition.refresh_from_db()
    assert (edition.aggregation, edition.nomination_quota) == ("zscore", 2)
    Edition.objects.filter(pk=edition.pk).update(state=State.FINAL)
    response = client.post(url, {**data, "aggregation": "median"}, follow=True)
    assert "The results are final: the criteria can no longer change." in text(response)
    edition.refresh_from_db()
    assert edition.aggregation == "zscore"


# --- copy from last year ---


def test_copy_from_last_year_gives_a_new_draft_with_the_same_criteria_and_dates_a_year_later(
    client, edition, province_admin
):
    Edition.objects.filter(pk=edition.pk).update(state=State.PUBLISHED)
    client.force_login(province_admin)
    page = text(client.get(reverse("assessments:edition_copy", args=[edition.pk])))
    assert "SP2K Jawa Timur 2023" in page  # the suggested name
    response = client.post(
        reverse("assessments:edition_copy", args=[edition.pk]), {"name": "SP2K Jawa Timur 2023", "year": 2023}
    )
    copy = Edition.objects.get(name="SP2K Jawa Timur 2023")
    assert response["Location"] == reverse("assessments:edition_detail", args=[copy.pk])
    assert copy.state == State.DRAFT
    assert copy.copied_from == edition
    assert copy.year == 2023
    assert criteria_only(export_configuration(copy)) == criteria_only(export_configuration(edition))
    old = list(edition.stages.order_by("order").values_list("starts_on", "ends_on"))
    new = list(copy.stages.order_by("order").values_list("starts_on", "ends_on"))
    assert new[0] == (datetime.date(2023, 10, 3), datetime.date(2023, 10, 21))
    assert [(s.replace(year=2023), e.replace(year=2023)) for s, e in old] == new


def test_copy_through_the_create_form(client, edition, province_admin):
    client.force_login(province_admin)
    response = client.post(
        reverse("assessments:edition_create"),
        {
            "name": "SP2K Jawa Timur 2025",
            "year": 2025,
            "copy_from": edition.pk,
            "aggregation": "median",
            "final_score": "weighted",
            "nomination_quota": 1,
            "evidence_max_mb": 20,
            "reminder_days": 3,
        },
    )
    assert response.status_code == 302
    copy = Edition.objects.get(name="SP2K Jawa Timur 2025")
    assert copy.copied_from == edition
    assert copy.stages.get(order=3).starts_on == datetime.date(2025, 11, 16)


def test_copy_refuses_a_name_already_used(client, edition, province_admin):
    client.force_login(province_admin)
    response = client.post(reverse("assessments:edition_copy", args=[edition.pk]), {"name": edition.name, "year": 2023})
    assert response.status_code == 200
    assert "already exists" in text(response)
    assert Edition.objects.count() == 1


# --- export and import ---


@pytest.mark.parametrize("kind", ["json", "yaml"])
def test_export_then_import_into_a_fresh_draft_gives_the_same_configuration(
    client, edition, jatim, province_admin, kind
):
    client.force_login(province_admin)
    response = client.get(reverse("assessments:edition_export", args=[edition.pk]), {"format": kind})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="sp2k-jawa-timur-2022.{kind}"'
    body = response.content.decode()
    assert "Inovasi (IKI)" in body  # readable, not escaped

    fresh = services.create_blank_edition(jatim, name="SP2K Jawa Timur 2031", year=2031)
    response = client.post(
        reverse("assessments:edition_import", args=[fresh.pk]), {"file": upload(f"kriteria.{kind}", body)}
    )
    assert response.status_code == 302, text(response)
    fresh.refresh_from_db()
    assert fresh.name == "SP2K Jawa Timur 2031" and fresh.year == 2031  # the file's own are ignored
    imported = export_configuration(fresh)
    assert {**imported, "name": None, "year": None} == {**export_configuration(edition), "name": None, "year": None}


def test_yaml_written_by_hand_with_plain_numbers_and_dates_imports(edition, jatim):
    data = yaml.safe_load(services.export_yaml(edition).replace("'2022-10-03'", "2022-10-03"))
    assert isinstance(data["stages"][0]["starts_on"], datetime.date)
    fresh = services.create_blank_edition(jatim, name="Baru", year=2022)
    services.import_configuration(fresh, data)
    assert fresh.stages.get(order=1).starts_on == datetime.date(2022, 10, 3)


def bad_configuration():
    data = copy.deepcopy(example_configuration())  # its rubric levels are shared module data
    data["format"] = "sp2k-edition/9"
    data["aggregation"] = "average"
    del data["final_score"]
    desk, presentation, field = data["stages"]
    desk["kind"] = "webinar"
    desk["ends_on"] = "2022-09-01"  # before it starts
    presentation["aspects"][0]["weight"] = "26"
    del presentation["aspects"][1]["name"]
    presentation["aspects"][2]["indicators"][0]["scale_min"] = "100"
    field["aspects"][0]["indicators"][0]["levels"][1]["value"] = 1  # twice
    field["aspects"][0]["indicators"][1]["levels"] = []
    return data


EXPECTED_PROBLEMS = [
    "Unknown format",
    "aggregation: 'average' is not one of",
    "The field final_score is missing.",
    "kind 'webinar' is not one of",
    "it ends before it starts",
    "aspect 2: name is missing",
    "aspects of stage “Presentasi dan wawancara” add up to 101, not 100",
    "“Inisiatif”: the highest score must be above the lowest",
    "rubric level 1 appears twice",
    "a rubric needs at least two levels",
]


def test_import_of_a_bad_file_reports_every_problem_and_changes_nothing(client, edition, jatim, province_admin):
    fresh = services.create_blank_edition(jatim, name="SP2K Jawa Timur 2031", year=2031)
    services.import_configuration(fresh, export_configuration(edition))
    before = export_configuration(fresh)
    client.force_login(province_admin)
    response = client.post(
        reverse("assessments:edition_import", args=[fresh.pk]),
        {"file": upload("kriteria.json", json.dumps(bad_configuration()))},
    )
    assert response.status_code == 200
    page = text(response)
    assert "Nothing was changed." in page
    errors = response.context["import_errors"]
    for expected in EXPECTED_PROBLEMS:
        assert any(expected in error for error in errors), expected
    assert export_configuration(fresh) == before


def test_weights_that_do_not_add_up_are_refused_on_import(edition, jatim):
    data = export_configuration(edition)
    data["stages"][1]["aspects"][0]["weight"] = "26"
    data["stages"][2]["weight"] = "40"
    data["final_score"] = "weighted"  # stage weights only count in a weighted final score
    fresh = services.create_blank_edition(jatim, name="Baru", year=2023)
    with pytest.raises(ValidationError) as error:
        services.import_configuration(fresh, data)
    assert error.value.messages == [
        "The weights of the stages in the final score add up to 90, not 100.",
        "The weights of the aspects of stage “Presentasi dan wawancara” add up to 101, not 100.",
    ]
    assert not fresh.stages.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kriteria.json", "{not json", "not valid JSON"),
        ("kriteria.yaml", "stages: [unclosed", "not valid YAML"),
        ("kriteria.txt", "{}", "Upload a .json, .yaml or .yml file."),
        ("kriteria.json", "[1, 2]", "does not hold an edition configuration"),
        ("kriteria.json", b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(client, jatim, province_admin, name, content, message):
    fresh = services.create_blank_edition(jatim, name="Baru", year=2023)
    client.force_login(province_admin)
    response = client.post(reverse("assessments:edition_import", args=[fresh.pk]), {"file": upload(name, content)})
    assert response.status_code == 200
    assert any(message in error for error in response.context["import_errors"])


def test_import_only_into_a_draft(edition, jatim):
    Edition.objects.filter(pk=edition.pk).update(state=State.NOMINATION)
    edition.refresh_from_db()
    with pytest.raises(ValidationError, match="only be imported into a draft"):
        services.import_configuration(edition, example_configuration())


# --- criteria ---


def stage_and_aspect(edition, order=2, aspect_name="Pelayanan publik"):
    stage = edition.stages.get(order=order)
    return stage, stage.aspects.get(name=aspect_name)


def test_the_criteria_page_says_when_a_level_does_not_add_up(client, edition, province_admin):
    stage, aspect = stage_and_aspect(edition)
    client.force_login(province_admin)
    url = reverse("assessments:aspect_edit", args=[edition.pk, stage.pk, aspect.pk])
    page = text(client.get(url))
    assert "The other aspects weigh 75 together; for the level to add up to 100, this one needs 25." in page

    response = client.post(url, {"order": aspect.order, "name": aspect.name, "weight": "35"}, follow=True)
    page = text(response)
    assert "The weights of the aspects of stage “Presentasi dan wawancara” add up to 110, not 100." in page
    aspect.refresh_from_db()
    assert aspect.weight == Decimal("35")

    indicator = aspect.indicators.first()
    client.post(
        reverse("assessments:indicator_edit", args=[edition.pk, stage.pk, aspect.pk, indicator.pk]),
        {
            "order": indicator.order,
            "name": indicator.name,
            "weight": "50",
            "scale": "numeric",
            "scale_min": "0",
            "scale_max": "100",
            "levels-TOTAL_FORMS": "0",
            "levels-INITIAL_FORMS": "0",
        },
    )
    page = text(client.get(reverse("assessments:stage_criteria", args=[edition.pk, stage.pk])))
    assert "The weights of the indicators of “Pelayanan publik” add up to 130, not 100." in page


def test_stage_order_and_aspect_order_stay_unique(client, edition, province_admin):
    stage, aspect = stage_and_aspect(edition)
    client.force_login(province_admin)
    response = client.post(
        reverse("assessments:aspect_create", args=[edition.pk, stage.pk]), {"order": 1, "name": "Baru", "weight": 5}
    )
    assert response.status_code == 200
    assert "Another item at this level already has this order." in text(response)


def test_a_rubric_indicator_is_saved_with_its_levels_and_bad_levels_are_refused(client, edition, province_admin):
    stage, aspect = stage_and_aspect(edition)
    client.force_login(province_admin)
    url = reverse("assessments:indicator_create", args=[edition.pk, stage.pk, aspect.pk])
    base = {
        "order": 9,
        "name": "Rubrik baru",
        "weight": "0",
        "scale": "rubric",
        "scale_min": "1",
        "scale_max": "3",
        "levels-TOTAL_FORMS": "3",
        "levels-INITIAL_FORMS": "0",
        "levels-0-value": "1",
        "levels-0-label": "Kurang",
        "levels-1-value": "2",
        "levels-1-label": "Cukup",
        "levels-2-value": "7",
        "levels-2-label": "Baik",
    }
    response = client.post(url, base)
    assert response.status_code == 200
    assert "rubric level 7 lies outside the scale 1–3" in text(response)
    assert not Indicator.objects.filter(name="Rubrik baru").exists()

    response = client.post(url, {**base, "levels-2-value": "3"})
    assert response.status_code == 302
    indicator = Indicator.objects.get(name="Rubrik baru")
    assert list(indicator.levels.values_list("value", "label")) == [(1, "Kurang"), (2, "Cukup"), (3, "Baik")]


def test_criteria_cannot_change_once_the_stage_has_scores(client, edition, participants, province_admin, assessor):
    stage, aspect = stage_and_aspect(edition, order=1, aspect_name="Kelengkapan administrasi")
    submitted_sheet(stage, participants[0], assessor)
    before = export_configuration(edition)
    client.force_login(province_admin)
    indicator = aspect.indicators.first()
    attempts = [
        (
            reverse("assessments:aspect_edit", args=[edition.pk, stage.pk, aspect.pk]),
            {"order": 1, "name": "X", "weight": 1},
        ),
        (reverse("assessments:aspect_create", args=[edition.pk, stage.pk]), {"order": 7, "name": "X", "weight": 1}),
        (reverse("assessments:aspect_delete", args=[edition.pk, stage.pk, aspect.pk]), {}),
        (reverse("assessments:indicator_delete", args=[edition.pk, stage.pk, aspect.pk, indicator.pk]), {}),
        (
            reverse("assessments:stage_criteria", args=[edition.pk, stage.pk]),
            {"order": 1, "name": "X", "kind": "desk", "weight": 1},
        ),
        (reverse("assessments:stage_delete", args=[edition.pk, stage.pk]), {}),
    ]
    for url, data in attempts:
        response = client.post(url, data, follow=True)
        assert f"Stage “{stage.name}” already has scores: its criteria can no longer change." in text(response), url
    assert export_configuration(edition) == before
    page = text(client.get(reverse("assessments:stage_criteria", args=[edition.pk, stage.pk])))
    assert reverse("assessments:aspect_create", args=[edition.pk, stage.pk]) not in page

    # The other stages, still without scores, stay editable.
    other, other_aspect = stage_and_aspect(edition)
    client.post(
        reverse("assessments:aspect_edit", args=[edition.pk, other.pk, other_aspect.pk]),
        {"order": other_aspect.order, "name": "Pelayanan publik dan digital", "weight": 25},
    )
    assert Aspect.objects.filter(stage=other, name="Pelayanan publik dan digital").exists()


def test_stages_are_added_and_removed_in_a_draft(client, edition, province_admin):
    client.force_login(province_admin)
    response = client.post(
        reverse("assessments:stage_create", args=[edition.pk]),
        {"order": 4, "name": "Wawancara tambahan", "kind": "presentation", "weight": 0, "starts_on": "2022-12-01"},
    )
    stage = Stage.objects.get(edition=edition, name="Wawancara tambahan")
    assert response["Location"] == reverse("assessments:stage_criteria", args=[edition.pk, stage.pk])
    client.post(reverse("assessments:stage_delete", args=[edition.pk, stage.pk]))
    assert not Stage.objects.filter(pk=stage.pk).exists()


# --- pages: query counts, and the admin ---


def test_list_and_hub_pages_use_a_fixed_number_of_queries(
    client, edition, participants, province_admin, django_assert_max_num_queries
):
    EditionTransition.objects.create(edition=edition, from_state="draft", to_state="nomination", by=province_admin)
    client.force_login(province_admin)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("assessments:edition_list")).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("assessments:edition_detail", args=[edition.pk])).status_code == 200
    stage = edition.stages.get(order=2)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("assessments:stage_criteria", args=[edition.pk, stage.pk])).status_code == 200


def test_admin_changelists_load_and_histories_are_read_only(
    client, edition, participants, superuser, province_admin, assessor
):
    workflow.move_edition(edition, State.NOMINATION, by=province_admin)
    submitted_sheet(edition.stages.first(), participants[0], assessor)
    client.force_login(superuser)
    from django.contrib import admin as django_admin

    models = [m for m in django_admin.site._registry if m._meta.app_label == "assessments"]
    assert len(models) >= 16
    for model in models:
        url = reverse(f"admin:assessments_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        assert client.get(url, {"q": "Rogojampi"}).status_code == 200, url
    for name in ("editiontransition", "scorechange", "sheetevent", "stageadvance"):
        assert client.get(reverse(f"admin:assessments_{name}_add")).status_code == 403
    transition = EditionTransition.objects.get()
    page = client.get(reverse("admin:assessments_editiontransition_change", args=[transition.pk]))
    assert page.status_code == 200 and 'name="_save"' not in text(page)
    delete = reverse("admin:assessments_editiontransition_delete", args=[transition.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert EditionTransition.objects.exists()


def test_the_admin_is_closed_to_province_admins(client, province_admin):
    client.force_login(province_admin)
    response = client.get(reverse("admin:assessments_edition_changelist"))
    assert response.status_code == 302  # to the admin login: not staff


def test_create_page_and_list_render(client, edition, province_admin):
    client.force_login(province_admin)
    page = text(client.get(reverse("assessments:edition_create")))
    assert edition.name in page  # offered as a source to copy from
    page = text(client.get(reverse("assessments:edition_list")))
    assert edition.name in page and "Draft" in page


def test_export_of_an_unknown_format_is_not_found(client, edition, province_admin):
    client.force_login(province_admin)
    assert client.get(reverse("assessments:edition_export", args=[edition.pk]), {"format": "xml"}).status_code == 404
