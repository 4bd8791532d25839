"""Queries compiled once per process and reused with new values, for hot paths where compiling the
ORM query costs more than running it.

``fetch_one(key, model, build, field=…, value=…)``: ``build(placeholder)`` returns the queryset
(scoping, joins and all) filtering ``field`` on a placeholder where the value goes; its SQL is
compiled once per ``key`` and database connection, then run with the value swapped in, and the row
is turned into model instances (with their ``select_related`` relations, attached on demand)
exactly as the ORM would.
The key must name everything the query depends on besides the value (the actor's scope, the day).
"""

import itertools
import re
import threading
import uuid
from collections.abc import Callable, Hashable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

# A value no real row holds, typed for the field it stands in for.
PLACEHOLDERS = {"UUIDField": uuid.UUID(int=0x1D_F1_A0E5), "CharField": "\x00prepared-value\x00"}
_local = threading.local()
_names = itertools.count(1)
_FORMAT = re.compile(r"%(%|s)")
MAX_CACHED = 500


class _Prepared:
    def __init__(self, queryset: QuerySet, connection, placeholder):
        compiler = queryset.query.get_compiler(connection=connection)
        try:
            self.sql, params = compiler.as_sql()
        except EmptyResultSet:  # a scope that sees nothing (``none()``): no SQL to run
            self.sql, params = None, ()
        self.params = list(params)
        self.position = self.params.index(placeholder) if self.params.count(placeholder) == 1 else None
        self.compiler = compiler
        self.session = None
        if self.sql is None:
            self.position = -1
            return
        self.alias = connection.alias
        select, klass_info = compiler.select, compiler.klass_info
        self.start, self.end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.model = klass_info["model"]
        self.init_list = [column[0].target.attname for column in select[self.start:self.end]]
        self.populators = get_related_populators(klass_info, select, connection.alias)
        self.converters = compiler.get_converters([column[0] for column in select[: compiler.col_count]])

    def _server_prepared(self, connection, cursor) -> str:
        """On PostgreSQL the statement is also prepared on the server (``PREPARE``), once per database
        session: planning a ten-table join costs more than running it. Returns the SQL to run."""
        if connection.vendor != "postgresql":
            return self.sql
        connection.ensure_connection()
        session = id(connection.connection)
        if self.session != session:
            self.name = f"lindungi_prepared_{next(_names)}"
            numbers = iter(range(1, len(self.params) + 1))
            positional = _FORMAT.sub(lambda m: "%" if m.group(1) == "%" else f"${next(numbers)}", self.sql)
            cursor.execute(f"PREPARE {self.name} AS {positional}")
            self.session = session
        return f"EXECUTE {self.name}({', '.join(['%s'] * len(self.params))})"

    def run(self, connection, value) -> tuple[Model | None, Callable[[], None]]:
        if self.sql is None:
            return None, _nothing
        params = list(self.params)
        params[self.position] = value
        with connection.cursor() as cursor:
            cursor.execute(self._server_prepared(connection, cursor), params)
            row = cursor.fetchone()
        if row is None:
            return None, _nothing
        row = list(row)
        own = {i: c for i, c in self.converters.items() if self.start <= i < self.end}
        self._convert(row, own)
        instance = self.model.from_db(self.alias, self.init_list, row[self.start:self.end])

        def fill() -> None:
            self._convert(row, {i: c for i, c in self.converters.items() if i not in own})
            for populator in self.populators:
                populator.populate(row, instance)

        return instance, fill

    def _convert(self, row: list, converters: dict) -> None:
        connection = self.compiler.connection
        for position, (functions, expression) in converters.items():
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value


def _nothing() -> None:
    return None


def fetch_one(key: Hashable, model: type[Model], build: Callable[[object], QuerySet], *, field: str,
              value) -> tuple[Model | None, Callable[[], None]]:
    """The first row of ``build(value)`` (a queryset of ``model`` filtering ``field`` on the value),
    compiled once per key and connection (see the module). Returns the instance and ``fill``, which
    attaches the ``select_related`` relations from the row already read (call it only if they are
    needed: building them is most of the cost)."""
    connection = connections[model._default_manager.db]
    model_field = model._meta.get_field(field)
    placeholder = PLACEHOLDERS[model_field.get_internal_type()]
    cache = getattr(_local, "queries", None)
    if cache is None:
        cache = _local.queries = {}
    full_key = (key, connection.alias, id(connection))
    prepared = cache.get(full_key)
    if prepared is None:
        if len(cache) >= MAX_CACHED:  # keys carry the day: old days are never asked for again
            cache.clear()
        prepared = cache[full_key] = _Prepared(build(placeholder)[:1], connection,
                                               model_field.get_db_prep_value(placeholder, connection))
    if prepared.position is None:  # the value does not reach the SQL as one parameter: run it plainly
        return build(value).first(), _nothing
    return prepared.run(connection, model_field.get_db_prep_value(model_field.to_python(value), connection))


def clear() -> None:
    """Forget every compiled query of this thread (tests that change the schema or the scope rules)."""
    _local.queries = {}
