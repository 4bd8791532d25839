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


# ---------------------------------------------------------------------------------------------
# Watch list
# ---------------------------------------------------------------------------------------------


def _entry(actor, **extra):
    data = {"kind": "recruiter", "full_name": "Calo Bandara", "nik": "3201010101800001",
            "reason": "Membawa 12 CPMI tanpa dokumen", "valid_until": in_days(365).isoformat(), **extra}
    return services.watchlist_add(actor=actor, data=data)


def test_watchlist_entry_records_who_why_and_until_when(post_officer):
    entry = _entry(post_officer)
    assert entry.added_by == post_officer and entry.review_due == in_days(180)
    event = AuditEvent.objects.get(action="watchlist.added", object_id=entry.pk)
    assert event.reason.startswith("Membawa") and event.changes["valid_until"][1] == in_days(365).isoformat()


@pytest.mark.parametrize(("extra", "field"), [
    ({"nik": "", "passport_number": ""}, "nik"), ({"nik": "123"}, "nik"),
    ({"passport_number": "12"}, "passport_number"),
    ({"kind": "spy"}, "kind"), ({"reason": " "}, "reason"), ({"valid_until": in_days(-1).isoformat()}, "valid_until"),
    ({"valid_until": in_days(6 * 365).isoformat()}, "valid_until"), ({"full_name": ""}, "full_name"),
])
def test_watchlist_bad_input(post_officer, extra, field):
    with pytest.raises(ValidationFailed) as exc:
        _entry(post_officer, **extra)
    assert field in exc.value.fields


def test_watchlist_review_extends_and_sets_next_review(admin_user):
    entry = _entry(admin_user, valid_until=in_days(10).isoformat())
    reviewed = services.watchlist_review(actor=admin_user, public_id=entry.public_id, note="Masih aktif",
                                         valid_until=in_days(400))
    assert reviewed.valid_until == in_days(400) and reviewed.review_due == in_days(180)
    assert reviewed.reviewed_by == admin_user
    services.watchlist_remove(actor=admin_user, public_id=entry.public_id, reason="Putusan pengadilan")
    with pytest.raises(Conflict):
        services.watchlist_review(actor=admin_user, public_id=entry.public_id, note="x")


def test_analyst_may_not_change_the_watch_list(analyst):
    with pytest.raises(PermissionDenied):
        _entry(analyst)


# ---------------------------------------------------------------------------------------------
# Interceptions
# ---------------------------------------------------------------------------------------------


def _interception(actor, travellers, **extra):
    data = {"travellers": travellers, "destination": "KH", "flight": "QZ 7712", "declared_purpose": "tourism",
            "cover_story": "Liburan ke Phnom Penh", "route": "CGK – KUL – PNH", "transit_countries": ["MY"],
            "suspected_recruiter": "Bang Jago (sponsor)", "outcome": "handed_to_bp2mi", **extra}
    return services.interception_record(actor=actor, data=data)


def test_interception_of_a_group_links_registered_people(post_officer, make_person, post_soetta):
    registered = make_person()
    rows = _interception(post_officer, [
        {"full_name": registered.full_name, "nik": registered.nik},
        {"full_name": "Rina", "passport_number": "C7654321"}])
    assert len(rows) == 2 and rows[0].group_ref == rows[1].group_ref
    assert rows[0].person == registered and rows[1].person is None and rows[0].post == post_soetta
    assert rows[0].transit_countries == ["MY"]
    assert AuditEvent.objects.filter(action="interception.recorded").count() == 2


def test_interception_bad_input_names_each_field(post_officer):
    with pytest.raises(ValidationFailed) as exc:
        _interception(post_officer, [{"full_name": "", "nik": "12"}, "x"], destination="??",
                      declared_purpose="holiday", outcome="", transit_countries=["ZZ"])
    assert {"travellers.0.full_name", "travellers.0.nik", "travellers.1", "destination", "declared_purpose",
            "outcome", "transit_countries.0"} <= set(exc.value.fields)
    with pytest.raises(ValidationFailed):
        _interception(post_officer, [])


def test_interception_case_seam(post_officer):
    (row,) = _interception(post_officer, [{"full_name": "Rina", "passport_number": "C7654321"}])
    case = uuid.uuid4()
    linked = services.interception_link_case(actor=post_officer, public_id=row.public_id, case_ref=str(case))
    assert linked.case_ref == str(case)
    with pytest.raises(ValidationFailed):
        services.interception_link_case(actor=post_officer, public_id=row.public_id, case_ref="nope")


# ---------------------------------------------------------------------------------------------
# Any input reaches a clear answer; a check costs a fixed number of queries
# ---------------------------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_values = st.one_of(st.none(), st.text(max_size=40), st.integers(), st.booleans(), st.lists(st.text(max_size=5),
                                                                                             max_size=2))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.fixed_dictionaries({}, optional={k: _values for k in (
    "identifier", "destination", "flight", "travel_date", "post", "client_ref")}))
def test_any_input_is_recorded_or_refused_by_field(post_officer, data):
    before = DepartureCheck.objects.count()
    try:
        check, _ = services.departure_check_record(actor=post_officer, data=data)
    except ValidationFailed as exc:
        assert exc.fields and DepartureCheck.objects.count() == before
    else:
        assert check.verdict in ("cleared", "not_cleared")


def test_query_budget_of_a_check(post_officer, ready_placement, check_data, django_assert_max_num_queries):
    services.departure_check_record(actor=post_officer, data=check_data(ready_placement))  # warm caches
    # lookup, access log, placement, checklist, destination rules, watch list, check row, the audit
    # event with its hash chain's head, savepoints
    with django_assert_max_num_queries(16):
        services.departure_check_record(actor=post_officer, data=check_data(ready_placement))
