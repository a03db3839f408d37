"""Many assessors saving at once through the real autosave view (issue 11, item 1).

On SQLite, a transaction that read and then wanted to write failed at once with "database is locked"
when another save held the write lock (500, then the page blamed the network); with IMMEDIATE
transactions, WAL and a busy timeout, every save waits its turn. The same test runs on PostgreSQL.
"""
# ruff: noqa: F811 - the setup fixture is imported from test_scoring and used as an argument

import re
import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from assessments.domain import scoring
from assessments.models import Score, ScoreChange
from tests.assessments.domain.test_scoring import setup  # noqa: F401 - fixture

THREADS = 8
SAVES = 50
VERSION = re.compile(r'id="version-(\d+)" value="(\d+)"')

pytestmark = pytest.mark.django_db(transaction=True)


def _sheets(setup):
    """Eight sheets, one per thread: both assessors, four kecamatan outside the assessor's home regency."""
    participants = [p for p in setup.participants if not p.district_id.startswith("35.15.")][:4]
    return [scoring.open_sheet(setup.stage, p, a) for a in (setup.assessor, setup.other) for p in participants]


def _assessor_saves(sheet, indicators, outcome):
    """One assessor typing: SAVES autosaves on the sheet, each with the version the last answer gave."""
    client = Client()
    client.force_login(sheet.assessor)
    versions = {}
    try:
        for n in range(SAVES):
            indicator = indicators[n % len(indicators)]
            value = f"{50 + n % 40},{n % 10}"  # as typed, with a decimal comma; never the same twice running
            response = client.post(
                reverse("assessments:score_save", args=[sheet.pk, indicator.pk]),
                {"value": value, "comment": "", "version": versions.get(indicator.pk, 0)},
                HTTP_HX_REQUEST="true",
            )
            outcome["statuses"][response.status_code] += 1
            if response.status_code == 200:
                outcome["answered"][sheet.pk] += 1
                match = VERSION.search(response.content.decode())
                versions[indicator.pk] = int(match.group(2))
            elif outcome["sample"] is None:
                outcome["sample"] = response.content.decode()[:500]
    except Exception as error:  # noqa: BLE001 - counted and shown by the test
        outcome["crashes"].append(repr(error))
    finally:
        connection.close()


def test_eight_assessors_saving_at_once_all_wait_their_turn(setup):
    sheets = _sheets(setup)
    assert len(sheets) == THREADS
    indicators = setup.indicators[:5]
    outcome = {"statuses": Counter(), "answered": Counter(), "sample": None, "crashes": []}
    threads = [threading.Thread(target=_assessor_saves, args=(sheet, indicators, outcome)) for sheet in sheets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert not outcome["crashes"], outcome["crashes"][:3]
    assert outcome["statuses"] == Counter({200: THREADS * SAVES}), outcome["sample"]
    # Every answered save is in the history, once; every score is its last save.
    for sheet in sheets:
        changes = ScoreChange.objects.filter(sheet=sheet)
        assert changes.count() == outcome["answered"][sheet.pk] == SAVES
        for score in Score.objects.filter(sheet=sheet):
            assert score.version == SAVES // len(indicators)
            last = changes.filter(indicator=score.indicator).order_by("-pk").first()
            assert last.new_value == score.value


@pytest.mark.sqlite_only
def test_sqlite_runs_with_wal_a_busy_timeout_and_immediate_transactions():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
    assert connection.transaction_mode == "IMMEDIATE"
