"""Checklist evidence (placements.validation.Evidence) and the skilled flag
(placements.selectors.skilled_placement_ids), driven through the real placement services."""

import datetime as dt

import pytest

from lindungi.audit.models import AuditEvent
from lindungi.common.errors import ValidationFailed
from lindungi.institutions import services
from lindungi.institutions.tests.fixtures import days
from lindungi.placements import selectors as placement_selectors
from lindungi.placements.models import ChecklistItem, PlacementTransition
from lindungi.placements.services import checklist_record
from lindungi.placements.tests.fixtures import record

pytestmark = pytest.mark.django_db


def item(actor, placement, kind, issued_on, **details):
    return checklist_record(actor=actor, public_id=placement.public_id, kind=kind,
                            data={"issued_on": issued_on, "details": details})


def test_item_refused_while_suspended_and_accepted_the_day_of_reinstatement(admin_user, make_institution,
                                                                             make_placement):
    placement = make_placement()
    clinic = make_institution("medical_centre", name="Klinik Sehat Sentosa")
    services.institution_suspend(actor=admin_user, public_id=clinic.public_id, suspended_from=days(-40),
                                 decree_number="KEP/7/2026", reason="Unlicensed radiology")
    services.institution_reinstate(actor=admin_user, public_id=clinic.public_id, reinstated_on=days(-20),
                                   reason="Licence renewed")
    with pytest.raises(ValidationFailed) as exc:
        item(admin_user, placement, "medical_fitness", days(-21), institution=str(clinic.public_id))
    message = exc.value.fields["details.institution"][0]
    assert "Klinik Sehat Sentosa" in message and days(-21).isoformat() in message
    assert not ChecklistItem.objects.filter(placement=placement).exists()
    accepted = item(admin_user, placement, "medical_fitness", days(-20), institution=str(clinic.public_id))
    assert accepted.details["institution"] == str(clinic.public_id)
    event = AuditEvent.objects.filter(action="placement.checklist_recorded").latest("id")
    assert event.changes["medical_fitness"][1]["institution"] == str(clinic.public_id)


def test_item_naming_a_medical_result_takes_its_dates_and_its_centres_standing(admin_user, make_institution,
                                                                               make_placement):
    placement = make_placement()
    clinic = make_institution("medical_centre")
    result = services.medical_result_record(actor=admin_user, public_id=placement.person.public_id, data={
        "institution": str(clinic.public_id), "examined_on": days(-6), "result": "fit", "reference_number": "MCU-9"})
    recorded = checklist_record(actor=admin_user, public_id=placement.public_id, kind="medical_fitness",
                                data={"details": {"medical_result": str(result.public_id)}})
    assert (recorded.issued_on, recorded.valid_until, recorded.reference_number) == (
        result.examined_on, result.valid_until, "MCU-9")
    # the centre is later suspended with effect from before the exam: the same result is refused
    services.institution_suspend(actor=admin_user, public_id=clinic.public_id, suspended_from=days(-8),
                                 decree_number="KEP/8", reason="Retroactive finding")
    with pytest.raises(ValidationFailed) as exc:
        checklist_record(actor=admin_user, public_id=placement.public_id, kind="medical_fitness",
                         data={"details": {"medical_result": str(result.public_id)}})
    assert "details.institution" in exc.value.fields


def test_item_naming_a_certificate(admin_user, make_institution, make_placement, make_person):
    placement = make_placement()
    lsp = make_institution("certification_body")
    certificate = services.certificate_record(actor=admin_user, public_id=placement.person.public_id, data={
        "institution": str(lsp.public_id), "kind": "competency", "number": "LSP-77", "occupation": "5322",
        "issued_on": days(-30), "expires_on": days(700)})
    recorded = checklist_record(actor=admin_user, public_id=placement.public_id, kind="competency_certificate",
                                data={"details": {"certificate": str(certificate.public_id)}})
    assert recorded.reference_number == "LSP-77" and recorded.valid_until == days(700)
    # another person's certificate is not evidence for this placement
    other = services.certificate_record(actor=admin_user, public_id=make_person().public_id, data={
        "institution": str(lsp.public_id), "kind": "competency", "number": "LSP-78", "occupation": "5322",
        "issued_on": days(-30)})
    with pytest.raises(ValidationFailed) as exc:
        checklist_record(actor=admin_user, public_id=placement.public_id, kind="competency_certificate",
                         data={"details": {"certificate": str(other.public_id)}})
    assert "details.certificate" in exc.value.fields


def test_wrong_institution_kind_and_wrong_item_kind_are_refused(admin_user, make_institution, make_placement):
    placement = make_placement()
    blk = make_institution("training_centre")
    with pytest.raises(ValidationFailed) as exc:
        item(admin_user, placement, "medical_fitness", days(-1), institution=str(blk.public_id))
    assert "details.institution" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        item(admin_user, placement, "passport", days(-1), institution=str(blk.public_id))
    assert "details.institution" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        item(admin_user, placement, "medical_fitness", days(-1), institution="0b0b0b0b-0000-4000-8000-000000000000")
    assert exc.value.fields["details.institution"] == ["Unknown institution."]


def test_items_without_an_institution_are_still_recorded(admin_user, make_placement):
    placement = make_placement()
    assert record(admin_user, placement, "medical_fitness").details == {}
    assert record(admin_user, placement, "competency_certificate").pk


# --- skilled placements ---------------------------------------------------------------------------

def _certify(admin_user, person, lsp, *, occupation="5322", issued_on=None, expires_on=None, number=None):
    return services.certificate_record(actor=admin_user, public_id=person.public_id, data={
        "institution": str(lsp.public_id), "kind": "competency", "number": number or f"C-{person.pk}-{occupation}",
        "occupation": occupation, "issued_on": issued_on or days(-60), "expires_on": expires_on})


def test_skilled_flag(admin_user, make_institution, make_placement):
    lsp = make_institution("certification_body")
    suspended_lsp = make_institution("certification_body")
    skilled = make_placement()                 # occupation 5322 (caregiver) from the job order
    other_occupation = make_placement()
    expired = make_placement()
    bad_issuer = make_placement()
    none = make_placement()
    _certify(admin_user, skilled.person, lsp)
    _certify(admin_user, other_occupation.person, lsp, occupation="9111")
    _certify(admin_user, expired.person, lsp, issued_on=days(-400), expires_on=days(-1))
    _certify(admin_user, bad_issuer.person, suspended_lsp, issued_on=days(-60))
    services.institution_suspend(actor=admin_user, public_id=suspended_lsp.public_id, suspended_from=days(-90),
                                 decree_number="KEP/5", reason="Certificates sold")
    ids = placement_selectors.skilled_placement_ids()
    assert skilled.pk in ids
    assert not ids & {other_occupation.pk, expired.pk, bad_issuer.pk, none.pk}
    # on a day before the certificate was issued (only the older, since expired, one held then)
    assert placement_selectors.skilled_placement_ids(on=days(-61)) == {expired.pk}
    assert placement_selectors.skilled_placement_ids(on=days(-2)) == {skilled.pk, expired.pk}
    share = placement_selectors.skilled_share(
        type(skilled).objects.filter(pk__in=[skilled.pk, none.pk, expired.pk, bad_issuer.pk]))
    assert share == {"skilled": 1, "total": 4, "share": 0.25}


def test_skilled_at_departure(admin_user, make_institution, make_placement):
    lsp = make_institution("certification_body")
    placement = make_placement()
    _certify(admin_user, placement.person, lsp, issued_on=days(-10))
    PlacementTransition.objects.create(placement=placement, from_state="ready_to_depart", to_state="departed",
                                       version=99, at=dt.datetime.combine(days(-20), dt.time(12), tzinfo=dt.UTC))
    # departed before the certificate was issued: not a skilled placement, though the worker holds it today
    assert placement.pk not in placement_selectors.skilled_placement_ids()
    assert placement.pk in placement_selectors.skilled_placement_ids(on=days(0))


def test_skilled_ids_query_budget(admin_user, make_institution, make_placement, django_assert_max_num_queries):
    lsp = make_institution("certification_body")
    for _ in range(4):
        _certify(admin_user, make_placement().person, lsp)
    with django_assert_max_num_queries(5):
        assert len(placement_selectors.skilled_placement_ids()) == 4
