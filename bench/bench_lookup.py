"""Partner and checkpoint hot path: ``GET /api/v1/persons/lookup?nik=`` beside its floor, interleaved.

Servers (all gunicorn, 2 sync workers, on loopback, alive together for the whole run):

* the **floor**: a plain Django view doing the same SQL work (``bench/floor_urls.py``: the same
  joins, the NIK index, the unit-coverage filter for the scoped role) without Lindungi's overhead;
* **Lindungi** four times, one per combination of the two settings the figures depend on:
  ``API_TOKEN_CACHE_SECONDS`` (30: tokens remembered per worker; 0: one token query per request)
  and ``ACCESS_LOG_FLUSH_SECONDS`` (1: access-log rows buffered and inserted in batches; 0: one
  INSERT per lookup, synchronously, before the answer).

Two roles, each measured on its own: a **partner API client** (national: may look up any person)
and a **unit officer** of BP3MI Jawa Barat (scoped: the lookup filters on the unit's coverage;
the NIKs asked for are of people inside it). A checkpoint officer is scoped like the partner
(any person, by identifier only), so it adds nothing.

Before timing, every server is asked for the same person and the answers must agree (the floor
returns the same fields). After timing, the access log must hold one row per answered lookup.

``--persons N`` makes sure the database holds at least N generated people (imported with
``import_persons``; the import is not timed here).
"""

import argparse
import contextlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    BENCH_PASSWORD,
    MARKDOWN_HEADER,
    Server,
    api_token,
    bench_arguments,
    bench_users,
    data_file,
    ensure_people,
    get_json,
    http_round,
    interleave,
    load_generator,
    machine,
    markdown_rows,
    run_django,
    save,
)

ROLES = {"partner": "bench.partner", "unit_officer": "bench.unit"}
VARIANTS = {
    "lindungi (cache on, log buffered)": {"API_TOKEN_CACHE_SECONDS": "30", "ACCESS_LOG_FLUSH_SECONDS": "1"},
    "lindungi (cache on, log sync)": {"API_TOKEN_CACHE_SECONDS": "30", "ACCESS_LOG_FLUSH_SECONDS": "0"},
    "lindungi (cache off, log buffered)": {"API_TOKEN_CACHE_SECONDS": "0", "ACCESS_LOG_FLUSH_SECONDS": "1"},
    "lindungi (cache off, log sync)": {"API_TOKEN_CACHE_SECONDS": "0", "ACCESS_LOG_FLUSH_SECONDS": "0"},
}
API_PATH = "/api/v1/persons/lookup?nik="


def _prepare_in_django(backend: str, sample: int) -> dict:
    """Runs inside Django (``--prepare``): the two users and a file of NIKs for each role."""
    import django

    django.setup()
    from lindungi.audit.models import AccessLog
    from lindungi.registry.models import Person

    users = bench_users({role: (username, "partner_api" if role == "partner" else "unit_officer")
                         for role, username in ROLES.items()})
    counts = {}
    for role, user in users.items():
        # The unit officer's NIKs come from its own scoped queryset: people inside the coverage.
        niks = list(Person.objects.visible_to(user).order_by("?").values_list("nik", flat=True)[:sample])
        if not niks:
            raise SystemExit(f"no person visible to {user.username}: is the database empty?")
        data_file(backend, f"niks-{role}.txt").write_text("\n".join(niks) + "\n")
        counts[role] = len(niks)
    return {"unit_id": users["unit_officer"].unit_id, "persons": Person.objects.count(),
            "access_log_rows": AccessLog.objects.count(), "niks": counts}


def _access_log_rows() -> dict:
    import django

    django.setup()
    from lindungi.audit.models import AccessLog

    return {"access_log_rows": AccessLog.objects.count()}


def _check_same_answer(backend: str, floor: Server, servers: dict, tokens: dict, unit_id: int) -> None:
    """The floor and every Lindungi variant answer the same person with the same fields."""
    for role in ROLES:
        nik = data_file(backend, f"niks-{role}.txt").read_text().split()[0]
        scope = f"&unit={unit_id}" if role == "unit_officer" else ""
        expected = get_json(f"{floor.url}/floor/lookup?nik={nik}{scope}")
        for name, server in servers.items():
            answer = get_json(server.url + API_PATH + nik, tokens[role])
            for key in ("nik_warnings",):  # the API translates warning codes into sentences
                answer.pop(key), expected.pop(key, None)
            if answer != expected:
                raise SystemExit(f"{name} and the floor disagree for {role}:\n{answer}\n{expected}")


def run(backend: str, *, persons: int = 20_000, rounds: int = 5, seconds: float = 5, clients: int = 32,
        warmup: int = 1, roles: list[str] | None = None, sample: int = 20_000) -> dict:
    roles = roles or list(ROLES)
    ensure_people(backend, persons)
    prepared = run_django(__file__, backend, "--prepare", "--backend", backend, "--sample", str(sample))
    result = {"backend": backend, "persons": prepared["persons"], "clients": clients, "seconds_per_round": seconds,
              "load_generator": load_generator(), "machine": machine(), "roles": {}}
    rows = []
    with contextlib.ExitStack() as stack:
        floor = stack.enter_context(Server(backend, settings="bench.settings_floor"))
        servers = {name: stack.enter_context(Server(backend, env=env)) for name, env in VARIANTS.items()}
        any_api = next(iter(servers.values())).url
        tokens = {role: api_token(any_api, username, BENCH_PASSWORD) for role, username in ROLES.items()}
        _check_same_answer(backend, floor, servers, tokens, prepared["unit_id"])
        for role in roles:
            niks = data_file(backend, f"niks-{role}.txt")
            # the load generator appends the NIK, so a scope goes first in the query string
            floor_path = "/floor/lookup?" + (f"unit={prepared['unit_id']}&" if role == "unit_officer" else "") + "nik="
            sides = {"floor": (lambda _round, niks=niks, floor_path=floor_path:
                               http_round(floor.url, floor_path, niks, seconds=seconds, clients=clients))}
            for name, server in servers.items():
                sides[name] = (lambda _round, server=server, niks=niks, token=tokens[role]:
                               http_round(server.url, API_PATH, niks, header=f"Bearer {token}", seconds=seconds,
                                          clients=clients))
            print(f"{backend} {role}: {rounds} rounds of {seconds} s per side at {clients} clients", file=sys.stderr)
            report = interleave(sides, floor="floor", rounds=rounds, warmup=warmup,
                                log=lambda line: print(line, file=sys.stderr))
            result["roles"][role] = report
            rows.append(markdown_rows(f"lookup {backend}, {role.replace('_', ' ')}", report))
    # The servers have stopped (buffered rows flushed at exit): one access-log row per answered lookup.
    answered = len(ROLES) * len(VARIANTS) + sum(  # the agreement check, then warm-up and measured rounds
        side["operations"] - side["errors"] + side["warmup_operations"] - side["warmup_errors"]
        for report in result["roles"].values() for name, side in report["sides"].items() if name != "floor")
    written = run_django(__file__, backend, "--count-log")["access_log_rows"] - prepared["access_log_rows"]
    # wrk drops the requests still in flight when a round ends (at most one per client per round),
    # which the server still answers and logs: so answered <= written <= answered + in flight.
    in_flight = clients * len(roles) * len(VARIANTS) * (rounds + warmup)
    result["access_log"] = {"rows_written": written, "lookups_answered": answered, "at_most_in_flight": in_flight,
                            "complete": answered <= written <= answered + in_flight}
    if not result["access_log"]["complete"]:
        print(f"WARNING: {answered} lookups answered (+ at most {in_flight} in flight) but {written} access-log "
              "rows written", file=sys.stderr)
    result["markdown"] = MARKDOWN_HEADER + "\n" + "\n".join(rows)
    save(f"lookup-{backend}", result)
    print(result["markdown"])
    return result


SIZES = {  # run_all.py: quick and --full
    "small": ["--persons", "20000", "--rounds", "3", "--seconds", "2"],
    "full": ["--persons", "1000000", "--rounds", "6", "--seconds", "5"],
}

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    bench_arguments(parser)
    parser.add_argument("--seconds", type=float, default=5, help="length of one round of one side")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients")
    parser.add_argument("--sample", type=int, default=20_000, help="NIKs drawn per role")
    parser.add_argument("--count-log", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(_prepare_in_django(args.backend, args.sample)))
    elif args.count_log:
        print(json.dumps(_access_log_rows()))
    else:
        run(args.backend, persons=args.persons, rounds=args.rounds, seconds=args.seconds, clients=args.clients,
            warmup=args.warmup, roles=args.roles.split(",") if args.roles else None, sample=args.sample)
