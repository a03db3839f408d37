"""StageStats keeps each participant's stage score and tie-break score rounded to the 4 places they are compared at,
so that a ranking no longer converts and rounds 7,285 × 2 figures (a quarter of a national ranking's database time).

The stats triggers are written by today's code (assessments.domain.totals), which fills the column added here: they
are removed before the table changes (SQLite rebuilds it), then installed and the rows recomputed. The trigger on
the edition now also follows its aggregation, under a new name; the old one is dropped. Going back removes the
triggers, whose code would write the column going back drops: migrating forward again installs them."""

from django.db import migrations, models

from assessments.domain import totals

# The edition trigger's name up to migration 0021 (now ``assessments_stats_ranking_rules``).
OLD_EDITION_TRIGGER = "assessments_stats_tie_break"


def remove(apps, schema_editor):
    totals.remove_stats_triggers(schema_editor.connection)
    totals.drop_stats_trigger(schema_editor.connection, OLD_EDITION_TRIGGER, totals.EDITIONS)


def install(apps, schema_editor):
    totals.install_stats_triggers(schema_editor.connection)
    totals.refresh_stats()


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0021_rescore_in_one_write"),
    ]

    operations = [
        migrations.RunPython(remove, migrations.RunPython.noop),
        migrations.AddField(
            model_name="stagestats",
            name="score",
            field=models.DecimalField(
                decimal_places=4,
                help_text="The stage score by the edition's aggregation, at 4 places; empty where it uses z-scores,"
                " which need every assessor's totals in the stage and are computed by the ranking.",
                max_digits=9,
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="stagestats",
            name="aspect_score",
            field=models.DecimalField(
                decimal_places=4,
                help_text="Mean score on the edition's tie-break aspect, at the 4 places ties are compared at.",
                max_digits=9,
                null=True,
            ),
        ),
        migrations.RunPython(install, remove),
    ]
