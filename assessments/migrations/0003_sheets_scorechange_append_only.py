"""PostgreSQL safety net: the score history (ScoreChange) refuses UPDATE and DELETE in the database itself.

Not installed on other databases (SQLite in development); the application never updates or deletes
history rows anyway. TRUNCATE is left alone so that test databases can still be flushed.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION assessments_scorechange_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'assessments_scorechange is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS assessments_scorechange_append_only ON assessments_scorechange;
CREATE TRIGGER assessments_scorechange_append_only
    BEFORE UPDATE OR DELETE ON assessments_scorechange
    FOR EACH ROW EXECUTE FUNCTION assessments_scorechange_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS assessments_scorechange_append_only ON assessments_scorechange;
DROP FUNCTION IF EXISTS assessments_scorechange_append_only();
"""


def _run_on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # Straight to the cursor without parameters: the "%" of RAISE must not be read as a placeholder.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_participants_reminderlog"),
    ]

    operations = [
        migrations.RunPython(_run_on_postgresql(CREATE), _run_on_postgresql(DROP)),
    ]
