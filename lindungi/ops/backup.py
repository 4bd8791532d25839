"""Backups and the restore drill (docs/operations.md, "Backups").

``backup`` writes the database file (SQLite: the online backup API; PostgreSQL: ``pg_dump`` custom
format) and beside it a manifest: row counts of every table, a checksum of the key tables (people,
placements, audit trail, access log) and the heads of the audit chains, all read from the same
snapshot as the dump. ``restore_drill`` restores a backup into a scratch database (SQLite: a temporary
file; PostgreSQL: a database created for the drill and dropped after it), recomputes the manifest
there, verifies the audit chains of the copy and reports every difference. The password never
appears on a command line: ``pg_dump``/``pg_restore`` get it in ``PGPASSWORD``."""

import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, connections, transaction
from django.db.utils import load_backend
from django.utils import timezone

from lindungi.audit import chain
from lindungi.audit.models import AccessLog, AuditEvent
from lindungi.placements.models import Placement
from lindungi.registry.models import Person

KEY_MODELS = (Person, Placement, AuditEvent, AccessLog)
DRILL_ALIAS = "restore_drill"


class BackupError(Exception):
    pass


def _quote(name: str, conn) -> str:
    return conn.ops.quote_name(name)


def manifest_of(conn) -> dict:
    """Counts of every table, checksums of the key tables and the chain heads, from ``conn``."""
    tables = sorted(conn.introspection.table_names())
    counts = {}
    with conn.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(table, conn)}")
            counts[table] = cursor.fetchone()[0]
        checksums = {}
        for model in KEY_MODELS:
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(f"SELECT * FROM {_quote(table, conn)} ORDER BY {_quote(pk, conn)}")
            digest = hashlib.sha256()
            for row in cursor.fetchall():
                digest.update(json.dumps(list(row), default=str, sort_keys=True).encode())
                digest.update(b"\n")
            checksums[table] = digest.hexdigest()
    heads = {}
    for name in sorted(chain.CHAINS):
        head = chain.ChainHead.objects.using(conn.alias).filter(chain=name).first()
        heads[name] = [head.seq, head.hash] if head else [0, chain.GENESIS]
    return {"vendor": conn.vendor, "tables": counts, "checksums": checksums, "chain_heads": heads}


def _pg_env(settings_dict: dict) -> dict:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    return env


def _run(args: list[str], settings_dict: dict) -> None:
    result = subprocess.run(args, env=_pg_env(settings_dict), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed ({result.returncode}): {result.stderr.strip()[-500:]}")


def backup(output_dir: str | Path) -> tuple[Path, Path]:
    """Write a backup and its manifest into ``output_dir``; returns both paths."""
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    vendor = connection.vendor
    if vendor == "sqlite":
        target = output / f"lindungi-{stamp}.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:  # the backup API copies a consistent snapshot; the manifest is read from the copy itself
            connection.connection.backup(destination)
        finally:
            destination.close()
        with _scratch_connection({**connection.settings_dict, "NAME": str(target)}) as copy:
            manifest = manifest_of(copy)
    elif vendor == "postgresql":
        target = output / f"lindungi-{stamp}.dump"
        settings_dict = connection.settings_dict
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            manifest = manifest_of(connection)
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  f"--file={target}", f"--dbname={settings_dict['NAME']}"], settings_dict)
    else:
        raise BackupError(f"no backup method for {vendor}")
    manifest["file"] = target.name
    manifest["sha256"] = _file_sha256(target)
    manifest["taken_at"] = stamp
    manifest_path = target.with_name(target.name + ".manifest.json")
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return target, manifest_path


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def _scratch_connection(settings_dict: dict):
    """A connection to the copy under its own alias for the ORM (``using=``), never added to
    ``DATABASES``: the copy is not a database of the site, so routers, migrations and the test
    runner's database list never see it."""
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DRILL_ALIAS)
    connections[DRILL_ALIAS] = wrapper
    try:
        yield wrapper
    finally:
        wrapper.close()
        del connections[DRILL_ALIAS]


@contextmanager
def restored(path: Path):
    """A connection to a scratch copy restored from ``path``, removed afterwards."""
    base = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        with tempfile.TemporaryDirectory(prefix="lindungi-drill-") as scratch:
            copy = Path(scratch) / "restored.sqlite3"
            source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            destination = sqlite3.connect(copy)
            try:
                source.backup(destination)
            finally:
                source.close()
                destination.close()
            with _scratch_connection({**base, "NAME": str(copy)}) as conn:
                yield conn
    elif connection.vendor == "postgresql":
        name = f"lindungi_drill_{secrets.token_hex(4)}"
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
        try:
            _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={name}", str(path)],
                 base)
            with _scratch_connection({**base, "NAME": name}) as conn:
                yield conn
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")
    else:
        raise BackupError(f"no restore method for {connection.vendor}")


@dataclass
class DrillResult:
    tables: int = 0
    rows: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def restore_drill(path: str | Path, manifest_path: str | Path | None = None) -> DrillResult:
    path = Path(path)
    manifest_path = Path(manifest_path) if manifest_path else path.with_name(path.name + ".manifest.json")
    expected = json.loads(manifest_path.read_text())
    result = DrillResult()
    if expected.get("sha256") != _file_sha256(path):
        result.problems.append("the backup file's SHA-256 differs from its manifest")
    if expected.get("vendor") != connection.vendor:
        raise BackupError(f"a {expected.get('vendor')} backup cannot be drilled on {connection.vendor}")
    with restored(path) as conn:
        got = manifest_of(conn)
        for name in sorted(chain.CHAINS):
            result.problems += [f"audit chain: {problem}" for problem in chain.verify(name, using=conn.alias)]
    for table in sorted(set(expected["tables"]) | set(got["tables"])):
        want, have = expected["tables"].get(table), got["tables"].get(table)
        if want != have:
            result.problems.append(f"table {table}: {want} rows in the backup's manifest, {have} restored")
    for table, want in sorted(expected["checksums"].items()):
        if got["checksums"].get(table) != want:
            result.problems.append(f"table {table}: checksum differs")
    if got["chain_heads"] != expected["chain_heads"]:
        result.problems.append("audit chain heads differ")
    result.tables = len(got["tables"])
    result.rows = sum(got["tables"].values())
    return result


def tool_available(name: str) -> bool:
    return shutil.which(name) is not None
