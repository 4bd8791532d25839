"""The sanction pages (list, finding, detail with step forms) and the drawdowns on the company page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lindungi.agencies import services
from lindungi.agencies.models import DepositDrawdown, Sanction

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _open(admin_user, agency, ground="p9_no_opp"):
    return services.sanction_open(actor=admin_user, agency_public_id=agency.public_id, ground_code=ground,
                                  source_kind="case", source_reference="PGD/2026/1", summary="Temuan")


def test_list_scoped_and_filtered(web_client_for, admin_user, p3mi_user, agency, other_agency):
    own, other = _open(admin_user, agency), _open(admin_user, other_agency, "p9_no_sip2mi")
    html = web_client_for(p3mi_user).get(reverse("web:sanction-list")).content.decode()
    assert str(own.public_id) in html and str(other.public_id) not in html
    admin = web_client_for(admin_user)
    html = admin.get(reverse("web:sanction-list"), {"ground": "p9_no_sip2mi"}).content.decode()
    assert str(other.public_id) in html and str(own.public_id) not in html
    assert admin.get(reverse("web:sanction-list"), {"state": "bogus"}).status_code == 400
    assert web_client_for(p3mi_user).get(reverse("web:sanction-detail", args=[other.public_id])).status_code == 404


def test_list_query_budget(web_client_for, admin_user, agency, other_agency, django_assert_max_num_queries):
    client = web_client_for(admin_user)
    for _ in range(3):
        _open(admin_user, agency)
    with django_assert_max_num_queries(12) as first:
        client.get(reverse("web:sanction-list"))
    for _ in range(6):
        _open(admin_user, other_agency)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(reverse("web:sanction-list")).status_code == 200


def test_record_a_finding(web_client_for, unit_officer, agency):
    client = web_client_for(unit_officer)
    bad = client.post(reverse("web:sanction-create"), {"agency_public_id": str(agency.public_id)})
    assert bad.status_code == 400 and not Sanction.objects.exists()
    response = client.post(reverse("web:sanction-create"), {
        "agency_public_id": str(agency.public_id), "ground_code": "p9_no_opp", "source_kind": "inspection",
        "source_reference": "LHP/1", "summary": "Dua CPMI tidak didaftarkan OPP"})
    sanction = Sanction.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/sanctions/{sanction.public_id}/")


def test_suspension_needs_confirmation_then_changes_the_licence(web_client_for, admin_user, agency):
    sanction = _open(admin_user, agency)
    client = web_client_for(admin_user)
    page = client.get(reverse("web:sanction-detail", args=[sanction.public_id])).content.decode()
    assert "data-confirm" in page and 'name="confirm"' in page
    data = {"step": "suspend", "expected_version": "1", "letter_number": "KEP.7/2026", "letter_date": str(TODAY),
            "reason": "OPP", "suspended_from": str(TODAY), "countries": ["TW"]}
    url = reverse("web:sanction-step", args=[sanction.public_id])
    refused = client.post(url, data)
    assert refused.status_code == 400 and "id_suspend_confirm-error" in refused.content.decode()
    assert client.post(url, data | {"confirm": "on"}).status_code == 302
    agency.refresh_from_db()
    assert agency.status == "suspended" and agency.suspension_countries == ["TW"]
    stale = client.post(url, data | {"step": "lift_suspension", "confirm": "on"})
    assert stale.status_code == 302  # 409 stale_version lands as a message
    assert Sanction.objects.get(pk=sanction.pk).state == "suspended"
    detail = client.get(reverse("web:agency-detail", args=[agency.public_id])).content.decode()
    assert "TW" in detail and str(sanction.public_id) in detail


def test_step_errors_on_fields(web_client_for, admin_user, agency):
    sanction = _open(admin_user, agency)
    response = web_client_for(admin_user).post(reverse("web:sanction-step", args=[sanction.public_id]), {
        "step": "request_clarification", "expected_version": "1", "reason": "x"})
    assert response.status_code == 400
    assert Sanction.objects.get(pk=sanction.pk).state == "finding"


def test_drawdowns_on_the_company_page(web_client_for, admin_user, agency):
    client = web_client_for(admin_user)
    url = reverse("web:agency-drawdown-request", args=[agency.public_id])
    assert client.post(url, {"drawdown-proposed_by": "dg"}).status_code == 400
    response = client.post(url, {"drawdown-proposed_by": "perwakilan", "drawdown-case_references": "PGD/1\nPGD/2",
                                 "drawdown-amount_requested": "10000000", "drawdown-reason": "Hak PMI"})
    assert response.status_code == 302
    d = DepositDrawdown.objects.get()
    assert d.case_references == ["PGD/1", "PGD/2"]
    client.post(reverse("web:agency-drawdown-decide", args=[agency.public_id, d.public_id]), {
        "decision-decision": "approve", "decision-letter_number": "KEP/1", "decision-reason": "ok"})
    response = client.post(reverse("web:agency-drawdown-pay", args=[agency.public_id, d.public_id]), {
        "pay-payouts": "PMI A; 6000000\nPMI B; 4000000"})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.state == "paid" and d.top_up_due == TODAY + dt.timedelta(days=30)
    html = client.get(reverse("web:agency-detail", args=[agency.public_id])).content.decode()
    assert 'data-testid="top-up"' in html and "PMI A" in html
