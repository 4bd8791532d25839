"""Counts kept by database triggers, so that a dashboard figure costs the same at 100,000 rows as at
10 million: the figure is a sum over a few counts rows in the actor's scope, not a count of rows.

A counter is a table ``(key columns…, n)`` with a unique key. Every write to a source table, from
any path (services, bulk imports, the admin, raw SQL), adds its delta: +1 for each new row that
matches, -1 for each old row that matched; an update is both. Triggers are written once here for
SQLite (row-level, ``NEW``/``OLD``) and PostgreSQL (statement-level with transition tables, one
upsert per statement whatever the number of rows, keys locked in a fixed order). Decrements only
ever update existing counts rows, so deleting a source row after its counts row is harmless.

Each ``Delta`` names the source table, the operation it reacts to, the key expressions over a row
alias ``r`` (and, for updates, ``o`` = the same row before), a condition and the sign.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Delta:
    source: str  # table the trigger is on
    on: str  # INSERT, UPDATE or DELETE
    sign: int  # +1 or -1
    keys: tuple[str, ...]  # SQL expressions over ``r`` (and ``o`` for updates), one per key column
    where: str = "1 = 1"
    rows: str = "new"  # which image ``r`` is: "new" or "old" (for updates ``o`` is always the old one)
    join: str = ""  # extra FROM items (", table alias") joined in ``where``


@dataclass(frozen=True)
class Counter:
    table: str
    key_columns: tuple[str, ...]
    deltas: tuple[Delta, ...] = field(default_factory=tuple)


def _row_source(vendor: str, image: str, columns: tuple[str, ...]) -> str:
    if vendor == "postgresql":
        return f"{image}_rows"
    prefix = "NEW" if image == "new" else "OLD"
    return "(SELECT " + ", ".join(f"{prefix}.{c} AS {c}" for c in columns) + ")"


def _deltas_sql(vendor: str, delta: Delta, columns: tuple[str, ...]) -> str:
    keys = ", ".join(f"{expr} AS k{i}" for i, expr in enumerate(delta.keys))
    sources = f"{_row_source(vendor, delta.rows, columns)} r"
    if delta.on == "UPDATE":
        other = "old" if delta.rows == "new" else "new"
        if vendor == "postgresql":
            sources = f"{_row_source(vendor, 'new', columns)} r JOIN {_row_source(vendor, 'old', columns)} o " \
                      f"ON o.id = r.id" if delta.rows == "new" else \
                      f"{_row_source(vendor, 'old', columns)} r JOIN {_row_source(vendor, 'new', columns)} o " \
                      f"ON o.id = r.id"
        else:
            sources = f"{sources}, {_row_source(vendor, other, columns)} o"
    return f"SELECT {keys} FROM {sources}{delta.join} WHERE {delta.where}"


def statements(vendor: str, counter: Counter, source: str, on: str, columns: tuple[str, ...]) -> list[str]:
    """The SQL a trigger on ``source`` for ``on`` runs for ``counter``: decrements, then increments."""
    keys = counter.key_columns
    key_list = ", ".join(keys)
    aliases = ", ".join(f"k{i}" for i in range(len(keys)))
    out = []
    for sign in (-1, +1):
        parts = [_deltas_sql(vendor, d, columns) for d in counter.deltas
                 if d.source == source and d.on == on and d.sign == sign]
        if not parts:
            continue
        union = " UNION ALL ".join(parts)
        if sign < 0:
            match = " AND ".join(f"{counter.table}.{k} = x.k{i}" for i, k in enumerate(keys))
            out.append(f"UPDATE {counter.table} SET n = {counter.table}.n - x.c FROM "
                       f"(SELECT {aliases}, COUNT(*) AS c FROM ({union}) d GROUP BY {aliases}) x WHERE {match}")
        else:
            out.append(f"INSERT INTO {counter.table} ({key_list}, n) SELECT {aliases}, COUNT(*) FROM ({union}) d "
                       f"WHERE true GROUP BY {aliases} ORDER BY {aliases} "
                       f"ON CONFLICT ({key_list}) DO UPDATE SET n = {counter.table}.n + excluded.n")
    return out


def install_sql(vendor: str, name: str, counters: tuple[Counter, ...],
                columns: dict[str, tuple[str, ...]]) -> list[str]:
    """CREATE statements for every trigger ``counters`` need (``name`` prefixes the trigger names).
    ``columns[source]`` lists the source columns the expressions read (always including ``id``)."""
    sql = []
    pairs = sorted({(d.source, d.on) for c in counters for d in c.deltas})
    for source, on in pairs:
        body = [s for c in counters for s in statements(vendor, c, source, on, columns[source])]
        trigger = f"{name}_{source}_{on.lower()}"
        if vendor == "postgresql":
            referencing = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows",
                           "UPDATE": "NEW TABLE AS new_rows OLD TABLE AS old_rows"}[on]
            sql.append(f"CREATE OR REPLACE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                       + "; ".join(body) + "; RETURN NULL; END $$")
            sql.append(f"DROP TRIGGER IF EXISTS {trigger} ON {source}")
            sql.append(f"CREATE TRIGGER {trigger} AFTER {on} ON {source} REFERENCING {referencing} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {trigger}()")
        else:
            sql.append(f"DROP TRIGGER IF EXISTS {trigger}")
            sql.append(f"CREATE TRIGGER {trigger} AFTER {on} ON {source} FOR EACH ROW BEGIN "
                       + "; ".join(body) + "; END")
    return sql


def uninstall_sql(vendor: str, name: str, counters: tuple[Counter, ...]) -> list[str]:
    pairs = sorted({(d.source, d.on) for c in counters for d in c.deltas})
    out = []
    for source, on in pairs:
        trigger = f"{name}_{source}_{on.lower()}"
        if vendor == "postgresql":
            out += [f"DROP TRIGGER IF EXISTS {trigger} ON {source}", f"DROP FUNCTION IF EXISTS {trigger}()"]
        else:
            out.append(f"DROP TRIGGER IF EXISTS {trigger}")
    return out
