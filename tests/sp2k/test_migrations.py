"""The migrations match the models (nothing left for ``makemigrations``) and apply from scratch.

The test database itself is built by running every migration (on PostgreSQL and on SQLite).
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def test_models_and_migrations_agree(db):
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:  # --check exits with 1 when a migration is missing
        pytest.fail(f"missing migrations:\n{out.getvalue()}" if exit_.code else out.getvalue())


def test_every_migration_is_applied_to_the_test_database(db):
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
