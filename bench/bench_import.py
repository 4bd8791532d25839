"""Bulk import of an N-row CSV through `import_persons` (validation, chunks, audit), with peak memory,
beside Django `bulk_create` of the same rows already parsed (the floor)."""

import argparse
import csv
import resource
import subprocess
import sys
import time

from bench.common import DATA, PY, ROOT, backend_env, manage, reset_database, save
from lindungi.demo.generator import COLUMNS, PersonRowGenerator


def make_csv(rows: int) -> str:
    """Generate the file once; the generator needs no database (regencies come from the shipped CSV)."""
    path = DATA / f"persons-{rows}.csv"
    if not path.exists():
        regencies: dict[str, list[str]] = {}
        with open(ROOT / "lindungi/reference/data/regencies.csv") as handle:
            for record in csv.DictReader(handle):
                code = record["code"].replace(".", "")
                regencies.setdefault(code[:2], []).append(code)
        with open(path, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(PersonRowGenerator(regencies, seed=11).rows(rows))
    return str(path)


def run_import(backend: str, path: str, rows: int) -> dict:
    manage(backend, "shell", "-c", (
        "from lindungi.accounts.models import User\n"
        "u, _ = User.objects.get_or_create(username='bench.admin', defaults={'role': 'admin'})\n"
    ), quiet=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    proc = subprocess.run([PY, "manage.py", "import_persons", path, "--user", "bench.admin"], cwd=ROOT,
                          env=backend_env(backend), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode:
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit("import failed")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"rows": rows, "seconds": round(seconds, 1), "rows_per_s": round(rows / seconds),
            "peak_rss_mb": round(peak_mb if peak_mb > before / 1024 else before / 1024), "summary":
            proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""}


FLOOR = """
import csv, time, datetime
from django.db import transaction
from lindungi.registry.models import Person
from lindungi.reference.models import Regency
regs = dict(Regency.objects.values_list('code', 'id'))
rows = list(csv.DictReader(open('{path}')))
started = time.perf_counter()
batch = []
for r in rows:
    batch.append(Person(nik=r['nik'], full_name=r['full_name'], name_key=r['full_name'].lower(), sex=r['sex'],
        birth_date=datetime.date.fromisoformat(r['birth_date']), birth_place=r['birth_place'], address=r['address'],
        regency_id=regs[r['regency_code']], education=r['education'], marital_status=r['marital_status'],
        religion=r['religion'], phone=r['phone']))
    if len(batch) == 2000:
        with transaction.atomic():
            Person.objects.bulk_create(batch)
        batch = []
if batch:
    with transaction.atomic():
        Person.objects.bulk_create(batch)
print(round(time.perf_counter() - started, 2))
"""


def run_floor(backend: str, path: str, rows: int) -> dict:
    reset_database(backend)
    seconds = float(manage(backend, "shell", "-c", FLOOR.format(path=path), quiet=True).strip().splitlines()[-1])
    return {"rows": rows, "seconds": seconds, "rows_per_s": round(rows / seconds)}


def run(backend: str, rows: int, floor_rows: int) -> dict:
    path = make_csv(rows)
    floor_path = make_csv(floor_rows) if floor_rows != rows else path
    floor = run_floor(backend, floor_path, floor_rows)
    reset_database(backend)
    imported = run_import(backend, path, rows)
    result = {"backend": backend, "import": imported, "floor_bulk_create": floor,
              "ratio": round(imported["rows_per_s"] / floor["rows_per_s"], 3)}
    save(f"import-{backend}", result)
    with open(DATA / f"persons-{rows}.csv") as handle:
        assert sum(1 for _ in csv.reader(handle)) == rows + 1
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="sqlite")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--floor-rows", type=int, default=200_000)
    args = parser.parse_args()
    run(args.backend, args.rows, args.floor_rows)
