"""NIKs in lists and exports are masked for roles that do not need them whole, and no whole NIK or
passport number is written to the access log."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindungi.audit.models import AccessLog
from lindungi.registry import selectors
from lindungi.registry.nik import mask
from lindungi.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def siti(admin_user, agency):
    return make_person(admin_user, regency="3201", full_name="Siti Aminah", agency_public_id=str(agency.public_id),
                       passport={"number": "C1234567", "issuing_office": "Kanim Bogor", "issue_date": "2024-01-01",
                                 "expiry_date": "2029-01-01"})


@pytest.mark.parametrize("role_fixture, masked", [
    ("admin_user", False), ("unit_officer", False), ("analyst", True), ("p3mi_user", True),
    ("checkpoint_officer", True), ("partner_client", True),
])
def test_list_nik_is_masked_per_role(request, siti, role_fixture, masked):
    actor = request.getfixturevalue(role_fixture)
    page = selectors.person_list_for(actor, nik=siti.nik)
    (shown,) = page.items
    assert shown.nik_display == (mask(siti.nik) if masked else siti.nik)
    assert selectors.nik_masked_for(actor) is masked


def test_detail_and_lookup_keep_the_whole_nik(siti, analyst, checkpoint_officer):
    assert selectors.person_get_for(analyst, siti.public_id).nik_display == siti.nik
    assert selectors.person_lookup(checkpoint_officer, nik=siti.nik)["nik"] == siti.nik


def test_access_log_never_holds_a_whole_identifier(siti, admin_user, checkpoint_officer):
    selectors.person_list_for(admin_user, q=siti.nik)
    selectors.person_list_for(admin_user, q="siti", nik=siti.nik[:10])
    selectors.person_list_for(checkpoint_officer, passport="C1234567")
    selectors.person_lookup(checkpoint_officer, nik=siti.nik)
    selectors.person_lookup(checkpoint_officer, passport="C1234567")
    details = list(AccessLog.objects.values_list("detail", flat=True))
    assert len(details) == 5
    for detail in details:
        assert siti.nik not in detail and "C1234567" not in detail and siti.nik[:10] not in detail, detail
    assert any("3201••••••••" in detail for detail in details)


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPRSTUVWXYZ", min_size=5, max_size=20))
def test_masked_identifier_never_contains_the_identifier(value):
    if any(ch.isdigit() for ch in value):
        assert value not in selectors.mask_identifier(value)
