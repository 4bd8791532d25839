"""A bounded load test: 100 concurrent clients for 60 s against one Lindungi server (gunicorn, 2 sync
workers, the deployed settings), mixed reads and writes, as a BP3MI Jawa Barat unit officer:

* 50% ``POST /api/v1/persons/lookup`` ``{"nik": …}`` (a person of the unit; one access-log row each);
* 20% ``POST /api/v1/persons/search`` ``{"q": …}`` (a name fragment of the unit's people);
* 15% ``GET /api/v1/persons?page=…`` (the unit's list, pages 1–40);
* 15% ``POST /api/v1/persons`` — a new, valid person in Jawa Barat (a write: the person, their name
  tokens, the duplicate scan, an audit event, all in one transaction).

The target is **0 errors**: no answer outside 2xx, no timeout (wrk's request timeout is raised to
15 s, since 100 clients queue behind 2 workers), no socket error. After the run the script checks
that every ``201`` it counted left exactly one person in the database (nothing lost, nothing
doubled) and that the audit chain still verifies.

    .venv/bin/python bench/bench_load.py --backend sqlite --persons 20000
    .venv/bin/python bench/bench_load.py --backend postgres --persons 20000
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
    BACKENDS,
    BENCH_PASSWORD,
    ROOT,
    Server,
    api_token,
    bench_users,
    data_file,
    ensure_people,
    load_generator,
    machine,
    run_django,
    save,
)

USERNAME = "bench.unit"
WRITE_POOL = 30_000  # more new people than 100 clients can create in a run
# A district code the generator never uses, so a new NIK cannot meet an existing one.
NEW_DISTRICT = "97"
FIRST = ["Siti", "Dewi", "Agus", "Budi", "Rina", "Eko", "Sri", "Nur", "Ahmad", "Wati"]
MIDDLE = ["Ayu", "Putri", "Dwi", "Tri", "Indah", "Adi", "Eka", "Rahma", "Bayu", "Sari"]
LAST = ["Lestari", "Saputra", "Rahayu", "Wibowo", "Hidayat", "Kusuma", "Pratama", "Handayani", "Susanto"]

LUA = r"""
local function lines(path)
  local out = {}
  for line in io.lines(path) do out[#out + 1] = line end
  return out
end
local niks, fragments, bodies = lines("%(niks)s"), lines("%(fragments)s"), lines("%(bodies)s")
local counter, threads = 0, {}
local headers = {["Authorization"] = "Bearer %(token)s", ["Content-Type"] = "application/json"}

function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  created, failed, written = 0, 0, 0
end

function request()
  local roll = math.random(100)
  if roll <= 50 then
    return wrk.format("POST", "/api/v1/persons/lookup", headers, '{"nik": "' .. niks[math.random(#niks)] .. '"}')
  elseif roll <= 70 then
    return wrk.format("POST", "/api/v1/persons/search", headers,
                      '{"q": "' .. fragments[math.random(#fragments)] .. '"}')
  elseif roll <= 85 then
    return wrk.format("GET", "/api/v1/persons?page=" .. math.random(40), headers)
  end
  -- each thread takes every second body, from its own offset: no two requests send the same person
  local index = id + 1 + 2 * written
  written = written + 1
  return wrk.format("POST", "/api/v1/persons", headers, bodies[index])
end

function response(status, headers, body)
  if status == 201 then created = created + 1 end
  if status >= 300 then failed = failed + 1 end
end

function done(summary, latency, requests)
  local made, bad = 0, 0
  for _, thread in ipairs(threads) do
    made = made + thread:get("created")
    bad = bad + thread:get("failed")
  end
  io.write(string.format("RESULT %%d %%d %%.3f %%.3f %%.3f %%d %%d %%d %%d %%d\n", summary.requests,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.status, summary.errors.timeout,
    summary.errors.connect + summary.errors.read + summary.errors.write, made, bad))
end
"""


def _prepare_in_django(backend: str) -> dict:
    import datetime as dt
    import random

    import django

    django.setup()
    from lindungi.registry.models import Person
    from lindungi.registry.nik import nik_for

    user = bench_users({"unit": (USERNAME, "unit_officer")})["unit"]
    mine = Person.objects.visible_to(user)
    niks = list(mine.order_by("?").values_list("nik", flat=True)[:20_000])
    names = list(mine.order_by("?").values_list("full_name", flat=True)[:2_000])
    fragments = sorted({" ".join(word[:4] for word in name.split()[:2]) for name in names if " " in name})
    data_file(backend, "load-niks.txt").write_text("\n".join(niks) + "\n")
    data_file(backend, "load-fragments.txt").write_text("\n".join(fragments) + "\n")
    rng = random.Random(7)
    taken = set(Person.objects.filter(nik__startswith=f"3201{NEW_DISTRICT}").values_list("nik", flat=True))
    bodies, sequence = [], 0
    while len(bodies) < WRITE_POOL:
        sequence += 1
        birth = dt.date(1980, 1, 1) + dt.timedelta(days=rng.randrange(9000))
        sex = rng.choice("FM")
        nik = nik_for(regency_code="3201", district=NEW_DISTRICT, birth_date=birth, sex=sex,
                      sequence=sequence % 9999 + 1)
        if nik in taken:
            continue
        taken.add(nik)
        bodies.append(json.dumps({
            "nik": nik, "full_name": f"{rng.choice(FIRST)} {rng.choice(MIDDLE)} {rng.choice(LAST)}",
            "sex": sex, "birth_date": birth.isoformat(), "birth_place": "Bogor", "address": "Jl. Uji 1",
            "regency_code": "3201", "education": "sma", "marital_status": "single"}))
    data_file(backend, "load-bodies.txt").write_text("\n".join(bodies) + "\n")
    return {"persons": Person.objects.count(), "niks": len(niks), "fragments": len(fragments)}


def _counts_in_django() -> dict:
    import io

    import django

    django.setup()
    from django.core.management import call_command

    from lindungi.registry.models import Person

    failure = ""
    try:
        call_command("verify_audit", stdout=io.StringIO())
    except SystemExit as exc:
        failure = f"verify_audit exited {exc.code}"
    except Exception as exc:  # noqa: BLE001 - reported, not hidden
        failure = f"verify_audit failed: {exc}"
    return {"load_persons": Person.objects.filter(nik__startswith=f"3201{NEW_DISTRICT}").count(),
            "audit_chain": failure or "verified"}


def run(backend: str, *, persons: int, clients: int, seconds: int) -> dict:
    ensure_people(backend, persons)
    prepared = run_django(__file__, backend, "--prepare", "--backend", backend)
    before = run_django(__file__, backend, "--counts")
    script = data_file(backend, "load.lua")
    result = {"backend": backend, "persons": prepared["persons"], "clients": clients, "seconds": seconds,
              "load_generator": load_generator(), "machine": machine(), "load_before": os.getloadavg()}
    with Server(backend) as server:
        token = api_token(server.url, USERNAME, BENCH_PASSWORD)
        script.write_text(LUA % {"niks": data_file(backend, "load-niks.txt"),
                                 "fragments": data_file(backend, "load-fragments.txt"),
                                 "bodies": data_file(backend, "load-bodies.txt"), "token": token})
        started = time.time()
        out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "15s", "-s", str(script),
                              server.url], capture_output=True, text=True, check=True, cwd=ROOT).stdout
        result["wall_s"] = round(time.time() - started, 1)
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    requests, duration_us, p50, p95, p99, status, timeouts, sockets, created, failed = map(float, line.split()[1:])
    after = run_django(__file__, backend, "--counts")
    result.update({
        "load_after": os.getloadavg(), "requests": int(requests), "rps": round(requests / (duration_us / 1e6), 1),
        "p50_ms": p50, "p95_ms": p95, "p99_ms": p99,
        "errors": {"status >= 400": int(status), "timeout": int(timeouts), "socket": int(sockets),
                   "answers >= 300 (counted by the script)": int(failed)},
        "created_201": int(created), "persons_added": after["load_persons"] - before["load_persons"],
        "audit_chain": after["audit_chain"],
    })
    # wrk stops while up to ``clients`` requests are in flight; the server may still create those.
    result["no_write_lost"] = int(created) <= result["persons_added"] <= int(created) + clients
    result["zero_errors"] = not (status or timeouts or sockets or failed)
    save(f"load-{backend}", result)
    return result


SIZES = {"small": ["--persons", "20000", "--seconds", "20"], "full": ["--persons", "1000000", "--seconds", "60"]}

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="sqlite", choices=BACKENDS)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--counts", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(_prepare_in_django(args.backend)))
    elif args.counts:
        print(json.dumps(_counts_in_django()))
    else:
        run(args.backend, persons=args.persons, clients=args.clients, seconds=args.seconds)
