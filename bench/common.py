"""Helpers shared by the benchmark scripts: databases, servers, wrk."""

import json
import os
import platform
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
DATA = ROOT / "bench" / "results"
DATA.mkdir(parents=True, exist_ok=True)
PG_URL = os.environ.get("DATABASE_URL_BENCH", "postgres://lindungi:lindungi-ci@127.0.0.1:5432/lindungi_bench")


def backend_env(backend: str) -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings", PYTHONPATH=str(ROOT))
    env.pop("DATABASE_URL", None)
    if backend == "sqlite":
        env["SQLITE_PATH"] = str(DATA / "bench.sqlite3")
    else:
        env["DATABASE_URL"] = PG_URL
    return env


def reset_database(backend: str) -> None:
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(DATA / "bench.sqlite3") + suffix).unlink(missing_ok=True)
    else:
        name = PG_URL.rsplit("/", 1)[1]
        subprocess.run(["su", "postgres", "-c", f"dropdb --if-exists {name} && createdb -O lindungi {name}"],
                       check=True)
    manage(backend, "migrate", "--noinput", quiet=True)


def manage(backend: str, *args: str, quiet: bool = False) -> str:
    out = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=backend_env(backend), check=True,
                         capture_output=True, text=True)
    if not quiet:
        sys.stderr.write(out.stderr[-2000:])
    return out.stdout


def machine() -> dict:
    cpu = "unknown"
    try:
        cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text()).group(1)
    except (OSError, AttributeError):
        pass
    mem = int(re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text()).group(1)) // 1024 // 1024
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": mem, "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d")}


class Server:
    """gunicorn with 2 sync workers on loopback (the deployment default)."""

    def __init__(self, backend: str, port: int, settings: str = "config.settings", workers: int = 2):
        env = backend_env(backend)
        env["DJANGO_SETTINGS_MODULE"] = settings
        env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        )

    def __enter__(self):
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url + "/login/", timeout=1)
                return self
            except Exception:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def __exit__(self, *exc):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=20)


WRK_SCRIPT = """
local niks = {}
for line in io.lines("%(niks)s") do niks[#niks + 1] = line end
local header = "%(header)s"
local method = "%(method)s"
request = function()
  local nik = niks[math.random(#niks)]
  local headers = {}
  if header ~= "" then headers["Authorization"] = header end
  if method == "POST" then  -- the NIK in a JSON body, never in the URL
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", "%(path)s", headers, '{"nik": "' .. nik .. '"}')
  end
  return wrk.format("GET", "%(path)s" .. nik, headers)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%.3f %%.3f %%.3f %%d\\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
"""


def wrk(url: str, path: str, niks_file: Path, *, header: str = "", seconds: int = 20, connections: int = 32,
        method: str = "GET") -> dict:
    """``method="POST"`` sends ``{"nik": …}`` as a JSON body to ``path``; GET appends the NIK to it."""
    script = DATA / "lookup.lua"
    script.write_text(WRK_SCRIPT % {"niks": niks_file, "header": header, "path": path, "method": method})
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    requests, duration_us, p50, p95, p99, errors = line.split()[1:]
    return {"requests": int(requests), "rps": round(int(requests) / (int(duration_us) / 1e6), 1),
            "p50_ms": float(p50), "p95_ms": float(p95), "p99_ms": float(p99), "errors": int(errors)}


def save(name: str, result: dict) -> None:
    (DATA / f"{name}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
