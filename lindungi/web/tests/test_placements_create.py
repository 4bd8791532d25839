"""Registering a placement in the browser, and the person page's list of placements."""

# ruff: noqa: F811 - the placement fixtures are imported into this module and used as arguments

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from lindungi.accounts.roles import Role
from lindungi.placements.models import Placement
from lindungi.placements.states import PlacementState as S
from lindungi.placements.tests.fixtures import (
    TODAY,
    advance,
    years_ago,
)

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def contract() -> dict:
    return {"contract_start": (TODAY + dt.timedelta(days=60)).isoformat(),
            "contract_end": (TODAY + dt.timedelta(days=790)).isoformat()}


def test_create_from_the_person_page_with_job_order_and_permit(admin_user, make_person, make_job_order):
    person = make_person()
    job_order, sip2mi = make_job_order()
    client = login(admin_user)
    url = reverse("web:placement-create")
    page = client.get(url, {"person": str(person.public_id)})
    assert page.status_code == 200
    html = page.content.decode()
    assert person.full_name in html and person.nik in html
    assert str(job_order.public_id) in html and sip2mi.number in html  # offered in the selects
    response = client.post(f"{url}?person={person.public_id}", {
        "person": str(person.public_id), "scheme": "p_to_p", "job_order": str(job_order.public_id),
        "sip2mi": str(sip2mi.public_id), **contract()})
    placement = Placement.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:placement-detail", args=[placement.public_id])
    assert placement.state == S.REGISTERED and placement.agency == job_order.agency
    assert placement.employer == job_order.employer and placement.country.iso2 == "TW"
    assert placement.sip2mi == sip2mi and placement.contract_start == TODAY + dt.timedelta(days=60)


def test_create_shows_the_service_warnings_after_creation(admin_user, make_person):
    young = make_person(birth_date=years_ago(17), education="sd")
    client = login(admin_user)
    response = client.post(reverse("web:placement-create"), {
        "person": str(young.public_id), "scheme": "g_to_g_korea", "country": "KR", "occupation": "8160"},
        follow=True)
    assert response.status_code == 200
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 2
    assert any("17" in w for w in warnings)  # the age, in the page's language (Indonesian by default)
    assert all(w in response.content.decode() for w in warnings)


def test_create_by_nik_lookup_and_field_errors(admin_user, make_person):
    person = make_person()
    client = login(admin_user)
    url = reverse("web:placement-create")
    form_page = client.get(url)
    assert form_page.status_code == 200 and 'name="nik"' in form_page.content.decode()
    unknown = client.post(url, {"nik": "3201010101990999", "scheme": "g_to_g_korea", "country": "KR",
                                "occupation": "8160"})
    assert unknown.status_code == 422 and "nik" in unknown.context["form"].errors
    missing = client.post(url, {"nik": person.nik, "scheme": "g_to_g_korea"})
    assert missing.status_code == 422
    assert {"country", "occupation"} <= set(missing.context["form"].errors)
    ok = client.post(url, {"nik": person.nik, "scheme": "g_to_g_korea", "country": "KR", "occupation": "8160"})
    assert ok.status_code == 302
    again = client.post(url, {"nik": person.nik, "scheme": "g_to_g_korea", "country": "KR", "occupation": "8160"})
    assert again.status_code == 409 and again.context["form"].errors
    assert Placement.objects.filter(person=person).count() == 1


def test_job_order_of_another_p3mi_is_refused_on_the_form(admin_user, make_person, make_job_order, other_agency):
    person = make_person()
    job_order, _ = make_job_order()
    other_order, other_permit = make_job_order(agency_obj=other_agency)
    response = login(admin_user).post(reverse("web:placement-create"), {
        "person": str(person.public_id), "scheme": "p_to_p", "job_order": str(job_order.public_id),
        "sip2mi": str(other_permit.public_id)})
    assert response.status_code == 422 and "sip2mi" in response.context["form"].errors
    assert not Placement.objects.filter(person=person).exists()


def test_p3mi_staff_create_for_their_own_company(p3mi_user, agency, make_person, make_job_order, other_agency):
    person = make_person(agency=agency)
    job_order, sip2mi = make_job_order()
    other_order, _ = make_job_order(agency_obj=other_agency)
    client = login(p3mi_user)
    page = client.get(reverse("web:placement-create"), {"person": str(person.public_id)})
    assert page.status_code == 200
    form = page.context["form"]
    assert "agency" not in form.fields and agency.legal_name in page.content.decode()
    offered = {value for value, _label in form.fields["job_order"].choices}
    assert str(job_order.public_id) in offered and str(other_order.public_id) not in offered
    response = client.post(reverse("web:placement-create"), {
        "person": str(person.public_id), "scheme": "p_to_p", "job_order": str(job_order.public_id),
        "sip2mi": str(sip2mi.public_id), **contract()})
    assert response.status_code == 302
    assert Placement.objects.get(person=person).agency == agency


def test_roles_without_write_cannot_open_the_form(analyst, make_user):
    assert login(analyst).get(reverse("web:placement-create")).status_code == 403
    checkpoint = make_user(Role.CHECKPOINT, username="cp-create")
    assert login(checkpoint).get(reverse("web:placement-create")).status_code == 403


def test_person_page_lists_placements_and_links_to_start_one(admin_user, make_person, make_placement):
    person = make_person()
    client = login(admin_user)
    detail = client.get(reverse("web:person-detail", args=[person.public_id]))
    section_url = reverse("web:person-placements", args=[person.public_id])
    assert detail.status_code == 200 and f'hx-get="{section_url}"' in detail.content.decode()
    empty = client.get(section_url, HTTP_HX_REQUEST="true")
    html = empty.content.decode()
    assert empty.status_code == 200 and "<html" not in html
    assert f'{reverse("web:placement-create")}?person={person.public_id}' in html
    first = make_placement(person=person)
    advance(first, S.VERIFIED, officer=admin_user, with_items=False)
    from lindungi.placements import services

    services.placement_transition(actor=admin_user, public_id=first.public_id, to_state=S.WITHDRAWN,
                                  reason="changed mind")
    second = make_placement(person=person)
    listed = client.get(section_url, HTTP_HX_REQUEST="true")
    rows = listed.context["rows"]
    assert [r["placement"] for r in rows] == [second, first]
    html = listed.content.decode()
    assert reverse("web:placement-detail", args=[first.public_id]) in html
    assert reverse("web:placement-detail", args=[second.public_id]) in html
    assert 'data-state="withdrawn"' in html and 'data-state="registered"' in html
    assert 'data-testid="start-placement"' not in html  # one is in progress
    full = client.get(section_url)
    assert full.status_code == 200 and "<html" in full.content.decode()


def test_person_placements_are_scoped(p3mi_user, agency, other_agency, admin_user, make_person, make_job_order,
                                      make_placement):
    person = make_person(agency=agency)
    job_order, sip2mi = make_job_order(agency_obj=other_agency)
    other_company = make_placement(person=person, job_order=job_order, sip2mi=sip2mi)
    from lindungi.placements import services

    services.placement_transition(actor=admin_user, public_id=other_company.public_id, to_state=S.WITHDRAWN,
                                  reason="moved on")
    own = make_placement(person=person)
    response = login(p3mi_user).get(reverse("web:person-placements", args=[person.public_id]),
                                    HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert [r["placement"] for r in response.context["rows"]] == [own]
    everything = login(admin_user).get(reverse("web:person-placements", args=[person.public_id]))
    assert len(everything.context["rows"]) == 2


def test_permit_choices_name_their_company_and_job_order(admin_user, make_job_order):
    first, first_permit = make_job_order()
    second, second_permit = make_job_order(iso2="HK", occupation="5322")
    html = login(admin_user).get(reverse("web:placement-create")).content.decode()
    select = html[html.index('name="sip2mi"'):]
    select = select[:select.index("</select>")]
    assert 'data-narrow-by="job_order"' in html
    for job_order, permit in ((first, first_permit), (second, second_permit)):
        assert f'value="{permit.public_id}" data-job-order="{job_order.public_id}"' in select
        assert job_order.agency.legal_name in select  # the P3MI in every permit group
