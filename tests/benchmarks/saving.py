"""Saving one score, in this process (issue 14): the queries of one save, and saves/s beside the minimal view.

Django's test client against the runner's scratch database, one logged-in assessor (a stored session, as
in the browser), a sheet of 25 numeric indicators: each save changes a value (a history row each). The
figures: the statements one save sends (session, user, transaction and the save's own), saves/s and the
minimal view's (/healthz/) requests/s in the same run, their ratio, and whether the maintained sheet total
equals the total computed from the raw scores afterwards. ``load`` measures the same under gunicorn with
50 and 200 users.
"""

import time

from tests.benchmarks import benchmark

SAVES = 400


def _data():
    from django.db import transaction

    from assessments.domain.configuration import create_edition
    from assessments.models import Assignment, Edition, EditionAssessor, Indicator, Participant, ScoreSheet, StageEntry
    from districts.domain.regions import load_regions
    from districts.models import District, Province
    from sp2k.accounts.models import Role, User
    from tests.benchmarks.load_data import _configuration, signed_in_session

    if not Province.objects.filter(code="35").exists():
        load_regions(provinces=["35"], villages=False)
    province = Province.objects.get(code="35")
    code = District.objects.filter(regency__province=province).order_by("code").values_list("code", flat=True)[0]
    with transaction.atomic():
        edition = create_edition(province, "SP2K Jawa Timur 2032 (simpan)", 2032, _configuration())
        Edition.objects.filter(pk=edition.pk).update(state=Edition.State.ASSESSMENT)
        stage = edition.stages.get()
        participant = Participant.objects.create(edition=edition, district_id=code, status=Participant.Status.ACCEPTED)
        StageEntry.objects.create(stage=stage, participant=participant)
        assessor = User.objects.create(
            username="penilai-simpan", full_name="Penilai Simpan", role=Role.ASSESSOR, province=province, password="!"
        )
        EditionAssessor.objects.create(edition=edition, user=assessor)
        Assignment.objects.create(stage=stage, assessor=assessor, participant=participant)
        sheet = ScoreSheet.objects.create(stage=stage, assessor=assessor, participant=participant)
    indicators = list(Indicator.objects.filter(aspect__stage=stage).order_by("aspect__order", "order"))
    return sheet, indicators, signed_in_session(assessor)


@benchmark("saving")
def score_save_in_process(ctx):
    """One score save: its queries, and saves/s against the minimal view (in this process)."""
    from django.test.utils import override_settings

    with override_settings(ALLOWED_HOSTS=["localhost"]):
        _measure(ctx, *_data())


def _measure(ctx, sheet, indicators, session_key):
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from assessments.domain.ranking import with_totals
    from assessments.models import ScoreSheet

    client = Client(HTTP_HX_REQUEST="true")
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    versions = {indicator.pk: 0 for indicator in indicators}

    def save(n):
        indicator = indicators[n % len(indicators)]
        url = reverse("assessments:score_save", args=[sheet.pk, indicator.pk])
        data = {"value": str(n % 101), "comment": "", "version": str(versions[indicator.pk])}
        response = client.post(url, data, HTTP_HOST="localhost", secure=True)
        assert response.status_code == 200, response.content[:300]
        versions[indicator.pk] += 1

    for n in range(len(indicators)):  # every indicator saved once: the updates below are the usual case
        save(n)
    with CaptureQueriesContext(connection) as captured:
        save(len(indicators))
    statements = [q["sql"].split()[0].upper() for q in captured.captured_queries]
    ctx.report("score save: statements sent (session, user, BEGIN … COMMIT)", len(statements))
    ctx.report("score save: of which transaction control", sum(s in ("BEGIN", "COMMIT") for s in statements))

    started = time.perf_counter()
    for n in range(SAVES):
        save(len(indicators) + 1 + n)
    saves = SAVES / (time.perf_counter() - started)
    started = time.perf_counter()
    for _ in range(SAVES):
        assert client.get(reverse("healthz"), HTTP_HOST="localhost", secure=True).status_code == 200
    bare = SAVES / (time.perf_counter() - started)
    ctx.report("score save (one client, in process): saves/s", saves)
    ctx.report("minimal view /healthz/ (same client): requests/s", bare)
    ctx.report("score save: ratio to the minimal view (in process)", f"{saves / bare:.3f}")
    stored = ScoreSheet.objects.get(pk=sheet.pk).weighted_total
    reference = with_totals(ScoreSheet.objects.filter(pk=sheet.pk)).get().total
    ctx.report(
        "score save: maintained total equals the raw-score total",
        "yes" if abs(stored - reference) < 0.0001 else f"NO ({stored} ≠ {reference})",
    )
