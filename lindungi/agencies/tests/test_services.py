import datetime as dt
from decimal import Decimal

import pytest

from lindungi.agencies import services
from lindungi.agencies.models import Agency, AgencyStatus, AgencyStatusChange, Branch
from lindungi.audit.models import AuditEvent
from lindungi.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


# --- create ----------------------------------------------------------------------------------

def test_create_records_company_history_and_audit(admin_user, agency_values):
    agency = services.agency_create(actor=admin_user, via="test", reason="Permohonan baru", **agency_values)
    assert agency.status == AgencyStatus.ACTIVE
    assert agency.head_office_regency.code == "3201"
    assert agency.paid_up_capital == Decimal("5000000000.00")
    history = list(agency.status_history.all())
    assert [(h.status, h.effective_from) for h in history] == [("active", agency_values["licence_issued_on"])]
    event = last_event("agency.create")
    assert event.object_id == agency.pk and event.actor == admin_user and event.via == "test"
    assert event.reason == "Permohonan baru"
    assert event.changes["sip3mi_number"] == [None, "KEP.123/PPTKIS/2025"]
    assert event.changes["head_office_regency_code"] == [None, "3201"]
    assert event.changes["deposit_amount"] == [None, "1500000000.00"]


@pytest.mark.parametrize("who", ["analyst", "unit_officer", "p3mi_user", "checkpoint_officer", "partner_client"])
def test_create_needs_agency_write(request, who, agency_values):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.agency_create(actor=actor, **agency_values)
    assert not Agency.objects.filter(sip3mi_number=agency_values["sip3mi_number"]).exists()


def test_create_refuses_duplicate_sip3mi_case_insensitively(admin_user, agency, agency_values):
    agency_values["sip3mi_number"] = agency.sip3mi_number.lower()
    with pytest.raises(Conflict) as exc:
        services.agency_create(actor=admin_user, **agency_values)
    assert "sip3mi_number" in exc.value.fields
    assert exc.value.status_code == 409


def test_create_enforces_legal_minimums(admin_user, agency_values):
    agency_values |= {"paid_up_capital": 4_999_999_999, "deposit_amount": "1000000000"}
    with pytest.raises(ValidationFailed) as exc:
        services.agency_create(actor=admin_user, **agency_values)
    assert set(exc.value.fields) == {"paid_up_capital", "deposit_amount"}
    assert "Rp5.000.000.000" in exc.value.fields["paid_up_capital"][0]
    assert "Rp1.500.000.000" in exc.value.fields["deposit_amount"][0]


def test_create_refuses_unknown_regency(admin_user, agency_values):
    agency_values["head_office_regency_code"] = "9999"
    with pytest.raises(ValidationFailed) as exc:
        services.agency_create(actor=admin_user, **agency_values)
    assert list(exc.value.fields) == ["head_office_regency_code"]


def test_create_accepts_dotted_regency_code(admin_user, agency_values):
    agency_values["head_office_regency_code"] = "32.01"
    assert services.agency_create(actor=admin_user, **agency_values).head_office_regency.code == "3201"


def test_create_refuses_licence_dates_out_of_order_and_missing_fields(admin_user, agency_values, today):
    agency_values |= {"licence_expires_on": agency_values["licence_issued_on"] - dt.timedelta(days=1),
                      "legal_name": "  ", "email": "not-an-email"}
    with pytest.raises(ValidationFailed) as exc:
        services.agency_create(actor=admin_user, **agency_values)
    assert {"licence_expires_on", "legal_name", "email"} <= set(exc.value.fields)


def test_create_refuses_future_issue_date(admin_user, agency_values, today):
    agency_values |= {"licence_issued_on": today + dt.timedelta(days=1), "licence_expires_on": None}
    with pytest.raises(ValidationFailed) as exc:
        services.agency_create(actor=admin_user, **agency_values)
    assert "licence_issued_on" in exc.value.fields


# --- update ----------------------------------------------------------------------------------

def test_update_audits_old_and_new_values(admin_user, agency):
    services.agency_update(actor=admin_user, public_id=agency.public_id, reason="Akta perubahan",
                           legal_name="PT Baru Jaya", head_office_regency_code="3273", paid_up_capital=7_000_000_000)
    agency.refresh_from_db()
    assert agency.legal_name == "PT Baru Jaya" and agency.head_office_regency.code == "3273"
    event = last_event("agency.update")
    assert event.changes["head_office_regency_code"] == ["3201", "3273"]
    assert event.changes["paid_up_capital"] == ["5000000000.00", "7000000000.00"]
    assert event.changes["legal_name"][1] == "PT Baru Jaya"
    assert set(event.changes) == {"legal_name", "head_office_regency_code", "paid_up_capital"}
    assert event.reason == "Akta perubahan"


def test_update_without_change_writes_no_event(admin_user, agency):
    services.agency_update(actor=admin_user, public_id=agency.public_id, legal_name=agency.legal_name)
    assert not AuditEvent.objects.filter(action="agency.update").exists()


def test_update_refuses_unknown_fields_and_status(admin_user, agency):
    with pytest.raises(ValidationFailed) as exc:
        services.agency_update(actor=admin_user, public_id=agency.public_id, status="revoked")
    assert "status" in exc.value.fields


def test_update_refuses_capital_below_minimum_and_duplicate_sip3mi(admin_user, agency, other_agency):
    with pytest.raises(ValidationFailed) as exc:
        services.agency_update(actor=admin_user, public_id=agency.public_id, paid_up_capital=1)
    assert "paid_up_capital" in exc.value.fields
    with pytest.raises(Conflict) as exc:
        services.agency_update(actor=admin_user, public_id=agency.public_id, sip3mi_number=other_agency.sip3mi_number)
    assert "sip3mi_number" in exc.value.fields


def test_update_of_unknown_company_is_not_found(admin_user):
    with pytest.raises(NotFound):
        services.agency_update(actor=admin_user, public_id="00000000-0000-0000-0000-000000000000", phone="1")
    with pytest.raises(NotFound):
        services.agency_update(actor=admin_user, public_id="not-a-uuid", phone="1")


# --- status ----------------------------------------------------------------------------------

def test_suspend_sets_period_appends_history_and_audits(admin_user, agency, today):
    end = today + dt.timedelta(days=90)
    services.agency_suspend(actor=admin_user, public_id=agency.public_id, suspended_from=today,
                            suspended_until=end, decree_number="KEP.5/2026", reason="Pelanggaran biaya", via="test")
    agency.refresh_from_db()
    assert (agency.status, agency.suspended_from, agency.suspended_until) == ("suspended", today, end)
    assert agency.standing_on(today) == (False, "suspended")
    change = agency.status_history.first()
    assert (change.status, change.effective_from, change.effective_until, change.decree_number) == (
        "suspended", today, end, "KEP.5/2026")
    assert change.actor == admin_user
    event = last_event("agency.suspend")
    assert event.changes["status"] == ["active", "suspended"]
    assert event.changes["suspended_until"] == [None, end.isoformat()]
    assert event.reason == "Pelanggaran biaya"


def test_suspension_end_before_start_is_a_field_error(admin_user, agency, today):
    with pytest.raises(ValidationFailed) as exc:
        services.agency_suspend(actor=admin_user, public_id=agency.public_id, suspended_from=today,
                                suspended_until=today - dt.timedelta(days=1), decree_number="K/1", reason="x")
    assert list(exc.value.fields) == ["suspended_until"]
    agency.refresh_from_db()
    assert agency.status == "active"
    assert not AgencyStatusChange.objects.filter(agency=agency, status="suspended").exists()


def test_suspend_needs_reason_decree_and_sanction_permission(admin_user, unit_officer, agency, today):
    with pytest.raises(ValidationFailed) as exc:
        services.agency_suspend(actor=admin_user, public_id=agency.public_id, suspended_from=today,
                                decree_number="", reason=" ")
    assert {"decree_number", "reason"} <= set(exc.value.fields)
    with pytest.raises(PermissionDenied):
        services.agency_suspend(actor=unit_officer, public_id=agency.public_id, suspended_from=today,
                                decree_number="K/1", reason="x")


def test_lift_suspension(admin_user, agency, today):
    services.agency_suspend(actor=admin_user, public_id=agency.public_id, suspended_from=today,
                            decree_number="K/1", reason="x")
    services.agency_lift_suspension(actor=admin_user, public_id=agency.public_id, reason="Sudah dipenuhi",
                                    decree_number="K/2")
    agency.refresh_from_db()
    assert (agency.status, agency.suspended_from) == ("active", None)
    assert [h.status for h in agency.status_history.all()] == ["active", "suspended"]
    assert last_event("agency.lift_suspension").changes["status"] == ["suspended", "active"]
    with pytest.raises(Conflict):
        services.agency_lift_suspension(actor=admin_user, public_id=agency.public_id, reason="again")


def test_revocation_is_final(admin_user, agency, today):
    services.agency_revoke(actor=admin_user, public_id=agency.public_id, decree_number="KEP.9/2026",
                           reason="Menempatkan PMI secara nonprosedural")
    agency.refresh_from_db()
    assert agency.status == "revoked"
    assert agency.standing_on(today) == (False, "revoked")
    assert agency.status_history.first().status == "revoked"
    assert last_event("agency.revoke").changes["status"] == ["active", "revoked"]
    for call in (
        lambda: services.agency_reinstate(actor=admin_user, public_id=agency.public_id, reason="x"),
        lambda: services.agency_suspend(actor=admin_user, public_id=agency.public_id, suspended_from=today,
                                        decree_number="K", reason="x"),
        lambda: services.agency_lift_suspension(actor=admin_user, public_id=agency.public_id, reason="x"),
        lambda: services.agency_update(actor=admin_user, public_id=agency.public_id,
                                       licence_expires_on=today + dt.timedelta(days=3000)),
    ):
        with pytest.raises(Conflict) as exc:
            call()
        assert exc.value.code == "revocation_final"
    with pytest.raises(Conflict):
        services.agency_revoke(actor=admin_user, public_id=agency.public_id, decree_number="K", reason="again")
    # A revoked company's other records can still be corrected.
    services.agency_update(actor=admin_user, public_id=agency.public_id, phone="021-555")


def test_revoke_refuses_future_date(admin_user, agency, today):
    with pytest.raises(ValidationFailed) as exc:
        services.agency_revoke(actor=admin_user, public_id=agency.public_id, decree_number="K", reason="x",
                               revoked_on=today + dt.timedelta(days=2))
    assert "revoked_on" in exc.value.fields


# --- branches --------------------------------------------------------------------------------

def test_branch_add_close_and_reopen(admin_user, agency, today):
    branch = services.branch_add(actor=admin_user, agency_public_id=agency.public_id, regency_code="3501",
                                 address="Jl. Ahmad Yani", reason="Izin cabang")
    assert branch.regency.code == "3501" and branch.registered_on == today
    assert last_event("branch.add").changes["regency_code"] == [None, "3501"]
    with pytest.raises(Conflict) as exc:
        services.branch_add(actor=admin_user, agency_public_id=agency.public_id, regency_code="3501")
    assert "regency_code" in exc.value.fields
    services.branch_close(actor=admin_user, agency_public_id=agency.public_id, branch_id=branch.pk, reason="Tutup")
    assert last_event("branch.close").changes["closed_on"] == [None, today.isoformat()]
    reopened = services.branch_add(actor=admin_user, agency_public_id=agency.public_id, regency_code="3501")
    assert reopened.pk == branch.pk and reopened.closed_on is None
    assert Branch.objects.filter(agency=agency).count() == 1


def test_branch_validation(admin_user, agency, other_agency):
    with pytest.raises(ValidationFailed) as exc:
        services.branch_add(actor=admin_user, agency_public_id=agency.public_id, regency_code="0000")
    assert "regency_code" in exc.value.fields
    branch = services.branch_add(actor=admin_user, agency_public_id=agency.public_id, regency_code="3501")
    with pytest.raises(NotFound):
        services.branch_close(actor=admin_user, agency_public_id=other_agency.public_id, branch_id=branch.pk,
                              reason="x")
    with pytest.raises(ValidationFailed):
        services.branch_close(actor=admin_user, agency_public_id=agency.public_id, branch_id=branch.pk,
                              reason="x", closed_on=branch.registered_on - dt.timedelta(days=1))


# --- foreign parties -------------------------------------------------------------------------

def test_foreign_party_create_and_update_are_audited(admin_user, foreign_employer):
    assert foreign_employer.country.iso2 == "MY"
    assert last_event("foreign_party.create").changes["country_iso2"] == [None, "MY"]
    services.foreign_party_update(actor=admin_user, public_id=foreign_employer.public_id, country_iso2="sg",
                                  address="Jurong", reason="Pindah")
    foreign_employer.refresh_from_db()
    assert foreign_employer.country.iso2 == "SG"
    event = last_event("foreign_party.update")
    assert event.changes == {"country_iso2": ["MY", "SG"], "address": ["Penang", "Jurong"]}


def test_foreign_party_validation(admin_user):
    with pytest.raises(ValidationFailed) as exc:
        services.foreign_party_create(actor=admin_user, role="boss", legal_type="company", name="",
                                      country_iso2="XX")
    assert set(exc.value.fields) == {"role", "legal_type", "name", "country_iso2"}


def test_blacklisting_needs_reason(admin_user, foreign_employer, today):
    with pytest.raises(ValidationFailed) as exc:
        services.foreign_party_update(actor=admin_user, public_id=foreign_employer.public_id,
                                      blacklisted_from=today)
    assert "reason" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        services.foreign_party_update(actor=admin_user, public_id=foreign_employer.public_id, reason="x",
                                      blacklisted_from=today, blacklisted_until=today - dt.timedelta(days=1))
    assert "blacklisted_until" in exc.value.fields
    services.foreign_party_update(actor=admin_user, public_id=foreign_employer.public_id, reason="Gaji tidak dibayar",
                                  blacklisted_from=today)
    assert last_event("foreign_party.update").changes["blacklisted_from"] == [None, today.isoformat()]


def test_foreign_party_write_needs_permission(analyst):
    with pytest.raises(PermissionDenied):
        services.foreign_party_create(actor=analyst, role="employer", legal_type="individual", name="Mr Lee",
                                      country_iso2="HK")
