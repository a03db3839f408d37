"""The score sheet screens: who sees what, htmx saving, submit/reopen, progress and history."""
# ruff: noqa: F811 - the setup/sheet fixtures are imported from test_scoring and used as arguments

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.domain import scoring
from assessments.models import Assignment, Conflict, Score, ScoreChange, ScoreSheet, StageEntry
from tests.assessments.domain.test_scoring import setup, sheet  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def save_url(sheet, indicator):
    return reverse("assessments:score_save", args=[sheet.pk, indicator.pk])


def test_my_sheets_lists_states_and_conflicts(client, setup, sheet):
    login(client, setup.assessor)
    page = client.get(reverse("assessments:my_sheets")).content.decode()
    assert "Rogojampi" in page and "Taman" in page
    assert reverse("assessments:sheet", args=[sheet.pk]) in page
    # Taman is the assessor's home regency: shown as excluded, never openable.
    assert reverse("assessments:sheet_open", args=[setup.stage.pk, setup.taman.pk]) not in page
    assert "Conflict of interest" in page or "konflik" in page.lower()


def test_conflicted_assessor_cannot_open_sheet(client, setup):
    login(client, setup.assessor)
    url = reverse("assessments:sheet_open", args=[setup.stage.pk, setup.taman.pk])
    assert client.post(url).status_code == 403
    assert not ScoreSheet.objects.exists()


def test_open_then_sheet_page_shows_fields(client, setup):
    login(client, setup.assessor)
    response = client.post(reverse("assessments:sheet_open", args=[setup.stage.pk, setup.rogojampi.pk]))
    sheet = ScoreSheet.objects.get()
    assert response.url == reverse("assessments:sheet", args=[sheet.pk])
    page = client.get(response.url).content.decode()
    for indicator in setup.indicators:
        assert f'id="score-{indicator.pk}"' in page
        assert f'<label for="score-{indicator.pk}">' in page
        assert f'id="comment-{indicator.pk}"' in page
        # Saved by static/js/scoresheet.js, one field at a time, kept in the browser until confirmed.
        assert f'data-save-url="{save_url(sheet, indicator)}"' in page
    assert 'src="/static/js/scoresheet.js"' in page
    for indicator in setup.indicators:
        assert f'id="evidence-{indicator.pk}"' in page  # where the kecamatan's files are listed
    assert "tabindex" not in page
    assert "<script>" not in page and 'style="' not in page


def test_rubric_sheet_shows_level_texts(client, setup):
    sheet = scoring.open_sheet(setup.field_visit, setup.rogojampi, setup.assessor)
    page = login(client, setup.assessor).get(reverse("assessments:sheet", args=[sheet.pk])).content.decode()
    assert "Sangat baik" in page and "Berjalan rutin dan terukur." in page
    assert f'<select class="form-select score-value" id="score-{setup.rubric[0].pk}"' in page


def test_htmx_save_returns_saved_fragment(client, setup, sheet):
    login(client, setup.assessor)
    indicator = setup.indicators[0]
    response = client.post(
        save_url(sheet, indicator),
        {"value": "85,5", "comment": "bagus", "version": "0"},
        HTTP_HX_REQUEST="true",
        REMOTE_ADDR="192.0.2.7",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="status-{indicator.pk}"' in body and 'data-state="saved"' in body
    assert f'id="version-{indicator.pk}" value="1" hx-swap-oob="true"' in body
    assert 'id="live-total" class="fs-5 fw-semibold" aria-live="off" hx-swap-oob="true"' in body
    score = Score.objects.get(sheet=sheet, indicator=indicator)
    assert (score.value, score.comment) == (Decimal("85.5"), "bagus")
    assert ScoreChange.objects.get().ip_address == "192.0.2.7"


def test_htmx_save_refuses_out_of_range_with_message(client, setup, sheet):
    login(client, setup.assessor)
    indicator = setup.indicators[0]
    response = client.post(save_url(sheet, indicator), {"value": "150", "comment": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert 'data-state="invalid"' in response.content.decode()
    assert not Score.objects.filter(value__isnull=False).exists()


def test_htmx_save_version_conflict(client, setup, sheet):
    indicator = setup.indicators[0]
    scoring.save_score(sheet, indicator, "60", "", setup.assessor, "web")
    scoring.save_score(sheet, indicator, "65", "", setup.assessor, "web")
    login(client, setup.assessor)
    response = client.post(save_url(sheet, indicator), {"value": "90", "version": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-state="conflict"' in body and 'data-current-value="65"' in body
    assert f'id="version-{indicator.pk}" value="2"' in body
    assert Score.objects.get(sheet=sheet, indicator=indicator).value == Decimal(65)


def test_other_assessor_cannot_see_or_save(client, setup, sheet):
    login(client, setup.other)
    assert client.get(reverse("assessments:sheet", args=[sheet.pk])).status_code == 403
    response = client.post(save_url(sheet, setup.indicators[0]), {"value": "10"})
    assert response.status_code == 403
    assert not Score.objects.exists()


def test_province_admins(client, setup, sheet, other_province_admin):
    login(client, other_province_admin)  # another province's: none of it exists for it
    assert client.get(reverse("assessments:sheet", args=[sheet.pk])).status_code == 404
    assert client.get(reverse("assessments:stage_progress", args=[setup.stage.pk])).status_code == 404
    assert client.get(reverse("assessments:participant_history", args=[setup.rogojampi.pk])).status_code == 404
    client.logout()
    login(client, setup.admin)
    page = client.get(reverse("assessments:sheet", args=[sheet.pk]))
    assert page.status_code == 200
    # The admin views the sheet but cannot type into it.
    assert client.post(save_url(sheet, setup.indicators[0]), {"value": "10"}).status_code == 403


def test_anonymous_is_sent_to_login(client, sheet):
    response = client.get(reverse("assessments:sheet", args=[sheet.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_submit_via_confirmation_then_read_only(client, setup, sheet):
    login(client, setup.assessor)
    submit = reverse("assessments:sheet_submit", args=[sheet.pk])
    for indicator in setup.indicators[1:]:
        scoring.save_score(sheet, indicator, "70", "", setup.assessor, "web")
    page = client.get(submit).content.decode()
    assert setup.indicators[0].name in page and "confirm-submit" not in page
    client.post(submit)
    sheet.refresh_from_db()
    assert sheet.status == "draft"
    scoring.save_score(sheet, setup.indicators[0], "70", "", setup.assessor, "web")
    assert 'id="confirm-submit"' in client.get(submit).content.decode()
    client.post(submit)
    sheet.refresh_from_db()
    assert sheet.status == "submitted"
    page = client.get(reverse("assessments:sheet", args=[sheet.pk])).content.decode()
    assert "data-save-url" not in page and "hx-post" not in page and "readonly" in page
    response = client.post(save_url(sheet, setup.indicators[0]), {"value": "10", "comment": ""})
    assert response.status_code == 422
    assert Score.objects.get(sheet=sheet, indicator=setup.indicators[0]).value == Decimal(70)


def test_reopen_form_for_admin_only_and_reason_required(client, setup, sheet):
    for indicator in setup.indicators:
        scoring.save_score(sheet, indicator, "70", "", setup.assessor, "web")
    scoring.submit_sheet(sheet, setup.assessor)
    reopen = reverse("assessments:sheet_reopen", args=[sheet.pk])
    login(client, setup.assessor)
    assert client.post(reopen, {"reason": "ingin mengubah"}).status_code == 403
    client.logout()
    login(client, setup.admin)
    assert 'name="reason"' in client.get(reverse("assessments:sheet", args=[sheet.pk])).content.decode()
    client.post(reopen, {"reason": ""})
    sheet.refresh_from_db()
    assert sheet.status == "submitted"
    client.post(reopen, {"reason": "Nilai indikator 1 salah ketik"})
    sheet.refresh_from_db()
    assert sheet.status == "draft"


def test_progress_matrix_counts_and_conflicts(client, setup, django_assert_max_num_queries):
    sheet = scoring.open_sheet(setup.stage, setup.rogojampi, setup.assessor)
    for indicator in setup.indicators:
        scoring.save_score(sheet, indicator, "70", "", setup.assessor, "web")
    scoring.submit_sheet(sheet, setup.assessor)
    scoring.open_sheet(setup.stage, setup.rogojampi, setup.other)
    Conflict.objects.create(edition=setup.edition, assessor=setup.other, participant=setup.participants[2], reason="x")
    login(client, setup.admin)
    url = reverse("assessments:stage_progress", args=[setup.stage.pk])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    counts = response.context["progress"].counts
    # 2 assessors × 6 participants; the assessor's Taman and the declared conflict are excluded, not missing.
    assert counts["submitted"] == 1 and counts["in_progress"] == 1 and counts["excluded"] == 2
    assert counts["not_started"] == 8 and counts["missing"] == 9
    # More participants, assessors and sheets: the same number of queries.
    for participant in setup.participants:
        for user in (setup.assessor, setup.other):
            if participant != setup.taman or user != setup.assessor:
                try:
                    scoring.open_sheet(setup.stage, participant, user)
                except Exception:  # noqa: BLE001, S110 - conflicted pairs stay unopened
                    pass
    with django_assert_max_num_queries(12):
        client.get(url)


def test_progress_ignores_assignments_outside_the_stage(setup):
    from assessments.queries.sheets import stage_progress

    StageEntry.objects.filter(stage=setup.stage, participant=setup.participants[0]).delete()
    progress = stage_progress(setup.stage)
    assert len(progress.participants) == 5
    assert Assignment.objects.filter(stage=setup.stage).count() == 12
    assert sum(progress.counts[k] for k in ("submitted", "in_progress", "not_started", "excluded")) == 10


def test_participant_history_for_admin(client, setup, sheet):
    scoring.save_score(sheet, setup.indicators[0], "60", "", setup.assessor, "web", ip="10.1.1.1")
    scoring.save_score(sheet, setup.indicators[0], "72,5", "naik", setup.assessor, "web")
    login(client, setup.admin)
    page = client.get(reverse("assessments:participant_history", args=[setup.rogojampi.pk])).content.decode()
    assert setup.indicators[0].name in page
    assert "60 → 72.5" in page
    assert setup.assessor.get_full_name() in page
    client.logout()
    login(client, setup.assessor)
    assert client.get(reverse("assessments:participant_history", args=[setup.rogojampi.pk])).status_code == 403
