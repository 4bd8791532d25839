"""Run every benchmark for each backend and write bench/results/summary.md.

The import benchmark leaves the database filled with the generated people, which the lookup and
search benchmarks then use (1,000,000 by default). The transition and placement-import benchmarks
come last: each starts from an empty database."""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import (  # noqa: E402
    bench_import,
    bench_lookup,
    bench_placement_import,
    bench_search,
    bench_transitions,
)
from bench.common import DATA, machine  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--floor-rows", type=int, default=200_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--transitions", type=int, default=5000, help="placements moved per path (0: skip)")
    parser.add_argument("--placements", type=int, default=300_000,
                        help="historical placements imported (0: skip)")
    args = parser.parse_args()
    results = {"machine": machine(), "persons": args.persons}
    for backend in args.backends.split(","):
        results[backend] = {
            "import": bench_import.run(backend, args.persons),
            "lookup": bench_lookup.run(backend, args.seconds),
            "search": bench_search.run(backend),
        }
        if args.transitions:
            results[backend]["transitions"] = bench_transitions.run(backend, args.transitions)
        if args.placements:
            results[backend]["placement_import"] = bench_placement_import.run(backend, args.placements)
    (DATA / "summary.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
