"""The benchmark harness shared by every script in ``bench/``.

Method (see docs/benchmarks.md, "Method"):

* **Interleaved.** A candidate and its floor are measured in the same run, in alternating rounds
  (``interleave``): after a warm-up round of every side, each round runs every side once, and the
  order rotates from round to round (A B, B A, A B, … for two sides), so drift in the machine's load
  (other processes, caches, WAL growth) falls on both sides alike.
* **Repeated.** Every side runs ``rounds`` times; the report gives the median, the p95 and the
  spread (inter-quartile range and min–max) of the per-round figures, and the candidate/floor ratio
  of each round with its own median and spread.
* **Throughput at C clients** (``http_round``): ``wrk`` (C connections, 2 threads) against a live
  gunicorn, or, without ``wrk``, C Python threads; either way the same generator drives both sides.
* **Context.** Every result carries the date (UTC), the machine and the load average (``uptime``),
  and ``markdown_rows`` prints rows ready for docs/benchmarks.md.
"""

import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
DATA = ROOT / "bench" / "results"
DATA.mkdir(parents=True, exist_ok=True)
PG_URL = os.environ.get("DATABASE_URL_BENCH", "postgres://lindungi:lindungi-ci@127.0.0.1:5432/lindungi_bench")
SQLITE_PATH = Path(os.environ.get("BENCH_SQLITE_PATH", DATA / "bench.sqlite3"))
BACKENDS = ("sqlite", "postgres")


# --------------------------------------------------------------------------------------------
# Databases and servers
# --------------------------------------------------------------------------------------------

def backend_env(backend: str) -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings", PYTHONPATH=str(ROOT))
    env.pop("DATABASE_URL", None)
    if backend == "sqlite":
        env["SQLITE_PATH"] = str(SQLITE_PATH)
    elif backend == "postgres":
        env["DATABASE_URL"] = PG_URL
    else:
        raise SystemExit(f"unknown backend {backend!r} (choose from {', '.join(BACKENDS)})")
    return env


def data_file(backend: str, name: str) -> Path:
    """A working file of one benchmark database (NIK lists, fragments): named after the backend
    and the database, so runs against other databases never read each other's files."""
    database = SQLITE_PATH.stem if backend == "sqlite" else PG_URL.rsplit("/", 1)[1]
    return DATA / f"{backend}-{database}-{name}"


def reset_database(backend: str) -> None:
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
    else:
        name = PG_URL.rsplit("/", 1)[1]
        subprocess.run(["su", "postgres", "-c", f"dropdb --if-exists --force {name} && createdb -O lindungi {name}"],
                       check=True)
    manage(backend, "migrate", "--noinput", quiet=True)


def database_ready(backend: str) -> bool:
    """True when the bench database exists and is migrated (so a script may reuse its rows)."""
    proc = subprocess.run([PY, "manage.py", "migrate", "--check", "--skip-checks"], cwd=ROOT,
                          env=backend_env(backend), capture_output=True, text=True)
    return proc.returncode == 0


def manage(backend: str, *args: str, quiet: bool = False) -> str:
    out = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=backend_env(backend), check=True,
                         capture_output=True, text=True)
    if not quiet:
        sys.stderr.write(out.stderr[-2000:])
    return out.stdout


def people_csv(rows: int, *, seed: int = 11) -> Path:
    """A CSV of ``rows`` generated people in the import format (made once, kept in bench/results);
    the generator needs no database (regencies come from the shipped CSV)."""
    import csv

    path = DATA / f"people-{rows}-{seed}.csv"
    if not path.exists():
        sys.path.insert(0, str(ROOT))
        from lindungi.demo.generator import COLUMNS, PersonRowGenerator

        regencies: dict[str, list[str]] = {}
        with open(ROOT / "lindungi/reference/data/regencies.csv") as handle:
            for record in csv.DictReader(handle):
                code = record["code"].replace(".", "")
                regencies.setdefault(code[:2], []).append(code)
        partial = path.with_suffix(".partial")
        with open(partial, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(PersonRowGenerator(regencies, seed=seed).rows(rows))
        partial.rename(path)
    return path


def ensure_people(backend: str, persons: int) -> None:
    """At least ``persons`` people in the bench database; otherwise start again and import that
    many generated people with ``import_persons`` (not timed here)."""
    if database_ready(backend):
        count = int(manage(backend, "shell", "-v", "0", "-c",
                           "from lindungi.registry.models import Person; print(Person.objects.count())",
                           quiet=True).split()[-1])
        if count >= persons:
            return
    reset_database(backend)
    path = people_csv(persons)
    manage(backend, "shell", "-v", "0", "-c", "from lindungi.accounts.models import User\n"
           "User.objects.get_or_create(username='bench.admin', defaults={'role': 'admin'})", quiet=True)
    manage(backend, "import_persons", str(path), "--user", "bench.admin", quiet=True)


BENCH_PASSWORD = "bench-password-1"
SCOPED_UNIT = "BP3MI-JABAR"  # the unit officer's unit: Jawa Barat, a large share of the generated people


def bench_users(roles: dict[str, tuple[str, str]]) -> dict:
    """Inside Django: ``{label: (username, role)}`` → active users with ``BENCH_PASSWORD``; unit
    officers belong to ``SCOPED_UNIT``."""
    from lindungi.accounts.models import User
    from lindungi.reference.models import OrgUnit

    unit = OrgUnit.objects.get(code=SCOPED_UNIT)
    users = {}
    for label, (username, role) in roles.items():
        user, _ = User.objects.update_or_create(username=username, defaults={
            "role": role, "unit": unit if role == "unit_officer" else None, "is_active": True})
        user.set_password(BENCH_PASSWORD)
        user.save()
        users[label] = user
    return users


def bench_arguments(parser, *, rounds: int = 5) -> None:
    """The options every interleaved script shares."""
    parser.add_argument("--backend", default="sqlite", choices=BACKENDS)
    parser.add_argument("--persons", type=int, default=20_000, help="at least this many people in the database")
    parser.add_argument("--rounds", type=int, default=rounds, help="measured rounds per side")
    parser.add_argument("--warmup", type=int, default=1, help="unrecorded rounds first")
    parser.add_argument("--roles", help="comma-separated subset of the script's roles (default: all)")
    parser.add_argument("--prepare", action="store_true", help="internal: prepare the database (in Django)")


def run_django(script: str, backend: str, *args: str) -> dict:
    """Run ``script`` (a bench script's ``__file__``) with ``args`` in a process set up for
    ``backend``; it prints one JSON object, which is returned."""
    proc = subprocess.run([PY, str(Path(script).resolve()), *args], cwd=ROOT, env=backend_env(backend),
                          capture_output=True, text=True)
    if proc.returncode:
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit(f"{Path(script).name} {' '.join(args)} failed")
    return json.loads(next(x for x in proc.stdout.splitlines() if x.startswith("{")))


def api_token(url: str, username: str, password: str) -> str:
    body = json.dumps({"username": username, "password": password}).encode()
    request = urllib.request.Request(url + "/api/v1/auth/token", data=body,
                                     headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))["token"]


def get_json(url: str, token: str = "", body: dict | None = None):
    """GET ``url`` (or POST ``body`` as JSON) with an optional bearer token: the decoded answer."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=60) as response:
        return json.load(response)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def machine() -> dict:
    cpu = "unknown"
    try:
        cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text()).group(1)
    except (OSError, AttributeError):
        pass
    mem = int(re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text()).group(1)) // 1024 // 1024
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": mem, "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d")}


def context() -> dict:
    """When and under what load a figure was taken: UTC time, the load averages (as ``uptime``
    prints them) and the number of cores."""
    one, five, fifteen = os.getloadavg()
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load": f"{one:.2f}, {five:.2f}, {fifteen:.2f}",
            "cores": os.cpu_count()}


class Server:
    """gunicorn with 2 sync workers on loopback (the deployment default). ``env`` overrides
    settings for this server only (e.g. ``API_TOKEN_CACHE_SECONDS=0``); ``port`` defaults to a
    free one, so benchmarks of parallel checkouts do not collide."""

    def __init__(self, backend: str, port: int | None = None, settings: str = "config.settings", workers: int = 2,
                 env: dict | None = None):
        server_env = backend_env(backend)
        server_env["DJANGO_SETTINGS_MODULE"] = settings
        server_env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
        server_env["PYTHONWARNINGS"] = "ignore:No directory at:UserWarning"  # no collectstatic in a bench checkout
        server_env.update(env or {})
        port = port or free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--log-level", "warning"],
            cwd=ROOT, env=server_env, start_new_session=True,
        )

    def __enter__(self):
        for _ in range(150):
            if self.proc.poll() is not None:
                raise RuntimeError(f"server on {self.url} exited with {self.proc.returncode}")
            try:
                urllib.request.urlopen(self.url + "/login/", timeout=1)
                return self
            except Exception:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("server did not start")

    def __exit__(self, *exc):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=20)


# --------------------------------------------------------------------------------------------
# Statistics and interleaving
# --------------------------------------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n * q / 100), at least the first
    return ordered[int(rank) - 1]


def summarise(values: Sequence[float]) -> dict:
    """Median, p95 and spread (quartiles and min–max) of a sample."""
    if not values:
        return {"n": 0}
    if len(values) > 1:
        q1, _median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    else:
        q1 = q3 = values[0]
    return {"n": len(values), "median": statistics.median(values), "p95": percentile(values, 95),
            "q1": q1, "q3": q3, "min": min(values), "max": max(values)}


@dataclass
class Round:
    """One side measured once: operations per second and per-operation latencies (ms). HTTP
    rounds from wrk carry percentiles only (``p50_ms``/``p95_ms``), not every latency."""

    rate: float
    latencies_ms: list[float] = field(default_factory=list)
    p50_ms: float | None = None
    p95_ms: float | None = None
    errors: int = 0
    operations: int = 0
    error_kinds: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.latencies_ms and self.p50_ms is None:
            self.p50_ms = statistics.median(self.latencies_ms)
            self.p95_ms = percentile(self.latencies_ms, 95)
        if not self.operations:
            self.operations = len(self.latencies_ms)


def timed_round(step: Callable[[object], object], items: Sequence) -> Round:
    """Run ``step(item)`` for every item, one after another: rate and latencies."""
    latencies = []
    clock = time.perf_counter
    started = clock()
    for item in items:
        t0 = clock()
        step(item)
        latencies.append((clock() - t0) * 1000)
    seconds = clock() - started
    return Round(rate=len(items) / seconds if seconds else 0.0, latencies_ms=latencies)


def interleave(sides: dict[str, Callable[[int], Round]], *, floor: str, rounds: int, warmup: int = 1,
               log: Callable[[str], None] | None = None) -> dict:
    """Measure every side ``rounds`` times in rotating order after ``warmup`` unrecorded rounds.

    ``sides`` maps a name to a callable taking the round number (0-based; warm-up rounds are
    negative) and returning a ``Round``. ``floor`` names the side the others are compared with:
    each round's ratio is that side's rate over the floor's rate *in the same round*.
    """
    if floor not in sides:
        raise ValueError(f"floor {floor!r} is not one of the sides")
    names = list(sides)
    measured: dict[str, list[Round]] = {name: [] for name in names}
    warm: dict[str, list[Round]] = {name: [] for name in names}
    for number in range(-warmup, rounds):
        offset = number % len(names)
        order = names[offset:] + names[:offset]
        for name in order:
            result = sides[name](number)
            (measured if number >= 0 else warm)[name].append(result)
            if log:
                log(f"  round {number:>3} {name:<28} {result.rate:10.1f}/s p50 {result.p50_ms or 0:7.2f} ms"
                    f" p95 {result.p95_ms or 0:7.2f} ms errors {result.errors}")
    report = {"rounds": rounds, "warmup": warmup, "floor": floor, "order": "rotating (A B, B A, …)", "sides": {}}
    for name, results in measured.items():
        pooled = [ms for r in results for ms in r.latencies_ms]
        side = {
            "rate": summarise([r.rate for r in results]),
            "p50_ms": statistics.median(pooled) if pooled else statistics.median(r.p50_ms for r in results),
            "p95_ms": percentile(pooled, 95) if pooled else statistics.median(r.p95_ms for r in results),
            "p95_ms_per_round": summarise([r.p95_ms for r in results]),
            "operations": sum(r.operations for r in results),
            "errors": sum(r.errors for r in results),
            "error_kinds": {kind: sum(r.error_kinds.get(kind, 0) for r in results)
                            for kind in sorted({k for r in results for k in r.error_kinds})},
            "warmup_operations": sum(r.operations for r in warm[name]),
            "warmup_errors": sum(r.errors for r in warm[name]),
        }
        if name != floor:
            side["ratio"] = summarise([r.rate / f.rate if f.rate else 0.0
                                       for r, f in zip(results, measured[floor], strict=True)])
        report["sides"][name] = side
    report["context"] = context()
    return report


# --------------------------------------------------------------------------------------------
# HTTP load: wrk, or Python threads without it
# --------------------------------------------------------------------------------------------

WRK_SCRIPT = """
local values = {}
for line in io.lines("%(values)s") do values[#values + 1] = line end
local header = "%(header)s"
local field = "%(field)s"
request = function()
  local value = values[math.random(#values)]
  local headers = {}
  if header ~= "" then headers["Authorization"] = header end
  if field ~= "" then
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", "%(path)s", headers, '{"' .. field .. '": "' .. value .. '"}')
  end
  return wrk.format("GET", "%(path)s" .. value, headers)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%.3f %%.3f %%.3f %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.timeout,
    summary.errors.connect + summary.errors.read + summary.errors.write))
end
"""


def load_generator() -> str:
    return "wrk" if shutil.which("wrk") and not os.environ.get("BENCH_NO_WRK") else "python-threads"


def wrk(url: str, path: str, values_file: Path, *, header: str = "", seconds: float = 20,
        connections: int = 32, json_field: str = "", timeout_s: float | None = None) -> dict:
    """``wrk`` with 2 threads and ``connections`` connections for ``seconds``: GET ``path`` + a value
    drawn at random from ``values_file`` (one a line) for each request, or with ``json_field``
    POST ``path`` with the body ``{json_field: value}``."""
    script = DATA / f"wrk-{os.getpid()}-{threading.get_ident()}.lua"
    script.write_text(WRK_SCRIPT % {"values": values_file, "header": header, "path": path, "field": json_field})
    try:
        timeout = ["--timeout", f"{timeout_s:g}s"] if timeout_s else []
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", *timeout,
                              "-s", str(script), url], capture_output=True, text=True, check=True).stdout
    finally:
        script.unlink(missing_ok=True)
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    requests, duration_us, p50, p95, p99, status, timeout, socket_errors = line.split()[1:]
    return {"requests": int(requests), "rps": round(int(requests) / (int(duration_us) / 1e6), 1),
            "p50_ms": float(p50), "p95_ms": float(p95), "p99_ms": float(p99),
            "errors": int(status) + int(timeout) + int(socket_errors),
            "error_kinds": {"status >= 400": int(status), "timeout": int(timeout), "socket": int(socket_errors)}}


def _python_load(url: str, path: str, values: list[str], *, header: str, seconds: float, clients: int,
                 json_field: str = "") -> Round:
    host, port = url.removeprefix("http://").split(":")
    headers = {"Authorization": header} if header else {}
    if json_field:
        headers["Content-Type"] = "application/json"
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        mine, failed = [], 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(host, int(port), timeout=30)
                value = rng.choice(values)
                if json_field:
                    connection.request("POST", path, body=json.dumps({json_field: value}), headers=headers)
                else:
                    connection.request("GET", path + value, headers=headers)
                response = connection.getresponse()
                response.read()
                connection.close()
                if response.status >= 400:
                    failed += 1
            except OSError:
                failed += 1
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return Round(rate=len(latencies) / elapsed, latencies_ms=latencies, errors=errors[0])


def http_round(url: str, path: str, values_file: Path, *, header: str = "", seconds: float = 5,
               clients: int = 32, json_field: str = "") -> Round:
    """Throughput of a live server at ``clients`` concurrent clients for ``seconds``: each request
    is GET ``path`` + a value drawn from ``values_file`` (with ``json_field``: POST ``path`` with
    ``{json_field: value}``). Statuses of 400 and above count as errors."""
    if load_generator() == "wrk":
        result = wrk(url, path, values_file, header=header, seconds=seconds, connections=clients,
                     json_field=json_field)
        return Round(rate=result["rps"], p50_ms=result["p50_ms"], p95_ms=result["p95_ms"],
                     errors=result["errors"], operations=result["requests"], error_kinds=result["error_kinds"])
    values = [line for line in values_file.read_text().splitlines() if line]
    return _python_load(url, path, values, header=header, seconds=seconds, clients=clients, json_field=json_field)


# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------

def _num(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def spread(summary: dict, scale: Callable[[float], str] = _num) -> str:
    """'median (IQR q1–q3, min–max lo–hi)' of a ``summarise`` result."""
    return (f"{scale(summary['median'])} (IQR {scale(summary['q1'])}–{scale(summary['q3'])}, "
            f"min–max {scale(summary['min'])}–{scale(summary['max'])})")


MARKDOWN_HEADER = ("| benchmark | side | rate/s median (IQR, min–max) | p50 | p95 "
                   "| ratio to floor median (IQR, min–max) | rounds | errors | date | load (1, 5, 15 min) |\n"
                   "|---|---|---|---|---|---|---|---|---|---|")


def markdown_rows(label: str, report: dict) -> str:
    """One table row per side of an ``interleave`` report (the floor first), for docs/benchmarks.md."""
    ctx = report["context"]
    rows = []
    names = [report["floor"]] + [n for n in report["sides"] if n != report["floor"]]
    for name in names:
        side = report["sides"][name]
        ratio = spread(side["ratio"], lambda v: f"{v:.2f}") if "ratio" in side else "floor"
        rows.append(f"| {label} | {name} | {spread(side['rate'])} | {side['p50_ms']:.1f} ms | {side['p95_ms']:.1f} ms "
                    f"| {ratio} | {report['rounds']} | {side['errors']} | {ctx['date']} | {ctx['load']} |")
    return "\n".join(rows)


def save(name: str, result: dict) -> None:
    (DATA / f"{name}.json").write_text(json.dumps(result, indent=2, default=str))
    print(json.dumps(result, indent=2, default=str))
