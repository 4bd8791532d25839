"""``placement_transition`` against a floor doing the same three writes, interleaved in one run.

The floor is what a transition cannot avoid: in one transaction, the compare-and-set
``UPDATE placement SET state, version … WHERE id AND state AND version``, the ``PlacementTransition``
insert and the ``AuditEvent`` insert, written as raw SQL with the placement id already known. The
candidate is the service as the API calls it: scoped load by public id with the relations its guards
read, permission, guards, compare-and-set, transition row, audit row.

Two paths, each interleaved with the floor (candidate, floor, candidate, floor … in rounds of
``--batch`` transitions, repeated ``--rounds`` times) so that load on the shared machine hits both:

* ``register_arrival`` (departed → working_abroad): no guard, the fixed cost of the service;
* ``select`` (verified → selected): every selection guard and the SIP2MI quota compare-and-set
  (one more write than the floor; reported for completeness).

Prints medians and spread (min–max of the per-round rates) and the ratio candidate / floor.

    .venv/bin/python bench/bench_transition_floor.py --backend sqlite
    .venv/bin/python bench/bench_transition_floor.py --backend postgres
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PG_URL = os.environ.get("DATABASE_URL_BENCH", "postgres://lindungi:lindungi-ci@127.0.0.1:5432/lindungi_bench_perf")


def _env(backend: str, sqlite_path: str) -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings", PYTHONPATH=str(ROOT))
    env.pop("DATABASE_URL", None)
    if backend == "sqlite":
        env["SQLITE_PATH"] = sqlite_path
    else:
        env["DATABASE_URL"] = PG_URL
    return env


def _reset(backend: str, env: dict, sqlite_path: str) -> None:
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(sqlite_path + suffix).unlink(missing_ok=True)
    else:
        import psycopg

        base, name = PG_URL.rsplit("/", 1)
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([PY, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True)


def _setup(n: int):
    """N placements per group (written directly: setting up is not measured)."""
    import datetime as dt
    import random

    from django.utils import timezone

    from lindungi.accounts.models import User
    from lindungi.agencies.models import ForeignParty
    from lindungi.demo.seed import seed_agencies
    from lindungi.placements import services
    from lindungi.placements.models import Placement, Scheme
    from lindungi.reference.models import Country, Occupation, Regency
    from lindungi.registry.models import Person
    from lindungi.registry.nik import nik_for

    admin = User(username="bench.admin", role="admin", is_staff=True, is_superuser=True)
    admin.set_password("bench-" + os.urandom(8).hex())
    admin.save()
    agency = seed_agencies(admin, count=3, rng=random.Random(5))[0]
    employer = ForeignParty.objects.get(name="Formosa Precision Manufacturing Co., Ltd.")
    today = timezone.localdate()
    groups = ("select", "select_floor", "arrival", "arrival_floor")
    job_order = services.job_order_create(actor=admin, via="bench", data={
        "agency": str(agency.public_id), "employer": str(employer.public_id), "country": "TW",
        "position_title": "Electronics assembler", "occupation": "8212", "headcount_any": len(groups) * n,
        "salary_amount": "27470", "salary_currency": "TWD", "contract_months": 36})
    job_order = services.job_order_verify(actor=admin, public_id=job_order.public_id, via="bench",
                                          verified_on=today - dt.timedelta(days=30),
                                          verification_reference="KDEI/TPE/BENCH/1")
    sip2mi = services.sip2mi_issue(actor=admin, job_order_public_id=job_order.public_id, number="SIP2MI/BENCH/1",
                                   quota=len(groups) * n, valid_from=today - dt.timedelta(days=20),
                                   valid_until=today + dt.timedelta(days=300), via="bench")
    regency = Regency.objects.get(code="3201")
    total = len(groups) * n
    births = [dt.date(1996, 4, 5) + dt.timedelta(days=i // 9000) for i in range(total)]
    Person.objects.bulk_create(
        [Person(nik=nik_for(regency_code="3201", district="01", birth_date=births[i], sex="F", sequence=i % 9000 + 1),
                full_name=f"Pekerja Uji {i}", name_key=f"pekerja uji {i}", sex="F", birth_date=births[i],
                birth_place="Bogor", address="Jl. Uji", regency=regency, education="sma", marital_status="single")
         for i in range(total)], batch_size=2000)
    people = list(Person.objects.order_by("id"))
    common = {"scheme": Scheme.objects.get(code="p_to_p"), "agency": agency, "job_order": job_order,
              "sip2mi": sip2mi, "employer": employer, "country": Country.objects.get(iso2="TW"),
              "occupation": Occupation.objects.get(isco_code="8212"), "sector": "formal",
              "contract_start": today + dt.timedelta(days=40), "contract_end": today + dt.timedelta(days=40 + 1095),
              "created_by": admin}
    start_state = {"select": "verified", "select_floor": "verified", "arrival": "departed",
                   "arrival_floor": "departed"}
    rows = {}
    for index, name in enumerate(groups):
        chunk = people[index * n:(index + 1) * n]
        Placement.objects.bulk_create([Placement(person=p, state=start_state[name], **common) for p in chunk],
                                      batch_size=2000)
        rows[name] = list(Placement.objects.filter(person__in=chunk).order_by("id").values_list("id", "public_id"))
    return admin, rows


def _floor_step(admin_id: int):
    """The three writes of a transition, raw, in one transaction."""
    import json as _json

    from django.db import connection, transaction
    from django.utils import timezone

    from lindungi.audit.models import AuditEvent
    from lindungi.placements.models import Placement, PlacementTransition

    q = connection.ops.quote_name
    update = (f"UPDATE {q(Placement._meta.db_table)} SET state = %s, version = %s, state_changed_at = %s, "
              f"updated_at = %s WHERE id = %s AND state = %s AND version = %s")
    insert_transition = (f"INSERT INTO {q(PlacementTransition._meta.db_table)} "
                         f"(placement_id, from_state, to_state, actor_id, reason, at, via, version) "
                         f"VALUES (%s, %s, %s, %s, '', %s, 'bench', %s)")
    insert_audit = (f"INSERT INTO {q(AuditEvent._meta.db_table)} "
                    f"(at, actor_id, action, object_type, object_id, changes, reason, via) "
                    f"VALUES (%s, %s, 'placement.transition', 'placement', %s, %s, '', 'bench')")

    def step(pk: int, from_state: str, to_state: str) -> None:
        now = timezone.now()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(update, [to_state, 2, now, now, pk, from_state, 1])
            assert cursor.rowcount == 1
            cursor.execute(insert_transition, [pk, from_state, to_state, admin_id, now, 2])
            cursor.execute(insert_audit, [now, admin_id, pk, _json.dumps({"state": [from_state, to_state]})])

    return step


def _timed(items, step) -> tuple[float, list[float]]:
    latencies = []
    started = time.perf_counter()
    for item in items:
        t0 = time.perf_counter()
        step(item)
        latencies.append(time.perf_counter() - t0)
    return time.perf_counter() - started, latencies


def _summary(rates: list[float], latencies: list[float]) -> dict:
    latencies = sorted(latencies)
    return {"per_s_median": round(statistics.median(rates)), "per_s_min": round(min(rates)),
            "per_s_max": round(max(rates)), "p50_ms": round(1000 * statistics.median(latencies), 3),
            "p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 3)}


def _worker(n: int, batch: int) -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lindungi.placements.services import placement_transition

    admin, rows = _setup(n)
    floor = _floor_step(admin.pk)
    paths = {"register_arrival": ("arrival", "departed", "working_abroad"),
             "select": ("select", "verified", "selected")}
    result = {}
    for label, (group, from_state, to_state) in paths.items():
        candidate_rows, floor_rows = list(rows[group]), list(rows[group + "_floor"])

        def candidate(row, to_state=to_state):
            placement_transition(actor=admin, public_id=row[1], to_state=to_state, via="bench")

        def floor_row(row, from_state=from_state, to_state=to_state):
            floor(row[0], from_state, to_state)

        # Warm both sides (and count the candidate's queries) outside the timed rounds.
        with CaptureQueriesContext(connection) as captured:
            for row in candidate_rows[:20]:
                candidate(row)
        for row in floor_rows[:20]:
            floor_row(row)
        queries = len(captured.captured_queries) / 20
        candidate_rows, floor_rows = candidate_rows[20:], floor_rows[20:]
        rates = {"candidate": [], "floor": []}
        latencies = {"candidate": [], "floor": []}
        for start in range(0, min(len(candidate_rows), len(floor_rows)), batch):
            for side, items, step in (("candidate", candidate_rows[start:start + batch], candidate),
                                      ("floor", floor_rows[start:start + batch], floor_row)):
                seconds, lat = _timed(items, step)
                rates[side].append(len(items) / seconds)
                latencies[side].extend(lat)
        ratios = [c / f for c, f in zip(rates["candidate"], rates["floor"], strict=True)]
        result[label] = {"queries_per_transition": queries, "rounds": len(ratios),
                         "candidate": _summary(rates["candidate"], latencies["candidate"]),
                         "floor": _summary(rates["floor"], latencies["floor"]),
                         "ratio_median": round(statistics.median(ratios), 3),
                         "ratio_min": round(min(ratios), 3), "ratio_max": round(max(ratios), 3)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--n", type=int, default=3000, help="placements per group")
    parser.add_argument("--batch", type=int, default=200, help="transitions per side in one round")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print("RESULT " + json.dumps(_worker(args.n, args.batch)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_path = str(Path(tmp) / "bench.sqlite3")
        env = _env(args.backend, sqlite_path)
        env["ACCESS_LOG_FLUSH_SECONDS"] = "0"
        _reset(args.backend, env, sqlite_path)
        proc = subprocess.run([PY, __file__, "--worker", "--n", str(args.n), "--batch", str(args.batch)],
                              cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode:
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit("transition floor benchmark failed")
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    result = {"backend": args.backend, "placements_per_group": args.n,
              "load": os.getloadavg(), "date": time.strftime("%Y-%m-%d %H:%M"), **json.loads(line[7:])}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
