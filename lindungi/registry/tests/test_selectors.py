"""Every role against the same population: who sees whom, in lists, lookups, details and counts."""

import pytest

from lindungi.common.errors import NotFound, PermissionDenied
from lindungi.registry import selectors
from lindungi.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def population(admin_user, agency, other_agency):
    return {
        "jabar_agency": make_person(admin_user, regency="3201", full_name="Siti Jabar",
                                    agency_public_id=str(agency.public_id)),
        "jabar_other": make_person(admin_user, regency="3201", full_name="Ani Jabar",
                                   agency_public_id=str(other_agency.public_id)),
        "jatim_agency": make_person(admin_user, regency="3501", full_name="Dewi Jatim",
                                    agency_public_id=str(agency.public_id)),
        "jatim_none": make_person(admin_user, regency="3501", full_name="Rina Jatim"),
    }


def names(page):
    return sorted(p.full_name for p in page.items)


def test_national_roles_see_everyone(population, admin_user, analyst):
    for actor in (admin_user, analyst):
        assert selectors.person_list_for(actor).total == 4


def test_unit_officer_sees_only_its_coverage(population, unit_officer):
    assert names(selectors.person_list_for(unit_officer)) == ["Ani Jabar", "Siti Jabar"]
    with pytest.raises(NotFound):
        selectors.person_get_for(unit_officer, population["jatim_none"].public_id)
    with pytest.raises(NotFound):
        selectors.person_lookup(unit_officer, nik=population["jatim_none"].nik)
    assert selectors.person_list_for(unit_officer, q="Jatim").total == 0


def test_p3mi_staff_sees_only_its_company(population, p3mi_user):
    assert names(selectors.person_list_for(p3mi_user)) == ["Dewi Jatim", "Siti Jabar"]
    with pytest.raises(NotFound):
        selectors.person_get_for(p3mi_user, population["jabar_other"].public_id)
    assert selectors.person_list_for(p3mi_user, nik=population["jabar_other"].nik).total == 0


def test_p3mi_registration_belongs_to_its_company(p3mi_user, agency):
    person = make_person(p3mi_user, regency="3501")
    assert person.agency_id == agency.pk


def test_unit_officer_cannot_register_outside_coverage(unit_officer):
    from lindungi.common.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        make_person(unit_officer, regency="3501")
    assert "regency_code" in exc.value.fields


@pytest.mark.parametrize("role_fixture", ["checkpoint_officer", "partner_client"])
def test_lookup_only_roles_need_an_exact_identifier(population, role_fixture, request):
    actor = request.getfixturevalue(role_fixture)
    with pytest.raises(PermissionDenied):
        selectors.person_list_for(actor)
    with pytest.raises(PermissionDenied):
        selectors.person_list_for(actor, q="Siti")
    target = population["jatim_none"]
    assert [p.pk for p in selectors.person_list_for(actor, nik=target.nik).items] == [target.pk]
    assert selectors.person_lookup(actor, nik=target.nik)["pk"] == target.pk
    with pytest.raises(NotFound):
        selectors.person_get_for(actor, target.public_id)


def test_inactive_user_sees_nothing(population, admin_user):
    admin_user.is_active = False
    with pytest.raises(PermissionDenied):
        selectors.person_list_for(admin_user)


def test_prepared_lookup_reuses_sql_but_not_answers_or_scope(population, admin_user, unit_officer, p3mi_user):
    from lindungi.registry.services import passport_add

    passport_add(actor=admin_user, public_id=population["jabar_agency"].public_id,
                 data={"number": "B7654321", "issuing_office": "Kanim Bogor", "issue_date": "2024-02-01",
                       "expiry_date": "2034-02-01"})
    for person in population.values():  # same compiled statement, every answer its own
        assert selectors.person_lookup(admin_user, nik=person.nik)["full_name"] == person.full_name
    found = selectors.person_lookup(admin_user, passport="b7654321")
    assert found["nik"] == population["jabar_agency"].nik and found["passport_number"] == "B7654321"
    assert str(found["passport_expiry"]) == "2034-02-01" and found["regency_code"] == "3201"
    # Each scope compiles its own statement: the unit officer and the P3MI keep their limits.
    assert selectors.person_lookup(unit_officer, nik=population["jabar_other"].nik)["pk"]
    with pytest.raises(NotFound):
        selectors.person_lookup(unit_officer, nik=population["jatim_agency"].nik)
    assert selectors.person_lookup(p3mi_user, nik=population["jatim_agency"].nik)["pk"]
    with pytest.raises(NotFound):
        selectors.person_lookup(p3mi_user, nik=population["jabar_other"].nik)


def test_name_search_follows_renames_moves_and_merges(population, admin_user, unit_officer):
    from lindungi.registry import services

    siti = population["jabar_agency"]
    assert selectors.person_list_for(unit_officer, q="siti jab").total == 1
    services.person_update(actor=admin_user, public_id=siti.public_id, data={"full_name": "Sitti Rahmawati"})
    assert selectors.person_list_for(unit_officer, q="siti jab").total == 0
    assert [p.pk for p in selectors.person_list_for(unit_officer, q="rahma").items] == [siti.pk]
    # Moving to a regency outside the unit's coverage takes the person out of its name search.
    services.person_update(actor=admin_user, public_id=siti.public_id, data={"regency_code": "3501"}, reason="pindah")
    assert selectors.person_list_for(unit_officer, q="rahma").total == 0
    assert selectors.person_list_for(admin_user, q="rahma").total == 1


def test_capped_totals(population, admin_user, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 2)
    page = selectors.person_list_for(admin_user, q="ja", page_size=1)
    assert page.total == 2 and page.total_capped
    page = selectors.person_list_for(admin_user, province="35")
    assert page.total == 2 and not page.total_capped
