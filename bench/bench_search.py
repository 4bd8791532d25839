"""Name search through the API, ``GET /api/v1/persons?q=<fragments>``, beside its floor, interleaved.

One client at a time (the latency a searching officer sees): each round sends the same slice of
fragments to the floor (``bench/floor_urls.py``: the same plan in hand-written SQL on the same
covering token index) and to Lindungi (default settings: token cache on, access log buffered),
in rotating order. Fragments are drawn from the names of people the role may see: single
prefixes of 3+ letters, and two-word fragments such as "Nur Lub" (the first word's first four
letters and the last word's first three). Two roles: a central administrator (national, the worst
case) and a unit officer of BP3MI Jawa Barat (scoped by coverage).

Before timing, both sides must return the same people in the same order and the same total for
the first fragments of every list. Target (issue #6): two-word p95 at most 100 ms at 1,000,000 people.
"""

import argparse
import contextlib
import json
import random
import sys
import urllib.parse
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
    interleave,
    machine,
    markdown_rows,
    run_django,
    save,
    timed_round,
)

ROLES = {"national": "bench.admin", "unit_officer": "bench.unit"}
KINDS = ("one_word", "two_words")


def fragments_for(names: list[str], kind: str, rng: random.Random) -> list[str]:
    out = []
    for name in names:
        words = name.split()
        if kind == "two_words":
            if len(words) > 1:
                out.append(f"{words[0][:4]} {words[-1][:3]}")
        else:
            word = rng.choice(words)
            out.append(word[: rng.randint(3, len(word))] if len(word) > 3 else word)
    return out


def _prepare_in_django(backend: str, sample: int) -> dict:
    """Runs inside Django (``--prepare``): the two users and the fragment files."""
    import django

    django.setup()
    from lindungi.registry.models import Person

    rng = random.Random(7)
    counts = {}
    users = bench_users({role: (username, "admin" if role == "national" else "unit_officer")
                         for role, username in ROLES.items()})
    for role, user in users.items():
        names = list(Person.objects.visible_to(user).active().order_by("?")
                     .values_list("full_name", flat=True)[:sample])
        for kind in KINDS:
            fragments = fragments_for(names, kind, rng)
            data_file(backend, f"search-{role}-{kind}.txt").write_text("\n".join(fragments) + "\n")
            counts[f"{role}/{kind}"] = len(fragments)
    return {"unit_id": users["unit_officer"].unit_id, "persons": Person.objects.count(), "fragments": counts}


def _query(q: str) -> str:
    return urllib.parse.urlencode({"q": q, "page_size": 25})


def _check_same_answer(floor: Server, api: Server, tokens: dict, unit_id: int, fragments: dict) -> None:
    for (role, _kind), values in fragments.items():
        scope = f"&unit={unit_id}" if role == "unit_officer" else ""
        for q in values[:5]:
            expected = get_json(f"{floor.url}/floor/search?{_query(q)}{scope}")
            answer = get_json(f"{api.url}/api/v1/persons?{_query(q)}", tokens[role])
            if ([i["id"] for i in answer["items"]], answer["total"]) != ([i["id"] for i in expected["items"]],
                                                                          expected["total"]):
                raise SystemExit(f"floor and API disagree for {role} {q!r}: totals {expected['total']} "
                                 f"and {answer['total']}")


def run(backend: str, *, persons: int = 20_000, rounds: int = 5, queries: int = 40, warmup: int = 1,
        roles: list[str] | None = None, sample: int = 2_000) -> dict:
    roles = roles or list(ROLES)
    ensure_people(backend, persons)
    prepared = run_django(__file__, backend, "--prepare", "--backend", backend, "--sample", str(sample))
    fragments = {(role, kind): data_file(backend, f"search-{role}-{kind}.txt").read_text().splitlines()
                 for role in roles for kind in KINDS}
    result = {"backend": backend, "persons": prepared["persons"], "queries_per_round": queries, "clients": 1,
              "machine": machine(), "reports": {}}
    rows = []
    with contextlib.ExitStack() as stack:
        floor = stack.enter_context(Server(backend, settings="bench.settings_floor"))
        api = stack.enter_context(Server(backend))
        tokens = {role: api_token(api.url, username, BENCH_PASSWORD) for role, username in ROLES.items()}
        _check_same_answer(floor, api, tokens, prepared["unit_id"], fragments)
        for (role, kind), values in fragments.items():
            scope = f"&unit={prepared['unit_id']}" if role == "unit_officer" else ""
            rng = random.Random(f"{role}{kind}")

            def batch(number, values=values, rng=rng):
                """The same fragments for both sides of a round: round r takes slice r (cycling)."""
                start = (number % max(1, len(values) // queries)) * queries
                return values[start:start + queries] or rng.sample(values, min(queries, len(values)))

            def floor_side(number, batch=batch, scope=scope):
                return timed_round(lambda q: get_json(f"{floor.url}/floor/search?{_query(q)}{scope}"), batch(number))

            def api_side(number, batch=batch, token=tokens[role]):
                return timed_round(lambda q: get_json(f"{api.url}/api/v1/persons?{_query(q)}", token), batch(number))

            print(f"{backend} search {role} {kind}: {rounds} rounds of {queries} queries", file=sys.stderr)
            report = interleave({"floor": floor_side, "lindungi": api_side}, floor="floor", rounds=rounds,
                                warmup=warmup, log=lambda line: print(line, file=sys.stderr))
            result["reports"][f"{role}/{kind}"] = report
            rows.append(markdown_rows(f"search {backend}, {role.replace('_', ' ')}, {kind.replace('_', ' ')}",
                                      report))
    result["markdown"] = MARKDOWN_HEADER + "\n" + "\n".join(rows)
    save(f"search-{backend}", result)
    print(result["markdown"])
    return result


SIZES = {  # run_all.py: quick and --full
    "small": ["--persons", "20000", "--rounds", "3", "--queries", "20"],
    "full": ["--persons", "1000000", "--rounds", "6", "--queries", "30"],
}

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    bench_arguments(parser)
    parser.add_argument("--queries", type=int, default=40, help="queries per round per side")
    parser.add_argument("--sample", type=int, default=2_000, help="names drawn per role")
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(_prepare_in_django(args.backend, args.sample)))
    else:
        run(args.backend, persons=args.persons, rounds=args.rounds, queries=args.queries, warmup=args.warmup,
            sample=args.sample)
