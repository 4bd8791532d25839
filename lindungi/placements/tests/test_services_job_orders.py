"""Job orders, SIP2MI issue/revoke and quota consumption (including concurrent reservations)."""

import datetime as dt
import threading

import pytest
from django.db import OperationalError, connection

from lindungi.audit.models import AuditEvent
from lindungi.common.errors import Conflict, PermissionDenied, ValidationFailed
from lindungi.placements import selectors, services
from lindungi.placements.models import DestinationRule, JobOrder, Scheme, Sip2mi
from lindungi.placements.tests.fixtures import TODAY

pytestmark = pytest.mark.django_db


def job_order_data(agency, employer, **changes):
    return {"agency": str(agency.public_id), "employer": str(employer.public_id), "country": employer.country.iso2,
            "position_title": "Pengasuh lansia", "occupation": "5322", "headcount_female": 4, "headcount_any": 2,
            "salary_amount": "20000", "salary_currency": "twd", "contract_months": 36, **changes}


# --- seeded rules --------------------------------------------------------------------------------


def test_schemes_seeded_with_their_rules():
    codes = set(Scheme.objects.values_list("code", flat=True))
    assert {"p_to_p", "g_to_g", "g_to_g_korea", "g_to_p", "ukps", "perseorangan", "ssw_japan", "special"} <= codes
    korea = Scheme.objects.get(code="g_to_g_korea")
    assert (korea.min_age, korea.max_age, korea.min_education) == (18, 39, "smp")
    assert Scheme.objects.get(code="perseorangan").employer_legal_types == ["legal_entity"]
    p2p = Scheme.objects.get(code="p_to_p")
    assert p2p.requires_sip2mi and p2p.requires_job_order and p2p.requires_p3mi and p2p.legal_basis
    assert all(s.legal_basis for s in Scheme.objects.all())


def test_middle_east_moratorium_seeded():
    rules = DestinationRule.objects.filter(legal_basis__contains="260").select_related("country")
    assert {"SA", "AE", "QA", "KW", "JO"} <= {r.country.iso2 for r in rules}
    assert all(r.status == "closed" and r.employer_legal_type == "individual" and r.valid_from for r in rules)
    assert not rules.filter(country__iso2__in=["TW", "HK", "MY", "SG", "KR", "JP"]).exists()


def test_scheme_clean_rejects_unknown_items():
    from django.core.exceptions import ValidationError

    scheme = Scheme(code="x", name_id="x", name_en="x", required_items=["medical_fitness", "nonsense"],
                    employer_legal_types=["robot"])
    with pytest.raises(ValidationError) as exc:
        scheme.clean()
    assert set(exc.value.message_dict) == {"required_items", "employer_legal_types"}


# --- job orders ----------------------------------------------------------------------------------


def test_p3mi_staff_create_for_their_own_company(p3mi_user, other_agency, make_employer):
    employer = make_employer("TW")
    job_order = services.job_order_create(actor=p3mi_user, data=job_order_data(other_agency, employer))
    assert job_order.agency == p3mi_user.agency
    assert job_order.status == JobOrder.Status.DRAFT and job_order.headcount_total == 6
    assert job_order.salary_currency == "TWD"
    assert AuditEvent.objects.filter(action="job_order.created", object_id=job_order.pk).exists()


def test_job_order_validation(admin_user, agency, make_employer):
    employer = make_employer("TW")
    with pytest.raises(ValidationFailed) as exc:
        services.job_order_create(actor=admin_user, data=job_order_data(
            agency, employer, country="HK", headcount_female=0, headcount_any=0, salary_amount="-1",
            salary_currency="NT", contract_months=0, occupation="0000"))
    assert {"employer", "salary_amount", "salary_currency", "contract_months", "occupation"} <= set(exc.value.fields)


def test_moratorium_refuses_household_job_order_for_individual_saudi_employer(admin_user, agency, make_employer):
    employer = make_employer("SA", "individual")
    with pytest.raises(ValidationFailed) as exc:
        services.job_order_create(actor=admin_user, data=job_order_data(agency, employer, occupation="9111"))
    assert "Kepmenaker No. 260 Tahun 2015" in exc.value.fields["country"][0]


def test_saudi_legal_entity_employer_not_under_moratorium(admin_user, agency, make_employer):
    employer = make_employer("SA", "legal_entity")  # e.g. a syarikah under the SPSK pilot
    job_order = services.job_order_create(actor=admin_user, data=job_order_data(agency, employer, occupation="9111"))
    assert job_order.pk


def test_suspended_agency_cannot_take_job_orders(admin_user, agency, make_employer):
    agency.status = "suspended"
    agency.suspended_from = TODAY - dt.timedelta(days=1)
    agency.save()
    with pytest.raises(ValidationFailed) as exc:
        services.job_order_create(actor=admin_user, data=job_order_data(agency, make_employer("TW")))
    assert "agency" in exc.value.fields


def test_only_verifiers_verify(p3mi_user, admin_user, make_job_order):
    job_order, _ = make_job_order(verify=False)
    with pytest.raises(PermissionDenied):
        services.job_order_verify(actor=p3mi_user, public_id=job_order.public_id, verified_on=TODAY,
                                  verification_reference="X")
    verified = services.job_order_verify(actor=admin_user, public_id=job_order.public_id, verified_on=TODAY,
                                         verification_reference="KDEI/1")
    assert verified.status == "verified" and verified.verified_by == admin_user
    with pytest.raises(Conflict):
        services.job_order_verify(actor=admin_user, public_id=job_order.public_id, verified_on=TODAY,
                                  verification_reference="KDEI/1")


def test_reject_needs_reason(admin_user, make_job_order):
    job_order, _ = make_job_order(verify=False)
    with pytest.raises(ValidationFailed):
        services.job_order_reject(actor=admin_user, public_id=job_order.public_id, reason=" ")
    rejected = services.job_order_reject(actor=admin_user, public_id=job_order.public_id, reason="Gaji di bawah UMR")
    assert rejected.status == "rejected"


def test_job_order_scoping(p3mi_user, unit_officer, admin_user, make_job_order, other_agency):
    mine, _ = make_job_order()
    theirs, _ = make_job_order(agency_obj=other_agency)
    assert set(selectors.job_order_queryset_for(p3mi_user)) == {mine}
    assert set(selectors.job_order_queryset_for(unit_officer)) == {mine, theirs}


# --- SIP2MI --------------------------------------------------------------------------------------


def test_sip2mi_only_against_verified_job_order(admin_user, make_job_order):
    job_order, _ = make_job_order(verify=False)
    with pytest.raises(ValidationFailed) as exc:
        services.sip2mi_issue(actor=admin_user, job_order_public_id=job_order.public_id, number="SIP2MI/1", quota=2,
                              valid_from=TODAY, valid_until=TODAY + dt.timedelta(days=90))
    assert "job_order" in exc.value.fields


def test_sip2mi_quota_cannot_exceed_job_order(admin_user, make_job_order):
    job_order, permit = make_job_order(headcount=10, quota=6)
    with pytest.raises(ValidationFailed) as exc:
        services.sip2mi_issue(actor=admin_user, job_order_public_id=job_order.public_id, number="SIP2MI/2", quota=5,
                              valid_from=TODAY, valid_until=TODAY + dt.timedelta(days=90))
    assert "4" in exc.value.fields["quota"][0]
    second = services.sip2mi_issue(actor=admin_user, job_order_public_id=job_order.public_id, number="sip2mi/2",
                                   quota=4, valid_from=TODAY, valid_until=TODAY + dt.timedelta(days=90))
    assert second.number == "SIP2MI/2"
    with pytest.raises(Conflict):
        services.sip2mi_issue(actor=admin_user, job_order_public_id=job_order.public_id, number="SIP2MI/2", quota=1,
                              valid_from=TODAY, valid_until=TODAY + dt.timedelta(days=90))


def test_sip2mi_issue_needs_permission_and_dates(p3mi_user, admin_user, make_job_order):
    job_order, _ = make_job_order(permit=False)
    with pytest.raises(PermissionDenied):
        services.sip2mi_issue(actor=p3mi_user, job_order_public_id=job_order.public_id, number="S/1", quota=1,
                              valid_from=TODAY, valid_until=TODAY)
    with pytest.raises(ValidationFailed) as exc:
        services.sip2mi_issue(actor=admin_user, job_order_public_id=job_order.public_id, number="S/1", quota=0,
                              valid_from=TODAY, valid_until=TODAY - dt.timedelta(days=1))
    assert {"quota", "valid_until"} <= set(exc.value.fields)


def test_reserve_never_exceeds_quota(make_job_order):
    _, permit = make_job_order(quota=3)
    results = [services.sip2mi_reserve(sip2mi_id=permit.pk) for _ in range(7)]
    assert results == [True, True, True, False, False, False, False]
    permit.refresh_from_db()
    assert permit.used == 3 and permit.remaining == 0


def test_reserve_with_stale_reads_still_never_exceeds(make_job_order):
    """Many callers that all read "2 left" before any of them writes: only 2 succeed."""
    _, permit = make_job_order(quota=2)
    stale = [Sip2mi.objects.get(pk=permit.pk) for _ in range(5)]
    assert all(p.remaining == 2 for p in stale)
    assert sum(services.sip2mi_reserve(sip2mi_id=p.pk) for p in stale) == 2
    permit.refresh_from_db()
    assert permit.used == 2


def test_reserve_refused_when_revoked_expired_or_not_yet_valid(admin_user, make_job_order):
    _, permit = make_job_order(quota=3)
    assert not services.sip2mi_reserve(sip2mi_id=permit.pk, on=permit.valid_until + dt.timedelta(days=1))
    assert not services.sip2mi_reserve(sip2mi_id=permit.pk, on=permit.valid_from - dt.timedelta(days=1))
    services.sip2mi_revoke(actor=admin_user, public_id=permit.public_id, reason="Overcharging")
    assert not services.sip2mi_reserve(sip2mi_id=permit.pk)
    permit.refresh_from_db()
    assert permit.used == 0 and permit.status == "revoked"


def test_release_gives_a_unit_back_but_never_below_zero(make_job_order):
    _, permit = make_job_order(quota=1)
    assert services.sip2mi_reserve(sip2mi_id=permit.pk)
    assert not services.sip2mi_reserve(sip2mi_id=permit.pk)
    assert services.sip2mi_release(sip2mi_id=permit.pk)
    assert not services.sip2mi_release(sip2mi_id=permit.pk)
    assert services.sip2mi_reserve(sip2mi_id=permit.pk)


def test_revoke_twice_conflicts_and_needs_reason(admin_user, make_job_order):
    _, permit = make_job_order()
    with pytest.raises(ValidationFailed):
        services.sip2mi_revoke(actor=admin_user, public_id=permit.public_id, reason="")
    services.sip2mi_revoke(actor=admin_user, public_id=permit.public_id, reason="Sanksi")
    with pytest.raises(Conflict):
        services.sip2mi_revoke(actor=admin_user, public_id=permit.public_id, reason="Sanksi")
    assert AuditEvent.objects.filter(action="sip2mi.revoked", object_id=permit.pk).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_never_over_issue(admin_user, agency, make_employer):
    """Twelve threads, each with its own database connection, race for a quota of 5."""
    employer = make_employer("TW")
    job_order = services.job_order_create(actor=admin_user, data=job_order_data(agency, employer))
    services.job_order_verify(actor=admin_user, public_id=job_order.public_id, verified_on=TODAY,
                              verification_reference="KDEI/1")
    permit = services.sip2mi_issue(actor=admin_user, job_order_public_id=job_order.public_id, number="SIP2MI/RACE",
                                   quota=5, valid_from=TODAY, valid_until=TODAY + dt.timedelta(days=30))
    barrier = threading.Barrier(12)
    results: list[bool] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            for _attempt in range(200):
                try:
                    ok = services.sip2mi_reserve(sip2mi_id=permit.pk)
                    break
                except OperationalError:  # SQLite "database is locked": retry, as a client would
                    threading.Event().wait(0.005)
            else:
                raise RuntimeError("never got the lock")
            with lock:
                results.append(ok)
        except BaseException as exc:  # noqa: BLE001 - report in the main thread
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert len(results) == 12
    assert results.count(True) == 5
    permit.refresh_from_db()
    assert permit.used == 5
    connection.close()


# --- public list ---------------------------------------------------------------------------------


def test_public_list_shows_only_verified_orders_still_recruiting(admin_user, make_job_order):
    open_jo, open_permit = make_job_order(quota=2)
    full_jo, full_permit = make_job_order(quota=1)
    services.sip2mi_reserve(sip2mi_id=full_permit.pk)
    draft_jo, _ = make_job_order(verify=False)
    revoked_jo, revoked_permit = make_job_order()
    services.sip2mi_revoke(actor=admin_user, public_id=revoked_permit.public_id, reason="Sanksi")
    no_permit_jo, _ = make_job_order(permit=False)
    page = selectors.public_job_order_list()
    assert [j.pk for j in page.items] == [open_jo.pk]
    assert page.items[0].openings == 2
    later = selectors.public_job_order_list(on=open_permit.valid_until + dt.timedelta(days=1))
    assert later.total == 0
