"""The hash chains over the audit trail and the access log, and ``manage.py verify_audit``."""

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from lindungi.audit import chain
from lindungi.audit.models import AccessLog, AuditEvent, ChainHead
from lindungi.audit.services import access_log, audit_record


def _events(actor, n=5):
    return [audit_record(actor=actor, action="test.write", object_type="thing", object_id=i,
                         changes={"n": [None, i], "when": ["2024-01-31", None]}, reason=f"reason {i}", via="test")
            for i in range(1, n + 1)]


def _verify(*chains) -> tuple[list[str], str]:
    out = StringIO()
    args = [arg for name in chains for arg in ("--chain", name)]
    try:
        call_command("verify_audit", *args, stdout=out)
    except CommandError:
        return [line for line in out.getvalue().splitlines() if line.startswith("[")], "failed"
    return [], out.getvalue()


@pytest.mark.django_db
def test_rows_link_to_their_predecessor(admin_user):
    events = _events(admin_user, 3)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == chain.GENESIS
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert ChainHead.objects.get(chain="audit").hash == events[2].hash
    stored = AuditEvent.objects.get(pk=events[1].pk)
    assert chain.digest("audit", stored) == stored.hash  # the hash survives the database round trip
    problems, output = _verify()
    assert problems == [] and "intact" in output


@pytest.mark.django_db
def test_access_rows_are_chained_one_per_person(admin_user):
    rows = access_log(actor=admin_user, kind="view", object_type="person_list", persons=[7, 8, 7, None], via="web")
    assert [r.person_id for r in rows] == [7, 8]
    assert rows[1].prev_hash == rows[0].hash
    nobody = access_log(actor=admin_user, kind="lookup", object_type="person", persons=[], detail="nik=1 (not found)")
    assert nobody[0].person_id is None and nobody[0].seq == 3
    assert _verify("access")[0] == []


@pytest.mark.django_db
def test_verify_names_an_edited_row(admin_user):
    events = _events(admin_user)
    AuditEvent.objects.filter(pk=events[2].pk).update(reason="nothing to see")
    problems, _ = _verify("audit")
    assert len(problems) == 1
    assert "edited" in problems[0] and f"row id {events[2].pk} " in problems[0]


@pytest.mark.django_db
def test_verify_names_an_edited_access_row(admin_user):
    rows = access_log(actor=admin_user, kind="view", object_type="person_list", persons=[1, 2, 3])
    AccessLog.objects.filter(pk=rows[1].pk).update(actor=None)
    problems, _ = _verify("access")
    assert len(problems) == 1 and "edited" in problems[0] and f"row id {rows[1].pk} " in problems[0]


@pytest.mark.django_db
def test_verify_names_a_deleted_row(admin_user):
    events = _events(admin_user)
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    problems, _ = _verify("audit")
    assert len(problems) == 1
    assert "deleted" in problems[0] and "seq 2" in problems[0] and f"before row id {events[2].pk}" in problems[0]


@pytest.mark.django_db
def test_verify_names_rows_deleted_at_the_end(admin_user):
    events = _events(admin_user)
    AuditEvent.objects.filter(pk__in=[events[3].pk, events[4].pk]).delete()
    problems, _ = _verify("audit")
    assert len(problems) == 1 and "deleted" in problems[0] and "2 row(s) missing at the end" in problems[0]


@pytest.mark.django_db
def test_verify_names_an_inserted_row(admin_user):
    _events(admin_user)
    forged = AuditEvent.objects.create(actor=admin_user, action="person.update", object_type="person", object_id=1)
    problems, _ = _verify("audit")
    assert len(problems) == 1
    assert "inserted" in problems[0] and f"row id {forged.pk} is not in the chain" in problems[0]


@pytest.mark.django_db
def test_verify_names_a_row_forged_into_the_chain(admin_user):
    """A row given a place in the chain by hand: its hash cannot follow from its predecessor unless the
    forger recomputes it, and then it lies beyond the head."""
    events = _events(admin_user, 3)
    forged = AuditEvent(actor=admin_user, action="person.update", object_type="person", object_id=1, seq=4,
                        prev_hash=events[2].hash)
    forged.hash = chain.digest("audit", forged)
    forged.save()
    problems, _ = _verify("audit")
    assert len(problems) == 1 and "inserted" in problems[0] and "seq 4" in problems[0]


@pytest.mark.django_db
def test_verify_names_a_replaced_row(admin_user):
    """A row deleted and another put in its place with a self-consistent hash: its successor no longer
    follows from it."""
    events = _events(admin_user, 3)
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    forged = AuditEvent(actor=admin_user, action="person.update", object_type="person", object_id=1, seq=2,
                        prev_hash=events[0].hash, at=events[1].at)
    forged.hash = chain.digest("audit", forged)
    forged.save()
    problems, _ = _verify("audit")
    assert len(problems) == 1 and "inserted" in problems[0] and f"row id {events[2].pk} " in problems[0]


@pytest.mark.django_db
def test_a_rolled_back_write_leaves_no_trace_in_the_chain(admin_user):
    from django.db import transaction

    _events(admin_user, 2)
    with pytest.raises(RuntimeError), transaction.atomic():
        _events(admin_user, 1)
        raise RuntimeError("the business write failed")
    assert ChainHead.objects.get(chain="audit").seq == 2
    after = _events(admin_user, 1)[0]
    assert after.seq == 3
    assert _verify()[0] == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain(admin_user):
    """Eight threads append at once; every row gets its own place and the chain verifies. On SQLite
    the write transactions are serial anyway; on PostgreSQL the head row lock does it."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database is shared-cache; the lock is exercised on PostgreSQL")
    errors = []
    barrier = threading.Barrier(8)

    def write(n):
        try:
            barrier.wait()
            for i in range(10):
                audit_record(actor=None, action="test.concurrent", object_type="thing", object_id=n * 100 + i)
                access_log(actor=None, kind="view", object_type="person", persons=[n * 100 + i])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, 81))
    assert AccessLog.objects.count() == 80
    assert _verify()[0] == []
