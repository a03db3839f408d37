"""Maintained totals: every sheet's weighted total and per-aspect subtotals, kept by database triggers
(assessments.domain.totals) on every write of a Score, filled here for the sheets that exist."""

import django.db.models.deletion
from django.db import migrations, models

from assessments.domain import totals


def install(apps, schema_editor):
    totals.install_triggers(schema_editor.connection)
    totals.refresh_totals()


def remove(apps, schema_editor):
    totals.remove_triggers(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0016_province_letterhead'),
    ]

    operations = [
        migrations.AddField(
            model_name='scoresheet',
            name='weighted_total',
            field=models.DecimalField(decimal_places=12, default=0, editable=False, max_digits=24),
        ),
        migrations.CreateModel(
            name='SheetAspectTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('total', models.DecimalField(decimal_places=12, default=0, max_digits=24)),
                ('scored', models.IntegerField(default=0, help_text="How many of the aspect's indicators have a value.")),
                ('aspect', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='assessments.aspect')),
                ('sheet', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='aspect_totals', to='assessments.scoresheet')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('sheet', 'aspect'), name='sheet_aspect_total_unique')],
            },
        ),
        migrations.RunPython(install, remove),
    ]
