"""The complaint desk at national scale: N open cases (default 100,000).

1. **Deadline command** — ``cases.services.case_deadlines_apply`` (what ``manage.py case_deadlines``
   runs: per rule one cutoff, a claiming ``UPDATE``, the closing ``UPDATE``, multi-row inserts of
   timeline and audit events, then the warnings) against the floor: **one raw SQL ``SELECT``** that
   finds the same overdue cases (the four Pasal 30 conditions OR-ed, with the same cutoffs). The two
   are interleaved in one run, ``--repeat`` times each; every command run is rolled back so each sees
   the same data. The data is the daily steady state: each rule's anchors are spread evenly over its
   period plus one day, so about one case in 31 (30 days), 61 (60 days), 22 (15 working days) or 185
   (6 months) of those a rule watches falls due today.
2. **Inbox** — ``GET /api/v1/cases?state=open&page=<1..20>`` under gunicorn (2 sync workers) with 32
   concurrent wrk connections, as a unit officer (its unit's cases) and as the national
   administrator (all): p50, p95, requests/s; plus the queries one page costs.

Figures go to ``bench/results/cases-<backend>.json``.

    .venv/bin/python bench/bench_cases.py --backend sqlite --n 100000
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

from bench.common import DATA, PY, ROOT, Server, backend_env, reset_database, save  # noqa: E402

UNITS = ["BP3MI-JABAR", "BP3MI-JATIM", "BP3MI-JATENG", "BP3MI-NTB", "BP3MI-NTT", "BP3MI-LAMPUNG", "BP3MI-BANTEN",
         "BP3MI-DKI", "BP3MI-SUMUT", "BP3MI-KALBAR"]


def _setup(n: int) -> None:
    """N open cases written directly (setting up is not measured)."""
    import datetime as dt
    import random

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from lindungi.accounts.models import User
    from lindungi.cases.models import Case, CaseCategory, ClarificationRound
    from lindungi.reference.models import OrgUnit

    rng = random.Random(9)
    today = timezone.localdate()
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=UNITS)}
    for username, role, unit in (("bench.admin", "admin", None), ("bench.officer", "unit_officer",
                                                                   units["BP3MI-JABAR"])):
        user = User(username=username, role=role, unit=unit)
        user.set_password("bench-password-1")
        user.save()
    from lindungi.demo.seed import seed_agencies

    agency = seed_agencies(User.objects.get(username="bench.admin"), count=3, rng=random.Random(5))[0]
    categories = list(CaseCategory.objects.all())
    secret = make_password("BENCHSECRET")
    states = ["registered", "verifying", "clarification", "mediation"]
    cases = []
    for i in range(n):
        state = rng.choices(states, weights=[25, 30, 30, 15])[0]
        case = Case(number=f"PGD-B-{i:07d}", tracking_code=f"ADU-B{i:07d}", secret_hash=secret,
                    channel="walk_in", complainant_name="Bench", complainant_relation="self",
                    complainant_phone="0812", worker_name=f"Pekerja {i}", summary="Bench", state=state,
                    unit=units[UNITS[i % len(UNITS)]], documents_complete=state in ("clarification", "mediation"),
                    registered_on=today - dt.timedelta(days=rng.randint(0, 31)))
        if state in ("registered", "verifying") and rng.random() < 0.5:
            case.documents_complete = True
            case.registered_on = today - dt.timedelta(days=rng.randint(0, 300))
        if rng.random() < 0.05:
            case.unreachable_since = today - dt.timedelta(days=rng.randint(0, 61))
        if state == "mediation" and rng.random() < 0.2:
            case.told_unresolvable_on = today - dt.timedelta(days=rng.randint(0, 185))
        case.deadline_on = today + dt.timedelta(days=rng.randint(-3, 30))
        case.deadline_code = "documents_incomplete"
        cases.append(case)
    Case.objects.bulk_create(cases, batch_size=5000)
    ids = list(Case.objects.filter(state="clarification").values_list("id", flat=True))
    rounds = []
    for pk in ids:
        to = rng.choice(["p3mi", "complainant"])
        rounds.append(ClarificationRound(case_id=pk, number=1, question="?", addressed_to=to,
                                         agency=agency if to == "p3mi" else None,
                                         requested_on=today - dt.timedelta(days=rng.randint(0, 22))))
    ClarificationRound.objects.bulk_create(rounds, batch_size=5000)
    through = Case.categories.through
    through.objects.bulk_create([through(case_id=pk, casecategory_id=categories[pk % len(categories)].pk)
                                 for pk in Case.objects.values_list("id", flat=True)], batch_size=5000)
    # Steady state: yesterday's run closed what was overdue then and warned what was due soon, so
    # today's run closes and warns only what reached its day since.
    from lindungi.cases.services import case_deadlines_apply

    Case.objects.update(state_changed_at=timezone.now() - dt.timedelta(days=400))
    case_deadlines_apply(today=today - dt.timedelta(days=1))


FLOOR_SQL = """
SELECT c.id FROM cases_case c
WHERE (c.state IN ('registered', 'verifying') AND c.documents_complete = %s
       AND c.registered_on <= %s AND c.registered_on >= %s)
   OR (c.state = 'clarification' AND EXISTS (
         SELECT 1 FROM cases_clarificationround r WHERE r.case_id = c.id AND r.answered_on IS NULL
            AND r.addressed_to = 'complainant' AND r.requested_on <= %s AND r.requested_on >= %s))
   OR (c.state IN ('registered', 'verifying', 'clarification', 'mediation')
       AND c.unreachable_since <= %s AND c.unreachable_since >= %s)
   OR (c.state IN ('registered', 'verifying', 'clarification', 'mediation')
       AND c.told_unresolvable_on <= %s AND c.told_unresolvable_on >= %s)
"""


def _worker(n: int, repeat: int) -> dict:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from lindungi.accounts.models import User
    from lindungi.cases import rules, selectors, services

    started = time.perf_counter()
    _setup(n)
    setup_s = time.perf_counter() - started
    today = timezone.localdate()
    facts = selectors.deadline_rules(on=today)
    holidays = selectors.holiday_days(start=today - __import__("datetime").timedelta(days=400))
    params = [False]
    for code in ("documents_incomplete", "no_clarification", "unreachable", "no_response"):
        rule = facts[code]
        params += [rules.cutoff(rule, today, holidays), rule.valid_from]

    def floor() -> int:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, params)
            return len(cursor.fetchall())

    def command(warn: bool) -> int:
        with transaction.atomic():
            run = services.case_deadlines_apply(today=today, warn=warn)
            transaction.set_rollback(True)
        return sum(run.closed.values())

    timings = {"floor": [], "close_only": [], "command": []}
    counts = {}
    floor()  # warm the page cache once for everyone
    for _ in range(repeat):
        sides = (("floor", floor), ("close_only", lambda: command(False)), ("command", lambda: command(True)))
        for name, call in sides:
            t0 = time.perf_counter()
            counts[name] = call()
            timings[name].append((time.perf_counter() - t0) * 1000)
    officer = User.objects.get(username="bench.officer")
    admin = User.objects.get(username="bench.admin")
    queries = {}
    for who in (officer, admin):
        selectors.case_list_for(who, state="open")
        with CaptureQueriesContext(connection) as ctx:
            selectors.case_list_for(who, state="open", page=3)
        queries[who.username] = len(ctx)

    def summary(values):
        return {"median_ms": round(statistics.median(values), 1), "min_ms": round(min(values), 1),
                "max_ms": round(max(values), 1)}

    out = {name: summary(values) for name, values in timings.items()}
    out["ratio_close_only"] = round(out["close_only"]["median_ms"] / out["floor"]["median_ms"], 2)
    out["ratio_command"] = round(out["command"]["median_ms"] / out["floor"]["median_ms"], 2)
    return {"cases": n, "setup_s": round(setup_s, 1), "found_by_floor": counts["floor"],
            "closed_by_command": counts["command"], "deadlines": out, "inbox_queries_per_page": queries}


def _wrk(url: str, path: str, pages: Path, *, header: str, seconds: int) -> dict:
    """``bench.common.wrk`` with a 10 s request timeout: on a loaded machine a page can queue
    behind 31 others for longer than wrk's default 2 s, which wrk counts as an error, not a latency."""
    from bench.common import wrk

    return wrk(url, path, pages, header=header, seconds=seconds, timeout_s=10)


def _free_port() -> int:
    """Other benchmarks may be serving on the usual ports of this machine."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(backend: str, n: int, repeat: int, seconds: int) -> dict:
    reset_database(backend)
    env = backend_env(backend)
    proc = subprocess.run([PY, __file__, "--worker", "--n", str(n), "--repeat", str(repeat)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if proc.returncode:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(proc.returncode)
    result = json.loads(next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))[7:])
    result["backend"] = backend
    save(f"cases-{backend}", result)  # the deadline figures stand even if the inbox run fails
    pages = DATA / "case_pages.txt"
    pages.write_text("\n".join(str(p) for p in range(1, 21)) + "\n")
    inbox = {}
    with Server(backend, _free_port()) as api:
        import urllib.request

        for username in ("bench.officer", "bench.admin"):
            body = json.dumps({"username": username, "password": "bench-password-1"}).encode()
            req = urllib.request.Request(api.url + "/api/v1/auth/token", data=body,
                                         headers={"Content-Type": "application/json"})
            token = json.load(urllib.request.urlopen(req))["token"]
            path = "/api/v1/cases?state=open&page_size=25&page="
            _wrk(api.url, path, pages, header=f"Bearer {token}", seconds=3)  # warm up
            inbox[username] = _wrk(api.url, path, pages, header=f"Bearer {token}", seconds=seconds)
    result["inbox_32_clients"] = inbox
    result["load"] = os.getloadavg()
    save(f"cases-{backend}", result)
    return result


SIZES = {"small": ["--n", "5000", "--repeat", "3", "--seconds", "5"], "full": ["--n", "100000"]}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="sqlite")
    parser.add_argument("--n", type=int, default=100_000, help="open cases")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each side, interleaved")
    parser.add_argument("--seconds", type=int, default=20, help="wrk duration per inbox run")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print("RESULT " + json.dumps(_worker(args.n, args.repeat)))
    else:
        run(args.backend, args.n, args.repeat, args.seconds)
