"""``manage.py orphan_files [--delete] [--min-age MINUTES]``: stored files that no row references.

Every stored file (evidence, printed documents, office and innovation photos) is named by a row; a file
without one is an orphan, left by a crash between storing a file and committing its row (uploads remove
their files when their transaction fails: see ``sp2k.stored_files``). The command lists them; with
``--delete`` it removes them. Files younger than ``--min-age`` minutes are left alone: an upload in
progress stores its file a moment before its row is committed.

Through the storage API (``listdir``), so it works on any storage backend that can list.
"""

from datetime import timedelta

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import models
from django.utils import timezone

# The folders the portal stores files in (the upload_to of every file field: evidence, documents,
# districts.models.kecamatan's profile and innovation photos).
FOLDERS = ("evidence", "documents", "profiles", "innovations")


def referenced_names():
    """Every file name some row names, over every file field of every model."""
    names = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names.update(
                    model._default_manager.exclude(**{field.name: ""})
                    .exclude(**{f"{field.name}__isnull": True})
                    .values_list(field.name, flat=True)
                )
    return names


def stored_names(storage, folder):
    """Every file under ``folder``, walking the storage's listing."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from stored_names(storage, f"{folder}/{directory}")


def orphans(storage=None, min_age=timedelta(hours=1)):
    """The stored files no row references and older than ``min_age``, as ``(name, size)``."""
    storage = storage or default_storage
    referenced = referenced_names()
    cutoff = timezone.now() - min_age
    found = []
    for folder in FOLDERS:
        for name in stored_names(storage, folder):
            if name in referenced:
                continue
            if min_age and storage.get_modified_time(name) > cutoff:
                continue
            found.append((name, storage.size(name)))
    return found


class Command(BaseCommand):
    help = "List (and with --delete remove) stored files that no row references."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Remove the files listed.")
        parser.add_argument(
            "--min-age",
            type=int,
            default=60,
            metavar="MINUTES",
            help="Leave files younger than this alone (an upload in progress); default 60.",
        )

    def handle(self, *args, delete=False, min_age=60, **options):
        found = orphans(default_storage, timedelta(minutes=min_age))
        for name, size in found:
            self.stdout.write(f"{name}\t{size}")
            if delete:
                default_storage.delete(name)
        total = sum(size for _name, size in found)
        verb = "removed" if delete else "found (run with --delete to remove them)"
        self.stdout.write(self.style.SUCCESS(f"{len(found)} orphan file(s), {total} bytes, {verb}."))
