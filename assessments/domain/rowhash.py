"""The score history's row hash, with no model import: the SQLite connection registers it as a function as soon
as a connection opens (``AssessmentsConfig.ready``), before any model is loaded. See ``domain.chain``."""

import hashlib
from datetime import UTC, datetime
from decimal import Decimal

PREFIX = "sp2k-scorechange-v1"
TWO_PLACES = Decimal("0.01")
SQLITE_FUNCTION = "sp2k_change_hash"


def _value_text(value):
    if value is None:
        return ""
    if not value:
        value = abs(value)  # PostgreSQL's numeric has no "-0.00"
    if isinstance(value, Decimal) and value.as_tuple().exponent == -2:
        return str(value)  # as the ORM reads a score ("85.50"): already the text hashed
    # SQLite hands a trigger 85.5 (a float) or 85 (an integer).
    return format(Decimal(str(value)).quantize(TWO_PLACES), "f")


def _moment_text(at):
    if isinstance(at, str):
        # SQLite's stored text: "2022-11-03 10:00:00.123456" (UTC, the fraction left out when zero).
        at = datetime.fromisoformat(at)
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    elif at.utcoffset():
        at = at.astimezone(UTC)
    # "YYYY-MM-DDTHH:MM:SS.ffffff" (isoformat, cheaper than strftime, without its "+00:00")
    return at.isoformat(timespec="microseconds")[:26]


EMPTY_COMMENT = hashlib.sha256(b"").hexdigest()


def change_hash(sheet_id, indicator_id, value, comment, version, by_id, at, source, previous):
    """The row's SHA-256 (hex) as the database triggers compute it."""
    text = "|".join(
        [
            PREFIX,
            str(int(sheet_id)),
            str(int(indicator_id)),
            _value_text(value),
            hashlib.sha256(comment.encode()).hexdigest() if comment else EMPTY_COMMENT,
            "" if version is None else str(int(version)),
            str(int(by_id)),
            _moment_text(at),
            source or "",
            previous or "",
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()


def root_hash(heads):
    """One hash over the sheets' head hashes: ``heads`` is {sheet id: head hash}; sorted by sheet id."""
    text = "\n".join(f"{sheet_id}:{heads[sheet_id]}" for sheet_id in sorted(heads))
    return hashlib.sha256(text.encode()).hexdigest()


def register_sqlite_functions(sender=None, connection=None, **kwargs):
    """``connection_created`` receiver: SQLite's chain trigger calls ``change_hash`` by this name."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(SQLITE_FUNCTION, 9, change_hash, deterministic=True)
