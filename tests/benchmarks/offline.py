"""Offline sync (issue 11): scores typed on a field visit without a connection, then synced.

One assessor opens several score sheets in Chromium (Playwright, Debian's /usr/bin/chromium) while online,
so that the sheets' service worker keeps them; the connection goes (``context.set_offline``); every
numeric field of every sheet is typed (the server meanwhile refuses any save that still gets through, as
an unreachable server would); each sheet is reloaded offline (from the worker's copy, the typed
values put back from the browser's storage); the connection returns and the pages send what they kept,
one save at a time per sheet. Figures: values typed offline, values saved, values doubled (more than one
change recorded for one field) or lost, and how long the sync took. Lost or doubled values are an error.

The portal runs in this process (Django's live server thread, on the runner's scratch database).
"""

import os
import time
from decimal import Decimal

from tests.benchmarks import benchmark

SHEETS = 4
SYNC_TIMEOUT = 180  # s


def _data():
    """An edition in assessment (the presentation stage: numeric indicators), one assessor, SHEETS sheets."""
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
    codes = list(
        District.objects.filter(regency__province=province).order_by("code").values_list("code", flat=True)[:SHEETS]
    )
    with transaction.atomic():
        edition = create_edition(province, "SP2K Jawa Timur 2031 (luring)", 2031, _configuration())
        Edition.objects.filter(pk=edition.pk).update(state=Edition.State.ASSESSMENT)
        stage = edition.stages.get()
        participants = Participant.objects.bulk_create(
            Participant(edition=edition, district_id=code, status=Participant.Status.ACCEPTED) for code in codes
        )
        StageEntry.objects.bulk_create(StageEntry(stage=stage, participant=p) for p in participants)
        assessor = User.objects.create(
            username="penilai-luring", full_name="Penilai Luring", role=Role.ASSESSOR, province=province, password="!"
        )
        EditionAssessor.objects.create(edition=edition, user=assessor)
        Assignment.objects.bulk_create(Assignment(stage=stage, assessor=assessor, participant=p) for p in participants)
        sheets = ScoreSheet.objects.bulk_create(
            ScoreSheet(stage=stage, assessor=assessor, participant=p) for p in participants
        )
    indicators = list(Indicator.objects.filter(aspect__stage=stage).order_by("aspect__order", "order"))
    return sheets, indicators, signed_in_session(assessor)


def _typed(sheet_index, indicator_index, indicator):
    """A different valid score for each field: (the Decimal, the text typed, with the decimal comma)."""
    span = indicator.scale_max - indicator.scale_min
    value = (indicator.scale_min + span * Decimal(40 + (7 * sheet_index + 3 * indicator_index) % 55) / 100).quantize(
        Decimal("0.5")
    )
    return value, format(value.normalize(), "f").replace(".", ",")


def _close_server_connections():
    """The live server's request threads may still hold a connection: the runner drops the database next."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@benchmark("offline")
def offline_sync(ctx):
    """Scores typed offline across several sheets, reloaded offline, then synced: typed = saved, none doubled."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in this thread
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db.models import Count
    from django.test.testcases import LiveServerThread
    from django.test.utils import override_settings
    from playwright.sync_api import sync_playwright

    from assessments.models import Score, ScoreChange
    from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS
    from tests.browser.test_offline_sheet import go_offline, go_online

    sheets, indicators, session_key = _data()
    expected = {
        (sheet.pk, indicator.pk): _typed(s, i, indicator)
        for s, sheet in enumerate(sheets)
        for i, indicator in enumerate(indicators)
    }
    overrides = override_settings(
        ALLOWED_HOSTS=["localhost"],
        DEBUG=False,
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )
    overrides.enable()
    offline = {"now": False, "refused": 0}

    class LiveHandler(StaticFilesHandler):
        """While "offline", the server answers no save either. Chromium's emulated offline, and Playwright's
        routes, let through now and then the first save a page sends just after its reload from the service
        worker (one in four runs here): the values would then be saved before the sync they are to measure."""

        def __call__(self, environ, start_response):
            if offline["now"] and "/nilai/" in environ.get("PATH_INFO", ""):
                offline["refused"] += 1
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b""]
            return super().__call__(environ, start_response)

    server = LiveServerThread("localhost", LiveHandler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base = f"http://localhost:{server.port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            context = browser.new_context(base_url=base, locale="id-ID")
            context.set_default_timeout(20_000)
            context.add_cookies([{"name": "sessionid", "value": session_key, "url": base}])
            pages = []
            for sheet in sheets:
                page = context.new_page()
                page.goto(f"/kompetisi/lembar/{sheet.pk}/")
                page.wait_for_selector("#scoresheet[data-offline-ready=true]", state="attached")
                pages.append(page)

            go_offline(pages[0])  # the whole context, as the browser tests do (a reloaded page sees it late)
            offline["now"] = True
            started = time.perf_counter()
            for sheet, page in zip(sheets, pages, strict=True):
                for indicator in indicators:
                    page.fill(f"#score-{indicator.pk}", expected[(sheet.pk, indicator.pk)][1])
                    page.dispatch_event(f"#score-{indicator.pk}", "change")
            typing = time.perf_counter() - started
            for page in pages:
                page.reload()  # offline: the worker's copy, the values put back from the browser's storage
            restored = sum(
                page.input_value(f"#score-{indicator.pk}") == expected[(sheet.pk, indicator.pk)][1]
                for sheet, page in zip(sheets, pages, strict=True)
                for indicator in indicators
            )
            before = ScoreChange.objects.filter(sheet__in=sheets).count()

            offline["now"] = False
            go_online(pages[0])
            started = time.perf_counter()
            while time.perf_counter() - started < SYNC_TIMEOUT:
                if ScoreChange.objects.filter(sheet__in=sheets).count() >= len(expected):
                    break
                pages[0].wait_for_timeout(200)
            synced = time.perf_counter() - started
            pages[0].wait_for_timeout(2000)  # anything sent twice would arrive by now
            for page in pages:
                page.wait_for_function("document.getElementById('total-state').textContent === ''")
            browser.close()
    finally:
        server.terminate()
        server.join()
        overrides.disable()
        _close_server_connections()

    changes = ScoreChange.objects.filter(sheet__in=sheets)
    per_field = changes.values("sheet_id", "indicator_id").annotate(n=Count("id"))
    doubled = sum(1 for row in per_field if row["n"] > 1)
    stored = {(s.sheet_id, s.indicator_id): s.value for s in Score.objects.filter(sheet__in=sheets)}
    saved = sum(1 for key, (value, _text) in expected.items() if stored.get(key) == value)
    ctx.report("offline sync: sheets × numeric fields", f"{len(sheets)} × {len(indicators)}")
    ctx.report("offline sync: values typed offline", len(expected))
    ctx.report("offline sync: put back after an offline reload", restored)
    ctx.report("offline sync: changes recorded while offline", before)
    ctx.report("offline sync: saves the browser sent while offline (the server refused them)", offline["refused"])
    ctx.report("offline sync: values saved (equal to what was typed)", saved)
    ctx.report("offline sync: values doubled (two changes for one field)", doubled)
    ctx.report("offline sync: changes recorded in all", changes.count())
    ctx.report("offline sync: typing offline", typing, "s")
    ctx.report("offline sync: from online to all saved", synced, "s")
    if saved != len(expected) or doubled or changes.count() != len(expected) or before or restored != len(expected):
        raise AssertionError("offline sync lost, doubled or failed to restore values (see the figures above)")
