"""Issue 12, safe editing in the panel: every delete asks first (GET shows, POST deletes), a draft edition
can be deleted, rubric levels edited as a whole, the tie-break chosen from a list, criteria copied."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from assessments.domain import workflow
from assessments.models import Aspect, AwardCategory, Decree, Edition, Indicator, Stage
from tests.factories import DecreeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def admin_client(client, province_admin):
    client.force_login(province_admin)
    return client


def text(response):
    return response.content.decode()


# --- confirmations: GET shows what will go and deletes nothing; POST deletes ---


def test_removing_a_stage_asks_first(admin_client, edition):
    stage = edition.stages.get(order=2)
    url = reverse("assessments:stage_delete", args=[edition.pk, stage.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert f"Remove the stage “{stage.name}”" in text(page)
    assert f"{stage.aspects.count()} aspects" in text(page)
    assert Stage.objects.filter(pk=stage.pk).exists()
    criteria_page = admin_client.get(reverse("assessments:stage_criteria", args=[edition.pk, stage.pk]))
    assert f'href="{url}"' in text(criteria_page)  # a link to the confirmation, not a one-click form
    assert admin_client.post(url).status_code == 302
    assert not Stage.objects.filter(pk=stage.pk).exists()


def test_removing_an_aspect_or_an_indicator_asks_first(admin_client, edition):
    stage = edition.stages.get(order=1)
    aspect = stage.aspects.first()
    indicator = aspect.indicators.first()
    url = reverse("assessments:indicator_delete", args=[edition.pk, stage.pk, aspect.pk, indicator.pk])
    assert admin_client.get(url).status_code == 200
    assert Indicator.objects.filter(pk=indicator.pk).exists()
    admin_client.post(url)
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    url = reverse("assessments:aspect_delete", args=[edition.pk, stage.pk, aspect.pk])
    page = admin_client.get(url)
    assert all(f"the indicator “{i.name}”" in text(page) for i in aspect.indicators.all())
    assert Aspect.objects.filter(pk=aspect.pk).exists()
    admin_client.post(url)
    assert not Aspect.objects.filter(pk=aspect.pk).exists()


def test_removing_an_award_category_asks_first(admin_client, edition):
    category = AwardCategory.objects.create(edition=edition, order=1, name="Juara I", rank=1)
    url = reverse("assessments:award_category_delete", args=[edition.pk, category.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and "Remove the award “Juara I”" in text(page)
    assert AwardCategory.objects.filter(pk=category.pk).exists()
    admin_client.post(url)
    assert not AwardCategory.objects.filter(pk=category.pk).exists()


def test_a_draft_edition_is_deleted_after_confirmation_and_never_once_opened(admin_client, edition, province_admin):
    url = reverse("assessments:edition_delete", args=[edition.pk])
    detail = admin_client.get(reverse("assessments:edition_detail", args=[edition.pk]))
    assert f'href="{url}"' in text(detail)
    page = admin_client.get(url)
    assert "Delete the draft edition" in text(page) and "3 stages" in text(page)
    assert Edition.objects.filter(pk=edition.pk).exists()
    workflow.move_edition(edition, Edition.State.NOMINATION, province_admin)
    page = admin_client.get(url)
    assert "Only a draft edition can be deleted" in text(page) and "Delete the edition</button>" not in text(page)
    admin_client.post(url)
    assert Edition.objects.filter(pk=edition.pk).exists()
    Edition.objects.filter(pk=edition.pk).update(state=Edition.State.DRAFT)
    assert admin_client.post(url)["Location"] == reverse("assessments:edition_list")
    assert not Edition.objects.filter(pk=edition.pk).exists()


# --- rubric levels as a whole ---


def indicator_post(indicator, levels, **fields):
    data = {
        "order": indicator.order,
        "name": indicator.name,
        "description": "",
        "weight": indicator.weight,
        "scale": "rubric",
        "scale_min": "1",
        "scale_max": "5",
        "levels-TOTAL_FORMS": str(len(levels)),
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for i, (value, label) in enumerate(levels):
        data[f"levels-{i}-value"] = value
        data[f"levels-{i}-label"] = label
    return data


def test_a_rubric_saved_with_two_of_five_levels_is_refused_on_the_form(admin_client, edition):
    stage = edition.stages.get(order=1)
    indicator = Indicator.objects.filter(aspect__stage=stage).first()
    url = reverse("assessments:indicator_edit", args=[edition.pk, stage.pk, indicator.aspect_id, indicator.pk])
    page = admin_client.get(url)
    assert 'data-formset-add="levels"' in text(page) and 'id="levels-empty-row"' in text(page)
    assert "js/formset.js" in text(page)
    page = admin_client.post(url, indicator_post(indicator, [(1, "Kurang"), (2, "Cukup")]))
    assert page.status_code == 200 and "missing: 3, 4, 5" in text(page)
    assert Indicator.objects.get(pk=indicator.pk).scale == Indicator.Scale.NUMERIC
    levels = [(1, "Sangat kurang"), (2, "Kurang"), (3, "Cukup"), (4, "Baik"), (5, "Sangat baik")]
    assert admin_client.post(url, indicator_post(indicator, levels)).status_code == 302
    assert list(Indicator.objects.get(pk=indicator.pk).levels.values_list("value", flat=True)) == [1, 2, 3, 4, 5]


# --- the tie-break chosen from the edition's aspects ---


def settings_post(edition, **fields):
    return {
        "name": edition.name,
        "aggregation": edition.aggregation,
        "final_score": edition.final_score,
        "tie_break_aspect": edition.tie_break_aspect,
        "nomination_quota": edition.nomination_quota,
        "evidence_max_mb": edition.evidence_max_mb,
        "reminder_days": edition.reminder_days,
        **fields,
    }


def test_the_tie_break_is_a_choice_of_the_editions_aspects(admin_client, edition):
    url = reverse("assessments:edition_settings", args=[edition.pk])
    page = admin_client.get(url)
    assert '<select name="tie_break_aspect"' in text(page)
    assert '<option value="Pelayanan publik">' in text(page)
    assert 'name="tie_break_previous_stage"' in text(page)
    page = admin_client.post(url, settings_post(edition, tie_break_aspect="Inovasi (IK)"))
    assert page.status_code == 200 and "Select a valid choice" in text(page)
    assert Edition.objects.get(pk=edition.pk).tie_break_aspect == "Inovasi (IKI)"
    admin_client.post(url, settings_post(edition, tie_break_aspect="", tie_break_previous_stage="on"))
    edition.refresh_from_db()
    assert (edition.tie_break_aspect, edition.tie_break_previous_stage) == ("", True)


def test_the_edition_page_says_when_the_tie_break_aspect_is_gone(admin_client, edition):
    Aspect.objects.filter(stage__edition=edition, name="Inovasi (IKI)").update(name="Inovasi daerah")
    detail = admin_client.get(reverse("assessments:edition_detail", args=[edition.pk]))
    assert "The tie-break aspect “Inovasi (IKI)” is not an aspect of this edition" in text(detail)
    url = reverse("assessments:edition_settings", args=[edition.pk])
    page = admin_client.get(url)
    assert "Inovasi (IKI) (not an aspect of this edition)" in text(page)
    page = admin_client.post(url, settings_post(edition))
    assert page.status_code == 200 and "is not an aspect of this edition" in text(page)


# --- copies ---


def test_criteria_copied_from_another_stage_on_the_page(admin_client, edition):
    desk, presentation = edition.stages.get(order=1), edition.stages.get(order=2)
    url = reverse("assessments:stage_criteria_copy", args=[edition.pk, presentation.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and "the copy replaces them" in text(page)
    assert admin_client.post(url, {"source": desk.pk}).status_code == 200  # the replacement is not confirmed
    assert admin_client.post(url, {"source": desk.pk, "confirm": "on"}).status_code == 302
    assert list(presentation.aspects.values_list("name", flat=True)) == list(
        desk.aspects.values_list("name", flat=True)
    )


def test_the_decree_form_of_a_copy_asks_for_this_years_number(admin_client, edition, province_admin):
    DecreeFactory(edition=edition)
    copy_url = reverse("assessments:edition_copy", args=[edition.pk])
    admin_client.post(copy_url, {"name": "SP2K Jawa Timur 2023", "year": 2023})
    copy = Edition.objects.get(name="SP2K Jawa Timur 2023")
    assert Decree.objects.get(edition=copy).number == ""
    page = admin_client.get(reverse("documents:decree_form", args=[copy.pk]))
    assert "188/966/KPTS/013/2022: keep its pattern" in text(page)
