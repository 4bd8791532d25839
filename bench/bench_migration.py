"""A migration from files alone, end to end: P3MI with their licence history, foreign employers
(private households included), people (historical mode) and a year of historical placements, each
through its import command, then the reconciliation report. Reports rows/s per step and overall and
whether every reconciliation count is equal. Figures go to ``bench/results/migration-<backend>.json``.

    .venv/bin/python bench/bench_migration.py --backend postgres --rows 20000

The issue's target is 275,000 placements under 3 minutes on 2 cores (PostgreSQL). Do not run it at
full size on a shared machine while others are testing: 20,000 rows give the rate.
"""

import argparse
import csv
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DATA, PY, ROOT, backend_env, reset_database, save  # noqa: E402

USER = "bench.admin"
SIZES = {"small": ["--rows", "20000"], "full": ["--rows", "275000"]}


def _employers(rows: int, rng: random.Random) -> dict[str, list[tuple[str, str]]]:
    """About one employer per four placements; private households where the generator places
    domestic workers, companies elsewhere."""
    from lindungi.demo.generator import OCCUPATIONS

    out: dict[str, list[tuple[str, str]]] = {}
    per_country = max(4, rows // 4 // len(OCCUPATIONS))
    for iso2, options in OCCUPATIONS.items():
        kinds = {legal_type for _isco, _w, legal_type in options}
        for n in range(per_country):
            legal_type = "individual" if "individual" in kinds and (n % 2 or kinds == {"individual"}) \
                else "legal_entity"
            name = f"Household {iso2} {n:06d}" if legal_type == "individual" else f"Company {iso2} {n:06d} Ltd"
            out.setdefault(iso2, []).append((name, legal_type))
    return out


def _setup_and_generate(rows: int, directory: Path, seed: int) -> None:
    """Runs inside Django (``--setup``): the administrator, then the four files."""
    import datetime as dt

    import django

    django.setup()
    from lindungi.accounts.models import User
    from lindungi.demo.generator import COLUMNS, PLACEMENT_COLUMNS, PersonRowGenerator, PlacementRowGenerator
    from lindungi.reference.models import Regency

    if not User.objects.filter(username=USER).exists():
        admin = User(username=USER, role="admin", is_staff=True, is_superuser=True)
        admin.set_password("bench-" + os.urandom(8).hex())
        admin.save()
    rng = random.Random(seed)

    agencies = []
    with open(directory / "p3mi.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[
            "sip3mi_number", "legal_name", "licence_issued_on", "licence_expires_on", "head_office_regency_code",
            "paid_up_capital", "deposit_bank", "deposit_amount", "status", "status_from", "status_until",
            "decree_number"])
        writer.writeheader()
        for n in range(max(20, rows // 700)):
            number = f"{n:04d}/SIP3MI/{2012 + n % 10}"
            base = {"sip3mi_number": number, "legal_name": f"PT Migrasi Bench {n:04d}",
                    "licence_issued_on": f"{2012 + n % 10}-03-01", "head_office_regency_code": "3201",
                    "paid_up_capital": "5000000000", "deposit_bank": "Bank Mandiri", "deposit_amount": "1500000000"}
            writer.writerow(base)
            if n % 10 == 7:  # a suspension, lifted by its end date
                writer.writerow({**base, "status": "suspended", "status_from": "2022-02-01",
                                 "status_until": "2022-05-31", "decree_number": f"KEP.{n}/2022"})
            if n % 25 == 24:  # revoked (its placements of earlier years still migrate)
                writer.writerow({**base, "status": "revoked", "status_from": "2024-06-01",
                                 "decree_number": f"KEP.{n}/2024"})
            agencies.append(number)

    employers = _employers(rows, rng)
    with open(directory / "employers.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["role", "legal_type", "name", "country"])
        for iso2, parties in employers.items():
            for name, legal_type in parties:
                writer.writerow(["employer", legal_type, name, iso2])

    regencies: dict[str, list[str]] = {}
    for code in Regency.objects.filter(valid_to__isnull=True).values_list("code", flat=True):
        regencies.setdefault(code[:2], []).append(code)
    people_count = max(1, round(rows * 0.94))
    today = dt.date.today()
    people: list[tuple[str, dt.date]] = []
    with open(directory / "people.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for index, row in enumerate(PersonRowGenerator(regencies, seed=seed).rows(people_count)):
            if index % 20 == 0:  # the old system did not record these facts: left empty, migrated as unknown
                row.update(birth_place="", address="", education="", marital_status="")
            writer.writerow(row)
            people.append((row["nik"], dt.date.fromisoformat(row["birth_date"])))
    generator = PlacementRowGenerator(employers=employers, agencies=agencies, seed=seed, today=today)
    with open(directory / "placements.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=PLACEMENT_COLUMNS)
        writer.writeheader()
        for index in range(rows):
            nik, birth = people[index] if index < people_count else rng.choice(people)
            writer.writerow(generator.historical(nik=nik, year=today.year - 2, birth_date=birth))


def _timed(args: list[str], env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode:
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit(f"{' '.join(args[2:4])} failed")
    return seconds, (proc.stdout.strip().splitlines() or [""])[0]


def run(backend: str, rows: int, *, seed: int = 23) -> dict:
    directory = DATA / f"migration-{rows}"
    directory.mkdir(parents=True, exist_ok=True)
    env = backend_env(backend)
    reset_database(backend)
    started = time.perf_counter()
    subprocess.run([PY, str(Path(__file__).resolve()), "--setup", "--rows", str(rows), "--seed", str(seed),
                    "--directory", str(directory)], cwd=ROOT, env=env, check=True)
    generated = round(time.perf_counter() - started, 1)

    manage = [PY, "manage.py"]
    common = ["--user", USER, "--no-progress", "--skip-checks"]
    steps = [
        ("p3mi", [*manage, "import_records", str(directory / "p3mi.csv"), "--kind", "agencies", *common]),
        ("employers", [*manage, "import_records", str(directory / "employers.csv"), "--kind", "foreign_parties",
                       *common]),
        ("people", [*manage, "import_persons", str(directory / "people.csv"), "--historical", *common]),
        ("placements", [*manage, "import_placements", str(directory / "placements.csv"), "--mode", "historical",
                        *common]),
    ]
    result: dict = {"backend": backend, "rows": rows, "generate_seconds": generated, "steps": {}}
    total_rows = total_seconds = 0.0
    for name, args in steps:
        with open(args[3]) as handle:
            count = sum(1 for _ in handle) - 1
        seconds, summary = _timed(args, env)
        result["steps"][name] = {"rows": count, "seconds": round(seconds, 1), "rows_per_s": round(count / seconds),
                                 "summary": summary}
        total_rows += count
        total_seconds += seconds
    result["total"] = {"rows": int(total_rows), "seconds": round(total_seconds, 1),
                       "rows_per_s": round(total_rows / total_seconds)}
    report = subprocess.run(
        [*manage, "shell", "-v", "0", "-c",
         "from lindungi.imports.models import ImportBatch\n"
         "from lindungi.imports import reconciliation\n"
         "batch = ImportBatch.objects.filter(kind='placements', mode='historical').latest('id')\n"
         "lines = reconciliation.report(batch)\n"
         "print(*reconciliation.totals(lines), sum(1 for x in lines if x.difference), batch.error_rows)"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.split()
    file_rows, lindungi_rows, differing, errors = map(int, report)
    result["reconciliation"] = {"file_rows": file_rows, "lindungi_rows": lindungi_rows, "differing_lines": differing,
                                "placement_rows_with_errors": errors, "all_equal": differing == 0}
    save(f"migration-{backend}", result)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="postgres")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--directory", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        _setup_and_generate(args.rows, Path(args.directory), args.seed)
    else:
        run(args.backend, args.rows, seed=args.seed)
