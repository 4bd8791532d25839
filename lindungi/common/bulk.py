"""A lean multi-row INSERT for bulk writes (imports, migrations) in every domain.

``QuerySet.bulk_create`` compiles every value of every row through the SQL compiler (and on SQLite
splits a chunk into statements of 999 parameters), which makes it the slowest part of an import.
``FastInsert`` prepares one ``INSERT`` per model and sends a whole chunk with ``executemany``.
It covers every concrete column of the model, so fields added later are filled from their
defaults exactly as the ORM would (``auto_now``/``auto_now_add`` → now, callable defaults called
per row); values are converted with the field's own ``get_db_prep_save`` unless the field type
needs no conversion. Like ``bulk_create``, it sends no signals and skips ``save()``.
Ids are not returned: the caller looks them up by a unique key.

On PostgreSQL the rows go through ``COPY … FROM STDIN`` instead (psycopg's ``Cursor.copy``), the
fastest way into a PostgreSQL table; SQLite keeps ``executemany``, which reuses one prepared statement.
"""

from contextlib import contextmanager

from django.db import connection, connections, models
from django.utils import timezone

_NO_CONVERSION = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)


class FastInsert:
    def __init__(self, model: type[models.Model], *, using: str = "default"):
        self.model = model
        self.using = using
        connection = connections[using]
        quote = connection.ops.quote_name
        self.specs = []
        columns = []
        for field in model._meta.concrete_fields:
            if field.primary_key and isinstance(field, models.AutoField):
                continue
            columns.append(quote(field.column))
            plain = isinstance(field, _NO_CONVERSION) or (field.is_relation and isinstance(
                field.target_field, (models.AutoField, models.IntegerField)))
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                default_kind = "now"
            elif field.has_default() and callable(field.default):
                default_kind = "call"
            else:
                default_kind = "value"
            self.specs.append((field, field.attname, plain, default_kind))
        placeholders = ", ".join(["%s"] * len(columns))
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) VALUES ({placeholders})"
        self.copy_sql = f"COPY {quote(model._meta.db_table)} ({', '.join(columns)}) FROM STDIN"
        self.use_copy = connection.vendor == "postgresql"

    def insert(self, rows: list[dict]) -> None:
        """Each row maps attnames (``regency_id``, not ``regency``) to Python values."""
        if not rows:
            return
        connection = connections[self.using]
        now = timezone.now()
        missing = object()
        plan = []
        for field, attname, plain, default_kind in self.specs:
            if default_kind == "now":
                default = field.get_db_prep_save(now, connection)
            elif default_kind == "value":
                default = field.get_db_prep_save(field.get_default(), connection)
            else:
                default = missing  # computed per row
            prep = None if plain else field.get_db_prep_save
            plan.append((attname, prep, default, field))
        params = []
        append = params.append
        for row in rows:
            values = []
            for attname, prep, default, field in plan:
                value = row.get(attname, missing)
                if value is missing:
                    if default is not missing:
                        values.append(default)
                        continue
                    value = field.get_default()
                values.append(value if prep is None or value is None else prep(value, connection))
            append(values)
        with connection.cursor() as cursor:
            if not self.use_copy:
                cursor.executemany(self.sql, params)
                return
            # The psycopg cursor under Django's wrapper; errors still become django.db errors
            # (IntegrityError on a duplicate key, which the importers retry).
            with connection.wrap_database_errors, cursor.cursor.copy(self.copy_sql) as copy:
                for values in params:
                    copy.write_row(values)


@contextmanager
def bulk_write_session():
    """On SQLite, let the write-ahead log grow during an import and fold it back once at the end.

    With the default (a checkpoint every 1,000 pages) every chunk's commit copied the same index
    pages back into the database file again; deferring that cut the commit time of large imports
    several-fold. Readers are unaffected (WAL); the log is checkpointed when the import ends."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        in_wal = cursor.fetchone()[0].lower() == "wal"
        cursor.execute("PRAGMA wal_autocheckpoint")
        (previous,) = cursor.fetchone()
    if not in_wal:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint=50000")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint={int(previous)}")
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


def model_columns(instance: models.Model) -> dict:
    """The stored columns of an unsaved instance, by attname, for ``FastInsert``: the id and the
    ``auto_now``/``auto_now_add`` timestamps are left to the insert, which fills them as the ORM would."""
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
            if not field.primary_key and not getattr(field, "auto_now", False)
            and not getattr(field, "auto_now_add", False)}
