"""``person_bulk_create`` against ``person_create``: for the same rows, the same stored rows (people,
name tokens, passports), the same ``person.created`` audit events and the same refusals."""

from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindungi.audit.models import AuditEvent
from lindungi.common.errors import DomainError
from lindungi.common.tests.parity import from_the_same_start
from lindungi.registry.bulk import CREATED, EXISTING, REFUSED, PersonBulk, PersonRow, person_bulk_create
from lindungi.registry.models import Passport, Person, PersonNameToken
from lindungi.registry.nik import nik_for
from lindungi.registry.services import person_create
from lindungi.registry.tests.factories import person_data

_PERSON_IGNORED = {"id", "public_id", "created_at", "updated_at", "import_batch_id"}


def stored() -> dict:
    """Everything a registration leaves, keyed by NIK, without ids and timestamps."""
    nik_of = dict(Person.objects.values_list("id", "nik"))
    return {
        "people": sorted(tuple(sorted((k, str(v)) for k, v in row.items() if k not in _PERSON_IGNORED))
                         for row in Person.objects.values()),
        "tokens": sorted((nik_of[t["person_id"]], t["token"], t["sort_name"], t["regency_id"], t["agency_id"])
                         for t in PersonNameToken.objects.values()),
        "passports": sorted((nik_of[p.person_id], p.number, p.issuing_office, p.issue_date, p.expiry_date,
                             p.is_current) for p in Passport.objects.all()),
        "audit": sorted((nik_of[a.object_id], a.action, a.object_type, a.actor_id, a.via, a.reason,
                         sorted(a.changes.items())) for a in AuditEvent.objects.filter(action="person.created")),
    }


def through_services(actor, rows: list[PersonRow]) -> tuple[dict, dict]:
    refusals = {}
    for row in rows:
        try:
            with transaction.atomic():
                person_create(actor=actor, data=row.data, passport=row.passport, via="import")
        except DomainError as exc:
            refusals[row.line] = exc.fields
    return stored(), refusals


def through_bulk(actor, rows: list[PersonRow]) -> tuple[dict, dict, list]:
    results = person_bulk_create(actor=actor, rows=rows, bulk=PersonBulk(actor=actor, via="import"))
    return stored(), {r.line: r.fields for r in results if r.status == REFUSED}, results


def both_ways(actor, rows):
    return from_the_same_start(through_services, through_bulk, actor=actor, rows=rows)


def passport(number: str, **over) -> dict:
    return {"number": number, "issuing_office": "Kantor Imigrasi Bogor", "issue_date": "2024-01-10",
            "expiry_date": "2034-01-10", **over}


def test_same_rows_audit_and_refusals(admin_user, agency):
    rows = [
        PersonRow(2, person_data(sequence=901, full_name="Siti Aminah")),
        PersonRow(3, person_data(sequence=902, full_name="Budi Santoso", sex="M"), passport("C7654321")),
        PersonRow(4, person_data(sequence=903, regency_code="9999")),
        PersonRow(5, person_data(sequence=904, birth_date=date(1990, 2, 3), full_name="X1")),
        PersonRow(6, person_data(sequence=905, full_name="Dewi Lestari"), passport("123", issue_date="x")),
        PersonRow(7, person_data(sequence=906, full_name="Rina Wati", sex="M")),  # NIK says woman: a warning
        PersonRow(8, person_data(sequence=907, full_name="Ani Yulianti", village_code="3201010001")),
    ]
    (single, single_refused), (bulk, bulk_refused, results) = both_ways(admin_user, rows)
    assert bulk == single
    assert bulk_refused == single_refused and set(bulk_refused) == {4, 5, 6, 8}
    assert set(bulk_refused[6]) == {"passport.number", "passport.issue_date"}
    assert len(bulk["people"]) == 3 and len(bulk["audit"]) == 3 and len(bulk["passports"]) == 1
    assert [r.status for r in results] == [CREATED, CREATED, REFUSED, REFUSED, REFUSED, CREATED, REFUSED]


def test_scope_company_and_passport_on_record(unit_officer, p3mi_user, admin_user, agency):
    person_create(actor=admin_user, data=person_data(sequence=950, full_name="Lama Sekali"),
                  passport=passport("D1111111"), via="test")
    rows = [
        PersonRow(2, person_data(sequence=951, full_name="Dalam Cakupan")),  # Jawa Barat: covered
        PersonRow(3, person_data(sequence=952, regency="3501", full_name="Luar Cakupan")),  # Jawa Timur
        PersonRow(4, person_data(sequence=953, full_name="Paspor Terpakai"), passport("D1111111")),
    ]
    for actor in (unit_officer, p3mi_user):
        (single, single_refused), (bulk, bulk_refused, _results) = both_ways(actor, rows)
        assert bulk == single
        assert bulk_refused == single_refused
    assert set(single_refused) == {4}  # the P3MI registers for its company anywhere
    (_s, unit_refused), _bulk = both_ways(unit_officer, rows)
    assert set(unit_refused) == {3, 4} and set(unit_refused[3]) == {"regency_code"}


def test_existing_nik_is_skipped_and_repeats_refused(admin_user):
    existing = person_create(actor=admin_user, data=person_data(sequence=960), via="test")[0]
    rows = [PersonRow(2, person_data(sequence=960)), PersonRow(3, person_data(sequence=961, full_name="Ada Dua")),
            PersonRow(4, person_data(sequence=961, full_name="Ada Dua")),
            PersonRow(5, person_data(sequence=962, full_name="Paspor Satu"), passport("E2222222")),
            PersonRow(6, person_data(sequence=963, full_name="Paspor Dua"), passport("E2222222"))]
    bulk = PersonBulk(actor=admin_user)
    results = person_bulk_create(actor=admin_user, rows=rows, bulk=bulk)
    assert [r.status for r in results] == [EXISTING, CREATED, REFUSED, CREATED, REFUSED]
    assert results[0].person_id == existing.pk
    assert "line 3" in results[2].fields["nik"][0] and "line 5" in results[4].fields["passport.number"][0]
    # The next call of the same batch still knows lines 3 and 5.
    again = person_bulk_create(actor=admin_user, rows=[PersonRow(9, person_data(sequence=961))], bulk=bulk)
    assert again[0].status == REFUSED and "line 3" in again[0].fields["nik"][0]


def test_needs_the_write_permission(analyst):
    from lindungi.common.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        person_bulk_create(actor=analyst, rows=[PersonRow(2, person_data())])


_GOOD_NAMES = st.sampled_from(["Siti Aminah", "Budi Santoso", "Nur Aini", "Dewi Sartika", "Agus Salim"])


@st.composite
def person_rows(draw):
    count = draw(st.integers(min_value=1, max_value=6))
    rows = []
    for index in range(count):
        sex = draw(st.sampled_from(["F", "M"]))
        birth = draw(st.dates(min_value=date(1960, 1, 1), max_value=date(2008, 12, 31)))
        regency = draw(st.sampled_from(["3201", "3273", "3501", "9999"]))
        nik = nik_for(regency_code="3201", district="01", birth_date=birth, sex=sex, sequence=700 + index)
        data = {
            "nik": draw(st.sampled_from([nik, nik[:15], nik[:6] + "A" + nik[7:]])),
            "full_name": draw(st.one_of(_GOOD_NAMES, st.sampled_from(["", "A", "Bad#Name"]))),
            "sex": draw(st.sampled_from([sex, "L", "perempuan", "X"])),
            "birth_date": draw(st.sampled_from([birth.isoformat(), birth.strftime("%d-%m-%Y"), "31-02-1990"])),
            "birth_place": "Bogor", "address": "Jl. Raya 1", "regency_code": regency,
            "education": draw(st.sampled_from(["sma", "SLTA", "phd"])),
            "marital_status": draw(st.sampled_from(["single", "kawin", "?"])),
            "phone": draw(st.sampled_from(["", "081234567890", "12"])),
        }
        doc = None
        if draw(st.booleans()):
            doc = passport(draw(st.sampled_from([f"C{index:07d}", "C0000000", "bad"])),
                           expiry_date=draw(st.sampled_from(["2034-01-10", "2020-01-01"])))
        rows.append(PersonRow(index + 2, data, doc))
    return rows


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(rows=person_rows())
def test_generated_rows_give_the_same_result_both_ways(unit_officer, rows):
    numbers = [r.passport["number"] for r in rows if r.passport]
    niks = [r.data["nik"] for r in rows]
    if len(set(numbers)) < len(numbers) or len(set(niks)) < len(niks):
        return  # repeats within a batch are a bulk-only refusal (tested above)
    (single, single_refused), (bulk, bulk_refused, _results) = both_ways(unit_officer, rows)
    assert bulk == single
    assert bulk_refused == single_refused
