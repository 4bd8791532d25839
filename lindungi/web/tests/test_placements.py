"""The staff screens: pipeline board with filters, detail with checklist/timeline/next steps, and
the transition and checklist forms."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from lindungi.accounts.roles import Role
from lindungi.placements.models import Placement
from lindungi.placements.states import PlacementState as S
from lindungi.placements.tests.fixtures import TODAY, advance, years_ago

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_board_counts_and_filters(admin_user, make_placement, make_person):
    from lindungi.placements import services

    a = make_placement()
    advance(make_placement(), S.VERIFIED, officer=admin_user)
    services.placement_create(actor=admin_user, data={"person": str(make_person().public_id),
                                                      "scheme": "g_to_g_korea", "country": "KR", "occupation": "8160"})
    client = login(admin_user)
    response = client.get(reverse("web:placement-list"))
    assert response.status_code == 200
    board = {col["state"]: col["count"] for col in response.context["board"]}
    assert board["registered"] == 2 and board["verified"] == 1
    assert a.person.full_name in response.content.decode()
    korea = client.get(reverse("web:placement-list"), {"scheme": "g_to_g_korea"})
    assert korea.context["page"].total == 1
    tw_verified = client.get(reverse("web:placement-list"), {"country": "TW", "state": "verified"})
    assert tw_verified.context["page"].total == 1
    by_agency = client.get(reverse("web:placement-list"), {"agency": str(a.agency.public_id)})
    assert by_agency.context["page"].total == 2
    by_occupation = client.get(reverse("web:placement-list"), {"occupation": "8160"})
    assert by_occupation.context["page"].total == 1
    partial = client.get(reverse("web:placement-list"), {"scheme": "p_to_p"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()


def test_checkpoint_board_needs_a_nik(make_user, admin_user, make_placement):
    placement = make_placement()
    client = login(make_user(Role.CHECKPOINT, username="cp-web"))
    response = client.get(reverse("web:placement-list"))
    assert response.status_code == 200 and response.context["page"] is None
    found = client.post(reverse("web:placement-list"), {"nik": placement.person.nik}, follow=True)
    assert found.context["page"].total == 1 and placement.person.nik not in found.redirect_chain[0][0]


def test_detail_shows_checklist_timeline_and_blocking_reasons(admin_user, make_placement, make_person):
    placement = make_placement(person=make_person(birth_date=years_ago(17)))
    client = login(admin_user)
    response = client.get(reverse("web:placement-detail", args=[placement.public_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-kind="medical_fitness" data-status="missing"' in html
    steps = {s["to_state"]: s for s in response.context["steps"]}
    assert not steps["verified"]["ready"] and steps["verified"]["messages"]
    assert steps["verified"]["messages"][0]["text"] in html


def test_transition_form_moves_and_refuses_with_every_reason(admin_user, make_placement):
    placement = make_placement()
    client = login(admin_user)
    url = reverse("web:placement-transition", args=[placement.public_id])
    ok = client.post(url, {"to_state": "verified", "expected_version": 1})
    assert ok.status_code == 302
    placement.refresh_from_db()
    assert placement.state == S.VERIFIED
    advance(placement, S.SELECTED, officer=admin_user, with_items=False)
    refused = client.post(url, {"to_state": "agreement_signed", "expected_version": 3})
    assert refused.status_code == 422
    assert refused.context["refused"] and 'data-testid="refused"' in refused.content.decode()
    stale = client.post(url, {"to_state": "withdrawn", "reason": "x", "expected_version": 1})
    assert stale.status_code == 422 and stale.context["transition_form"].errors
    assert Placement.objects.get(pk=placement.pk).state == S.SELECTED


def test_checklist_form_records_and_shows_field_errors(admin_user, make_placement):
    placement = make_placement()
    client = login(admin_user)
    url = reverse("web:placement-checklist-add", args=[placement.public_id])
    bad = client.post(url, {"kind": "placement_agreement", "issued_on": TODAY.isoformat()})
    assert bad.status_code == 422
    assert "witnessed_by" in bad.context["checklist_form"].errors
    ok = client.post(url, {"kind": "medical_fitness", "issued_on": (TODAY - dt.timedelta(days=2)).isoformat(),
                           "reference_number": "MCU-9"})
    assert ok.status_code == 302
    assert placement.checklist_items.get(kind="medical_fitness").reference_number == "MCU-9"


def test_out_of_scope_detail_is_404(unit_officer, make_placement, make_person, other_regency):
    placement = make_placement(person=make_person(regency_obj=other_regency))
    response = login(unit_officer).get(reverse("web:placement-detail", args=[placement.public_id]))
    assert response.status_code == 404


def test_partner_cannot_view(make_user, make_placement):
    client = login(make_user(Role.PARTNER_API, username="partner-web"))
    assert client.get(reverse("web:placement-list")).status_code == 403
