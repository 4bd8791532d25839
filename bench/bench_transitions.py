"""Placement transitions per second through ``placements.services.placement_transition`` (scoped
load, permission, every guard, compare-and-set on state and version, SIP2MI quota reservation, a
``PlacementTransition`` row and an audit event, one transaction each), beside a raw SQL
``UPDATE … SET state, version = version + 1 WHERE id AND state AND version`` loop, one statement per
transaction (the floor: the compare-and-set alone).

Two paths through the service:

* ``select`` (verified → selected): the heaviest step, all seven selection guards (age, education,
  destination rules, employer type, P3MI standing, verified job order, SIP2MI in force with quota)
  plus the quota compare-and-set;
* ``register_arrival`` (departed → working_abroad): no guard, so the fixed cost of the service.

Figures go to ``bench/results/transitions-<backend>.json``.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PY, ROOT, backend_env, reset_database, save  # noqa: E402


def _setup(n: int):
    """N placements in each starting state, written directly (setting up is not measured)."""
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
    job_order = services.job_order_create(actor=admin, via="bench", data={
        "agency": str(agency.public_id), "employer": str(employer.public_id), "country": "TW",
        "position_title": "Electronics assembler", "occupation": "8212", "headcount_any": 3 * n,
        "salary_amount": "27470", "salary_currency": "TWD", "contract_months": 36})
    job_order = services.job_order_verify(actor=admin, public_id=job_order.public_id, via="bench",
                                          verified_on=today - dt.timedelta(days=30),
                                          verification_reference="KDEI/TPE/BENCH/1")
    sip2mi = services.sip2mi_issue(actor=admin, job_order_public_id=job_order.public_id, number="SIP2MI/BENCH/1",
                                   quota=2 * n, valid_from=today - dt.timedelta(days=20),
                                   valid_until=today + dt.timedelta(days=300), via="bench")
    regency = Regency.objects.get(code="3201")
    births = [dt.date(1996, 4, 5) + dt.timedelta(days=i // 9000) for i in range(3 * n)]
    people = [Person(nik=nik_for(regency_code="3201", district="01", birth_date=births[i], sex="F",
                                 sequence=i % 9000 + 1),
                     full_name=f"Pekerja Uji {i}", name_key=f"pekerja uji {i}", sex="F", birth_date=births[i],
                     birth_place="Bogor", address="Jl. Uji", regency=regency, education="sma",
                     marital_status="single") for i in range(3 * n)]
    Person.objects.bulk_create(people, batch_size=2000)
    people = list(Person.objects.order_by("id"))
    common = {"scheme": Scheme.objects.get(code="p_to_p"), "agency": agency, "job_order": job_order,
              "sip2mi": sip2mi, "employer": employer, "country": Country.objects.get(iso2="TW"),
              "occupation": Occupation.objects.get(isco_code="8212"), "sector": "formal",
              "contract_start": today + dt.timedelta(days=40), "contract_end": today + dt.timedelta(days=40 + 1095),
              "created_by": admin}
    groups = {"select": "verified", "arrival": "departed", "floor": "verified"}
    ids = {}
    for index, (name, state) in enumerate(groups.items()):
        rows = [Placement(person=p, state=state, **common) for p in people[index * n:(index + 1) * n]]
        Placement.objects.bulk_create(rows, batch_size=2000)
        ids[name] = list(Placement.objects.filter(person__in=people[index * n:(index + 1) * n])
                         .order_by("id").values_list("id", flat=True))
    return admin, ids


def _loop(ids: list[int], step) -> dict:
    latencies = []
    started = time.perf_counter()
    for pk in ids:
        t0 = time.perf_counter()
        step(pk)
        latencies.append(time.perf_counter() - t0)
    seconds = time.perf_counter() - started
    latencies.sort()
    return {"n": len(ids), "seconds": round(seconds, 2), "per_s": round(len(ids) / seconds),
            "p50_ms": round(1000 * statistics.median(latencies), 2),
            "p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 2)}


def _queries(ids: list[int], step) -> float:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        for pk in ids:
            step(pk)
    return round(len(captured.captured_queries) / len(ids), 1)


def _worker(n: int) -> dict:
    import django

    django.setup()
    from django.db import connection

    from lindungi.placements.models import Placement, PlacementTransition
    from lindungi.placements.services import placement_transition

    admin, ids = _setup(n)
    public = dict(Placement.objects.values_list("id", "public_id"))  # the service takes public ids

    def select(pk):
        placement_transition(actor=admin, public_id=public[pk], to_state="selected", via="bench")

    def arrive(pk):
        placement_transition(actor=admin, public_id=public[pk], to_state="working_abroad", via="bench")

    table = connection.ops.quote_name(Placement._meta.db_table)
    sql = f"UPDATE {table} SET state = %s, version = version + 1 WHERE id = %s AND state = %s AND version = %s"

    def floor(pk):
        with connection.cursor() as cursor:  # autocommit: one statement, one transaction
            cursor.execute(sql, ["selected", pk, "verified", 1])
            assert cursor.rowcount == 1

    sample = 50
    result = {
        "queries_per_transition": {"select": _queries(ids["select"][:sample], select),
                                   "register_arrival": _queries(ids["arrival"][:sample], arrive)},
        "service_select": _loop(ids["select"][sample:], select),
        "service_register_arrival": _loop(ids["arrival"][sample:], arrive),
        "floor_sql_update": _loop(ids["floor"], floor),
    }
    assert Placement.objects.filter(state="selected").count() == 2 * n
    assert PlacementTransition.objects.count() == 2 * n
    result["ratio_select_to_floor"] = round(result["service_select"]["per_s"] / result["floor_sql_update"]["per_s"],
                                            4)
    result["ratio_arrival_to_floor"] = round(
        result["service_register_arrival"]["per_s"] / result["floor_sql_update"]["per_s"], 4)
    return result


def run(backend: str, n: int) -> dict:
    reset_database(backend)
    proc = subprocess.run([PY, str(Path(__file__).resolve()), "--worker", "--n", str(n)], cwd=ROOT,
                          env=backend_env(backend), capture_output=True, text=True)
    if proc.returncode:
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit("transition benchmark failed")
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    result = {"backend": backend, "placements": n, **json.loads(line[len("RESULT "):])}
    save(f"transitions-{backend}", result)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="sqlite")
    parser.add_argument("--n", type=int, default=5000, help="placements moved per path")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print("RESULT " + json.dumps(_worker(args.n)))
    else:
        run(args.backend, args.n)
