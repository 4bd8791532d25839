"""A year of historical placements (300,000 by default) through
``import_placements FILE --user U --mode historical``: rows/s and peak memory of the command.

The people must be registered first, so the run is: reset the database; create a central
administrator, the demo P3MI companies and employers; generate a people CSV and a placements CSV
(realistic schemes, destinations, states and dates; about 6% of the people have two placements);
import the people with ``import_persons`` (timed, reported); import the placements (timed, with the
command's own peak RSS from ``wait4``); then import the same file again (every row already imported)
to show what a re-run costs. Figures go to ``bench/results/placement-import-<backend>.json``.
"""

import argparse
import csv
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DATA, PY, ROOT, backend_env, reset_database, save  # noqa: E402

USER = "bench.admin"


def _setup_and_generate(rows: int, people_path: str, placements_path: str, seed: int) -> None:
    """Runs inside Django (``--setup``): reference rows for the file, then both CSV files."""
    import datetime as dt
    import random

    import django

    django.setup()
    from lindungi.accounts.models import User
    from lindungi.demo.generator import COLUMNS, PLACEMENT_COLUMNS, PersonRowGenerator, PlacementRowGenerator
    from lindungi.demo.seed import ensure_employers, seed_agencies
    from lindungi.reference.models import Regency

    admin = User.objects.filter(username=USER).first()
    if admin is None:
        admin = User(username=USER, role="admin", is_staff=True, is_superuser=True)
        admin.set_password("bench-" + os.urandom(8).hex())
        admin.save()
    agencies = seed_agencies(admin, rng=random.Random(seed))
    employers = ensure_employers(admin)
    regencies: dict[str, list[str]] = {}
    for code in Regency.objects.filter(valid_to__isnull=True).values_list("code", flat=True):
        regencies.setdefault(code[:2], []).append(code)

    people_count = max(1, round(rows * 0.94))
    today = dt.date.today()
    year = today.year - 2
    people_gen = PersonRowGenerator(regencies, seed=seed)
    placement_gen = PlacementRowGenerator(employers=employers, agencies=[a.sip3mi_number for a in agencies],
                                          seed=seed, today=today)
    rng = random.Random(seed + 1)
    people: list[tuple[str, dt.date]] = []
    with open(people_path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in people_gen.rows(people_count):
            writer.writerow(row)
            people.append((row["nik"], dt.date.fromisoformat(row["birth_date"])))
    with open(placements_path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=PLACEMENT_COLUMNS)
        writer.writeheader()
        for index in range(rows):
            nik, birth = people[index] if index < people_count else rng.choice(people)
            writer.writerow(placement_gen.historical(nik=nik, year=year, birth_date=birth))


WRAPPER = """
import os, subprocess, sys, time
started = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:])
_pid, status, usage = os.wait4(proc.pid, 0)
print(f"BENCH {time.perf_counter() - started:.3f} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}",
      file=sys.stderr)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _measured(args: list[str], env: dict) -> dict:
    proc = subprocess.run([PY, "-c", WRAPPER, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    line = next((x for x in proc.stderr.splitlines() if x.startswith("BENCH ")), None)
    if proc.returncode or line is None:
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit(f"{' '.join(args[:3])} failed")
    seconds, maxrss_kb, _code = line.split()[1:]
    summary = proc.stdout.strip().splitlines()
    return {"seconds": round(float(seconds), 1), "peak_rss_mb": round(int(maxrss_kb) / 1024),
            "summary": summary[0] if summary else ""}


def run(backend: str, rows: int, *, seed: int = 17, rerun: bool = True) -> dict:
    people_path = str(DATA / f"placement-people-{rows}.csv")
    placements_path = str(DATA / f"placements-historical-{rows}.csv")
    env = backend_env(backend)
    reset_database(backend)
    started = time.perf_counter()
    subprocess.run([PY, str(Path(__file__).resolve()), "--setup", "--rows", str(rows), "--seed", str(seed),
                    "--people-path", people_path, "--placements-path", placements_path],
                   cwd=ROOT, env=env, check=True)
    generated = round(time.perf_counter() - started, 1)
    with open(people_path) as handle:
        people_rows = sum(1 for _ in handle) - 1

    manage = [PY, "manage.py"]  # commands below skip the system checks: only the import is measured
    people = _measured([*manage, "import_persons", people_path, "--user", USER, "--no-progress", "--skip-checks"], env)
    people["rows"] = people_rows
    people["rows_per_s"] = round(people_rows / people["seconds"])
    placements = _measured([*manage, "import_placements", placements_path, "--user", USER, "--mode",
                            "historical", "--no-progress", "--skip-checks"], env)
    placements["rows"] = rows
    placements["rows_per_s"] = round(rows / placements["seconds"])
    result = {"backend": backend, "rows": rows, "generate_seconds": generated, "people_import": people,
              "placements_import": placements}
    if rerun:
        again = _measured([*manage, "import_placements", placements_path, "--user", USER, "--mode", "historical",
                           "--no-progress", "--skip-checks"], env)
        again["rows_per_s"] = round(rows / again["seconds"])
        result["placements_rerun_all_skipped"] = again
    counts = subprocess.run(
        [*manage, "shell", "-v", "0", "-c",
         "from lindungi.placements.models import Placement, PlacementTransition, ChecklistItem\n"
         "print(Placement.objects.count(), PlacementTransition.objects.count(), ChecklistItem.objects.count())"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.split()
    result["database"] = dict(zip(("placements", "transitions", "checklist_items"), map(int, counts), strict=True))
    save(f"placement-import-{backend}", result)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="sqlite")
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--no-rerun", action="store_true")
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--people-path", help=argparse.SUPPRESS)
    parser.add_argument("--placements-path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        _setup_and_generate(args.rows, args.people_path, args.placements_path, args.seed)
    else:
        run(args.backend, args.rows, seed=args.seed, rerun=not args.no_rerun)
