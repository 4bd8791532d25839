import pytest

from lindungi.accounts.roles import Role
from lindungi.audit.models import AuditEvent
from lindungi.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lindungi.institutions import selectors, services
from lindungi.institutions.models import Certificate, Institution, InstitutionStatus, MedicalResult, TrainingEnrolment
from lindungi.institutions.tests.fixtures import TODAY, days

pytestmark = pytest.mark.django_db


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


# --- the register -------------------------------------------------------------------------------

def test_create_records_the_institution_with_an_audit_row(admin_user, make_institution):
    institution = make_institution("certification_body", name="LSP Caregiver Indonesia")
    assert institution.status == InstitutionStatus.ACTIVE
    event = last_event("institution.created")
    assert event.object_id == institution.pk and event.actor_id == admin_user.pk
    assert event.changes["name"] == [None, "LSP Caregiver Indonesia"]


def test_create_refuses_bad_input_with_every_field_and_writes_nothing(admin_user):
    with pytest.raises(ValidationFailed) as exc:
        services.institution_create(actor=admin_user, data={
            "name": "", "kind": "spa", "registration_number": "x" * 81, "regency": "9999",
            "valid_from": "31-31-2025", "valid_until": ""})
    assert set(exc.value.fields) == {"name", "kind", "registration_number", "regency", "valid_from"}
    assert not Institution.objects.exists()
    assert not AuditEvent.objects.filter(action="institution.created").exists()


def test_validity_must_be_in_order(admin_user):
    with pytest.raises(ValidationFailed) as exc:
        services.institution_create(actor=admin_user, data={
            "name": "BLK Bogor", "kind": "training_centre", "registration_number": "BLK-1", "regency": "3201",
            "valid_from": days(0), "valid_until": days(-1)})
    assert "valid_until" in exc.value.fields


def test_number_is_unique_per_kind(admin_user, make_institution):
    first = make_institution("training_centre")
    with pytest.raises(Conflict) as exc:
        services.institution_create(actor=admin_user, data={
            "name": "Other", "kind": "training_centre", "registration_number": first.registration_number.lower(),
            "regency": "3201", "valid_from": days(-5)})
    assert exc.value.code == "institution_number_taken" and "registration_number" in exc.value.fields


def test_unit_officer_writes_only_in_their_area(unit_officer, make_institution):
    mine = make_institution(actor=unit_officer)
    assert mine.regency.code == "3201"
    with pytest.raises(ValidationFailed) as exc:
        make_institution(actor=unit_officer, regency="3501")
    assert "regency" in exc.value.fields
    elsewhere = make_institution(regency="3501")
    with pytest.raises(PermissionDenied):
        services.institution_update(actor=unit_officer, public_id=elsewhere.public_id, data={"name": "X"})
    # ... but reads it, the register being national
    assert selectors.institution_get_for(unit_officer, elsewhere.public_id) == elsewhere


def test_p3mi_staff_and_analysts_read_but_do_not_write(p3mi_user, analyst, make_institution):
    institution = make_institution()
    assert selectors.institution_list_for(p3mi_user).total == 1
    for actor in (p3mi_user, analyst):
        with pytest.raises(PermissionDenied):
            services.institution_update(actor=actor, public_id=institution.public_id, data={"name": "X"})


def test_checkpoint_officers_do_not_read_the_register(checkpoint_officer, make_institution):
    make_institution()
    with pytest.raises(PermissionDenied):
        selectors.institution_list_for(checkpoint_officer)


def test_update_audits_the_changes(admin_user, make_institution):
    institution = make_institution()
    services.institution_update(actor=admin_user, public_id=institution.public_id,
                                data={"accreditation_grade": "B", "valid_until": days(300)}, reason="re-accreditation")
    event = last_event("institution.updated")
    assert event.changes["accreditation_grade"] == ["A", "B"]
    assert event.reason == "re-accreditation"


def test_kind_is_fixed_once_people_records_name_it(admin_user, make_institution, make_person):
    institution = make_institution()
    services.medical_result_record(actor=admin_user, public_id=make_person().public_id, data={
        "institution": str(institution.public_id), "examined_on": days(-3), "result": "fit"})
    with pytest.raises(ValidationFailed) as exc:
        services.institution_update(actor=admin_user, public_id=institution.public_id, data={"kind": "training_centre"})
    assert "kind" in exc.value.fields


def test_suspend_reinstate_and_revoke_keep_a_dated_history(admin_user, make_institution):
    institution = make_institution()
    services.institution_suspend(actor=admin_user, public_id=institution.public_id, suspended_from=days(-20),
                                 decree_number="KEP/1/2026", reason="Lab results falsified")
    assert last_event("institution.suspended").changes["status"] == ["active", "suspended"]
    with pytest.raises(Conflict):
        services.institution_suspend(actor=admin_user, public_id=institution.public_id, suspended_from=days(-1),
                                     decree_number="KEP/2", reason="again")
    services.institution_reinstate(actor=admin_user, public_id=institution.public_id, reinstated_on=days(-10),
                                   reason="Corrected")
    institution.refresh_from_db()
    assert institution.status == InstitutionStatus.ACTIVE and institution.suspended_from is None
    assert not selectors.institution_standing_on(institution, days(-11)).good
    assert selectors.institution_standing_on(institution, days(-10)).good
    assert selectors.institution_standing_on(institution, days(-21)).good
    services.institution_revoke(actor=admin_user, public_id=institution.public_id, revoked_on=days(-2),
                                decree_number="KEP/9", reason="Closed")
    assert not selectors.institution_standing_on(institution, days(-2)).good
    assert selectors.institution_standing_on(institution, days(-3)).good
    with pytest.raises(Conflict) as exc:
        services.institution_reinstate(actor=admin_user, public_id=institution.public_id, reason="no")
    assert exc.value.code == "revocation_final"
    assert institution.status_history.count() == 3


def test_suspension_needs_a_decree_and_a_reason(admin_user, make_institution):
    institution = make_institution()
    with pytest.raises(ValidationFailed) as exc:
        services.institution_suspend(actor=admin_user, public_id=institution.public_id, suspended_from="",
                                     decree_number="", reason="")
    assert set(exc.value.fields) == {"suspended_from", "decree_number", "reason"}


def test_reinstatement_must_follow_the_suspension(admin_user, make_institution):
    institution = make_institution()
    services.institution_suspend(actor=admin_user, public_id=institution.public_id, suspended_from=days(-5),
                                 decree_number="KEP/1", reason="r")
    with pytest.raises(ValidationFailed) as exc:
        services.institution_reinstate(actor=admin_user, public_id=institution.public_id, reinstated_on=days(-5),
                                       reason="r")
    assert "reinstated_on" in exc.value.fields


def test_list_filters_and_refuses_bad_filters(admin_user, make_institution):
    make_institution("medical_centre", name="Klinik Medika Bogor")
    make_institution("training_centre", name="LPK Bina Karya", regency="3501")
    assert [i.name for i in selectors.institution_list_for(admin_user, q="medika").items] == ["Klinik Medika Bogor"]
    assert selectors.institution_list_for(admin_user, kind="training_centre").total == 1
    assert selectors.institution_list_for(admin_user, regency="35.01").total == 1
    with pytest.raises(ValidationFailed) as exc:
        selectors.institution_list_for(admin_user, kind="spa", status="gone", regency="0000")
    assert set(exc.value.fields) == {"kind", "status", "regency"}


# --- a person's records ---------------------------------------------------------------------------

def test_records_against_a_person_with_audit_on_the_person(admin_user, make_institution, make_person):
    person = make_person()
    lsp = make_institution("certification_body")
    blk = make_institution("training_centre")
    clinic = make_institution("medical_centre")
    enrolment = services.training_enrolment_record(actor=admin_user, public_id=person.public_id, data={
        "institution": str(blk.public_id), "programme": "Caregiver 600 JP", "hours": "600",
        "start_on": days(-90), "end_on": days(-10), "result": "passed"})
    certificate = services.certificate_record(actor=admin_user, public_id=person.public_id, data={
        "institution": str(lsp.public_id), "kind": "competency", "number": "lsp-001", "occupation": "5322",
        "level": "II", "issued_on": days(-5), "expires_on": days(1000)})
    result = services.medical_result_record(actor=admin_user, public_id=person.public_id, data={
        "institution": str(clinic.public_id), "examined_on": days(-3), "result": "fit"})
    assert enrolment.hours == 600 and certificate.number == "LSP-001"
    assert result.valid_until is not None and result.valid_until > days(80)
    actions = set(AuditEvent.objects.filter(object_type="person", object_id=person.pk).values_list("action", flat=True))
    assert {"person.training_recorded", "person.certificate_recorded", "person.medical_result_recorded"} <= actions
    page = selectors.person_credentials_for(admin_user, person.public_id)
    assert [len(page[k]) for k in ("trainings", "certificates", "medical_results")] == [1, 1, 1]


def test_a_record_is_refused_when_its_institution_was_suspended_that_day(admin_user, make_institution, make_person):
    person = make_person()
    clinic = make_institution("medical_centre", name="Klinik Nakal")
    services.institution_suspend(actor=admin_user, public_id=clinic.public_id, suspended_from=days(-30),
                                 suspended_until=days(-20), decree_number="KEP/3", reason="r")
    with pytest.raises(ValidationFailed) as exc:
        services.medical_result_record(actor=admin_user, public_id=person.public_id, data={
            "institution": str(clinic.public_id), "examined_on": days(-25), "result": "fit"})
    assert "Klinik Nakal" in exc.value.fields["institution"][0]
    assert not MedicalResult.objects.exists()
    services.medical_result_record(actor=admin_user, public_id=person.public_id, data={
        "institution": str(clinic.public_id), "examined_on": days(-19), "result": "unfit"})
    assert MedicalResult.objects.get().valid_until is None


def test_record_bad_input(admin_user, make_institution, make_person):
    person = make_person()
    clinic = make_institution("medical_centre")
    with pytest.raises(ValidationFailed) as exc:
        services.certificate_record(actor=admin_user, public_id=person.public_id, data={
            "institution": str(clinic.public_id), "kind": "competency", "number": "", "issued_on": days(3),
            "expires_on": days(1), "score": "many"})
    assert {"institution", "number", "issued_on", "occupation", "score"} <= set(exc.value.fields)
    with pytest.raises(ValidationFailed) as exc:
        services.training_enrolment_record(actor=admin_user, public_id=person.public_id, data={
            "institution": "not-an-id", "programme": "", "start_on": days(-1), "end_on": days(-3), "result": "x"})
    assert set(exc.value.fields) == {"institution", "programme", "end_on", "result"}
    assert not Certificate.objects.exists() and not TrainingEnrolment.objects.exists()


def test_certificate_number_unique_per_issuer(admin_user, make_institution, make_person):
    lsp = make_institution("language_test")
    data = {"institution": str(lsp.public_id), "kind": "language", "number": "EPS-1", "issued_on": days(-2),
            "title": "EPS-TOPIK", "score": "152"}
    services.certificate_record(actor=admin_user, public_id=make_person().public_id, data=data)
    with pytest.raises(Conflict) as exc:
        services.certificate_record(actor=admin_user, public_id=make_person().public_id, data=data)
    assert "number" in exc.value.fields


def test_person_records_are_scoped(make_user, agency, other_agency, make_institution, make_person, p3mi_user):
    clinic = make_institution()
    theirs = make_person(agency=other_agency)
    data = {"institution": str(clinic.public_id), "examined_on": days(-1), "result": "fit"}
    with pytest.raises(NotFound):
        services.medical_result_record(actor=p3mi_user, public_id=theirs.public_id, data=data)
    with pytest.raises(NotFound):
        selectors.person_credentials_for(p3mi_user, theirs.public_id)
    ours = make_person(agency=agency)
    services.medical_result_record(actor=p3mi_user, public_id=ours.public_id, data=data)
    assert MedicalResult.objects.visible_to(p3mi_user).count() == 1
    other = make_user(Role.P3MI_STAFF, username="other-p3mi", agency=other_agency)
    assert MedicalResult.objects.visible_to(other).count() == 0
    assert TODAY
