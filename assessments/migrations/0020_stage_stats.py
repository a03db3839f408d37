"""Maintained stage statistics: per participant and stage, the figures its ranking is made of, kept by database
triggers (assessments.domain.totals) on every change they depend on; migration 0022 installs them and fills the
table for what exists."""

import django.db.models.deletion
from django.db import migrations, models

from assessments.domain import totals


def remove(apps, schema_editor):
    totals.remove_stats_triggers(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0019_background_run_labels'),
    ]

    operations = [
        migrations.CreateModel(
            name='StageStats',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('n_sheets', models.IntegerField()),
                ('mean', models.FloatField()),
                ('median', models.FloatField()),
                ('trimmed', models.FloatField(help_text='Mean without one highest and one lowest total (3 sheets or more).')),
                ('variance', models.FloatField(help_text="Population variance of the sheets' totals.")),
                ('low', models.FloatField()),
                ('high', models.FloatField()),
                ('outliers', models.IntegerField()),
                ('aspect_score', models.FloatField(help_text="Mean score on the edition's tie-break aspect.", null=True)),
                ('participant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='assessments.participant')),
                ('stage', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='assessments.stage')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('stage', 'participant'), name='stage_stats_unique')],
            },
        ),
        # The triggers were installed and the table filled here until 0022: they are written by today's code, which
        # fills a column added there, so 0022 installs them (and replaces those a database got here before).
        migrations.RunPython(migrations.RunPython.noop, remove),
    ]
