"""The totals' trigger (assessments.domain.totals) replaces a re-scored value's share in one write of the sheet's
total and of its subtotal, instead of taking the old share away and adding the new one in two: installed anew."""

from django.db import migrations

from assessments.domain import totals


def install(apps, schema_editor):
    totals.install_triggers(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0020_stage_stats"),
    ]

    # Going back keeps this function: it computes the same totals as the one it replaced.
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
