"""Fixtures shared by the whole suite: regions, and one account per role.

The regions of Jawa Barat (32), Jawa Tengah (33) and Jawa Timur (35), without villages, are loaded
once into each test database (one per xdist worker) right after it is created: every test's
transaction rolls back onto them. A transactional test flushes the database when it ends, so the
regions are loaded again after it (see ``pytest_runtest_teardown``).
"""

from contextlib import contextmanager
from functools import partial

import pytest
from django.db import connection as default_connection
from django.test.utils import CaptureQueriesContext

from districts.domain.regions import load_regions
from districts.models import District, Province, Regency
from sp2k.accounts.models import Role, User
from tests.factories import PASSWORD, ConfiguredEditionFactory, ParticipantFactory, UserFactory

TEST_PROVINCES = {"32", "33", "35"}


def load_test_regions():
    load_regions(provinces=TEST_PROVINCES, villages=False)


# What depends on the database engine, so runs on SQLite too (marked ``engine``; `make test-sqlite`).
# The whole suite runs on PostgreSQL. A node id prefix (a module or one test) and why it is here.
ENGINE_DEPENDENT = {
    "tests/assessments/domain/test_ranking.py": "ranking in SQL: database functions, a vendor branch, raw SQL",
    "tests/assessments/domain/test_totals.py": "sheet totals computed by the database",
    "tests/assessments/domain/test_maintained_totals.py": "totals kept by database triggers, read by the ranking SQL",
    "tests/assessments/domain/test_stage_stats.py": "stage figures kept by database triggers, read by the ranking SQL",
    "tests/assessments/domain/test_replay.py": "history hashes computed by a database trigger; the replay's SQL",
    "tests/assessments/views/panel/test_lean_save.py": "the save's statements: a vendor branch, transaction control",
    "tests/sp2k/test_compiled_queries.py": "a compiled statement: PREPARE on PostgreSQL, the kept SQL on SQLite",
    "tests/assessments/domain/test_scoring.py": "row locks and version checks of score saving",
    "tests/assessments/views/panel/test_concurrent_saves.py": "concurrent saves: SQLite WAL, busy timeout, IMMEDIATE",
    "tests/assessments/domain/test_advancing.py": "top N taken from the SQL ranking, under a lock",
    "tests/assessments/domain/test_awards.py": "awards from the SQL ranking; results frozen at publication",
    "tests/assessments/views/public/test_results.py": "the frozen published results and their queries",
    "tests/assessments/domain/test_nominations.py::test_database_refuses_a_rejection_without_reason": "a CHECK",
    "tests/districts/domain/test_profiles.py::test_the_database_refuses_a_malformed_nip": "a CHECK constraint",
    "tests/districts/domain/test_innovations.py::test_a_figure_needs_a_value_or_a_text": "a CHECK constraint",
    "tests/districts/domain/test_innovations.py::test_video_link_without_scheme": "a CHECK constraint",
    "tests/districts/domain/test_regions.py": "upserts (ON CONFLICT) of the loader; search with Upper()",
    "tests/sp2k/test_migrations.py": "the migrations apply and match the models",
    # The smoke set: the portal's pages, its settings and the demo that `make run` loads into SQLite.
    "tests/sp2k/test_smoke.py": "smoke",
    "tests/sp2k/test_settings.py": "smoke",
    "tests/sp2k/demo/test_load_demo.py": "smoke: the demo data of `make run`",
    "tests/assessments/domain/test_configuration.py": "smoke: criteria import and export",
}


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres_only: needs PostgreSQL (not run on SQLite)")
    config.addinivalue_line("markers", "sqlite_only: checks SQLite's own settings (not run on PostgreSQL)")


def pytest_collection_modifyitems(config, items):
    """Mark the engine-dependent tests; deselect (not skip) the tests of the other engine: postgres_only
    tests run in the PostgreSQL pass, sqlite_only ones in the SQLite pass."""
    from django.db import connection

    for item in items:
        if any(item.nodeid.startswith(prefix) for prefix in ENGINE_DEPENDENT):
            item.add_marker(pytest.mark.engine)
    other = "sqlite_only" if connection.vendor == "postgresql" else "postgres_only"
    deselected = [item for item in items if item.get_closest_marker(other)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker(other)]


@pytest.fixture(autouse=True)
def english_interface(request, settings):
    """Tests read the interface in English (the msgids), so wording checks don't depend on translations.

    Indonesian is the portal's default; tests of the Indonesian interface ask for ``indonesian``.
    """
    from django.utils import translation

    language = "id" if "indonesian" in request.fixturenames else "en"
    settings.LANGUAGE_CODE = language
    with translation.override(language):
        yield


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path_factory):
    """Uploaded and generated files never land in the project folder."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def indonesian():
    """Use the default Indonesian interface in this test (see ``english_interface``)."""


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database (pytest-django's), with the test regions loaded once."""
    with django_db_blocker.unblock():
        load_test_regions()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test has flushed the database (its fixtures are torn down), load the regions again."""
    yield
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    # No reload after the last test: the test databases are gone by then.
    if nextitem is not None and (
        transactional or {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    ):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            if not Province.objects.filter(code="35").exists():
                load_test_regions()


@pytest.fixture
def regions(db):
    """Jawa Barat (32), Jawa Tengah (33) and Jawa Timur (35) from the real data, without villages.

    Loaded once per test database (see ``django_db_setup``); this fixture only asks for the database.
    """


@pytest.fixture
def no_regions(db):
    """An empty region table, for tests of the loader itself (rolled back with the test's transaction)."""
    from districts.models import Village

    Village.objects.all().delete()
    District.objects.all().delete()
    Regency.objects.all().delete()
    Province.objects.all().delete()


@pytest.fixture
def jatim(regions):
    return Province.objects.get(code="35")


@pytest.fixture
def jabar(regions):
    return Province.objects.get(code="32")


@pytest.fixture
def banyuwangi(regions):
    return Regency.objects.get(code="35.10")


@pytest.fixture
def sidoarjo(regions):
    return Regency.objects.get(code="35.15")


@pytest.fixture
def rogojampi(regions):
    return District.objects.get(code="35.10.13")


@pytest.fixture
def taman(regions):
    """Taman, Kabupaten Sidoarjo."""
    return District.objects.get(code="35.15.13")


@pytest.fixture
def make_user(db):
    def make(username, role="", password=PASSWORD, **scope):
        return UserFactory(username=username, role=role, password=password, **scope)

    return make


@pytest.fixture
def province_admin(make_user, jatim):
    return make_user("panitia-jatim", Role.PROVINCE_ADMIN, province=jatim)


@pytest.fixture
def other_province_admin(make_user, jabar):
    return make_user("panitia-jabar", Role.PROVINCE_ADMIN, province=jabar)


@pytest.fixture
def regency_admin(make_user, banyuwangi):
    return make_user("pemkab-banyuwangi", Role.REGENCY_ADMIN, regency=banyuwangi)


@pytest.fixture
def other_regency_admin(make_user, sidoarjo):
    return make_user("pemkab-sidoarjo", Role.REGENCY_ADMIN, regency=sidoarjo)


@pytest.fixture
def camat(make_user, rogojampi):
    return make_user("camat-rogojampi", Role.CAMAT, district=rogojampi)


@pytest.fixture
def operator(make_user, rogojampi):
    return make_user("operator-rogojampi", Role.DISTRICT_OPERATOR, district=rogojampi)


@pytest.fixture
def other_camat(make_user, taman):
    return make_user("camat-taman", Role.CAMAT, district=taman)


@pytest.fixture
def assessor(make_user, jatim, sidoarjo):
    return make_user("penilai-unair", Role.ASSESSOR, province=jatim, regency=sidoarjo)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", PASSWORD, full_name="Root")


@pytest.fixture
def edition(jatim):
    """SP2K Jawa Timur 2022 (draft) with the example criteria: desk, presentation, field visit."""
    return ConfiguredEditionFactory(province=jatim, name="SP2K Jawa Timur 2022", year=2022)


@pytest.fixture
def participants(edition):
    """The five 2022 winners, accepted, plus Kota Madiun's Taman: six participants."""
    from tests.factories import WINNER_CODES

    return [ParticipantFactory(edition=edition, district_id=code) for code in [*WINNER_CODES, "35.77.03"]]


class _SentEveryTime(CaptureQueriesContext):
    """The queries a block sent, less the PREPAREs. A connection prepares each hot statement once, at its first use
    (``sp2k.compiled_queries``): whether that falls in a measured block depends on what the test's connection did
    before, i.e. on the order the tests ran in. A page's query count is what it sends every time."""

    @property
    def captured_queries(self):
        return [query for query in super().captured_queries if not query["sql"].startswith("PREPARE ")]


@contextmanager
def _counted_queries(num, exact, connection=None, info=None):
    with _SentEveryTime(connection or default_connection) as sent:
        yield sent
    if (len(sent) != num) if exact else (len(sent) > num):
        queries = "\n\n".join(query["sql"] for query in sent.captured_queries)
        pytest.fail(
            f"Expected {'' if exact else 'at most '}{num} queries, {len(sent)} were sent"
            f"{f' ({info})' if info else ''}:\n\n{queries}"
        )


# pytest-django's query-count fixtures, counting the queries sent every time (``_SentEveryTime``).
@pytest.fixture
def django_assert_num_queries():
    return partial(_counted_queries, exact=True)


@pytest.fixture
def django_assert_max_num_queries():
    return partial(_counted_queries, exact=False)
