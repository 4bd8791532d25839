"""Job orders and SIP2MI in the browser: entry by a P3MI, verification by the Perwakilan (admin),
permits with their quota, revocation, and the public list a candidate checks."""

# ruff: noqa: F811 - the placement fixtures are imported into this module and used as arguments

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from lindungi.accounts.roles import Role
from lindungi.placements.models import JobOrder, Sip2mi
from lindungi.placements.tests.fixtures import (
    TODAY,
)

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def job_order_data(employer, **extra) -> dict:
    return {"employer": str(employer.public_id), "country": "TW", "position_title": "Caregiver (home)",
            "occupation": "5322", "headcount_female": "4", "headcount_any": "2", "salary_amount": "20000",
            "salary_currency": "twd", "contract_months": "36", "accommodation": "With the employer", **extra}


def test_job_order_from_entry_to_the_public_page(p3mi_user, admin_user, agency, make_employer):
    employer = make_employer("TW", name="Chen Family Care")
    p3mi = login(p3mi_user)
    form_page = p3mi.get(reverse("web:job-order-create"))
    assert form_page.status_code == 200 and "agency" not in form_page.context["form"].fields
    created = p3mi.post(reverse("web:job-order-create"), job_order_data(employer))
    assert created.status_code == 302
    job_order = JobOrder.objects.get(position_title="Caregiver (home)")
    assert created["Location"] == reverse("web:job-order-detail", args=[job_order.public_id])
    assert job_order.agency == agency and job_order.status == JobOrder.Status.DRAFT
    assert job_order.salary_currency == "TWD" and job_order.headcount_total == 6

    # P3MI staff see their job order but may not verify it.
    detail = p3mi.get(created["Location"])
    assert detail.status_code == 200 and not detail.context["can_verify"]
    assert 'id="verify-form"' not in detail.content.decode()
    assert p3mi.post(reverse("web:job-order-verify", args=[job_order.public_id]), {
        "verify-verified_on": TODAY.isoformat(), "verify-verification_reference": "X"}).status_code == 403

    public = Client().get(reverse("web:public-job-orders"))
    assert public.status_code == 200 and "Caregiver (home)" not in public.content.decode()  # not verified yet

    admin = login(admin_user)
    detail = admin.get(reverse("web:job-order-detail", args=[job_order.public_id]))
    assert 'id="verify-form"' in detail.content.decode()
    future = admin.post(reverse("web:job-order-verify", args=[job_order.public_id]), {
        "verify-verified_on": (TODAY + dt.timedelta(days=3)).isoformat(),
        "verify-verification_reference": "KDEI/TPE/2025/77"})
    assert future.status_code == 422 and "verified_on" in future.context["verify_form"].errors
    verified = admin.post(reverse("web:job-order-verify", args=[job_order.public_id]), {
        "verify-verified_on": TODAY.isoformat(), "verify-verification_reference": "KDEI/TPE/2025/77"})
    assert verified.status_code == 302
    job_order.refresh_from_db()
    assert job_order.status == JobOrder.Status.VERIFIED and job_order.verification_reference == "KDEI/TPE/2025/77"

    issue_url = reverse("web:sip2mi-issue", args=[job_order.public_id])
    too_many = admin.post(issue_url, {"issue-number": "B.5/1/2025", "issue-quota": "7",
                                      "issue-valid_from": TODAY.isoformat(),
                                      "issue-valid_until": (TODAY + dt.timedelta(days=180)).isoformat()})
    assert too_many.status_code == 422 and "quota" in too_many.context["issue_form"].errors
    issued = admin.post(issue_url, {"issue-number": "B.5/1/2025", "issue-quota": "4",
                                    "issue-valid_from": TODAY.isoformat(),
                                    "issue-valid_until": (TODAY + dt.timedelta(days=180)).isoformat()})
    assert issued.status_code == 302
    permit = Sip2mi.objects.get(number="B.5/1/2025")
    assert permit.quota == 4 and permit.job_order == job_order

    detail = admin.get(reverse("web:job-order-detail", args=[job_order.public_id]))
    quota = detail.context["quota"]
    assert quota == {"requested": 6, "covered": 4, "issuable": 2, "used": 0, "openings": 4, "permits_in_force": 1}
    assert 'data-testid="openings">4<' in detail.content.decode()

    public = Client().get(reverse("web:public-job-orders"))
    html = public.content.decode()
    assert public.status_code == 200
    assert "Caregiver (home)" in html and "Chen Family Care" in html and agency.legal_name in html
    assert "TWD 20,000" in html or "TWD 20.000" in html
    (row,) = public.context["rows"]
    assert row["job_order"].openings == 4
    by_country = Client().get(reverse("web:public-job-orders"), {"country": "TW"})
    assert len(by_country.context["rows"]) == 1
    elsewhere = Client().get(reverse("web:public-job-orders"), {"country": "JP"})
    assert elsewhere.context["rows"] == []

    revoke_url = reverse("web:sip2mi-revoke", args=[job_order.public_id, permit.public_id])
    assert 'data-confirm=' in detail.content.decode() and revoke_url in detail.content.decode()
    no_reason = admin.post(revoke_url, {"revoke-reason": ""})
    assert no_reason.status_code == 422 and no_reason.context["revoke_form"].errors
    revoked = admin.post(revoke_url, {"revoke-reason": "Employer under investigation"})
    assert revoked.status_code == 302
    permit.refresh_from_db()
    assert permit.status == Sip2mi.Status.REVOKED and permit.revoke_reason == "Employer under investigation"
    assert "Caregiver (home)" not in Client().get(reverse("web:public-job-orders")).content.decode()


def test_reject_needs_a_reason_and_keeps_the_order_off_the_public_page(admin_user, make_job_order):
    job_order, _ = make_job_order(verify=False)
    admin = login(admin_user)
    url = reverse("web:job-order-reject", args=[job_order.public_id])
    missing = admin.post(url, {"reject-reason": ""})
    assert missing.status_code == 422 and "reason" in missing.context["reject_form"].errors
    assert admin.post(url, {"reject-reason": "Salary below the minimum"}).status_code == 302
    job_order.refresh_from_db()
    assert job_order.status == JobOrder.Status.REJECTED
    again = admin.post(reverse("web:job-order-verify", args=[job_order.public_id]), {
        "verify-verified_on": TODAY.isoformat(), "verify-verification_reference": "X"})
    assert again.status_code == 409 and again.context["verify_form"].errors
    assert Client().get(reverse("web:public-job-orders")).context["rows"] == []


def test_revoking_a_permit_of_another_job_order_is_404(admin_user, make_job_order):
    first, _ = make_job_order()
    _second, permit = make_job_order()
    response = login(admin_user).post(reverse("web:sip2mi-revoke", args=[first.public_id, permit.public_id]),
                                      {"revoke-reason": "x"})
    assert response.status_code == 404


def test_job_order_list_filters_paginates_and_is_scoped(admin_user, p3mi_user, unit_officer, agency, other_agency,
                                                        make_job_order, make_user):
    own_verified, _ = make_job_order()
    own_draft, _ = make_job_order(verify=False)
    other, _ = make_job_order(agency_obj=other_agency, iso2="JP", occupation="5322")
    url = reverse("web:job-order-list")

    admin = login(admin_user)
    everything = admin.get(url)
    assert everything.status_code == 200 and everything.context["page"].total == 3
    assert {r["openings"] for r in everything.context["rows"]} == {5, 0}
    assert admin.get(url, {"status": "verified"}).context["page"].total == 2
    assert admin.get(url, {"country": "JP"}).context["page"].total == 1
    assert admin.get(url, {"agency": str(other_agency.public_id)}).context["page"].total == 1
    page_two = admin.get(url, {"page_size": 2, "page": 2})
    assert page_two.context["page"].total == 3 and len(page_two.context["rows"]) == 1
    partial = admin.get(url, {"status": "draft"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()

    p3mi = login(p3mi_user)
    mine = p3mi.get(url)
    assert {r["job_order"] for r in mine.context["rows"]} == {own_verified, own_draft}
    assert "agency" not in mine.context["form"].fields
    assert p3mi.get(reverse("web:job-order-detail", args=[other.public_id])).status_code == 404

    assert login(unit_officer).get(url).context["page"].total == 3  # not personal data: read nationally
    assert login(unit_officer).get(reverse("web:job-order-create")).status_code == 403
    checkpoint = make_user(Role.CHECKPOINT, username="cp-jo")
    assert login(checkpoint).get(url).status_code == 403


def test_job_order_form_shows_service_errors_on_fields(admin_user, agency, make_employer):
    employer = make_employer("JP")
    admin = login(admin_user)
    response = admin.post(reverse("web:job-order-create"), job_order_data(
        employer, agency=str(agency.public_id), headcount_female="0", headcount_any="0"))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "employer" in errors or "headcount_any" in errors
    assert not JobOrder.objects.exists()
