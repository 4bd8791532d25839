"""Placements through the services: creation with warnings, scoping, the whole journey with the
right roles, guards against real rows, compare-and-set, quota, checklist recording and voiding."""

import datetime as dt

import pytest

from lindungi.accounts.roles import Role
from lindungi.audit.models import AuditEvent
from lindungi.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lindungi.placements import selectors, services
from lindungi.placements.checklist import ChecklistKind, ItemState, add_months
from lindungi.placements.models import ChecklistItem, Placement, PlacementTransition, Sip2mi
from lindungi.placements.services import TransitionRefused
from lindungi.placements.states import PlacementState as S
from lindungi.placements.tests.fixtures import FAR, TODAY, advance, complete_items, record, years_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkpoint(make_user):
    return make_user(Role.CHECKPOINT, username="checkpoint-p")


def transition(actor, placement, to, **kw):
    kw.setdefault("identifier", {"nik": placement.person.nik})  # as a checkpoint officer looked it up
    return services.placement_transition(actor=actor, public_id=placement.public_id, to_state=to, **kw).placement


def codes(exc):
    return [u.code for u in exc.value.unmet]


# --- creation ------------------------------------------------------------------------------------


def test_create_from_job_order_fills_in_the_rest(admin_user, make_placement):
    placement = make_placement()
    assert placement.state == S.REGISTERED and placement.version == 1
    assert placement.agency == placement.job_order.agency
    assert placement.employer == placement.job_order.employer
    assert placement.country.iso2 == "TW" and placement.occupation.isco_code == "5322"
    assert placement.sector == "informal"  # 5322 is a household job
    assert AuditEvent.objects.filter(action="placement.created", object_id=placement.pk).exists()


def test_sector_formal_for_non_household_job(admin_user, make_person):
    placement, _ = services.placement_create(actor=admin_user, data={
        "person": str(make_person().public_id), "scheme": "g_to_g_korea", "country": "KR", "occupation": "8160"})
    assert placement.sector == "formal" and placement.agency is None


def test_creation_returns_eligibility_warnings_but_does_not_refuse(admin_user, make_person):
    young = make_person(birth_date=years_ago(17), education="sd")
    placement, warnings = services.placement_create(actor=admin_user, data={
        "person": str(young.public_id), "scheme": "g_to_g_korea", "country": "KR", "occupation": "8160"})
    assert placement.state == S.REGISTERED
    assert {w.code for w in warnings} == {"age_below_minimum", "education_below_minimum"}


def test_creation_warns_of_moratorium(admin_user, make_person, make_employer):
    employer = make_employer("SA", "individual")
    _, warnings = services.placement_create(actor=admin_user, data={
        "person": str(make_person().public_id), "scheme": "special", "country": "SA", "occupation": "9111",
        "employer": str(employer.public_id)})
    assert "destination_closed" in {w.code for w in warnings}


def test_one_open_placement_per_person(admin_user, make_placement, make_person):
    person = make_person()
    make_placement(person=person)
    with pytest.raises(Conflict):
        make_placement(person=person)


def test_new_placement_allowed_once_the_previous_one_closed(admin_user, make_placement, make_person):
    person = make_person()
    first = make_placement(person=person)
    transition(admin_user, first, S.WITHDRAWN, reason="Batal")
    assert make_placement(person=person).pk != first.pk


def test_create_validation(admin_user, make_person):
    with pytest.raises(ValidationFailed) as exc:
        services.placement_create(actor=admin_user, data={
            "person": str(make_person().public_id), "scheme": "nope", "country": "XX", "occupation": "0000",
            "contract_start": "2025-13-01"})
    assert {"scheme", "country", "occupation", "contract_start"} <= set(exc.value.fields)


def test_sip2mi_must_belong_to_the_job_order(admin_user, make_person, make_job_order, make_placement):
    jo_a, _ = make_job_order()
    _, permit_b = make_job_order()
    with pytest.raises(ValidationFailed) as exc:
        make_placement(job_order=jo_a, sip2mi=permit_b)
    assert "sip2mi" in exc.value.fields


def test_p3mi_staff_create_for_own_company_only(p3mi_user, make_person, make_job_order, other_agency, agency):
    person = make_person(agency=agency)
    their_jo, _ = make_job_order(agency_obj=other_agency)
    with pytest.raises(ValidationFailed):
        services.placement_create(actor=p3mi_user, data={"person": str(person.public_id), "scheme": "p_to_p",
                                                         "job_order": str(their_jo.public_id)})
    mine, permit = make_job_order()
    placement, _ = services.placement_create(actor=p3mi_user, data={
        "person": str(person.public_id), "scheme": "p_to_p", "job_order": str(mine.public_id),
        "sip2mi": str(permit.public_id), "agency": str(other_agency.public_id)})
    assert placement.agency == agency


def test_analyst_cannot_create(analyst, make_person):
    with pytest.raises(PermissionDenied):
        services.placement_create(actor=analyst, data={"person": str(make_person().public_id), "scheme": "p_to_p"})


# --- scoping -------------------------------------------------------------------------------------


def test_visibility_by_role(admin_user, analyst, unit_officer, p3mi_user, checkpoint, make_placement, make_person,
                            other_regency, other_agency, make_job_order):
    in_jabar = make_placement()  # person in 3201 (Jawa Barat), P3MI = agency
    jo, permit = make_job_order(agency_obj=other_agency)
    elsewhere = make_placement(person=make_person(regency_obj=other_regency), job_order=jo, sip2mi=permit)
    assert set(selectors.placement_queryset_for(admin_user)) == {in_jabar, elsewhere}
    assert set(selectors.placement_queryset_for(analyst)) == {in_jabar, elsewhere}
    assert set(selectors.placement_queryset_for(unit_officer)) == {in_jabar}
    assert set(selectors.placement_queryset_for(p3mi_user)) == {in_jabar}
    with pytest.raises(NotFound):
        selectors.placement_get_for(unit_officer, elsewhere.public_id)
    with pytest.raises(NotFound):
        services.placement_transition(actor=p3mi_user, public_id=elsewhere.public_id, to_state=S.WITHDRAWN, reason="x")
    # checkpoint officers look up by exact NIK only
    with pytest.raises(PermissionDenied):
        selectors.placement_queryset_for(checkpoint)
    assert list(selectors.placement_queryset_for(checkpoint, nik=elsewhere.person.nik)) == [elsewhere]


def test_list_filters_and_counts(admin_user, make_placement, make_person):
    a = make_placement()
    b, _ = services.placement_create(actor=admin_user, data={
        "person": str(make_person().public_id), "scheme": "g_to_g_korea", "country": "KR", "occupation": "8160"})
    transition(admin_user, b, S.VERIFIED)
    assert list(selectors.placement_queryset_for(admin_user, scheme="g_to_g_korea")) == [b]
    assert list(selectors.placement_queryset_for(admin_user, country="tw")) == [a]
    assert list(selectors.placement_queryset_for(admin_user, occupation="8160")) == [b]
    assert list(selectors.placement_queryset_for(admin_user, state="verified")) == [b]
    assert list(selectors.placement_queryset_for(admin_user, agency=str(a.agency.public_id))) == [a]
    counts = selectors.placement_state_counts_for(admin_user)
    assert counts["registered"] == 1 and counts["verified"] == 1 and counts["departed"] == 0
    with pytest.raises(ValidationFailed):
        selectors.placement_queryset_for(admin_user, state="flying")


# --- the journey ---------------------------------------------------------------------------------


def test_full_p_to_p_journey_with_the_right_roles(unit_officer, p3mi_user, checkpoint, make_placement, make_person,
                                                   agency):
    placement = make_placement(person=make_person(agency=agency))
    permit = placement.sip2mi
    placement = advance(placement, S.WORKING_ABROAD, officer=unit_officer, agency_actor=p3mi_user,
                        checkpoint=checkpoint)
    assert placement.state == S.WORKING_ABROAD
    assert placement.version == 1 + 8
    steps = list(PlacementTransition.objects.filter(placement=placement).values_list("from_state", "to_state", "actor"))
    assert steps[0] == (S.REGISTERED, S.VERIFIED, unit_officer.pk)
    assert steps[1] == (S.VERIFIED, S.SELECTED, p3mi_user.pk)
    assert (S.READY_TO_DEPART, S.DEPARTED, checkpoint.pk) in steps
    permit.refresh_from_db()
    assert permit.used == 1 and placement.quota_held
    audit = AuditEvent.objects.filter(action="placement.transition", object_id=placement.pk).order_by("id")
    assert audit.count() == 8 and audit.first().changes["state"] == [S.REGISTERED, S.VERIFIED]
    transition(unit_officer, placement, S.RETURNED)
    placement = transition(unit_officer, placement, S.RETURNEE)
    assert placement.state == S.RETURNEE
    permit.refresh_from_db()
    assert permit.used == 1  # a worker who went abroad used the unit for good


def test_g_to_g_korea_journey_without_p3mi(unit_officer, checkpoint, make_person):
    placement, _ = services.placement_create(actor=unit_officer, data={
        "person": str(make_person(education="smp").public_id), "scheme": "g_to_g_korea", "country": "KR",
        "occupation": "8160", "contract_start": TODAY + dt.timedelta(days=30),
        "contract_end": TODAY + dt.timedelta(days=30 + 1095)})
    placement = advance(placement, S.DEPARTED, officer=unit_officer, checkpoint=checkpoint)
    assert placement.state == S.DEPARTED and not placement.quota_held


@pytest.mark.parametrize(("step_from", "to", "allowed", "refused"), [
    (S.REGISTERED, S.VERIFIED, ["unit_officer", "admin"], ["p3mi", "checkpoint", "analyst"]),
    (S.VERIFIED, S.SELECTED, ["p3mi", "unit_officer", "admin"], ["checkpoint", "analyst"]),
    (S.SELECTED, S.AGREEMENT_SIGNED, ["p3mi", "admin"], ["checkpoint"]),
    (S.AGREEMENT_SIGNED, S.DOCUMENTS_VERIFIED, ["unit_officer", "admin"], ["p3mi", "checkpoint"]),
    (S.DOCUMENTS_VERIFIED, S.ORIENTATION_DONE, ["unit_officer"], ["p3mi"]),
    (S.ORIENTATION_DONE, S.READY_TO_DEPART, ["unit_officer"], ["p3mi", "checkpoint"]),
    (S.READY_TO_DEPART, S.DEPARTED, ["checkpoint", "admin"], ["p3mi", "unit_officer"]),
    (S.DEPARTED, S.WORKING_ABROAD, ["unit_officer"], ["p3mi", "checkpoint"]),
    (S.SELECTED, S.WITHDRAWN, ["p3mi", "unit_officer"], ["checkpoint", "analyst"]),
    (S.READY_TO_DEPART, S.FAILED_DEPARTURE, ["checkpoint"], ["p3mi", "unit_officer"]),
    (S.VERIFIED, S.INTERCEPTED_NONPROCEDURAL, ["checkpoint"], ["p3mi", "unit_officer"]),
    (S.SELECTED, S.FAILED_MEDICAL, ["unit_officer"], ["p3mi", "checkpoint"]),
])
def test_permission_table(step_from, to, allowed, refused, admin_user, analyst, unit_officer, p3mi_user, checkpoint,
                          make_placement, make_person, agency):
    actors = {"admin": admin_user, "analyst": analyst, "unit_officer": unit_officer, "p3mi": p3mi_user,
              "checkpoint": checkpoint}
    for who in refused + allowed:
        placement = make_placement(person=make_person(agency=agency))
        placement = advance(placement, step_from, officer=admin_user)
        complete_items(admin_user, placement, to if to in (S.AGREEMENT_SIGNED, S.DOCUMENTS_VERIFIED,
                                                             S.ORIENTATION_DONE, S.READY_TO_DEPART) else step_from)
        if who in refused:
            with pytest.raises((PermissionDenied, NotFound)):
                transition(actors[who], placement, to, reason="alasan")
        else:
            assert transition(actors[who], placement, to, reason="alasan").state == to


# --- guards against real rows --------------------------------------------------------------------


def test_age_17_refused_at_verification(admin_user, make_placement, make_person):
    placement = make_placement(person=make_person(birth_date=years_ago(18, days=-1)))
    with pytest.raises(TransitionRefused) as exc:
        transition(admin_user, placement, S.VERIFIED)
    assert codes(exc) == ["age_below_minimum"]
    assert exc.value.status_code == 422 and exc.value.code == "transition_refused"
    assert exc.value.fields["conditions"][0].startswith("age_below_minimum: ")
    # on the 18th birthday it goes through
    assert transition(admin_user, placement, S.VERIFIED, on=TODAY + dt.timedelta(days=1)).state == S.VERIFIED


def test_korea_eps_age_40_refused(admin_user, make_person):
    placement, warnings = services.placement_create(actor=admin_user, data={
        "person": str(make_person(birth_date=years_ago(40), education="sma").public_id), "scheme": "g_to_g_korea",
        "country": "KR", "occupation": "8160"})
    assert [w.code for w in warnings] == ["age_above_maximum"]
    with pytest.raises(TransitionRefused) as exc:
        transition(admin_user, placement, S.VERIFIED)
    assert codes(exc) == ["age_above_maximum"]


def test_education_below_scheme_minimum_refused(admin_user, make_person):
    placement, _ = services.placement_create(actor=admin_user, data={
        "person": str(make_person(education="sd").public_id), "scheme": "g_to_g_korea", "country": "KR",
        "occupation": "8160"})
    with pytest.raises(TransitionRefused) as exc:
        transition(admin_user, placement, S.VERIFIED)
    assert codes(exc) == ["education_below_minimum"]


def test_moratorium_blocks_selection(admin_user, make_person, make_employer):
    employer = make_employer("SA", "individual")
    placement, _ = services.placement_create(actor=admin_user, data={
        "person": str(make_person(birth_date=years_ago(40)).public_id), "scheme": "special", "country": "SA",
        "occupation": "9111", "employer": str(employer.public_id)})
    transition(admin_user, placement, S.VERIFIED)
    with pytest.raises(TransitionRefused) as exc:
        transition(admin_user, placement, S.SELECTED)
    assert codes(exc) == ["destination_closed"]
    assert "Kepmenaker No. 260 Tahun 2015" in exc.value.unmet[0].message_id
    # before the moratorium took effect the same placement would have been allowed
    assert transition(admin_user, placement, S.SELECTED, on=dt.date(2015, 6, 30)).state == S.SELECTED


def test_perseorangan_needs_a_legal_entity_employer(admin_user, make_person, make_employer):
    individual = make_employer("HK", "individual")
    placement, warnings = services.placement_create(actor=admin_user, data={
        "person": str(make_person().public_id), "scheme": "perseorangan", "country": "HK", "occupation": "2221",
        "employer": str(individual.public_id)})
    assert "employer_type_not_allowed" in {w.code for w in warnings}
    transition(admin_user, placement, S.VERIFIED)
    with pytest.raises(TransitionRefused) as exc:
        transition(admin_user, placement, S.SELECTED)
    assert codes(exc) == ["employer_type_not_allowed"]


def test_selection_refused_without_quota_and_every_condition_reported(admin_user, make_placement, make_person,
                                                                      make_job_order, agency):
    jo, permit = make_job_order(quota=1)
    services.sip2mi_reserve(sip2mi_id=permit.pk)  # someone else took the only unit
    placement = make_placement(person=make_person(agency=agency), job_order=jo, sip2mi=permit)
    transition(admin_user, placement, S.VERIFIED)
    agency.status = "suspended"
    agency.suspended_from = TODAY - dt.timedelta(days=3)
    agency.save()
    with pytest.raises(TransitionRefused) as exc:
        transition(admin_user, placement, S.SELECTED)
    assert codes(exc) == ["agency_not_in_good_standing", "sip2mi_quota_exhausted"]
    assert len(exc.value.fields["to_state"]) == 2


def test_selection_needs_job_order_and_sip2mi_for_p_to_p(admin_user, make_person):
    placement, warnings = services.placement_create(actor=admin_user, data={
        "person": str(make_person().public_id), "scheme": "p_to_p", "country": "TW", "occupation": "5322"})
    assert {"agency_missing", "job_order_missing", "sip2mi_missing"} <= {w.code for w in warnings}
    transition(admin_user, placement, S.VERIFIED)
    with pytest.raises(TransitionRefused) as exc:
        transition(admin_user, placement, S.SELECTED)
    assert codes(exc) == ["agency_missing", "job_order_missing", "sip2mi_missing"]


def test_job_order_attached_after_registration(admin_user, make_person, make_job_order):
    placement, _ = services.placement_create(actor=admin_user, data={
        "person": str(make_person().public_id), "scheme": "p_to_p", "country": "TW", "occupation": "5322"})
    jo, permit = make_job_order()
    placement = services.placement_update(actor=admin_user, public_id=placement.public_id, data={
        "job_order": str(jo.public_id), "sip2mi": str(permit.public_id), "agency": str(jo.agency.public_id),
        "employer": str(jo.employer.public_id)}, expected_version=1)
    assert placement.version == 2 and placement.sip2mi == permit
    transition(admin_user, placement, S.VERIFIED)
    assert transition(admin_user, placement, S.SELECTED).quota_held


def test_update_refuses_fields_frozen_by_state(admin_user, make_placement, make_job_order):
    placement = advance(make_placement(), S.SELECTED, officer=admin_user)
    _, other_permit = make_job_order()
    with pytest.raises(ValidationFailed) as exc:
        services.placement_update(actor=admin_user, public_id=placement.public_id,
                                  data={"sip2mi": str(other_permit.public_id)})
    assert "sip2mi" in exc.value.fields
    with pytest.raises(Conflict):
        services.placement_update(actor=admin_user, public_id=placement.public_id,
                                  data={"contract_end": TODAY + dt.timedelta(days=900)}, expected_version=1)


def test_documents_verified_lists_every_missing_document(admin_user, make_placement):
    placement = advance(make_placement(), S.AGREEMENT_SIGNED, officer=admin_user)
    record(admin_user, placement, ChecklistKind.MEDICAL_FITNESS)
    with pytest.raises(TransitionRefused) as exc:
        transition(admin_user, placement, S.DOCUMENTS_VERIFIED)
    assert codes(exc) == ["passport_missing", "competency_certificate_missing", "bpjs_membership_missing",
                          "work_visa_missing", "employment_contract_missing"]


def test_passport_expiring_before_contract_end_refused(admin_user, make_placement, make_person):
    person = make_person(passport_expiry=TODAY + dt.timedelta(days=400))  # contract ends in 790 days
    placement = advance(make_placement(person=person), S.AGREEMENT_SIGNED, officer=admin_user)
    complete_items(admin_user, placement, S.DOCUMENTS_VERIFIED)
    with pytest.raises(TransitionRefused) as exc:
        transition(admin_user, placement, S.DOCUMENTS_VERIFIED)
    assert codes(exc) == ["passport_expires_before_contract_end"]


def test_medical_expires_before_departure(admin_user, make_placement):
    placement = advance(make_placement(), S.READY_TO_DEPART, officer=admin_user)
    medical = placement.checklist_items.get(kind=ChecklistKind.MEDICAL_FITNESS)
    assert medical.valid_until == add_months(medical.issued_on, 3) - dt.timedelta(days=1)
    with pytest.raises(TransitionRefused) as exc:
        transition(admin_user, placement, S.DEPARTED, on=medical.valid_until + dt.timedelta(days=1))
    assert codes(exc) == ["medical_fitness_expired"]
    assert transition(admin_user, placement, S.DEPARTED, on=medical.valid_until).state == S.DEPARTED


def test_medical_voided_on_pregnancy_blocks_departure(admin_user, make_placement):
    placement = advance(make_placement(), S.READY_TO_DEPART, officer=admin_user)
    medical = placement.checklist_items.get(kind=ChecklistKind.MEDICAL_FITNESS)
    with pytest.raises(ValidationFailed):
        services.checklist_void(actor=admin_user, public_id=placement.public_id, item_id=medical.pk, reason="")
    services.checklist_void(actor=admin_user, public_id=placement.public_id, item_id=medical.pk,
                            reason="Hamil (tes kehamilan positif)")
    with pytest.raises(TransitionRefused) as exc:
        transition(admin_user, placement, S.DEPARTED)
    assert codes(exc) == ["medical_fitness_voided"]
    with pytest.raises(Conflict):
        services.checklist_void(actor=admin_user, public_id=placement.public_id, item_id=medical.pk, reason="again")
    placement = transition(admin_user, placement, S.FAILED_MEDICAL, reason="Hamil")
    assert placement.state == S.FAILED_MEDICAL and not placement.quota_held
    placement.sip2mi.refresh_from_db()
    assert placement.sip2mi.used == 0


def test_orientation_and_epmi_guards(admin_user, make_placement):
    placement = advance(make_placement(), S.DOCUMENTS_VERIFIED, officer=admin_user)
    with pytest.raises(TransitionRefused) as exc:
        transition(admin_user, placement, S.ORIENTATION_DONE)
    assert codes(exc) == ["opp_attendance_missing"]
    record(admin_user, placement, ChecklistKind.OPP_ATTENDANCE)
    transition(admin_user, placement, S.ORIENTATION_DONE)
    with pytest.raises(TransitionRefused) as exc:
        transition(admin_user, placement, S.READY_TO_DEPART)
    assert codes(exc) == ["epmi_card_missing"]


def test_agreement_needs_the_signed_agreement(admin_user, make_placement):
    placement = advance(make_placement(), S.SELECTED, officer=admin_user)
    with pytest.raises(TransitionRefused) as exc:
        transition(admin_user, placement, S.AGREEMENT_SIGNED)
    assert codes(exc) == ["placement_agreement_missing"]


def test_extension_on_leave_and_return(admin_user, checkpoint, make_placement):
    placement = advance(make_placement(), S.WORKING_ABROAD, officer=admin_user)
    with pytest.raises(TransitionRefused) as exc:
        transition(admin_user, placement, S.EXTENDED)
    assert codes(exc) == ["extension_contract_missing"]
    record(admin_user, placement, ChecklistKind.EMPLOYMENT_CONTRACT, issued_on=TODAY, valid_until=FAR,
           details={"verified_on": TODAY.isoformat(), "extension": True})
    transition(admin_user, placement, S.EXTENDED)
    transition(admin_user, placement, S.ON_LEAVE)
    assert transition(checkpoint, placement, S.WORKING_ABROAD).state == S.WORKING_ABROAD
    placement = transition(admin_user, placement, S.DEPORTED, reason="Overstay")
    assert selectors.placement_next_steps(admin_user, placement)[0]["to_state"] == S.RETURNEE


# --- sanctions -----------------------------------------------------------------------------------


def test_blocked_when_agency_suspended_and_resumed_after(admin_user, make_placement, agency):
    placement = advance(make_placement(), S.AGREEMENT_SIGNED, officer=admin_user)
    permit = placement.sip2mi
    with pytest.raises(TransitionRefused) as exc:
        transition(admin_user, placement, S.BLOCKED_SANCTION, reason="Skorsing")
    assert codes(exc) == ["no_sanction_in_force"]
    agency.status = "suspended"
    agency.suspended_from = TODAY - dt.timedelta(days=1)
    agency.suspended_until = TODAY + dt.timedelta(days=30)
    agency.save()
    with pytest.raises(TransitionRefused):
        transition(admin_user, placement, S.DOCUMENTS_VERIFIED)
    placement = transition(admin_user, placement, S.BLOCKED_SANCTION, reason="P3MI diskors")
    permit.refresh_from_db()
    assert permit.used == 0 and not placement.quota_held
    with pytest.raises(TransitionRefused) as exc:
        transition(admin_user, placement, S.VERIFIED, reason="Skorsing dicabut")
    assert codes(exc) == ["agency_not_in_good_standing"]
    resumed = transition(admin_user, placement, S.VERIFIED, reason="Skorsing berakhir",
                         on=TODAY + dt.timedelta(days=31))
    assert resumed.state == S.VERIFIED


def test_revoked_sip2mi_blocks_and_permits_block(admin_user, make_placement):
    placement = advance(make_placement(), S.SELECTED, officer=admin_user)
    services.sip2mi_revoke(actor=admin_user, public_id=placement.sip2mi.public_id, reason="Overcharging")
    complete_items(admin_user, placement, S.AGREEMENT_SIGNED)
    with pytest.raises(TransitionRefused) as exc:
        transition(admin_user, placement, S.AGREEMENT_SIGNED)
    assert codes(exc) == ["sip2mi_revoked"]
    assert transition(admin_user, placement, S.BLOCKED_SANCTION, reason="SIP2MI dicabut").state == S.BLOCKED_SANCTION


# --- protocol ------------------------------------------------------------------------------------


def test_pair_not_in_table_is_409(admin_user, make_placement):
    placement = make_placement()
    with pytest.raises(Conflict) as exc:
        transition(admin_user, placement, S.DEPARTED)
    assert exc.value.code == "transition_not_allowed" and exc.value.status_code == 409
    with pytest.raises(ValidationFailed):
        transition(admin_user, placement, "flying")


def test_reason_required_for_side_exits(admin_user, make_placement):
    placement = make_placement()
    with pytest.raises(ValidationFailed) as exc:
        transition(admin_user, placement, S.WITHDRAWN, reason="  ")
    assert "reason" in exc.value.fields


def test_stale_expected_version_is_409(admin_user, make_placement):
    placement = make_placement()
    transition(admin_user, placement, S.VERIFIED, expected_version=1)
    with pytest.raises(Conflict) as exc:
        transition(admin_user, placement, S.WITHDRAWN, reason="x", expected_version=1)
    assert exc.value.code == "stale_version"


def test_compare_and_set_detects_a_concurrent_change(admin_user, make_placement, monkeypatch):
    """Someone else moves the placement between our read and our write: 0 rows updated → 409, and
    nothing of ours is kept (no transition row, no quota taken)."""
    placement = advance(make_placement(), S.VERIFIED, officer=admin_user)
    real_context = selectors.transition_context

    def racing_context(p, *, on=None):
        ctx = real_context(p, on=on)
        Placement.objects.filter(pk=p.pk).update(state=S.WITHDRAWN, version=99)
        return ctx

    monkeypatch.setattr(selectors, "transition_context", racing_context)
    with pytest.raises(Conflict) as exc:
        transition(admin_user, placement, S.SELECTED)
    assert exc.value.code == "stale_version"
    assert not PlacementTransition.objects.filter(placement=placement, to_state=S.SELECTED).exists()
    assert Sip2mi.objects.get(pk=placement.sip2mi_id).used == 0


def test_quota_lost_between_guard_and_reservation_refuses(admin_user, make_placement, monkeypatch):
    placement = advance(make_placement(), S.VERIFIED, officer=admin_user)
    monkeypatch.setattr(services, "sip2mi_reserve", lambda **kw: False)
    with pytest.raises(TransitionRefused) as exc:
        transition(admin_user, placement, S.SELECTED)
    assert codes(exc) == ["sip2mi_quota_exhausted"]
    placement.refresh_from_db()
    assert placement.state == S.VERIFIED and placement.version == 2


def test_withdrawal_releases_the_quota(p3mi_user, admin_user, make_placement, make_person, agency):
    placement = make_placement(person=make_person(agency=agency))
    placement = advance(placement, S.SELECTED, officer=admin_user)
    permit = placement.sip2mi
    permit.refresh_from_db()
    assert permit.used == 1
    placement = transition(p3mi_user, placement, S.WITHDRAWN, reason="CPMI mengundurkan diri")
    permit.refresh_from_db()
    assert permit.used == 0 and not placement.quota_held
    event = AuditEvent.objects.filter(action="placement.transition", object_id=placement.pk).first()
    assert event.changes == {"state": [S.SELECTED, S.WITHDRAWN], "quota_held": [True, False]}
    assert event.reason == "CPMI mengundurkan diri"


def test_quota_exhaustion_across_placements(admin_user, make_placement, make_person, make_job_order):
    jo, permit = make_job_order(quota=2)
    placements = [advance(make_placement(person=make_person(), job_order=jo, sip2mi=permit), S.VERIFIED,
                          officer=admin_user) for _ in range(3)]
    transition(admin_user, placements[0], S.SELECTED)
    transition(admin_user, placements[1], S.SELECTED)
    with pytest.raises(TransitionRefused) as exc:
        transition(admin_user, placements[2], S.SELECTED)
    assert codes(exc) == ["sip2mi_quota_exhausted"]
    transition(admin_user, placements[0], S.WITHDRAWN, reason="Batal")
    assert transition(admin_user, placements[2], S.SELECTED).state == S.SELECTED
    permit.refresh_from_db()
    assert permit.used == 2


def test_terminal_placement_cannot_move_or_take_items(admin_user, make_placement):
    placement = make_placement()
    transition(admin_user, placement, S.WITHDRAWN, reason="Batal")
    with pytest.raises(Conflict):
        transition(admin_user, placement, S.VERIFIED)
    with pytest.raises(Conflict):
        record(admin_user, placement, ChecklistKind.OPP_ATTENDANCE)


# --- checklist recording -------------------------------------------------------------------------


def test_medical_gets_three_months_by_default(admin_user, make_placement):
    item = record(admin_user, make_placement(), ChecklistKind.MEDICAL_FITNESS, issued_on=dt.date(2025, 1, 10))
    assert item.valid_until == dt.date(2025, 4, 9)


def test_passport_item_taken_from_registry(admin_user, make_placement):
    placement = make_placement()
    item = record(admin_user, placement, ChecklistKind.PASSPORT)
    passport = placement.person.passports.get()
    assert (item.reference_number, item.issued_on, item.valid_until) == (
        passport.number, passport.issue_date, passport.expiry_date)
    with pytest.raises(ValidationFailed):
        record(admin_user, placement, ChecklistKind.PASSPORT, reference="X9999999")


@pytest.mark.parametrize(("kind", "details", "field"), [
    (ChecklistKind.PLACEMENT_AGREEMENT, {}, "details.witnessed_by"),
    (ChecklistKind.EMPLOYMENT_CONTRACT, {}, "details.verified_on"),
    (ChecklistKind.BPJS_MEMBERSHIP, {"programmes": ["jht"]}, "details.programmes"),
    (ChecklistKind.MEDICAL_FITNESS, {"result": "unfit"}, "details.result"),
])
def test_item_specific_rules(admin_user, make_placement, kind, details, field):
    with pytest.raises(ValidationFailed) as exc:
        record(admin_user, make_placement(), kind, details=details)
    assert field in exc.value.fields


def test_item_dates_validated(admin_user, make_placement):
    placement = make_placement()
    with pytest.raises(ValidationFailed):
        record(admin_user, placement, ChecklistKind.WORK_VISA, issued_on=TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationFailed):
        record(admin_user, placement, ChecklistKind.WORK_VISA, valid_until=TODAY - dt.timedelta(days=30))
    with pytest.raises(ValidationFailed):
        services.checklist_record(actor=admin_user, public_id=placement.public_id, kind="horoscope", data={})


def test_overview_shows_checklist_timeline_and_next_steps(admin_user, p3mi_user, make_placement, make_person,
                                                          agency):
    placement = advance(make_placement(person=make_person(agency=agency)), S.SELECTED, officer=admin_user)
    record(admin_user, placement, ChecklistKind.WORK_VISA, valid_until=TODAY + dt.timedelta(days=10))
    overview = selectors.placement_overview(p3mi_user, placement)
    status = {row["status"].kind: row["status"] for row in overview["checklist"]}
    assert status["work_visa"].status == ItemState.EXPIRING_SOON and status["work_visa"].days_left == 10
    assert status["medical_fitness"].status == ItemState.MISSING
    assert [t.to_state for t in overview["timeline"]] == [S.VERIFIED, S.SELECTED]
    steps = {s["to_state"]: s for s in overview["next_steps"]}
    assert steps[S.AGREEMENT_SIGNED]["permitted"] and not steps[S.AGREEMENT_SIGNED]["ready"]
    assert [u.code for u in steps[S.AGREEMENT_SIGNED]["unmet"]] == ["placement_agreement_missing"]
    assert not steps[S.FAILED_MEDICAL]["permitted"] and steps[S.FAILED_MEDICAL]["needs_reason"]
    assert ChecklistItem.objects.filter(placement=placement).count() == 1


def test_a_guard_free_step_is_one_read_and_three_writes(admin_user, make_placement, django_assert_num_queries):
    placement = advance(make_placement(), S.DEPARTED, officer=admin_user)
    # load, compare-and-set, transition row, then the chained audit row (lock the chain head, insert,
    # move the head), and the savepoint of the test's transaction
    with django_assert_num_queries(8) as captured:
        moved = services.placement_transition(actor=admin_user, public_id=placement.public_id,
                                              to_state=S.WORKING_ABROAD)
    verbs = [q["sql"].split()[0] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert verbs[1:] == ["UPDATE", "INSERT", "SELECT", "INSERT", "UPDATE"] and verbs[0] in ("SELECT", "EXECUTE")
    assert moved.context is None and moved.placement.state == S.WORKING_ABROAD and moved.placement.version == 9
    stored = Placement.objects.get(pk=placement.pk)
    assert (stored.state, stored.version, stored.state_changed_at) == (S.WORKING_ABROAD, 9,
                                                                      moved.placement.state_changed_at)
    transition = PlacementTransition.objects.get(placement=placement, version=9)
    assert (transition.from_state, transition.to_state, transition.actor_id, transition.at) == (
        S.DEPARTED, S.WORKING_ABROAD, admin_user.pk, stored.state_changed_at)
    event = AuditEvent.objects.filter(action="placement.transition", object_id=placement.pk).order_by("-id").first()
    assert event.changes == {"state": [S.DEPARTED, S.WORKING_ABROAD]} and event.actor_id == admin_user.pk


def test_a_guarded_step_returns_the_relations_and_the_context(admin_user, make_placement, django_assert_num_queries):
    placement = advance(make_placement(), S.VERIFIED, officer=admin_user)
    moved = services.placement_transition(actor=admin_user, public_id=placement.public_id, to_state=S.SELECTED)
    assert moved.context is not None and moved.context.placement.state == S.SELECTED
    assert moved.context.sip2mi.held and moved.placement.quota_held
    with django_assert_num_queries(0):
        assert moved.placement.person.pk == placement.person_id and moved.placement.sip2mi.used >= 1
