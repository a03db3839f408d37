"""A hot path's queryset compiled once and run with new values (sp2k/compiled_queries.py): the same instances
as the queryset itself, the tenant filter kept, and on PostgreSQL one PREPARE per database connection."""
# ruff: noqa: F811 - the setup/sheet fixtures are imported from test_scoring and used as arguments

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from assessments.domain import scoring
from sp2k.accounts.models import Role, User
from sp2k.compiled_queries import CompiledQuery, PreparedSQL
from tests.assessments.domain.test_scoring import save, setup, sheet  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

FIELDS = ("pk", "status", "stage_id", "home_conflict", "declared_conflict", "stage_advanced", "current_value")


def plain(sheet, indicator):
    """The same sheet read through the queryset itself, not compiled."""
    return scoring.sheets_for_saving(indicator.pk).get(pk=sheet.pk)


def test_an_assessors_sheet_for_saving_is_the_querysets_own_reading(sheet, setup):
    first, other = setup.indicators[0], setup.indicators[1]
    save(sheet, first, "85,5", "dicek", expected_version=0)
    for indicator in (first, other):  # the stored score of one, none of the other: new values, same statement
        compiled = scoring.sheet_for_saving(setup.assessor, sheet.pk, indicator.pk)
        expected = plain(sheet, indicator)
        assert [getattr(compiled, f) for f in FIELDS] == [getattr(expected, f) for f in FIELDS]
        assert compiled.stage.edition.province_id == expected.stage.edition.province_id == "35"
        assert compiled.participant.district.regency.name == expected.participant.district.regency.name
        found = scoring.saving_indicator(compiled)
        assert (found.pk, found.weight, found.level_values) == (indicator.pk, indicator.weight, [])
    assert scoring.sheet_for_saving(setup.assessor, sheet.pk, first.pk).current_value == 85.5


def test_a_sheet_outside_the_assessors_editions_is_not_found(sheet, setup, make_user, jabar):
    stranger = make_user("penilai-jabar", Role.ASSESSOR, province=jabar)  # assesses no edition of Jawa Timur
    assert scoring.sheet_for_saving(stranger, sheet.pk, setup.indicators[0].pk) is None
    assert scoring.sheet_for_saving(setup.assessor, sheet.pk + 1000, setup.indicators[0].pk) is None
    # Other roles take the queryset itself: the province's admin sees the sheet, the other province's does not.
    assert scoring.sheet_for_saving(setup.admin, sheet.pk, setup.indicators[0].pk).pk == sheet.pk
    other_admin = make_user("admin-jabar", Role.PROVINCE_ADMIN, province=jabar)
    assert scoring.sheet_for_saving(other_admin, sheet.pk, setup.indicators[0].pk) is None


def test_a_queryset_whose_sql_holds_a_value_is_refused(db):
    written_in = CompiledQuery("written_in", lambda pk: User.objects.extra(where=[f"id <> {int(pk)}"]))  # noqa: S610
    with pytest.raises(ImproperlyConfigured, match="as a parameter"):
        written_in.all(1)
    rows = CompiledQuery("rows_of_values", lambda pk: User.objects.filter(pk=pk).values("pk"))
    with pytest.raises(ImproperlyConfigured, match="model instances"):
        rows.all(1)


def test_the_statement_is_prepared_once_per_postgresql_connection(sheet, setup):
    indicator = setup.indicators[0]
    with CaptureQueriesContext(connection) as first:
        scoring.sheet_for_saving(setup.assessor, sheet.pk, indicator.pk)
        scoring.sheet_for_saving(setup.assessor, sheet.pk, indicator.pk)
    kinds = [q["sql"].split(" ", 1)[0] for q in first.captured_queries]
    if connection.vendor != "postgresql":  # SQLite runs the kept SQL itself (its own statement cache)
        assert kinds == ["SELECT", "SELECT"]
        return
    assert kinds.count("EXECUTE") == 2 and kinds.count("PREPARE") <= 1  # perhaps prepared by an earlier test
    connection.sp2k_prepared = set()  # as after a reconnect (connection_created): prepared again
    connection.cursor().execute("DEALLOCATE ALL")
    with CaptureQueriesContext(connection) as again:
        assert scoring.sheet_for_saving(setup.assessor, sheet.pk, indicator.pk).pk == sheet.pk
    assert [q["sql"].split(" ", 1)[0] for q in again.captured_queries] == ["PREPARE", "EXECUTE"]


def test_a_text_value_reaches_the_sql_as_a_parameter(db, make_user):
    account = make_user("operator-text")
    by_name = CompiledQuery("account_by_username", lambda name: User.objects.filter(username=name), kinds=(str,))
    assert [u.pk for u in by_name.all("operator-text")] == [account.pk]
    assert by_name.all("operator-text' OR '1'='1") == []  # a value, never SQL
    with pytest.raises(TypeError, match="takes 1 value"):
        by_name.all("operator-text", "other")
    with pytest.raises(ValueError, match="kinds"):
        CompiledQuery("account_by_float", lambda value: User.objects.filter(pk=value), kinds=(float,))


def test_the_columns_converters_are_looked_up_once_per_connection(sheet, setup):
    indicator = setup.indicators[0]
    scoring.sheet_for_saving(setup.assessor, sheet.pk, indicator.pk)
    kept = scoring._ASSESSORS_SHEET_FOR_SAVING._compiled["default"].state["kept_converters"]
    this_connection = connections["default"]  # the connection itself (``connection`` is a proxy to it)
    first = dict(kept[this_connection])
    save(sheet, indicator, "70", "", expected_version=0)  # a stored score now: other values, same columns
    assert scoring.sheet_for_saving(setup.assessor, sheet.pk, indicator.pk).current_value == 70
    again = kept[this_connection]
    assert again.keys() == first.keys() and all(again[key] is first[key] for key in first)


def test_a_hand_written_statement_is_prepared_once_per_postgresql_connection(db):
    sql = f"SELECT COUNT(*) FROM {User._meta.db_table} WHERE id > %s"  # noqa: S608 - the model's table name
    statement = PreparedSQL("count_above", sql)
    with pytest.raises(TypeError, match="takes 1 parameter"):
        statement.execute(connection.cursor(), [])
    accounts = User.objects.count()
    with CaptureQueriesContext(connection) as captured, connection.cursor() as cursor:
        for _ in range(3):
            statement.execute(cursor, [0])
            assert cursor.fetchone() == (accounts,)
    kinds = [q["sql"].split(" ", 1)[0] for q in captured.captured_queries]
    expected = ["PREPARE"] + ["EXECUTE"] * 3 if connection.vendor == "postgresql" else ["SELECT"] * 3
    assert kinds == expected
