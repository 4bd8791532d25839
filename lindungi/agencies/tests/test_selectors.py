import datetime as dt

import pytest

from lindungi.agencies import selectors, services
from lindungi.agencies.tests.factories import AgencyFactory
from lindungi.common.errors import NotFound, ValidationFailed

pytestmark = pytest.mark.django_db


def test_p3mi_staff_see_only_their_own_company(p3mi_user, agency, other_agency):
    page = selectors.agency_list_for(p3mi_user)
    assert [a.pk for a in page.items] == [agency.pk] and page.total == 1
    assert selectors.agency_get_for(p3mi_user, agency.public_id) == agency
    with pytest.raises(NotFound):
        selectors.agency_get_for(p3mi_user, other_agency.public_id)


@pytest.mark.parametrize("who", ["admin_user", "analyst", "unit_officer", "checkpoint_officer", "partner_client"])
def test_staff_roles_see_every_company(request, who, agency, other_agency):
    actor = request.getfixturevalue(who)
    assert selectors.agency_list_for(actor).total == 2
    assert selectors.agency_get_for(actor, other_agency.public_id) == other_agency


def test_anonymous_sees_nothing(agency):
    from django.contrib.auth.models import AnonymousUser

    assert selectors.agency_list_for(AnonymousUser()).total == 0
    with pytest.raises(NotFound):
        selectors.agency_get_for(None, agency.public_id)


def test_filters(admin_user, agency, other_agency, today):
    AgencyFactory(legal_name="PT Cahaya Abadi", sip3mi_number="KEP.77/2025")
    assert [a.legal_name for a in selectors.agency_list_for(admin_user, q="cahaya abadi").items] == ["PT Cahaya Abadi"]
    assert selectors.agency_list_for(admin_user, q="KEP.77").total == 1
    assert [a.pk for a in selectors.agency_list_for(admin_user, province_code="32").items] == [agency.pk]
    services.agency_suspend(actor=admin_user, public_id=other_agency.public_id, suspended_from=today,
                            decree_number="K", reason="x")
    assert [a.pk for a in selectors.agency_list_for(admin_user, status="suspended").items] == [other_agency.pk]


def test_bad_filters_and_pages_are_validation_errors(admin_user):
    for kwargs, field in [({"status": "bankrupt"}, "status"), ({"province_code": "99"}, "province"),
                          ({"page": 0}, "page"), ({"page_size": 1000}, "page_size"), ({"q": "x" * 101}, "q")]:
        with pytest.raises(ValidationFailed) as exc:
            selectors.agency_list_for(admin_user, **kwargs)
        assert field in exc.value.fields


def test_pagination(admin_user):
    for _ in range(5):
        AgencyFactory()
    page = selectors.agency_list_for(admin_user, page=2, page_size=2)
    assert (page.total, page.page, len(page.items), page.pages) == (5, 2, 2, 3)


def test_financials_visibility(admin_user, analyst, unit_officer, p3mi_user, checkpoint_officer, partner_client,
                               agency, other_agency):
    visible = selectors.agency_financials_visible
    assert visible(admin_user, agency) and visible(analyst, agency) and visible(unit_officer, agency)
    assert visible(p3mi_user, agency) and not visible(p3mi_user, other_agency)
    assert not visible(checkpoint_officer, agency) and not visible(partner_client, agency)
    assert not visible(None, agency)


def test_public_search_returns_only_public_fields(agency, today):
    page = selectors.agency_public_search(agency.legal_name[:12])
    assert page.total >= 1
    item = next(i for i in page.items if i["sip3mi_number"] == agency.sip3mi_number)
    assert item["in_good_standing"] is True and item["standing_en"] == "Licensed and in good standing"
    assert item["head_office_regency_code"] == "3201"
    forbidden = {"paid_up_capital", "deposit_amount", "deposit_bank", "deposit_holder", "deposit_reference",
                 "phone", "email", "responsible_officer", "head_office_address", "id", "public_id"}
    assert not forbidden & set(item)


def test_public_search_by_sip3mi_and_standing(admin_user, agency, other_agency, today):
    end = today + dt.timedelta(days=30)
    services.agency_suspend(actor=admin_user, public_id=agency.public_id, suspended_from=today,
                            suspended_until=end, decree_number="K", reason="x")
    services.agency_revoke(actor=admin_user, public_id=other_agency.public_id, decree_number="K", reason="x")
    item = selectors.agency_public_search(agency.sip3mi_number).items[0]
    assert (item["in_good_standing"], item["standing_code"]) == (False, "suspended")
    assert item["suspended_until"] == end
    assert item["standing_en"].startswith("Licence suspended until")
    assert item["standing_id"].startswith("Izin dihentikan sementara sampai")
    revoked = selectors.agency_public_search(other_agency.sip3mi_number).items[0]
    assert (revoked["standing_en"], revoked["standing_id"]) == ("Licence revoked", "Izin dicabut")
    # The day after the suspension ends it counts as lifted, before any officer lifts it.
    later = selectors.agency_public_search(agency.sip3mi_number, day=end + dt.timedelta(days=1)).items[0]
    assert later["in_good_standing"] is True


def test_public_search_validation():
    for kwargs, field in [({"q": "ab"}, "q"), ({"q": ""}, "q"), ({"q": "abc", "limit": 0}, "limit"),
                          ({"q": "abc", "limit": 51}, "limit"), ({"q": "abc", "page": 0}, "page")]:
        with pytest.raises(ValidationFailed) as exc:
            selectors.agency_public_search(**kwargs)
        assert field in exc.value.fields


def test_foreign_party_selectors(admin_user, p3mi_user, foreign_employer):
    assert selectors.foreign_party_list_for(p3mi_user).total == 1
    assert selectors.foreign_party_list_for(admin_user, q="sunrise", country_iso2="my").total == 1
    assert selectors.foreign_party_list_for(admin_user, role="agency").total == 0
    assert selectors.foreign_party_get_for(p3mi_user, foreign_employer.public_id) == foreign_employer
    with pytest.raises(NotFound):
        selectors.foreign_party_get_for(None, foreign_employer.public_id)
    with pytest.raises(ValidationFailed):
        selectors.foreign_party_list_for(admin_user, country_iso2="QQ")
