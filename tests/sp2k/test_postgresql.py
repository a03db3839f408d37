"""The portal's PostgreSQL backend (sp2k/postgresql): a kept connection is checked at the start of a request
without a round trip, and one the server ended is still found unusable and replaced."""

import time

import pytest
from django.db import connection
from psycopg2 import DatabaseError

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


@pytest.fixture
def kept():
    """A second connection to the test database, as a server process keeps one between requests."""
    other = connection.copy()
    other.ensure_connection()
    yield other
    other.close()


def _backend_pid(wrapper):
    with wrapper.connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _last_statement(pid):
    """The last statement server process ``pid`` received, as the server tells another connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # a fresh look, not the transaction's first one
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def _ended_by_the_server(wrapper):
    """End ``wrapper``'s server process from the test's own connection, as a restart or an administrator does,
    and wait (at most 5 s) until its last words have reached the client's socket."""
    pid = _backend_pid(wrapper)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    deadline = time.monotonic() + 5
    while wrapper.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_the_portal_runs_on_its_own_postgresql_backend():
    assert connection.settings_dict["ENGINE"] == "sp2k.postgresql"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_a_kept_connection_is_checked_without_a_round_trip(kept):
    pid = _backend_pid(kept)
    with kept.connection.cursor() as cursor:
        cursor.execute("SELECT 'the last request'")
    assert _last_statement(pid) == "SELECT 'the last request'"
    kept.health_check_done = False
    kept.close_if_health_check_failed()  # what Django does when a request begins on a kept connection
    assert kept.connection is not None and kept.is_usable()
    assert _last_statement(pid) == "SELECT 'the last request'"  # the server was not asked (no SELECT 1)


def test_a_connection_the_server_ended_is_replaced_at_the_next_request(kept):
    _ended_by_the_server(kept)
    assert not kept.is_usable()
    # What Django does when a request begins on a kept connection: check it, and connect anew if it is not usable.
    kept.health_check_done = False
    kept.close_if_health_check_failed()
    with kept.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_connection_left_in_a_failed_transaction_is_not_usable(kept):
    kept.connection.autocommit = False
    with pytest.raises(DatabaseError), kept.connection.cursor() as cursor:
        cursor.execute("SELECT 1 / 0")
    assert not kept.is_usable()  # as Django's SELECT 1 would fail there
    kept.connection.rollback()
    assert kept.is_usable()
