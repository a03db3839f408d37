"""Querysets compiled once: a hot path's query built and compiled by the ORM once per process and, on
PostgreSQL, prepared once per database connection, then run with each request's values.

Why: a score save reads its sheet in one statement of about fifteen parts (the tenant filter, the conflict
flags, the stored score, the indicator, its levels and evidence). Building and compiling that queryset took
about a third of a save's Python time, and PostgreSQL spent longer planning the statement (3.4 ms) than
running it (0.4 ms). The queryset is still written with the ORM, once; only its compiled form is kept.

``CompiledQuery(name, build)``: ``build(*values)`` returns the queryset for those values (whole numbers:
primary keys). It is called once, with stand-in values; the stand-ins' places among the compiled SQL's
parameters are where each call's values go. A queryset whose SQL text (not only its parameters) depended
on the values could not be kept: compiling refuses it (``ImproperlyConfigured``), so a later change to the
queryset cannot silently run a stale statement.
"""

import re
import threading

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.query import ModelIterable
from django.db.transaction import TransactionManagementError
from django.dispatch import receiver

# Stand-ins for the values while compiling: negative, far from any primary key or constant of a query.
_STAND_IN_BASE = -7_340_000_011
_PLACEHOLDER = re.compile(r"%(s|%)")


def _kept_as_sql(compiler, *args, **kwargs):
    return compiler.kept_sql, compiler.kept_params


class _Compiled:
    """A compiled queryset: its SQL, its parameters with the places of the values (``slots``), and a compiler
    class answering with that SQL. Each run makes one such compiler carrying the compiled state (select,
    klass_info, annotation map...) that ModelIterable reads: the rows become instances as usual."""

    def __init__(self, queryset, compiler, sql, params, slots):
        self.queryset = queryset
        self.compiler_class = type(f"Kept{type(compiler).__name__}", (type(compiler),), {"as_sql": _kept_as_sql})
        self.state = dict(compiler.__dict__)
        self.sql, self.params, self.slots = sql, tuple(params), slots

    def compiler(self, connection, sql, params):
        compiler = object.__new__(self.compiler_class)
        compiler.__dict__.update(self.state)
        compiler.connection, compiler.kept_sql, compiler.kept_params = connection, sql, params
        return compiler


class CompiledQuery:
    """The queryset ``build(*values)``, compiled on first use and run with new values each time after."""

    def __init__(self, name, build):
        if not re.fullmatch(r"[a-z_]+", name):
            raise ValueError("a compiled query's name is lower-case letters and underscores")
        self.name = name
        self.build = build
        self._compiled = {}  # per database alias
        self._lock = threading.Lock()

    def _compile(self, alias, arity):
        stand_ins = [_STAND_IN_BASE - 7919 * i for i in range(arity)]
        queryset = self.build(*stand_ins).using(alias)
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:
            raise ImproperlyConfigured(f"{self.name}: only plain querysets of model instances are compiled")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = {}
        for position, param in enumerate(params):
            if isinstance(param, int) and not isinstance(param, bool) and param in stand_ins:
                slots[position] = stand_ins.index(param)
        found = set(slots.values())
        if found != set(range(arity)) or any(str(abs(s)) in sql for s in stand_ins):
            raise ImproperlyConfigured(f"{self.name}: each value must reach the SQL as a parameter, and only so")
        return _Compiled(queryset, compiler, sql, params, slots)

    def _kept(self, alias, arity):
        kept = self._compiled.get(alias)
        if kept is None:
            with self._lock:
                kept = self._compiled.get(alias) or self._compile(alias, arity)
                self._compiled[alias] = kept
        return kept

    def all(self, *values, using="default"):
        """The instances the queryset of ``values`` returns (a list)."""
        kept = self._kept(using, len(values))
        params = list(kept.params)
        for position, index in kept.slots.items():
            params[position] = int(values[index])
        connection = connections[using]
        if kept.queryset.query.select_for_update and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        sql = kept.sql
        if connection.vendor == "postgresql":
            sql = self._prepared(connection, kept, len(params))
        queryset = kept.queryset._chain()
        compiler = kept.compiler(connection, sql, params)
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)

    def _prepared(self, connection, kept, count):
        """``EXECUTE`` of the statement prepared on this database connection (prepared now if new to it):
        PostgreSQL then plans it once per connection, not at every run."""
        statement = f"sp2k_{self.name}"
        connection.ensure_connection()
        prepared = getattr(connection, "sp2k_prepared", None)
        if prepared is None:
            prepared = connection.sp2k_prepared = set()
        if statement not in prepared:
            numbers = iter(range(1, count + 1))
            text = _PLACEHOLDER.sub(lambda m: f"${next(numbers)}" if m.group(1) == "s" else "%", kept.sql)
            with connection.cursor() as cursor:
                cursor.execute(f"PREPARE {statement} AS {text}")  # noqa: S608 - ORM-made SQL, parameters kept apart
            prepared.add(statement)
        return f"EXECUTE {statement} ({', '.join(['%s'] * count)})" if count else f"EXECUTE {statement}"


@receiver(connection_created)
def _forget_prepared(sender, connection, **kwargs):
    """A new database connection (after a reconnect, or in a new thread) has no prepared statement yet."""
    connection.sp2k_prepared = set()
