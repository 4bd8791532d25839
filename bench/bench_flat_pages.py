"""Staff list and dashboard pages at two sizes: is the time at the large size within 2x of the small?

For each size (default 100,000 and 1,000,000 people, with placements = 30% of people: 30,000 and
300,000) a fresh database is filled by bulk SQL (not the services: setting up is not measured):
people with their name tokens, placements in every state with their ``departed`` transitions
spread over this year and last. The database triggers that keep the dashboard counts fire during
the load, as they would for an import. Then every page is requested through Django's test client
(in process, no HTTP server; the access log written inside each request) as three actors: the
central administrator (national scope), a BP3MI officer (Jawa Barat) and a P3MI staff member,
pages interleaved round-robin so machine load hits them alike. Two-word name searches
("Sri Wah", "Nur Lest", …) drawn from the generated names are measured as a page of their own.

Reports per page and actor median and p95 at each size, and the ratio large / small
(target: at most 2). Queries per page are counted once per page.

    .venv/bin/python bench/bench_flat_pages.py --backend sqlite
    .venv/bin/python bench/bench_flat_pages.py --backend postgres --sizes 100000,1000000
"""

import argparse
import datetime as dt
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PG_BASE = os.environ.get("DATABASE_URL_BENCH_BASE", "postgres://lindungi:lindungi-ci@127.0.0.1:5432")

PAGES = {
    "dashboard": "/",
    "persons": "/persons/",
    "persons_page_40": "/persons/?page=40",
    "persons_female": "/persons/?sex=F",
    "name_search_2_words": None,  # filled from the generated names
    "placements": "/placements/",
    "placements_working_abroad": "/placements/?state=working_abroad",
    "job_orders": "/job-orders/",
    "agencies": "/agencies/",
    "foreign_parties": "/foreign-parties/",
    "duplicates": "/duplicates/",
    "imports": "/imports/",
    "exports": "/exports/",
}
# Placement states with their share of the generated placements.
STATES = {"registered": 6, "verified": 5, "selected": 4, "agreement_signed": 3, "documents_verified": 3,
          "orientation_done": 2, "ready_to_depart": 2, "departed": 2, "working_abroad": 35, "extended": 5,
          "on_leave": 2, "returned": 15, "repatriated": 1, "deported": 1, "returnee": 8, "withdrawn": 4,
          "failed_medical": 1, "failed_departure": 1}
DEPARTED_STATES = {"departed", "working_abroad", "extended", "on_leave", "returned", "repatriated", "deported",
                   "returnee"}


def _env(backend: str, sqlite_path: str, pg_name: str) -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings", PYTHONPATH=str(ROOT),
               ACCESS_LOG_FLUSH_SECONDS="0", API_TOKEN_CACHE_SECONDS="0")
    env.pop("DATABASE_URL", None)
    if backend == "sqlite":
        env["SQLITE_PATH"] = sqlite_path
    else:
        env["DATABASE_URL"] = f"{PG_BASE}/{pg_name}"
    return env


def _reset(backend: str, env: dict, sqlite_path: str, pg_name: str) -> None:
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(sqlite_path + suffix).unlink(missing_ok=True)
    else:
        import psycopg

        with psycopg.connect(PG_BASE + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}"')
            conn.execute(f'CREATE DATABASE "{pg_name}"')
    subprocess.run([PY, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True)


# ---------------------------------------------------------------------------------------------
# Data, by bulk SQL
# ---------------------------------------------------------------------------------------------


def _bulk_insert(table: str, columns: tuple[str, ...], rows) -> None:
    """Rows into a table: one COPY on PostgreSQL, multi-row executemany on SQLite."""
    from django.db import connection

    rows = list(rows)
    if not rows:
        return
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join("\\N" if v is None else str(v).replace("\t", " ") for v in row) + "\n")
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor: COPY is not part of the DB-API
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                copy.write(buffer.getvalue())
        return
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def _generate(people: int, placements: int, seed: int = 7) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from lindungi.accounts.models import User
    from lindungi.agencies.models import ForeignParty
    from lindungi.common.text import search_tokens
    from lindungi.demo.names import FAMILY, FEMALE, MALE
    from lindungi.demo.seed import seed_agencies
    from lindungi.placements.models import Scheme
    from lindungi.reference.models import Country, Occupation, OrgUnit, Regency, UnitCoverage

    rng = random.Random(seed)
    if connection.vendor == "sqlite":  # a larger page cache for the load (the default is 2 MB)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -400000")
    admin = User.objects.create_user(username="bench.admin", password=uuid.uuid4().hex, role="admin",
                                     is_staff=True, is_superuser=True)
    agencies = seed_agencies(admin, count=20, rng=rng)
    unit = OrgUnit.objects.filter(coverage__province__code="32").first() or OrgUnit.objects.first()
    if not UnitCoverage.objects.filter(unit=unit).exists():
        raise SystemExit("no unit covers Jawa Barat")
    officer = User.objects.create_user(username="bench.officer", password=uuid.uuid4().hex, role="unit_officer",
                                       unit=unit)
    p3mi = User.objects.create_user(username="bench.p3mi", password=uuid.uuid4().hex, role="p3mi_staff",
                                    agency=agencies[0])
    regencies = list(Regency.objects.filter(valid_to__isnull=True).values_list("id", "code"))
    # Java and Nusa Tenggara send most workers: weight their regencies up.
    weights = [6 if code[:2] in ("32", "33", "35", "52", "53") else 1 for _id, code in regencies]
    agency_ids = [a.pk for a in agencies]
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    started = time.perf_counter()
    person_columns = ("public_id", "created_at", "updated_at", "nik", "full_name", "name_key", "sex", "birth_date",
                      "birth_place", "address", "village_name", "education", "marital_status", "religion", "phone",
                      "nik_warnings", "agency_id", "regency_id")
    token_columns = ("person_id", "token", "sort_name", "regency_id", "agency_id")
    uuid_value = (lambda u: u.hex) if connection.vendor == "sqlite" else str
    chunk = 20_000
    names: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM registry_person")
        first_id = cursor.fetchone()[0] + 1
    person_regency: list[int] = []
    person_agency: list[int | None] = []
    for start in range(0, people, chunk):
        rows, tokens = [], []
        for i in range(start, min(start + chunk, people)):
            female = rng.random() < 0.7
            given = FEMALE if female else MALE
            first = rng.choice(given)
            name = f"{first} {rng.choice(given)} {rng.choice(FAMILY)}" if rng.random() < 0.4 else \
                f"{first} {rng.choice(FAMILY)}"
            regency_id, code = rng.choices(regencies, weights)[0]
            agency_id = rng.choice(agency_ids) if rng.random() < 0.3 else None
            birth = dt.date(1975, 1, 1) + dt.timedelta(days=rng.randrange(365 * 30))
            rows.append((uuid_value(uuid.uuid4()), stamp, stamp, f"{code}01{i:010d}", name, name.lower(),
                         "F" if female else "M", birth.isoformat(), "Bogor", "Jl. Melati", "", "sma", "single", "",
                         "", "[]", agency_id, regency_id))
            person_id = first_id + i
            tokens += [(person_id, t, name.lower(), regency_id, agency_id) for t in search_tokens(name)]
            person_regency.append(regency_id)
            person_agency.append(agency_id)
            if len(names) < 5000:
                names.append(name)
        with transaction.atomic():
            _bulk_insert("registry_person", person_columns, rows)
            _bulk_insert("registry_personnametoken", token_columns, tokens)
    people_seconds = time.perf_counter() - started

    started = time.perf_counter()
    scheme = Scheme.objects.get(code="p_to_p").pk
    countries = list(Country.objects.filter(iso2__in=["TW", "HK", "MY", "SG", "KR", "JP", "SA"])
                     .values_list("id", flat=True))
    occupations = list(Occupation.objects.values_list("id", flat=True)[:50])
    employer = ForeignParty.objects.filter(role="employer").values_list("id", flat=True).first()
    placement_columns = ("public_id", "created_at", "updated_at", "sector", "contract_start", "contract_end", "state",
                         "version", "state_changed_at", "quota_held", "migrated", "agency_id", "country_id",
                         "employer_id", "occupation_id", "person_id", "scheme_id")
    transition_columns = ("placement_id", "from_state", "to_state", "reason", "at", "via", "version", "actor_id")
    state_names, state_weights = list(STATES), list(STATES.values())
    chosen = rng.sample(range(people), placements)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM placements_placement")
        first_placement = cursor.fetchone()[0] + 1
    false = False if connection.vendor == "postgresql" else 0
    for start in range(0, placements, chunk):
        rows, transitions = [], []
        for offset, index in enumerate(chosen[start:start + chunk]):
            state = rng.choices(state_names, state_weights)[0]
            changed = now - dt.timedelta(days=rng.randrange(700), seconds=rng.randrange(86400))
            agency_id = person_agency[index] or rng.choice(agency_ids)
            begin = changed.date() + dt.timedelta(days=30)
            rows.append((uuid_value(uuid.uuid4()), stamp, stamp, "formal", begin.isoformat(),
                         (begin + dt.timedelta(days=730)).isoformat(), state, 2,
                         connection.ops.adapt_datetimefield_value(changed), false, false, agency_id,
                         rng.choice(countries), employer, rng.choice(occupations), first_id + index, scheme))
            if state in DEPARTED_STATES:
                transitions.append((first_placement + start + offset, "ready_to_depart", "departed", "",
                                    connection.ops.adapt_datetimefield_value(changed - dt.timedelta(days=5)),
                                    "bench", 2, admin.pk))
        with transaction.atomic():
            _bulk_insert("placements_placement", placement_columns, rows)
            _bulk_insert("placements_placementtransition", transition_columns, transitions)
    placements_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")
        cursor.execute("SELECT COUNT(*) FROM registry_person")
        assert cursor.fetchone()[0] == people
        cursor.execute("SELECT COUNT(*) FROM placements_placement p JOIN registry_person r ON r.id = p.person_id")
        assert cursor.fetchone()[0] == placements
    return {"admin": admin.pk, "officer": officer.pk, "p3mi": p3mi.pk, "names": names,
            "load_seconds": {"people": round(people_seconds, 1), "placements": round(placements_seconds, 1)}}


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------


def _two_word_queries(names: list[str], count: int, rng: random.Random) -> list[str]:
    queries = []
    usable = [n for n in names if len(n.split()[0]) >= 3 and len(n.split()[-1]) >= 3]
    for name in rng.sample(usable, count):
        words = name.split()
        first, last = words[0], words[-1]
        queries.append(f"{first[:rng.randint(3, len(first))]} {last[:rng.randint(3, len(last))]}")
    return queries


def _measure(data: dict, rounds: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lindungi.accounts.models import User

    rng = random.Random(11)
    searches = _two_word_queries(data["names"], rounds * 3, rng)
    actors = {"admin": data["admin"], "officer": data["officer"], "p3mi": data["p3mi"]}
    clients = {}
    for label, pk in actors.items():
        client = Client()
        client.force_login(User.objects.get(pk=pk))
        clients[label] = client
    times: dict[str, list[float]] = {}
    queries: dict[str, int] = {}
    plan = [(actor, page, url) for actor in actors for page, url in PAGES.items()]

    def fetch(actor, page, url, attempt, allowed=(200,)):
        if url is None:
            url = "/persons/?q=" + searches[attempt % len(searches)].replace(" ", "+")
        t0 = time.perf_counter()
        response = clients[actor].get(url)
        elapsed = time.perf_counter() - t0
        assert response.status_code in allowed, (actor, url, response.status_code)
        return elapsed if response.status_code == 200 else None

    # Pages a role may not open (403) are left out for that role.
    plan = [(actor, page, url) for actor, page, url in plan if fetch(actor, page, url, 0, (200, 403)) is not None]
    for actor, page, url in plan:  # warm up, count queries
        with CaptureQueriesContext(connection) as captured:
            fetch(actor, page, url, 1)
        queries[f"{actor}:{page}"] = len(captured.captured_queries)
    for attempt in range(rounds):
        for actor, page, url in plan:
            repeats = 3 if url is None else 1  # more samples for the search p95
            for r in range(repeats):
                times.setdefault(f"{actor}:{page}", []).append(fetch(actor, page, url, attempt * 3 + r))
    out = {}
    for key, values in times.items():
        values.sort()
        out[key] = {"median_ms": round(1000 * statistics.median(values), 1),
                    "p95_ms": round(1000 * values[min(len(values) - 1, int(0.95 * len(values)))], 1),
                    "queries": queries[key], "n": len(values)}
    return out


def _worker(people: int, placements: int, rounds: int) -> dict:
    import django

    django.setup()
    data = _generate(people, placements)
    return {"load_seconds": data["load_seconds"], "pages": _measure(data, rounds)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--sizes", default="100000,1000000", help="people at the small and the large size")
    parser.add_argument("--placement-share", type=float, default=0.3, help="placements per person")
    parser.add_argument("--rounds", type=int, default=20, help="requests per page and actor")
    parser.add_argument("--combine", action="store_true", help="only report the ratio from earlier runs")
    parser.add_argument("--worker", nargs=3, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print("RESULT " + json.dumps(_worker(*args.worker)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    if not args.combine:
        with tempfile.TemporaryDirectory(dir=str(ROOT / "bench")) as tmp:
            for size in sizes:
                _run_size(args, size, Path(tmp), results_dir)
    _report(args.backend, sizes, results_dir)


def _run_size(args, size: int, tmp: Path, results_dir: Path) -> None:
    """One size in a fresh database; its figures go to ``flat-pages-<backend>-<size>.json`` at once,
    so sizes may run one after the other or side by side (``--sizes 100000`` and ``--sizes 1000000``)."""
    sqlite_path = str(tmp / f"flat-{size}.sqlite3")
    pg_name = f"lindungi_bench_flat_{size}"
    env = _env(args.backend, sqlite_path, pg_name)
    _reset(args.backend, env, sqlite_path, pg_name)
    placements = int(size * args.placement_share)
    proc = subprocess.run([PY, __file__, "--worker", str(size), str(placements), str(args.rounds)],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit("flat pages benchmark failed")
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    result = {"date": time.strftime("%Y-%m-%d %H:%M"), "load": os.getloadavg(), "placements": placements,
              **json.loads(line[7:])}
    (results_dir / f"flat-pages-{args.backend}-{size}.json").write_text(json.dumps(result, indent=1))
    sys.stderr.write(f"{args.backend} {size}: loaded in {result['load_seconds']}, load {result['load']}\n")
    if args.backend == "postgres":
        import psycopg

        with psycopg.connect(PG_BASE + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}"')


def _report(backend: str, sizes: list[int], results_dir: Path) -> None:
    """The ratio large / small per page, from the per-size files."""
    results = {}
    for size in sizes:
        path = results_dir / f"flat-pages-{backend}-{size}.json"
        if path.exists():
            results[size] = json.loads(path.read_text())
    if len(results) < 2:
        return
    small, large = min(results), max(results)
    ratios = {}
    for key, figures in results[large]["pages"].items():
        base = results[small]["pages"][key]
        ratios[key] = {"small_median_ms": base["median_ms"], "small_p95_ms": base["p95_ms"],
                       "large_median_ms": figures["median_ms"], "large_p95_ms": figures["p95_ms"],
                       "ratio_median": round(figures["median_ms"] / base["median_ms"], 2),
                       "ratio_p95": round(figures["p95_ms"] / base["p95_ms"], 2),
                       "queries_small": base["queries"], "queries_large": figures["queries"]}
    report = {"backend": backend, "sizes": [small, large],
              "runs": {size: {k: results[size][k] for k in ("date", "load", "load_seconds", "placements")}
                       for size in (small, large)}, "pages": ratios}
    (results_dir / f"flat-pages-{backend}.json").write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
