"""Files stored as part of a database change: they stay only if the change is made.

A row and its file are written together: the file first (the row names it), then the row. If the
transaction does not commit, the row is gone and so must be the file, or it stays on disk with no row
pointing at it (an orphan; ``manage.py orphan_files`` finds any that still appear, e.g. after a crash).

    with removed_on_failure() as stored, transaction.atomic():
        ...
        stored.save(evidence.file, "upload", uploaded)  # or: row.save(); stored.track(row.photo)
        evidence.save()

A function using this must own its transaction: called inside an outer ``atomic()`` that later rolls
back, the files it stored stay (Django tells about commits, never about rollbacks). Views that receive
files are therefore ``non_atomic_requests``: they read and check the upload outside any transaction,
then call the domain function, whose ``atomic()`` is the outermost.

No imports from the project: every layer may use it.
"""

import logging
from contextlib import contextmanager

logger = logging.getLogger(__name__)


class StoredFiles:
    """The files one change stored, in order; ``discard()`` removes them."""

    def __init__(self):
        self.files = []  # (storage, name)

    def save(self, field_file, name, content):
        """Store ``content`` in a model's file field (the caller saves the row) and remember it."""
        field_file.save(name, content, save=False)
        self.track(field_file)
        return field_file.name

    def track(self, field_file, unless=""):
        """Remember a file the caller stored itself (e.g. by saving a model form), unless it is ``unless``
        (the name the row had before: a file that was already there is not this change's). A file not
        stored yet (the row's save failed before storing it) has only the uploader's name: left alone."""
        committed = getattr(field_file, "_committed", True)
        if field_file and field_file.name and field_file.name != unless and committed:
            self.files.append((field_file.storage, field_file.name))

    def discard(self):
        for storage, name in reversed(self.files):
            try:
                storage.delete(name)
            except OSError:  # the error that undid the change is the one to report; this one is logged
                logger.exception("Could not remove the stored file %s after a failed change", name)
        self.files.clear()


@contextmanager
def removed_on_failure():
    """Yield a ``StoredFiles``; if the block raises (its transaction rolled back), remove what it stored."""
    stored = StoredFiles()
    try:
        yield stored
    except BaseException:
        stored.discard()
        raise
