"""Page benchmarks: the assignment matrix of a stage at 30 and 666 participants × 7 assessors.

Rendered in-process through Django's test client (a province admin logged in), so the figures are the
server's time and the HTML's size for one page, without a network. The matrix lists its participants
a page at a time (``?page=``); the first and the last page are timed, and, in the same run, the
whole matrix in one page as it was before paging.
"""

import functools
import statistics
import time
from unittest import mock

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from tests.benchmarks import benchmark

ASSESSORS = 7


def _edition(name, codes):
    """An edition of Jawa Timur with the given kecamatan as accepted participants, 7 assessors (3 with a
    home regency), everyone assigned to everyone at stage 1."""
    from assessments.domain import assignments
    from assessments.domain.configuration import create_edition
    from assessments.models import EditionAssessor, Participant
    from districts.models import Province
    from sp2k.accounts.models import Role, User
    from sp2k.demo.competition import example_configuration

    province = Province.objects.get(code="35")
    with transaction.atomic():
        edition = create_edition(province, name, 2022, example_configuration())
        Participant.objects.bulk_create(
            Participant(edition=edition, district_id=code, status=Participant.Status.ACCEPTED) for code in codes
        )
        homes = list(province.regencies.order_by("code").values_list("code", flat=True)[:3])
        people = User.objects.bulk_create(
            User(
                username=f"{name[:20]}-penilai-{i}",
                full_name=f"Penilai {i}",
                role=Role.ASSESSOR,
                province=province,
                regency_id=homes[i] if i < len(homes) else None,
                password="!",
            )
            for i in range(ASSESSORS)
        )
        EditionAssessor.objects.bulk_create(EditionAssessor(edition=edition, user=u) for u in people)
        stage = edition.stages.order_by("order").first()
        assignments.assign_all(stage)
    return edition, stage


def _admin():
    from districts.models import Province
    from sp2k.accounts.models import Role, User

    user, _ = User.objects.get_or_create(
        username="bench-pages-admin",
        defaults={"role": Role.PROVINCE_ADMIN, "province": Province.objects.get(code="35"), "password": "!"},
    )
    return user


def _measure(client, url, runs=5):
    """(first, best, median) seconds, the size in bytes, the queries and their database seconds of one GET."""
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        response = client.get(url, secure=True)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url, secure=True)
    database = sum(float(query["time"]) for query in queries.captured_queries)
    return times[0], min(times[1:]), statistics.median(times[1:]), len(response.content), len(queries), database


def _report(ctx, label, url, client):
    first, best, median, length, queries, database = _measure(client, url)
    ctx.report(f"{label}: first / best / median of 5", f"{first:.3f} / {best:.3f} / {median:.3f}", "s")
    ctx.report(f"{label}: HTML size", f"{length / 1000:.0f}", "kB")
    ctx.report(f"{label}: queries (their database time)", f"{queries} ({database:.3f} s)")


@benchmark("pages")
def assignment_matrix(ctx):
    """The assignment matrix page at 30 and 666 participants × 7 assessors: time and size of a page."""
    from assessments.domain import assignments
    from districts.domain.regions import load_regions
    from districts.models import District

    if not District.objects.filter(regency__province_id="35").exists():
        load_regions(villages=False)
    codes = list(District.objects.filter(regency__province_id="35").order_by("code").values_list("code", flat=True))
    plain = "django.contrib.staticfiles.storage.StaticFilesStorage"
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": plain}}
    with override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=storages):
        client = Client()
        client.force_login(_admin())
        for size in (30, 666):
            edition, stage = _edition(f"Bench matriks {size}", codes[:size])
            url = reverse("assessments:assignment_matrix", args=[edition.pk, stage.pk])
            _report(ctx, f"matrix {size} × {ASSESSORS}, page 1", url, client)
            pages = -(-size // assignments.MATRIX_PAGE_SIZE)
            if pages > 1:
                _report(ctx, f"matrix {size} × {ASSESSORS}, last page ({pages})", f"{url}?page={pages}", client)
            # For comparison, in the same run: every participant in one page, as the matrix was before paging.
            everything = functools.partial(assignments.assignment_matrix, per_page=100_000)
            with mock.patch.object(assignments, "assignment_matrix", everything):
                _report(ctx, f"matrix {size} × {ASSESSORS}, all rows, one page (before)", url, client)
