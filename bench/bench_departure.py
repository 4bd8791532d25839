"""Departure checks through the API against the bare lookup floor, interleaved in one run; and offline
credential verifications per second in Python against bare Ed25519 verification.

HTTP: gunicorn with 2 sync workers for each side (both up for the whole run), 32 wrk connections;
rounds alternate floor / candidate so load on the shared machine hits both alike. The candidate is
``POST /api/v1/departure-checks`` as a checkpoint officer at a post (bearer token, exact lookup,
placement guards on the travel date, watch list, one check row and its audit event written); half
of the identifiers are workers ready to depart (the full guard context), half anyone on record. The
floor is ``GET /floor/lookup?nik=``: bare Django doing the single person query, nothing written.

    .venv/bin/python bench/bench_departure.py --backend sqlite --persons 100000 --rounds 5 --seconds 10
    .venv/bin/python bench/bench_departure.py --reuse        # keep the database of the previous run

Figures go to ``bench/results/departure-<backend>.json`` and ``docs/benchmarks.md`` (by hand).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    DATA,
    WRK_SCRIPT,
    Round,
    Server,
    free_port,
    interleave,
    machine,
    manage,
    markdown_rows,
    reset_database,
    save,
)

# Sizes for run_all.py (read with ast): small for make bench, full for the figure.
SIZES = {"small": ["--persons", "20000", "--rounds", "3", "--seconds", "5"],
         "full": ["--persons", "1000000", "--rounds", "5", "--seconds", "10"]}

# The summary line every wrk script of the benchmarks prints.
DONE = WRK_SCRIPT[WRK_SCRIPT.index("done = function"):]

POST_SCRIPT = """
local rows = {}
for line in io.lines("%(rows)s") do rows[#rows + 1] = line end
local header = "%(header)s"
request = function()
  local row = rows[math.random(#rows)]
  local nik, iso2 = row:match("([^,]+),([^,]+)")
  local body = '{"identifier": "' .. nik .. '", "destination": "' .. iso2 .. '", "flight": "GA 838"}'
  return wrk.format("POST", "%(path)s", {["Authorization"] = header, ["Content-Type"] = "application/json"}, body)
end
""" + DONE

GET_SCRIPT = """
local rows = {}
for line in io.lines("%(rows)s") do rows[#rows + 1] = line end
request = function()
  local nik = rows[math.random(#rows)]:match("([^,]+)")
  return wrk.format("GET", "%(path)s" .. nik)
end
""" + DONE

SETUP = """
import random
from lindungi.accounts.models import User
from lindungi.departures import services
from lindungi.placements.models import Placement
from lindungi.registry.models import Person
admin = User.objects.get(username='admin')
services.checkpoint_post_ensure(actor=admin, code='TPI-BENCH', name='Bench post', kind='airport', via='bench')
u, _ = User.objects.get_or_create(username='bench.checkpoint', defaults={'role': 'checkpoint'})
u.set_password('bench-password-1'); u.save()
services.post_assign(actor=admin, username='bench.checkpoint', post_code='TPI-BENCH', via='bench')
ready = list(Placement.objects.filter(state='ready_to_depart', migrated=False)
             .values_list('person__nik', 'country__iso2')[:%(n)d])
anyone = list(Person.objects.order_by('?').values_list('nik', flat=True)[:%(n)d])
rows = [f'{nik},{iso2}' for nik, iso2 in ready] + [f'{nik},TW' for nik in anyone[:max(len(ready), 1)]]
random.shuffle(rows)
open('%(out)s', 'w').write('\\n'.join(rows))
print(len(ready), 'ready,', len(rows), 'rows')
"""


def token_for(url: str) -> str:
    import urllib.request

    body = json.dumps({"username": "bench.checkpoint", "password": "bench-password-1"}).encode()
    req = urllib.request.Request(url + "/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))["token"]


def run_wrk(url: str, script_text: str, name: str, *, seconds: int, connections: int = 32) -> Round:
    script = DATA / f"{name}-{os.getpid()}.lua"
    script.write_text(script_text)
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url],
                             capture_output=True, text=True, check=True).stdout
    finally:
        script.unlink(missing_ok=True)
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    requests, duration_us, p50, p95, _p99, status, timeout, sockets = line.split()[1:]
    return Round(rate=int(requests) / (int(duration_us) / 1e6), p50_ms=float(p50), p95_ms=float(p95),
                 errors=int(status) + int(timeout) + int(sockets), operations=int(requests),
                 error_kinds={"status >= 400": int(status), "timeout": int(timeout), "socket": int(sockets)})


def http(backend: str, rounds: int, seconds: int) -> dict:
    rows = DATA / "departure-rows.txt"
    with Server(backend, free_port()) as api, Server(backend, free_port(), settings="bench.settings_floor") as floor:
        header = f"Bearer {token_for(api.url)}"
        post = POST_SCRIPT % {"rows": rows, "header": header, "path": "/api/v1/departure-checks"}
        get = GET_SCRIPT % {"rows": rows, "path": "/floor/lookup?nik="}
        return interleave({
            "floor: bare lookup": lambda n: run_wrk(floor.url, get, "departure-floor", seconds=seconds),
            "departure check": lambda n: run_wrk(api.url, post, "departure-post", seconds=seconds),
        }, floor="floor: bare lookup", rounds=rounds, warmup=1, log=print)


def offline(rounds: int, tokens: int = 2000) -> dict:
    """credentials.verify (parse, key lookup, signature, dates, revocation, NIK hash) against bare
    Ed25519 verify of the same bytes, interleaved."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import datetime as dt

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from lindungi.departures import credentials

    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    today = dt.date.today()
    made = []
    for n in range(tokens):
        cid = f"00000000-0000-4000-8000-{n:012d}"
        claims = credentials.Claims(cid=cid, kid="k1", passport=f"C{n:07d}", nik_hash=credentials.nik_hash(
            cid, f"32010141079{n:05d}"), destination="TW", p3mi="B.0001/KA/2024", valid_until=today, issued_at=0)
        made.append((credentials.sign(claims, key), f"32010141079{n:05d}"))
    revoked = {f"00000000-0000-4000-8000-{n:012d}" for n in range(0, tokens, 10)}
    raw = [credentials.parse(token)[1:] for token, _ in made]
    keys = {"k1": public}

    def timed(step) -> Round:
        start = time.perf_counter()
        step()
        seconds = time.perf_counter() - start
        return Round(rate=tokens / seconds, operations=tokens, p50_ms=seconds / tokens * 1000,
                     p95_ms=seconds / tokens * 1000)

    def bare(_n):
        return timed(lambda: [public.verify(signature, signed) for signed, signature in raw])

    def full(_n):
        return timed(lambda: [credentials.verify(token, keys=keys, revoked=revoked, today=today, nik=nik)
                              for token, nik in made])

    return interleave({"floor: bare Ed25519 verify": bare, "credentials.verify": full},
                      floor="floor: bare Ed25519 verify", rounds=rounds, warmup=1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="sqlite")
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--placement-share", type=float, default=0.05)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--reuse", action="store_true", help="keep the database of the previous run")
    parser.add_argument("--offline-only", action="store_true")
    args = parser.parse_args()
    started = time.time()
    result = {"machine": machine(), "load_before": os.getloadavg(), "backend": args.backend}
    if not args.offline_only:
        if not args.reuse:
            reset_database(args.backend)
            manage(args.backend, "seed_demo", "--persons", str(args.persons), "--placement-share",
                   str(args.placement_share), quiet=True)
        rows = DATA / "departure-rows.txt"
        setup = manage(args.backend, "shell", "-c", SETUP % {"n": 5000, "out": rows}, quiet=True)
        print(setup.strip().splitlines()[-1])
        result["persons"] = int(manage(args.backend, "shell", "-c", (
            "from lindungi.registry.models import Person; print(Person.objects.count())"), quiet=True).split()[-1])
        result["http"] = http(args.backend, args.rounds, args.seconds)
    result["offline"] = offline(args.rounds)
    result["load_after"] = os.getloadavg()
    result["seconds"] = round(time.time() - started)
    save(f"departure-{args.backend}", result)
    if "http" in result:
        print(markdown_rows(f"departure check, {result['persons']:,} people, {args.backend}", result["http"]))
    print(markdown_rows("offline credential verification (Python)", result["offline"]))

if __name__ == "__main__":
    main()
