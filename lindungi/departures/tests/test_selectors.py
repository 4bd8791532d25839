"""Scoped reads: a checkpoint officer sees the checks and interceptions of their own post, finds a
person only by exact NIK or passport; the watch list is shared by every post; lists are logged."""

import pytest

from lindungi.accounts.roles import Role
from lindungi.audit.models import AccessLog
from lindungi.common.errors import NotFound, PermissionDenied, ValidationFailed
from lindungi.departures import selectors, services
from lindungi.departures.models import CheckpointPost, PostAssignment
from lindungi.departures.tests.fixtures import in_days

pytestmark = pytest.mark.django_db


def test_identifier_kinds():
    assert selectors.identifier_kind("3201014107990001") == "nik"
    assert selectors.identifier_kind("C1234567") == "passport"
    for bad in ("320101410799000", "CCCCCCC", "1234567", "C12", ""):
        assert selectors.identifier_kind(bad) is None


def test_a_partial_nik_finds_nobody(post_officer, ready_placement, check_data):
    with pytest.raises(ValidationFailed):
        services.departure_check_record(actor=post_officer,
                                        data=check_data(identifier=ready_placement.person.nik[:12]))


def test_checks_and_interceptions_of_other_posts_are_not_found(post_officer, make_user, check_data):
    juanda = CheckpointPost.objects.create(code="TPI-SUB-T", name="Juanda", kind="airport")
    other = make_user(Role.CHECKPOINT, username="juanda-t")
    PostAssignment.objects.create(user=other, post=juanda)
    check, _ = services.departure_check_record(actor=post_officer, data=check_data())
    (row,) = services.interception_record(actor=post_officer, data={
        "travellers": [{"full_name": "Rina", "passport_number": "C7654321"}], "destination": "KH",
        "declared_purpose": "tourism", "outcome": "postponed"})
    with pytest.raises(NotFound):
        selectors.departure_check_get_for(other, check.public_id)
    with pytest.raises(NotFound):
        selectors.interception_get_for(other, row.public_id)
    assert selectors.departure_check_list_for(other).total == 0
    assert selectors.interception_get_for(post_officer, row.public_id)["companions"] == []
    assert AccessLog.objects.filter(object_type="interception").exists()


def test_watch_list_is_shared_and_filtered(post_officer, admin_user, make_user, unit_jabar):
    entry = services.watchlist_add(actor=admin_user, data={
        "kind": "traveller", "full_name": "Sari", "passport_number": "C1111111", "reason": "x",
        "valid_until": in_days(5).isoformat()})
    assert selectors.watchlist_list_for(post_officer).total == 1
    assert selectors.watchlist_list_for(post_officer, q="c1111111").items == [entry]
    assert selectors.watchlist_list_for(post_officer, status="expired").total == 0
    assert selectors.watchlist_list_for(post_officer, status="active", on=in_days(6)).total == 0
    assert selectors.watchlist_list_for(post_officer, status="expired", on=in_days(6)).total == 1
    assert selectors.watchlist_list_for(post_officer, status="review", on=in_days(5)).total == 1
    with pytest.raises(ValidationFailed):
        selectors.watchlist_list_for(post_officer, status="bogus")
    with pytest.raises(PermissionDenied):
        selectors.watchlist_list_for(make_user(Role.UNIT_OFFICER, unit=unit_jabar))
