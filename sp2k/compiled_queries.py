"""Querysets compiled once: a hot path's query built and compiled by the ORM once per process and, on
PostgreSQL, prepared once per database connection, then run with each request's values.

Why: a score save reads its sheet in one statement of about fifteen parts (the tenant filter, the conflict
flags, the stored score, the indicator, its levels and evidence). Building and compiling that queryset took
about a third of a save's Python time, and PostgreSQL spent longer planning the statement (3.4 ms) than
running it (0.4 ms). The queryset is still written with the ORM, once; only its compiled form is kept.

``CompiledQuery(name, build, kinds)``: ``build(*values)`` returns the queryset for those values, each of
its kind in ``kinds`` (``int``: primary keys, the default; ``str``: keys such as a session's). It is called
once, with stand-in values; the stand-ins' places among the compiled SQL's parameters are where each
call's values go. A queryset whose SQL text (not only its parameters) depended on the values could not be
kept: compiling refuses it (``ImproperlyConfigured``), so a later change to the queryset cannot silently
run a stale statement.

``PreparedSQL(name, sql)``: a hand-written statement of a hot path, prepared the same way on PostgreSQL.
"""

import re
import threading
import weakref

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.query import ModelIterable
from django.db.transaction import TransactionManagementError
from django.dispatch import receiver

# Stand-ins for the values while compiling: negative numbers far from any primary key or constant of a
# query, texts no key can be (a control character).
_STAND_IN_BASE = -7_340_000_011
_STAND_INS = {
    int: lambda index: _STAND_IN_BASE - 7919 * index,
    str: lambda index: f"\x1fsp2k-stand-in-{index}\x1f",
}
_PLACEHOLDER = re.compile(r"%(s|%)")


def _written(stand_in):
    """How a stand-in would look written into the SQL text instead of passed as a parameter."""
    return str(abs(stand_in)) if isinstance(stand_in, int) else stand_in


def _kept_as_sql(compiler, *args, **kwargs):
    return compiler.kept_sql, compiler.kept_params


def _kept_converters(compiler, expressions):
    """The converters of the result's columns, looked up once per database connection: a sheet's reading has
    about a hundred columns, and asking each of them at every run cost more than converting the row."""
    kept = compiler.kept_converters.setdefault(compiler.connection, {})
    key = tuple(map(id, expressions))  # the compiled state's own expressions: the same objects at every run
    converters = kept.get(key)
    if converters is None:
        converters = kept[key] = super(type(compiler), compiler).get_converters(expressions)
    return converters


class _Compiled:
    """A compiled queryset: its SQL, its parameters with the places of the values (``slots``), and a compiler
    class answering with that SQL. Each run makes one such compiler carrying the compiled state (select,
    klass_info, annotation map...) that ModelIterable reads: the rows become instances as usual."""

    def __init__(self, queryset, compiler, sql, params, slots):
        self.queryset = queryset
        self.compiler_class = type(
            f"Kept{type(compiler).__name__}",
            (type(compiler),),
            {"as_sql": _kept_as_sql, "get_converters": _kept_converters},
        )
        self.state = dict(compiler.__dict__)
        # Converters of the columns per database connection (each thread has its own): see _kept_converters.
        self.state["kept_converters"] = weakref.WeakKeyDictionary()
        self.sql, self.params, self.slots = sql, tuple(params), slots

    def compiler(self, connection, sql, params):
        compiler = object.__new__(self.compiler_class)
        compiler.__dict__.update(self.state)
        compiler.connection, compiler.kept_sql, compiler.kept_params = connection, sql, params
        return compiler


class CompiledQuery:
    """The queryset ``build(*values)``, compiled on first use and run with new values each time after."""

    def __init__(self, name, build, kinds=(int,)):
        _check_name(name)
        if not kinds or any(kind not in _STAND_INS for kind in kinds):
            raise ValueError(f"a compiled query's values are of the kinds {', '.join(k.__name__ for k in _STAND_INS)}")
        self.name = name
        self.build = build
        self.kinds = tuple(kinds)
        self._compiled = {}  # per database alias
        self._lock = threading.Lock()

    def _compile(self, alias):
        stand_ins = [_STAND_INS[kind](i) for i, kind in enumerate(self.kinds)]
        arity = len(stand_ins)
        queryset = self.build(*stand_ins).using(alias)
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:
            raise ImproperlyConfigured(f"{self.name}: only plain querysets of model instances are compiled")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = {}
        for position, param in enumerate(params):
            if type(param) in _STAND_INS and param in stand_ins:
                slots[position] = stand_ins.index(param)
        found = set(slots.values())
        if found != set(range(arity)) or any(_written(s) in sql for s in stand_ins):
            raise ImproperlyConfigured(f"{self.name}: each value must reach the SQL as a parameter, and only so")
        return _Compiled(queryset, compiler, sql, params, slots)

    def _kept(self, alias):
        kept = self._compiled.get(alias)
        if kept is None:
            with self._lock:
                kept = self._compiled.get(alias) or self._compile(alias)
                self._compiled[alias] = kept
        return kept

    def all(self, *values, using="default"):
        """The instances the queryset of ``values`` returns (a list)."""
        if len(values) != len(self.kinds):
            raise TypeError(f"{self.name} takes {len(self.kinds)} value(s), {len(values)} given")
        kept = self._kept(using)
        params = list(kept.params)
        for position, index in kept.slots.items():
            params[position] = self.kinds[index](values[index])
        connection = connections[using]
        if kept.queryset.query.select_for_update and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        sql = kept.sql
        if connection.vendor == "postgresql":
            sql = _prepared(connection, self.name, kept.sql, len(params))
        queryset = kept.queryset._chain()
        compiler = kept.compiler(connection, sql, params)
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)


class PreparedSQL:
    """A hand-written statement run with new parameters each time: on PostgreSQL prepared once per database
    connection (planned once, not at every run), elsewhere run as written. ``sql`` has ``%s`` placeholders."""

    def __init__(self, name, sql):
        _check_name(name)
        self.name, self.sql = name, sql
        self.count = sum(1 for match in _PLACEHOLDER.finditer(sql) if match.group(1) == "s")

    def execute(self, cursor, params):
        """Run the statement with ``params`` on ``cursor`` (a cursor of ``django.db.connection`` or another)."""
        if len(params) != self.count:
            raise TypeError(f"{self.name} takes {self.count} parameter(s), {len(params)} given")
        connection = cursor.db
        sql = self.sql
        if connection.vendor == "postgresql":
            sql = _prepared(connection, self.name, self.sql, self.count)
        cursor.execute(sql, params)


def _check_name(name):
    if not re.fullmatch(r"[a-z_]+", name):
        raise ValueError("a prepared statement's name is lower-case letters and underscores")


def _prepared(connection, name, sql, count):
    """``EXECUTE`` of ``sql`` prepared on this database connection as ``sp2k_<name>`` (prepared now if new to
    it): PostgreSQL then plans it once per connection, not at every run."""
    statement = f"sp2k_{name}"
    connection.ensure_connection()
    prepared = getattr(connection, "sp2k_prepared", None)
    if prepared is None:
        prepared = connection.sp2k_prepared = set()
    if statement not in prepared:
        numbers = iter(range(1, count + 1))
        text = _PLACEHOLDER.sub(lambda m: f"${next(numbers)}" if m.group(1) == "s" else "%", sql)
        with connection.cursor() as cursor:
            cursor.execute(f"PREPARE {statement} AS {text}")  # noqa: S608 - parameters kept apart
        prepared.add(statement)
    return f"EXECUTE {statement} ({', '.join(['%s'] * count)})" if count else f"EXECUTE {statement}"


@receiver(connection_created)
def _forget_prepared(sender, connection, **kwargs):
    """A new database connection (after a reconnect, or in a new thread) has no prepared statement yet."""
    connection.sp2k_prepared = set()
