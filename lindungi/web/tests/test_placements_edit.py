"""Changing a placement's details from the web (the same service and rules as the API's PATCH), and
blocking reasons that link to the form that fixes them."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from lindungi.audit.models import AuditEvent
from lindungi.placements.states import PlacementState as S
from lindungi.placements.tests.fixtures import TODAY, advance
from lindungi.web.fixes import document_kind

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def edit_url(placement) -> str:
    return reverse("web:placement-edit", args=[placement.public_id])


def test_edit_shows_what_the_state_lets_change_and_saves_through_the_service(p3mi_user, make_placement):
    placement = make_placement()
    client = login(p3mi_user)
    page = client.get(edit_url(placement))
    assert page.status_code == 200
    assert {"job_order", "sip2mi", "employer", "contract_start", "contract_end"} <= set(page.context["form"].fields)
    assert "agency" not in page.context["form"].fields  # a P3MI's placements are always its own
    new_end = (TODAY + dt.timedelta(days=1000)).isoformat()
    data = {**{k: v for k, v in page.context["form"].initial.items() if v}, "contract_end": new_end,
            "expected_version": placement.version}
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
    data["contract_end"] = new_end
    response = client.post(edit_url(placement), data)
    assert response.status_code == 302, response.context["form"].errors
    placement.refresh_from_db()
    assert placement.contract_end.isoformat() == new_end and placement.version == 2
    event = AuditEvent.objects.filter(action="placement.updated").latest("pk")
    assert set(event.changes) == {"contract_end"}


def test_after_selection_only_the_contract_dates_are_offered(admin_user, unit_officer, p3mi_user, make_placement):
    placement = advance(make_placement(), S.SELECTED, officer=unit_officer, agency_actor=p3mi_user)
    form = login(admin_user).get(edit_url(placement)).context["form"]
    assert {field.name for field in form.visible_fields()} == {"contract_start", "contract_end"}


def test_bad_dates_come_back_on_their_field_and_nothing_changes(admin_user, make_placement):
    placement = make_placement()
    response = login(admin_user).post(edit_url(placement), {
        "contract_start": (TODAY + dt.timedelta(days=90)).isoformat(),
        "contract_end": (TODAY + dt.timedelta(days=10)).isoformat(), "expected_version": placement.version})
    assert response.status_code == 422
    assert response.context["form"].errors
    placement.refresh_from_db()
    assert placement.version == 1


def test_a_stale_version_is_refused(admin_user, make_placement):
    placement = make_placement()
    response = login(admin_user).post(edit_url(placement), {
        "contract_end": (TODAY + dt.timedelta(days=1000)).isoformat(), "expected_version": 7})
    assert response.status_code == 409


def test_a_version_that_is_not_a_number_is_a_field_error(admin_user, make_placement):
    placement = make_placement()
    response = login(admin_user).post(edit_url(placement), {
        "contract_end": (TODAY + dt.timedelta(days=1000)).isoformat(), "expected_version": "abc"})
    assert response.status_code == 422 and "expected_version" in response.context["form"].errors
    placement.refresh_from_db()
    assert placement.version == 1


def test_who_may_open_the_edit_page(analyst, checkpoint_officer, make_user, other_agency, make_placement):
    from lindungi.accounts.roles import Role

    placement = make_placement()
    assert login(analyst).get(edit_url(placement)).status_code == 403
    assert login(checkpoint_officer).get(edit_url(placement)).status_code == 403
    stranger = make_user(Role.P3MI_STAFF, username="p3mi-other", agency=other_agency)
    assert login(stranger).get(edit_url(placement)).status_code == 404


def test_blocking_reasons_link_to_their_forms(unit_officer, p3mi_user, make_placement):
    placement = advance(make_placement(), S.AGREEMENT_SIGNED, officer=unit_officer, agency_actor=p3mi_user)
    page = login(unit_officer).get(reverse("web:placement-detail", args=[placement.public_id]))
    step = next(s for s in page.context["steps"] if s["to_state"] == S.DOCUMENTS_VERIFIED)
    fixes = [r["fix"]["url"] for r in step["messages"] if r["fix"]]
    assert any(url.endswith("?kind=medical_fitness#record") for url in fixes)
    assert len(fixes) == len(step["messages"])  # every missing document is one click from its form
    assert 'data-testid="fix"' in page.content.decode()


def test_no_fix_link_for_a_role_that_cannot_fix(analyst, unit_officer, p3mi_user, make_placement):
    placement = advance(make_placement(), S.AGREEMENT_SIGNED, officer=unit_officer, agency_actor=p3mi_user)
    page = login(analyst).get(reverse("web:placement-detail", args=[placement.public_id]))
    assert all(r["fix"] is None for s in page.context["steps"] for r in s["messages"])


@pytest.mark.parametrize(("code", "kind"), [
    ("medical_fitness_missing", "medical_fitness"), ("work_visa_expires_before_contract_end", "work_visa"),
    ("epmi_card_voided", "epmi_card"), ("extension_contract_missing", "employment_contract"),
    ("employer_missing", None), ("passport_expired", "passport"),
])
def test_document_codes(code, kind):
    assert document_kind(code) == kind
