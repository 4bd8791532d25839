"""Queries compiled once and reused: the same rows, the same scoping, relations on demand."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindungi.common import prepared
from lindungi.placements.models import Placement
from lindungi.placements.selectors import CONTEXT_RELATIONS


def _load(actor, public_id, key="test"):
    return prepared.fetch_one(
        (key, actor.role, actor.unit_id, actor.agency_id, actor.is_active), Placement,
        lambda value: Placement.objects.visible_to(actor).filter(public_id=value)
        .select_related(*CONTEXT_RELATIONS).order_by(),
        field="public_id", value=public_id)


@pytest.fixture(autouse=True)
def _fresh_cache():
    prepared.clear()
    yield
    prepared.clear()


def test_same_instance_as_the_orm_and_relations_only_when_filled(admin_user, make_placement):
    first, second = make_placement(), make_placement()
    placement, fill = _load(admin_user, second.public_id)
    assert placement.pk == second.pk and placement.state == second.state and placement.version == second.version
    assert placement.state_changed_at == Placement.objects.get(pk=second.pk).state_changed_at
    assert not Placement._meta.get_field("person").is_cached(placement)
    fill()
    with CaptureQueriesContext(connection) as captured:
        assert placement.person.nik == second.person.nik
        assert placement.sip2mi.number == second.sip2mi.number
        assert placement.country.iso2 == second.country.iso2
    assert not captured.captured_queries
    again, _fill = _load(admin_user, first.public_id)
    assert again.pk == first.pk


def test_compiled_once_then_one_query_per_call(admin_user, make_placement):
    rows = [make_placement() for _ in range(3)]
    _load(admin_user, rows[0].public_id)
    with CaptureQueriesContext(connection) as captured:
        for row in rows:
            assert _load(admin_user, row.public_id)[0].pk == row.pk
    assert len(captured.captured_queries) == 3
    if connection.vendor == "postgresql":  # planned once on the server as well
        assert all(q["sql"].startswith("EXECUTE ") for q in captured.captured_queries)


def test_scoping_is_kept(make_user, make_placement, unit_officer, other_regency, make_person, admin_user):
    inside = make_placement()
    outside = make_placement(person=make_person(regency_obj=other_regency))
    assert _load(unit_officer, inside.public_id)[0].pk == inside.pk
    assert _load(unit_officer, outside.public_id)[0] is None
    assert _load(admin_user, outside.public_id)[0].pk == outside.pk


def test_a_scope_that_sees_nothing_and_a_missing_row(make_user, make_placement):
    placement = make_placement()
    inactive = make_user(is_active=False)
    assert _load(inactive, placement.public_id)[0] is None
    missing, fill = _load(make_user(), uuid.uuid4())
    assert missing is None
    fill()  # harmless
