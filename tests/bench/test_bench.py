"""Smoke tests of the benchmark scripts (``bench/``), fast enough for ``make test``: the harness's
interleaving and statistics, the load generator without wrk, that every script starts, and that
the floors answer exactly what the API answers (a floor that did less work would flatter Lindungi).
Nothing here is timed."""

import http.server
import json
import subprocess
import sys
import threading

import pytest
from django.http import Http404
from django.test import RequestFactory

from bench import common, run_all
from bench.floor_urls import lookup as floor_lookup
from bench.floor_urls import search as floor_search
from lindungi.registry.tests.factories import make_person


def test_summarise_gives_median_p95_and_spread():
    stats = common.summarise([float(v) for v in range(1, 101)])
    assert stats["median"] == 50.5 and stats["p95"] == 95 and stats["min"] == 1 and stats["max"] == 100
    assert stats["q1"] < stats["median"] < stats["q3"]
    assert common.summarise([3.0])["q1"] == common.summarise([3.0])["q3"] == 3.0
    assert common.summarise([]) == {"n": 0}


def test_interleave_rotates_the_order_and_pairs_ratios_by_round():
    calls = []

    def side(name, rate):
        def run(number):
            calls.append((number, name))
            return common.Round(rate=rate * (1 + number % 2), latencies_ms=[1.0, 2.0, 3.0])
        return run

    report = common.interleave({"floor": side("floor", 100), "candidate": side("candidate", 50)},
                               floor="floor", rounds=4, warmup=1)
    order = [name for number, name in calls if number >= 0]
    assert order == ["floor", "candidate", "candidate", "floor", "floor", "candidate", "candidate", "floor"]
    assert [name for number, name in calls if number < 0] == ["candidate", "floor"]  # warm-up, not recorded
    candidate = report["sides"]["candidate"]
    assert candidate["ratio"]["median"] == pytest.approx(0.5) and candidate["ratio"]["max"] == pytest.approx(0.5)
    assert candidate["operations"] == 12 and candidate["warmup_operations"] == 3
    assert report["sides"]["floor"]["rate"]["min"] == 100 and report["sides"]["floor"]["rate"]["max"] == 200
    rows = common.markdown_rows("demo", report).splitlines()
    assert len(rows) == 2 and rows[0].startswith("| demo | floor |") and "0.50" in rows[1]
    assert report["context"]["load"] in rows[1]
    assert rows[1].count("|") == common.MARKDOWN_HEADER.splitlines()[0].count("|") == 11


def test_interleave_refuses_an_unknown_floor():
    with pytest.raises(ValueError):
        common.interleave({"a": lambda n: common.Round(rate=1)}, floor="b", rounds=1)


def test_python_load_generator_counts_requests_and_errors(tmp_path, monkeypatch):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            status = 404 if self.path.endswith("missing") else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    values = tmp_path / "values.txt"
    values.write_text("found\nmissing\n")
    monkeypatch.setenv("BENCH_NO_WRK", "1")
    try:
        result = common.http_round(f"http://127.0.0.1:{server.server_port}", "/x?v=", values, seconds=0.3, clients=4)
    finally:
        server.shutdown()
    assert result.operations > 0 and result.rate > 0 and 0 < result.errors < result.operations
    assert result.p95_ms >= result.p50_ms > 0


@pytest.mark.parametrize("script", sorted(p.stem for p in (common.ROOT / "bench").glob("bench_*.py")))
def test_every_script_starts(script):
    proc = subprocess.run([sys.executable, "-m", f"bench.{script}", "--help"], cwd=common.ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "--backend" in proc.stdout


def test_run_all_plans_small_and_full_sizes():
    for size in ("small", "full"):
        runs = run_all.plan(size, ["sqlite", "postgres"], ["lookup", "search"])
        assert [name for name, _command, _note in runs] == [
            "bench_lookup [sqlite]", "bench_search [sqlite]", "bench_lookup [postgres]", "bench_search [postgres]"]
        assert all(not note for _name, _command, note in runs)
    for size in ("small", "full"):  # every script in bench/ has its sizes, declared or known
        assert all(not note for _name, _command, note in run_all.plan(size, ["sqlite"])), size
    small = dict((name, command) for name, command, _ in run_all.plan("small", ["sqlite"], ["lookup"]))
    assert small["bench_lookup [sqlite]"][-4:] == ["--rounds", "3", "--seconds", "2"]
    assert run_all.main(["--dry-run", "--backends", "sqlite", "--only", "lookup"]) == 0
    with pytest.raises(SystemExit):
        run_all.scripts(["no_such_bench"])


@pytest.fixture
def looked_up(admin_user, agency):
    return make_person(admin_user, full_name="Siti Nurhaliza Wulandari", agency_public_id=str(agency.public_id),
                       passport={"number": "C1234567", "issuing_office": "Kantor Imigrasi Bogor",
                                 "issue_date": "2024-01-10", "expiry_date": "2034-01-10"})


def _floor(view, **params):
    return json.loads(view(RequestFactory().get("/floor", params)).content)


@pytest.mark.django_db
def test_lookup_floor_answers_what_the_api_answers(looked_up, partner_client, unit_officer, api_client_for,
                                                   admin_user, other_regency):
    for user, scope in ((partner_client, {}), (unit_officer, {"unit": unit_officer.unit_id})):
        api = api_client_for(user).post("/api/v1/persons/lookup", {"nik": looked_up.nik},
                                        content_type="application/json").json()
        floor = _floor(floor_lookup, nik=looked_up.nik, **scope)
        assert api.pop("nik_warnings") == [] and floor.pop("nik_warnings") == []
        assert api == floor and floor["passport_number"] == "C1234567" and floor["agency"] is not None
    outside = make_person(admin_user, regency=other_regency.code)
    assert api_client_for(unit_officer).post("/api/v1/persons/lookup", {"nik": outside.nik},
                                             content_type="application/json").status_code == 404
    with pytest.raises(Http404):
        floor_lookup(RequestFactory().get("/floor", {"nik": outside.nik, "unit": unit_officer.unit_id}))


@pytest.mark.django_db
def test_search_floor_answers_what_the_api_answers(looked_up, admin_user, unit_officer, api_client_for,
                                                   other_regency):
    make_person(admin_user, full_name="Siti Nuraini", regency=other_regency.code)
    make_person(admin_user, full_name="Nurul Wulan Sari")
    for user, scope in ((admin_user, {}), (unit_officer, {"unit": unit_officer.unit_id})):
        client = api_client_for(user)
        for q in ("sit", "nur wul", "siti nur", "zzz"):
            api = client.get("/api/v1/persons", {"q": q, "page_size": 25}).json()
            floor = _floor(floor_search, q=q, **scope)
            assert floor["total"] == api["total"] and floor["items"] == api["items"], (user.role, q)
    assert _floor(floor_search, q="sit")["total"] == 2
    assert _floor(floor_search, q="sit", unit=unit_officer.unit_id)["total"] == 1


@pytest.mark.django_db
def test_ledger_floor_finds_what_ledger_check_finds(admin_user):
    """The same entries over, with the same rule and amount, from the SQL floor and from
    ``ledger_check``, including a rule in Hong Kong dollars and a rule added later."""
    from django.db import connection

    from bench.bench_ledger import floor_check, setup
    from lindungi.supervision import services
    from lindungi.supervision.selectors import ledger_check

    setup(3000)
    services.cost_rule_create(actor=admin_user, data={
        "component": "medical_check", "country": "TW", "occupation": "8211", "payer": "worker",
        "max_worker_amount": "400", "currency": "HKD", "valid_from": "2020-01-01", "legal_basis": "bench HKD"})
    services.cost_rule_create(actor=admin_user, data={
        "component": "lodging", "country": "MY", "payer": "worker", "max_worker_amount": "2000000",
        "valid_from": "2018-01-01", "legal_basis": "bench MY"})
    found = ledger_check()
    assert len(found) > 100
    assert floor_check(connection) == found
