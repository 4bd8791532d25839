"""Run every benchmark script in ``bench/`` for each backend, small by default or ``--full``.

Each ``bench/bench_*.py`` script is run as its own process (``python -m bench.<script>`` from the
repository root) with ``--backend <name>`` and the
arguments of the chosen size. A script declares them itself as a literal at module level::

    SIZES = {"small": ["--rows", "20000"], "full": ["--rows", "1000000"]}

(read here with ``ast``, without importing the script); ``KNOWN_SIZES`` below covers scripts that
do not declare them yet. A script with neither runs with ``--backend`` alone, which is its own
default size: a warning says so.

Order: the people import first (it leaves the database filled, and the lookup and search reuse
those people), then lookup and search, then the scripts that start from an empty database.
Table rows the scripts print (lines starting with ``|``) are gathered in
``bench/results/summary.md`` under the run's date and load.
"""

import argparse
import ast
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BACKENDS, DATA, PY, ROOT, context, machine  # noqa: E402

BENCH = ROOT / "bench"
FIRST = ["bench_import", "bench_lookup", "bench_search"]
# Sizes for scripts that do not declare SIZES themselves.
KNOWN_SIZES = {
    "bench_import": {"small": ["--rows", "5000", "--compare-people", "5000", "--repeat", "1"],
                     "full": ["--rows", "100000"]},
    "bench_transitions": {"small": ["--n", "300"], "full": ["--n", "5000"]},
    "bench_placement_import": {"small": ["--rows", "5000"], "full": ["--rows", "300000"]},
}


def declared_sizes(script: Path) -> dict | None:
    """The script's ``SIZES = {...}`` literal, if it has one."""
    for node in ast.parse(script.read_text()).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "SIZES" for t in node.targets):
            return ast.literal_eval(node.value)
    return None


def scripts(only: list[str] | None = None) -> list[Path]:
    found = {p.stem: p for p in BENCH.glob("bench_*.py")}
    names = [n for n in FIRST if n in found] + sorted(n for n in found if n not in FIRST)
    if only:
        unknown = [n for n in only if f"bench_{n.removeprefix('bench_')}" not in found]
        if unknown:
            raise SystemExit(f"no such benchmark: {', '.join(unknown)} (have: {', '.join(sorted(found))})")
        names = [n for n in names if n.removeprefix("bench_") in {o.removeprefix("bench_") for o in only}]
    return [found[n] for n in names]


def plan(size: str, backends: list[str], only: list[str] | None = None) -> list[tuple[str, list[str], str]]:
    """(script name, command, note) for every run, in order."""
    runs = []
    for backend in backends:
        for script in scripts(only):
            sizes = declared_sizes(script) or KNOWN_SIZES.get(script.stem)
            note = "" if sizes else f"{script.stem} declares no SIZES: runs at its own default size"
            command = [PY, "-m", f"bench.{script.stem}", "--backend", backend, *((sizes or {}).get(size, []))]
            runs.append((f"{script.stem} [{backend}]", command, note))
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="the full sizes (1,000,000 people; takes an hour or more)")
    parser.add_argument("--backends", default="sqlite,postgres",
                        help="comma-separated, from: " + ", ".join(BACKENDS))
    parser.add_argument("--only", help="comma-separated script names, e.g. lookup,search")
    parser.add_argument("--dry-run", action="store_true", help="print the commands only")
    args = parser.parse_args(argv)
    backends = [b for b in args.backends.split(",") if b]
    for backend in backends:
        if backend not in BACKENDS:
            parser.error(f"unknown backend {backend!r}")
    runs = plan("full" if args.full else "small", backends, args.only.split(",") if args.only else None)
    if args.dry_run:
        for name, command, note in runs:
            print(f"{name}: {' '.join(command[2:])}" + (f"  # {note}" if note else ""))
        return 0
    ctx = context()
    summary = [f"# Benchmark run {ctx['date']} ({'full' if args.full else 'small'})", "",
               f"Machine: {machine()}; load at start: {ctx['load']}.", ""]
    failed = []
    for name, command, note in runs:
        if note:
            print(f"WARNING: {note}", file=sys.stderr)
        print(f"== {name}: {' '.join(command[2:])}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        rows = []
        for line in proc.stdout:
            sys.stdout.write(line)
            if line.startswith("|"):
                rows.append(line.rstrip("\n"))
        proc.wait()
        took = time.perf_counter() - started
        status = "ok" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
        if proc.returncode:
            failed.append(name)
        summary += [f"## {name}: {status}, {took:.0f} s, load after {context()['load']}", "", *rows, ""]
        (DATA / "summary.md").write_text("\n".join(summary) + "\n")
    print(f"Summary: {DATA / 'summary.md'}", file=sys.stderr)
    if failed:
        print(f"Failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
