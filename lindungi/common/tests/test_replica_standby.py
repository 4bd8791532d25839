"""Against a real PostgreSQL hot standby (CI starts one from pg_basebackup on port 5433 and sets
DATABASE_REPLICA_URL): the dashboard, the statistics and an export read from it, writes never go
there, and its lag is shown. Without a standby these tests skip, except where
LINDUNGI_REQUIRE_STANDBY=1 (CI's PostgreSQL run), where a missing standby is a failure."""

import os
import time

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from lindungi.common import replica
from lindungi.exports import services as exports
from lindungi.registry.tests.factories import make_person
from lindungi.statistics.selectors import realisation_for
from lindungi.web.dashboard import dashboard_summary_for

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def standby(settings):
    if replica.REPLICA_ALIAS not in settings.DATABASES:
        if os.environ.get("LINDUNGI_REQUIRE_STANDBY") == "1":
            pytest.fail("LINDUNGI_REQUIRE_STANDBY=1 but DATABASE_REPLICA_URL is not set")
        pytest.skip("no DATABASE_REPLICA_URL: these run in CI against a real hot standby")
    settings.REPLICA_READS = True
    replica.forget_state()
    yield connections[replica.REPLICA_ALIAS]
    replica.forget_state()


def caught_up(standby_connection, timeout: float = 15.0) -> None:
    """Wait until the standby has replayed everything the primary committed so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    while True:
        with standby_connection.cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        assert time.monotonic() < deadline, "the standby did not catch up"
        time.sleep(0.05)


def test_it_is_a_real_read_only_standby(standby):
    with standby.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_setting('port')")
        in_recovery, port = cursor.fetchone()
    assert in_recovery is True
    assert str(standby.settings_dict["PORT"]) == port != str(connections["default"].settings_dict["PORT"])
    state = replica.state(fresh=True)
    assert state.usable and state.lag_seconds is not None and state.lag_seconds >= 0


def test_the_dashboard_reads_the_standby(standby, admin_user):
    make_person(admin_user)
    caught_up(standby)
    with CaptureQueriesContext(standby) as on_standby:
        summary = dashboard_summary_for(admin_user)
    assert summary["persons"] == 1
    assert len(on_standby) > 0


def test_statistics_read_the_standby(standby, admin_user):
    caught_up(standby)
    with CaptureQueriesContext(standby) as on_standby:
        table = realisation_for(admin_user)
    assert table["year"] and len(on_standby) > 0


def test_an_export_reads_the_standby_and_writes_the_primary(standby, admin_user, django_capture_on_commit_callbacks):
    make_person(admin_user)
    caught_up(standby)
    with CaptureQueriesContext(standby) as on_standby, django_capture_on_commit_callbacks(execute=True):
        job = exports.export_request(actor=admin_user, kind="persons", fmt="csv", filters={})
    job.refresh_from_db()
    assert (job.status, job.row_count) == ("done", 1)
    statements = [q["sql"].lstrip().split()[0].upper() for q in on_standby]
    assert "DECLARE" in statements  # the rows themselves, streamed through a server-side cursor
    assert not {"INSERT", "UPDATE", "DELETE"} & set(statements)


def test_the_pages_show_the_lag(standby, client, admin_user):
    client.force_login(admin_user)
    page = client.get("/").content.decode()
    note = page[page.index('class="muted replica-note"'):]
    assert note.split("</p>")[0].count("standby") == 1  # "read from the standby", in either language
    assert "tidak tersedia" not in note.split("</p>")[0] and "unavailable" not in note.split("</p>")[0]


def test_metrics_report_the_lag(standby, client, settings):
    settings.METRICS_TOKEN = "scrape-token-for-tests"
    body = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token-for-tests").content.decode()
    assert "lindungi_replica_usable 1" in body
    assert "lindungi_replica_lag_seconds " in body
