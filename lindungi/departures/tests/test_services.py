import datetime as dt
import uuid

import pytest

from lindungi.accounts.roles import Role
from lindungi.agencies import services as agency_services
from lindungi.audit.models import AuditEvent
from lindungi.common.errors import Conflict, PermissionDenied, ValidationFailed
from lindungi.departures import services
from lindungi.departures.models import DepartureCheck, Verdict
from lindungi.departures.tests.fixtures import TODAY, in_days
from lindungi.placements import services as placement_services
from lindungi.placements.checklist import ChecklistKind
from lindungi.placements.models import DestinationRule
from lindungi.placements.states import PlacementState as S
from lindungi.placements.tests.fixtures import record
from lindungi.reference.models import Country
from lindungi.registry.models import Passport

pytestmark = pytest.mark.django_db


def codes(check):
    return [r["code"] for r in check.reasons]


def test_ready_placement_is_cleared_and_recorded(post_officer, ready_placement, check_data, post_soetta):
    check, created = services.departure_check_record(actor=post_officer, data=check_data(ready_placement))
    assert created and check.verdict == Verdict.CLEARED and check.reasons == []
    assert check.post == post_soetta and check.officer == post_officer and check.placement == ready_placement
    assert check.lookup["full_name"] == ready_placement.person.full_name
    event = AuditEvent.objects.get(action="departure_check.recorded", object_id=check.pk)
    assert event.changes["verdict"] == [None, "cleared"]


def test_passport_number_finds_the_same_person(post_officer, ready_placement, check_data):
    passport = ready_placement.person.passports.get().number
    check, _ = services.departure_check_record(actor=post_officer,
                                               data=check_data(ready_placement, identifier=passport.lower()))
    assert check.verdict == Verdict.CLEARED and check.identifier_kind == "passport"


def test_unknown_traveller_is_not_cleared(post_officer, check_data):
    check, _ = services.departure_check_record(actor=post_officer, data=check_data())
    assert codes(check) == ["no_person"] and check.person is None


def test_person_without_placement(post_officer, make_person, check_data):
    person = make_person()
    check, _ = services.departure_check_record(actor=post_officer, data=check_data(identifier=person.nik))
    assert codes(check) == ["no_open_placement"]


def test_placement_not_ready_gives_every_reason_at_once(post_officer, make_placement, check_data):
    placement = make_placement()
    check, _ = services.departure_check_record(actor=post_officer, data=check_data(placement, destination="MY"))
    got = codes(check)
    assert got[0] == "placement_not_ready"
    assert {"medical_fitness_missing", "work_visa_missing", "destination_mismatch"} <= set(got)
    assert all(r["message_id"] and r["message_en"] for r in check.reasons)


def test_checklist_item_expiring_before_the_travel_date(post_officer, ready_placement, unit_officer, check_data):
    record(unit_officer, ready_placement, ChecklistKind.MEDICAL_FITNESS, issued_on=TODAY, valid_until=in_days(3))
    on_last_day, _ = services.departure_check_record(
        actor=post_officer, data=check_data(ready_placement, travel_date=in_days(3).isoformat()))
    day_after, _ = services.departure_check_record(
        actor=post_officer, data=check_data(ready_placement, travel_date=in_days(4).isoformat()))
    assert on_last_day.verdict == Verdict.CLEARED
    assert codes(day_after) == ["medical_fitness_expired"]


def test_p3mi_suspended_on_the_travel_date(post_officer, ready_placement, admin_user, check_data):
    agency_services.agency_suspend(actor=admin_user, public_id=ready_placement.agency.public_id,
                                   suspended_from=in_days(2), decree_number="KEP.1/2026", reason="audit")
    today, _ = services.departure_check_record(actor=post_officer, data=check_data(ready_placement))
    later, _ = services.departure_check_record(
        actor=post_officer, data=check_data(ready_placement, travel_date=in_days(2).isoformat()))
    assert today.verdict == Verdict.CLEARED
    assert codes(later) == ["agency_not_in_good_standing"]


def test_moratorium(post_officer, ready_placement, check_data):
    DestinationRule.objects.create(country=Country.objects.get(iso2="TW"), status="closed", valid_from=TODAY,
                                   legal_basis="Kepmen 1/2026", note_id="Ditutup.", note_en="Closed.")
    check, _ = services.departure_check_record(actor=post_officer, data=check_data(ready_placement))
    assert codes(check) == ["destination_closed"]


def test_revoked_sip2mi(post_officer, ready_placement, admin_user, check_data):
    placement_services.sip2mi_revoke(actor=admin_user, public_id=ready_placement.sip2mi.public_id, reason="fraud")
    check, _ = services.departure_check_record(actor=post_officer, data=check_data(ready_placement))
    assert codes(check) == ["sip2mi_revoked"]


def test_old_passport_is_not_current(post_officer, ready_placement, check_data):
    person = ready_placement.person
    Passport.objects.create(person=person, number="X1234567", issuing_office="Kanim Bogor",
                            issue_date=TODAY - dt.timedelta(days=4000), expiry_date=TODAY + dt.timedelta(days=30),
                            is_current=False)
    check, _ = services.departure_check_record(actor=post_officer,
                                               data=check_data(ready_placement, identifier="X1234567"))
    assert codes(check) == ["passport_not_current"]


def test_watch_list_hit_in_force_on_the_travel_date(post_officer, admin_user, ready_placement, check_data):
    services.watchlist_add(actor=admin_user, data={
        "kind": "traveller", "full_name": "Siti", "nik": ready_placement.person.nik,
        "reason": "Tiga kali ditunda keberangkatannya", "valid_until": in_days(1).isoformat()})
    hit, _ = services.departure_check_record(actor=post_officer, data=check_data(ready_placement))
    after, _ = services.departure_check_record(
        actor=post_officer, data=check_data(ready_placement, travel_date=in_days(2).isoformat()))
    assert codes(hit) == ["watchlist_hit"] and "Tiga kali" in hit.reasons[0]["message_id"]
    assert after.verdict == Verdict.CLEARED


def test_watch_list_hit_for_an_unregistered_traveller(post_officer, admin_user, check_data):
    services.watchlist_add(actor=admin_user, data={
        "kind": "recruiter", "full_name": "Calo", "passport_number": "B7654321", "reason": "Sponsor",
        "valid_until": in_days(90).isoformat()})
    check, _ = services.departure_check_record(actor=post_officer, data=check_data(identifier="B7654321"))
    assert codes(check) == ["no_person", "watchlist_hit"]


def test_removed_watch_list_entry_no_longer_hits(post_officer, admin_user, ready_placement, check_data):
    entry = services.watchlist_add(actor=admin_user, data={
        "kind": "traveller", "full_name": "Siti", "nik": ready_placement.person.nik, "reason": "x",
        "valid_until": in_days(30).isoformat()})
    services.watchlist_remove(actor=admin_user, public_id=entry.public_id, reason="Salah orang")
    check, _ = services.departure_check_record(actor=post_officer, data=check_data(ready_placement))
    assert check.verdict == Verdict.CLEARED


@pytest.mark.parametrize(("field", "value"), [
    ("identifier", "32010141"), ("identifier", ""), ("identifier", "'; drop table"), ("destination", "ZZ"),
    ("destination", ""), ("flight", ""), ("flight", "GA<script>"), ("flight", "X" * 21),
    ("travel_date", "2020-01-01"), ("travel_date", "31-31-2026"), ("client_ref", "not-a-uuid"),
])
def test_bad_input_names_the_field(post_officer, check_data, field, value):
    with pytest.raises(ValidationFailed) as exc:
        services.departure_check_record(actor=post_officer, data=check_data(**{field: value}))
    assert field in exc.value.fields
    assert not DepartureCheck.objects.exists()


def test_every_bad_field_at_once(post_officer):
    with pytest.raises(ValidationFailed) as exc:
        services.departure_check_record(actor=post_officer, data={"identifier": "x", "destination": "??"})
    assert {"identifier", "destination", "flight"} <= set(exc.value.fields)


def test_admin_without_post_must_name_one(admin_user, check_data, post_soetta):
    with pytest.raises(ValidationFailed) as exc:
        services.departure_check_record(actor=admin_user, data=check_data())
    assert "post" in exc.value.fields
    check, _ = services.departure_check_record(actor=admin_user, data=check_data(post=post_soetta.code))
    assert check.post == post_soetta


@pytest.mark.parametrize("role", [Role.ANALYST, Role.UNIT_OFFICER, Role.PARTNER_API])
def test_only_checkpoint_roles_check(make_user, role, check_data, unit_jabar):
    user = make_user(role, unit=unit_jabar if role == Role.UNIT_OFFICER else None)
    with pytest.raises(PermissionDenied):
        services.departure_check_record(actor=user, data=check_data())


def test_client_ref_records_a_check_once(post_officer, ready_placement, check_data, make_user):
    ref = str(uuid.uuid4())
    first, created = services.departure_check_record(actor=post_officer, data=check_data(ready_placement,
                                                                                         client_ref=ref))
    again, created_again = services.departure_check_record(actor=post_officer,
                                                           data=check_data(ready_placement, client_ref=ref))
    assert created and not created_again and first.pk == again.pk
    assert DepartureCheck.objects.count() == 1
    other = make_user(Role.CHECKPOINT)
    with pytest.raises(Conflict):
        services.departure_check_record(actor=other, data=check_data(ready_placement, client_ref=ref, post="TPI-CGK-T"))


def test_cleared_check_takes_the_placement_to_departed(post_officer, ready_placement, check_data):
    check, _ = services.departure_check_record(actor=post_officer, data=check_data(ready_placement))
    done = services.departure_check_depart(actor=post_officer, public_id=check.public_id)
    ready_placement.refresh_from_db()
    assert ready_placement.state == S.DEPARTED and done.departed_at is not None
    assert ready_placement.transitions.get(to_state=S.DEPARTED).actor == post_officer
    with pytest.raises(Conflict):
        services.departure_check_depart(actor=post_officer, public_id=check.public_id)


def test_not_cleared_check_cannot_depart(post_officer, make_placement, check_data):
    check, _ = services.departure_check_record(actor=post_officer, data=check_data(make_placement()))
    with pytest.raises(Conflict):
        services.departure_check_depart(actor=post_officer, public_id=check.public_id)
