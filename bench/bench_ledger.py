"""The ledger check at national scale: N cost entries (default 100,000) judged against the cost
rules on record, each by the rule in force on its paid date, payments of one worker for one
component under one rule adding up in paid-date order.

- **candidate** — ``supervision.selectors.ledger_check``: the rules loaded once, each entry's
  facts read in one ordered query, the rule picked in Python (``supervision.rules.pick``), the
  excess computed with ``rules.judge``;
- **floor** — ``FLOOR_SQL``: the same answer from one SQL statement (candidate rules joined per entry,
  the most specific ranked first with ``ROW_NUMBER``, a running ``SUM`` per worker, component and
  rule). ``tests/bench`` checks that both find the same entries with the same amounts.

The sides are interleaved in rotating order (``bench.common.interleave``), ``--rounds`` times after
``--warmup`` rounds; the rate is entries judged per second. Setting up (people, placements to
Hong Kong, Taiwan and Malaysia over the years of the seeded rules, entries) is written in bulk and
not measured.

    .venv/bin/python bench/bench_ledger.py --backend sqlite --entries 100000
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    BACKENDS,
    PY,
    ROOT,
    backend_env,
    markdown_rows,
    reset_database,
    save,
)

SIZES = {"small": ["--entries", "10000", "--rounds", "3"], "full": ["--entries", "100000"]}

FLOOR_SQL = """
WITH facts AS (
  SELECT e.id, e.person_id, e.component_id, e.paid_on, e.amount_idr,
         p.country_id, p.occupation_id, o.zero_cost, p.scheme_id
  FROM supervision_costentry e
  LEFT JOIN placements_placement p ON p.id = e.placement_id
  LEFT JOIN reference_occupation o ON o.id = p.occupation_id
), candidates AS (
  SELECT f.*, r.id AS rule_id, r.max_worker_amount, r.currency,
         ROW_NUMBER() OVER (PARTITION BY f.id ORDER BY
           CASE WHEN r.country_id IS NOT NULL THEN 1 ELSE 0 END DESC,
           CASE WHEN r.occupation_id IS NOT NULL THEN 2 WHEN r.occupation_group <> '' THEN 1 ELSE 0 END DESC,
           CASE WHEN r.scheme_id IS NOT NULL THEN 1 ELSE 0 END DESC,
           COALESCE(r.valid_from, '0001-01-01') DESC, r.id DESC) AS rank
  FROM facts f
  JOIN supervision_costrule r ON r.component_id = f.component_id
   AND (r.valid_from IS NULL OR r.valid_from <= f.paid_on) AND (r.valid_to IS NULL OR r.valid_to >= f.paid_on)
   AND (r.country_id IS NULL OR r.country_id = f.country_id)
   AND (r.scheme_id IS NULL OR r.scheme_id = f.scheme_id)
   AND (r.occupation_id = f.occupation_id
        OR (r.occupation_id IS NULL AND (r.occupation_group = ''
            OR (r.occupation_group = 'zero_cost' AND f.zero_cost = %s)
            OR (r.occupation_group = 'other' AND f.zero_cost = %s))))
), chosen AS (
  SELECT c.*,
         CASE WHEN c.currency = 'IDR' THEN c.max_worker_amount ELSE ROUND(c.max_worker_amount * (
           SELECT x.rate_to_idr FROM supervision_exchangerate x WHERE x.currency = c.currency AND x."on" <= c.paid_on
           ORDER BY x."on" DESC, x.id DESC LIMIT 1), 2) END AS max_idr,
         SUM(c.amount_idr) OVER (PARTITION BY c.person_id, c.component_id, c.rule_id
                                 ORDER BY c.paid_on, c.id ROWS UNBOUNDED PRECEDING) AS paid
  FROM candidates c WHERE c.rank = 1
)
SELECT id, rule_id, CASE WHEN paid - max_idr < amount_idr THEN paid - max_idr ELSE amount_idr END AS over
FROM chosen WHERE max_idr IS NOT NULL AND paid > max_idr
"""


def floor_check(connection) -> dict:
    """``{entry id: (rule id, amount over)}`` from ``FLOOR_SQL``, as ``ledger_check`` answers."""
    from decimal import Decimal

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, [True, False])
        return {pk: (rule, Decimal(str(over)).quantize(Decimal("0.01"))) for pk, rule, over in cursor.fetchall()}


def setup(entries: int, *, seed: int = 17) -> dict:
    """People with one placement each (Hong Kong housekeepers, Taiwan factory workers and
    caregivers, Malaysian plantation workers), and about five cost entries per person paid between
    2012 and 2025, written in bulk."""
    import datetime as dt
    import random
    from decimal import Decimal

    from lindungi.placements.models import Placement, Scheme
    from lindungi.reference.models import Country, Occupation, Regency
    from lindungi.registry.models import Person
    from lindungi.supervision.models import CostComponent, CostEntry, ExchangeRate

    rng = random.Random(seed)
    regency = Regency.objects.get(code="3201")
    scheme = Scheme.objects.get(code="p_to_p")
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in=["HK", "TW", "MY"])}
    occupations = {o.isco_code: o for o in Occupation.objects.filter(isco_code__in=["5152", "8211", "5322", "9211"])}
    kinds = [("HK", "5152"), ("TW", "8211"), ("TW", "5322"), ("MY", "9211")]
    components = list(CostComponent.objects.all())
    for year in range(2012, 2026):
        ExchangeRate.objects.create(currency="HKD", rate_to_idr=Decimal(1200 + 60 * (year - 2012)),
                                    on=dt.date(year, 1, 1), source="bench")
    persons = max(1, entries // 5)
    people = [Person(nik=f"3201{i:012d}", full_name=f"Pekerja {i}", name_key=f"pekerja {i}", sex="F",
                     birth_date=dt.date(1995, 1, 1), birth_place="Bogor", address="-", regency=regency,
                     education="sma", marital_status="single") for i in range(persons)]
    Person.objects.bulk_create(people, batch_size=5000)
    people = list(Person.objects.order_by("id").values_list("id", flat=True))
    placements = []
    for i, person_id in enumerate(people):
        iso2, isco = kinds[i % len(kinds)]
        placements.append(Placement(person_id=person_id, scheme=scheme, country=countries[iso2],
                                    occupation=occupations[isco], sector="informal", state="returned",
                                    migrated=True))
    Placement.objects.bulk_create(placements, batch_size=5000)
    placement_of = dict(Placement.objects.values_list("person_id", "id"))
    rows = []
    for n in range(entries):
        person_id = people[n % persons]
        component = rng.choice(components)
        day = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randint(0, 14 * 365))
        hkd = rng.random() < 0.1
        amount = Decimal(rng.randrange(100, 3000)) if hkd else Decimal(rng.randrange(50_000, 15_000_000, 50_000))
        rate = Decimal(1200 + 60 * (day.year - 2012)) if hkd else Decimal(1)
        rows.append(CostEntry(person_id=person_id, placement_id=placement_of[person_id], component=component,
                              amount=amount, currency="HKD" if hkd else "IDR", amount_idr=amount * rate,
                              paid_to_kind="p3mi", paid_on=day, financing="cash", source="verification",
                              check_result="no_rule"))
    CostEntry.objects.bulk_create(rows, batch_size=5000)
    return {"persons": persons, "entries": entries}


def _worker(entries: int, rounds: int, warmup: int) -> dict:
    import django

    django.setup()
    from django.db import connection

    from bench.common import Round, interleave
    from lindungi.supervision.selectors import ledger_check

    started = time.perf_counter()
    sizes = setup(entries)
    setup_s = time.perf_counter() - started
    found = {}

    def side(name, check):
        def run(_number):
            t0 = time.perf_counter()
            found[name] = check()
            seconds = time.perf_counter() - t0
            return Round(rate=entries / seconds, latencies_ms=[seconds * 1000], operations=entries)
        return run

    report = interleave({"floor": side("floor", lambda: floor_check(connection)),
                         "ledger_check": side("ledger_check", ledger_check)},
                        floor="floor", rounds=rounds, warmup=warmup,
                        log=lambda line: print(line, file=sys.stderr))
    same = found["floor"] == found["ledger_check"]
    return {**sizes, "setup_s": round(setup_s, 1), "flagged": len(found["ledger_check"]), "same_answer": same,
            "report": report}


def run(backend: str, entries: int, rounds: int, warmup: int) -> dict:
    import subprocess

    reset_database(backend)
    proc = subprocess.run([PY, __file__, "--worker", "--entries", str(entries), "--rounds", str(rounds),
                           "--warmup", str(warmup)], cwd=ROOT, env=backend_env(backend), capture_output=True,
                          text=True)
    if proc.returncode:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(proc.returncode)
    result = json.loads(next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))[7:])
    result["backend"] = backend
    save(f"ledger-{backend}", result)
    print(markdown_rows(f"ledger check, {entries:,} entries ({backend})", result["report"]))
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="sqlite", choices=BACKENDS)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds per side")
    parser.add_argument("--warmup", type=int, default=1, help="unrecorded rounds first")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print("RESULT " + json.dumps(_worker(args.entries, args.rounds, args.warmup), default=str))
    else:
        run(args.backend, args.entries, args.rounds, args.warmup)
