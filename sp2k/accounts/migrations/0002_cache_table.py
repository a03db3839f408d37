"""The database cache's table (settings.CACHES, default ``dbcache://sp2k_cache``), so that every
``migrate`` (``make run``, production, the test databases) creates it: the throttles count in it.

``createcachetable`` does nothing for a cache that is not a database table, or for one that exists.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=True)]
