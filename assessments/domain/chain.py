"""The score history's hash chain: every ScoreChange row carries a SHA-256 chained to the previous row of its sheet.

A row's hash covers what the row says (sheet, indicator, new value, new comment, the score's version after
the change, who, when, from where) and the previous row's hash of the same sheet (by id; empty for the
sheet's first row). Changing, removing or inserting a row in the middle breaks every later hash of the
sheet; a row added at the end changes the sheet's head hash, which the publication keeps
(``replay.freeze_history``). The replay recomputes every hash in Python (``change_hash``).

The hash is computed by the database itself on every insert, whoever inserts (the score sheet's one-statement
save, the Excel upload, the demo's bulk load, an import's COPY): on PostgreSQL a BEFORE INSERT trigger
(built-in ``sha256()``) that locks the sheet's row and takes the row's id under that lock (so concurrent
writers of a sheet chain one after the other, in id order), on SQLite (one writer at a time) an AFTER INSERT
trigger calling ``change_hash`` registered on each connection (``register_sqlite_functions``, connected in
``AssessmentsConfig.ready``). The trigger also fills a missing ``version`` (the indicator's previous row's
version + 1).

The text hashed (UTF-8), fields joined by "|":
``sp2k-scorechange-v1|sheet|indicator|value|sha256(comment)|version|by|at|source|previous hash`` where value
is written with two decimals ("85.50", empty when cleared), ``at`` in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffff``
and the comment by its own SHA-256 (hex), so no text of a comment can imitate the separators.
"""

from django.db.models import Count, Max

from assessments.domain.rowhash import PREFIX, SQLITE_FUNCTION, change_hash, register_sqlite_functions, root_hash
from assessments.models import PublishedHistory, PublishedSheetHead, ScoreChange, ScoreSheet

CHANGES = ScoreChange._meta.db_table
SHEETS = ScoreSheet._meta.db_table


# --- the triggers ---------------------------------------------------------------------------------

_POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION assessments_scorechange_chain() RETURNS trigger AS $$
DECLARE
    previous text;
BEGIN
    -- One writer at a time per sheet, so that two inserts never chain to the same previous row; the row's id
    -- is taken under that lock, so the sheet's rows in id order are the chain's order whoever writes.
    PERFORM 1 FROM {sheets} WHERE id = NEW.sheet_id FOR NO KEY UPDATE;
    NEW.id := nextval('{sequence}');
    IF NEW.version IS NULL THEN
        SELECT COALESCE((SELECT c.version FROM {changes} c
                         WHERE c.sheet_id = NEW.sheet_id AND c.indicator_id = NEW.indicator_id
                         ORDER BY c.id DESC LIMIT 1), 0) + 1 INTO NEW.version;
    END IF;
    SELECT c.row_hash INTO previous FROM {changes} c WHERE c.sheet_id = NEW.sheet_id ORDER BY c.id DESC LIMIT 1;
    NEW.row_hash := encode(sha256(convert_to(concat_ws('|',
        '{prefix}',
        NEW.sheet_id::text,
        NEW.indicator_id::text,
        COALESCE(CAST(NEW.new_value AS numeric(6, 2))::text, ''),
        encode(sha256(convert_to(COALESCE(NEW.new_comment, ''), 'UTF8')), 'hex'),
        COALESCE(NEW.version::text, ''),
        NEW.by_id::text,
        to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        COALESCE(NEW.source, ''),
        COALESCE(previous, '')
    ), 'UTF8')), 'hex');
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
-- The lookups' plans are made once per session, maybe while the table is still empty (a first import):
-- a sequential scan then would make a long import quadratic. The index (sheet, id) is always right here.
SET enable_seqscan = off"""  # noqa: S608 - table names from the models and fixed text


def _sqlite_previous(column, same_indicator=False):
    indicator = " AND c.indicator_id = NEW.indicator_id" if same_indicator else ""
    return f"""(SELECT c.{column} FROM {CHANGES} c WHERE c.sheet_id = NEW.sheet_id{indicator} AND c.id < NEW.id
               ORDER BY c.id DESC LIMIT 1)"""  # noqa: S608 - fixed text


_SQLITE_TRIGGER = f"""
CREATE TRIGGER assessments_scorechange_chain AFTER INSERT ON {CHANGES}
BEGIN
    UPDATE {CHANGES} SET version = COALESCE(NEW.version, COALESCE({_sqlite_previous("version", True)}, 0) + 1)
        WHERE id = NEW.id;
    UPDATE {CHANGES} SET row_hash = {SQLITE_FUNCTION}(sheet_id, indicator_id, new_value, new_comment, version, by_id,
                                                       at, source, {_sqlite_previous("row_hash")})
        WHERE id = NEW.id;
END"""  # noqa: S608 - fixed text


def install_triggers(connection):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [CHANGES])
            sequence = cursor.fetchone()[0]
        function = (
            _POSTGRESQL_FUNCTION.replace("{sheets}", SHEETS).replace("{changes}", CHANGES).replace("{prefix}", PREFIX)
        )
        statements = [
            function.replace("{sequence}", sequence),
            f"DROP TRIGGER IF EXISTS assessments_scorechange_chain ON {CHANGES}",
            f"""CREATE TRIGGER assessments_scorechange_chain BEFORE INSERT ON {CHANGES}
                FOR EACH ROW EXECUTE FUNCTION assessments_scorechange_chain()""",
        ]
    else:
        connection.ensure_connection()
        register_sqlite_functions(connection=connection)
        statements = ["DROP TRIGGER IF EXISTS assessments_scorechange_chain", _SQLITE_TRIGGER]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def remove_triggers(connection):
    if connection.vendor == "postgresql":
        statements = [
            f"DROP TRIGGER IF EXISTS assessments_scorechange_chain ON {CHANGES}",
            "DROP FUNCTION IF EXISTS assessments_scorechange_chain()",
        ]
    else:
        statements = ["DROP TRIGGER IF EXISTS assessments_scorechange_chain"]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def fill_hashes(connection):
    """Give every existing row its version and hash, sheet by sheet in id order (migration 0018); on
    PostgreSQL the append-only guard is lifted for the statement's transaction only."""
    rows = ScoreChange.objects.using(connection.alias).order_by("sheet_id", "pk")
    fields = ("pk", "sheet_id", "indicator_id", "new_value", "new_comment", "version", "by_id", "at", "source")
    updates, previous, versions = [], {}, {}
    for pk, sheet_id, indicator_id, value, comment, version, by_id, at, source in rows.values_list(*fields).iterator(
        chunk_size=5000
    ):
        key = (sheet_id, indicator_id)
        version = version or versions.get(key, 0) + 1
        versions[key] = version
        row_hash = change_hash(
            sheet_id, indicator_id, value, comment, version, by_id, at, source, previous.get(sheet_id)
        )
        previous[sheet_id] = row_hash
        updates.append((version, row_hash, pk))
    if not updates:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {CHANGES} DISABLE TRIGGER assessments_scorechange_append_only")
        for start in range(0, len(updates), 5000):
            cursor.executemany(
                f"UPDATE {CHANGES} SET version = %s, row_hash = %s WHERE id = %s",  # noqa: S608 - fixed text
                updates[start : start + 5000],
            )
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {CHANGES} ENABLE TRIGGER assessments_scorechange_append_only")


# --- publication ----------------------------------------------------------------------------------


def current_heads(edition):
    """{sheet id: (head hash, rows)} of the edition's history as it stands (two queries)."""
    rows = ScoreChange.objects.filter(sheet__stage__edition=edition)
    last = {
        r["sheet_id"]: (r["last"], r["rows"])
        for r in rows.values("sheet_id").annotate(last=Max("pk"), rows=Count("pk")).order_by()
    }
    hashes = dict(ScoreChange.objects.filter(pk__in=[pk for pk, _n in last.values()]).values_list("pk", "row_hash"))
    return {sheet_id: (hashes[pk], count) for sheet_id, (pk, count) in last.items()}


def freeze_heads(edition):
    """Keep every sheet's head hash and the root hash over them: called with the publishing move, inside it."""
    PublishedHistory.objects.filter(edition=edition).delete()
    heads = current_heads(edition)
    history = PublishedHistory.objects.create(
        edition=edition,
        root_hash=root_hash({sheet_id: head for sheet_id, (head, _n) in heads.items()}),
        rows=sum(count for _head, count in heads.values()),
        sheets=len(heads),
    )
    PublishedSheetHead.objects.bulk_create(
        (
            PublishedSheetHead(history=history, sheet_id=sheet_id, head_hash=head, rows=count)
            for sheet_id, (head, count) in heads.items()
        ),
        batch_size=5000,
    )
    return history


def drop_heads(edition):
    """A withdrawn publication takes its heads with it (kept anew when published again)."""
    PublishedHistory.objects.filter(edition=edition).delete()
