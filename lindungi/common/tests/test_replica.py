"""The router's decisions, on any database: reports go to a healthy standby, everything else and
every write to the primary, and a sick standby sends reports back to the primary."""

import pytest
from django.db import DEFAULT_DB_ALIAS

from lindungi.common import replica
from lindungi.registry.models import Person

router = replica.ReplicaRouter()


@pytest.fixture
def standby(monkeypatch):
    monkeypatch.setattr(replica, "configured", lambda: True)
    verdict = {"state": replica.ReplicaState(True, True, 1.5)}
    monkeypatch.setattr(replica, "_probe", lambda: verdict["state"])
    replica.forget_state()
    yield verdict
    replica.forget_state()


def test_without_a_standby_everything_reads_the_primary():
    assert not replica.state().configured
    with replica.reporting_reads() as alias:
        assert alias == DEFAULT_DB_ALIAS
        assert router.db_for_read(Person) == DEFAULT_DB_ALIAS


def test_reports_read_the_standby_and_nothing_else_does(standby):
    assert router.db_for_read(Person) == DEFAULT_DB_ALIAS
    with replica.reporting_reads() as alias:
        assert alias == replica.REPLICA_ALIAS
        assert router.db_for_read(Person) == replica.REPLICA_ALIAS
        assert router.db_for_write(Person) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Person) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(replica.REPLICA_ALIAS, "registry") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "registry") is True


def test_the_decorator_routes_the_whole_call(standby):
    @replica.reporting
    def report():
        return router.db_for_read(Person)

    assert report() == replica.REPLICA_ALIAS


def test_a_sick_standby_sends_reports_to_the_primary(standby):
    standby["state"] = replica.ReplicaState(True, False, 900.0, "the standby is 900 s behind")
    with replica.reporting_reads() as alias:
        assert alias == DEFAULT_DB_ALIAS


def test_the_verdict_is_cached_then_probed_again(standby, monkeypatch):
    calls = []
    monkeypatch.setattr(replica, "_probe", lambda: calls.append(1) or replica.ReplicaState(True, True, 0.0))
    replica.state()
    replica.state()
    assert len(calls) == 1
    replica.state(fresh=True)
    assert len(calls) == 2


def test_a_nested_report_keeps_the_outer_decision(standby):
    with replica.reporting_reads():
        standby["state"] = replica.ReplicaState(True, False, None, "gone")
        replica.forget_state()
        with replica.reporting_reads() as inner:
            assert inner == replica.REPLICA_ALIAS
