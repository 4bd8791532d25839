"""Run every benchmark for each backend and write bench/results/summary.md.

The import benchmark leaves the database filled with the generated people, which the lookup and
search benchmarks then use (1,000,000 by default)."""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import bench_import, bench_lookup, bench_search  # noqa: E402
from bench.common import DATA, machine  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--floor-rows", type=int, default=200_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    results = {"machine": machine(), "persons": args.persons}
    for backend in args.backends.split(","):
        results[backend] = {
            "import": bench_import.run(backend, args.persons, min(args.floor_rows, args.persons)),
            "lookup": bench_lookup.run(backend, args.seconds),
            "search": bench_search.run(backend),
        }
    (DATA / "summary.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
