"""Supervision pages: the costs section of the person page, the cost-rules page, the flags list and
the escalation with its confirmation step."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lindungi.cases.models import Case
from lindungi.supervision.models import CostEntry, CostRule, OverchargeFlag

pytestmark = pytest.mark.django_db

COST = {"component": "placement_fee", "amount": "12000000", "currency": "IDR", "paid_on": "2025-02-10",
        "paid_to_kind": "p3mi", "paid_to_name": "PT Contoh", "financing": "kur", "source": "verification"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_record_confirm_and_escalate_from_the_pages(unit_officer, hk_placement, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client = login(unit_officer)
    person = hk_placement.person
    detail = client.get(reverse("web:person-detail", args=[person.public_id]))
    assert 'data-testid="costs-section"' in detail.content.decode()
    url = reverse("web:person-costs", args=[person.public_id])
    section = client.get(url, HTTP_HX_REQUEST="true")
    assert section.status_code == 200 and 'data-testid="cost-form"' in section.content.decode()

    ok = client.post(url, {**COST, "placement": str(hk_placement.public_id),
                           "receipt": SimpleUploadedFile("kwitansi.png", PNG, content_type="image/png")})
    assert ok.status_code == 302
    entry = CostEntry.objects.get()
    assert entry.flag.amount_over == 12_000_000 and entry.receipt
    receipt = client.get(reverse("web:cost-receipt", args=[entry.public_id]))
    assert receipt.status_code == 200 and b"".join(receipt.streaming_content) == PNG

    disputed = client.post(reverse("web:cost-confirm", args=[entry.public_id]), {"state": "disputed", "note": ""})
    assert disputed.status_code == 302
    entry.refresh_from_db()
    assert entry.confirmation == "unconfirmed"  # a dispute needs the worker's words
    client.post(reverse("web:cost-confirm", args=[entry.public_id]), {"state": "confirmed"})
    entry.refresh_from_db()
    assert entry.confirmation == "confirmed"

    flags = client.get(reverse("web:overcharge-flag-list"))
    assert flags.status_code == 200 and 'data-testid="escalate"' in flags.content.decode()
    escalate_url = reverse("web:overcharge-flag-escalate", args=[entry.flag.public_id])
    confirm_page = client.get(escalate_url)
    assert confirm_page.status_code == 200 and "data-confirm" in confirm_page.content.decode()
    assert not Case.objects.exists()  # looking at the confirmation changes nothing
    done = client.post(escalate_url, {"summary": "Dilaporkan saat OPP"})
    case = Case.objects.get()
    assert done.status_code == 302 and done.url == reverse("web:case-detail", args=[case.public_id])
    assert OverchargeFlag.objects.get().case == case


def test_bad_cost_keeps_the_form_with_field_errors(unit_officer, hk_placement):
    client = login(unit_officer)
    url = reverse("web:person-costs", args=[hk_placement.person.public_id])
    response = client.post(url, {**COST, "amount": "-5", "currency": "XYZ", "paid_on": "2999-01-01"})
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert {"amount", "currency", "paid_on"} <= set(errors)
    assert not CostEntry.objects.exists()


def test_ledger_pages_are_scoped(p3mi_user, unit_officer, other_placement, hk_placement):
    for user in (p3mi_user, unit_officer):
        client = login(user)
        assert client.get(reverse("web:person-costs", args=[hk_placement.person.public_id])).status_code == 200
        assert client.get(reverse("web:person-costs", args=[other_placement.person.public_id])).status_code == 404
    assert login(p3mi_user).get(reverse("web:overcharge-flag-list")).status_code == 403


def test_cost_rules_page_filters_and_admin_form(admin_user, unit_officer):
    page = login(unit_officer).get(reverse("web:cost-rule-list"), {"country": "HK", "component": "lodging"})
    body = page.content.decode()
    assert page.status_code == 200 and "Kepka BP2MI 260/2022" in body and 'data-testid="cost-rule-form"' not in body
    assert login(unit_officer).post(reverse("web:cost-rule-list"), {}).status_code == 403
    client = login(admin_user)
    count = CostRule.objects.count()
    bad = client.post(reverse("web:cost-rule-list"), {"component": "visa", "payer": "worker", "currency": "IDR",
                                                     "max_worker_amount": "-1", "valid_from": "2026-01-01",
                                                     "legal_basis": "uji"})
    assert bad.status_code == 422 and "max_worker_amount" in bad.context["add_form"].errors
    ok = client.post(reverse("web:cost-rule-list"), {"component": "visa", "payer": "worker", "currency": "IDR",
                                                    "max_worker_amount": "500000", "valid_from": "2026-01-01",
                                                    "legal_basis": "uji", "country": "SG"})
    assert ok.status_code == 302 and CostRule.objects.count() == count + 1


def test_list_query_budgets(admin_user, hk_placement, make_person, make_placement, django_assert_max_num_queries):
    from lindungi.supervision import services

    client = login(admin_user)
    placements = [hk_placement] + [make_placement(person=make_person(), country="HK", occupation="5152",
                                                  scheme="perseorangan") for _ in range(3)]
    for placement in placements:
        for component in ("placement_fee", "training"):
            services.cost_entry_record(actor=admin_user, person_public_id=placement.person.public_id,
                                       data={**COST, "component": component})
    with django_assert_max_num_queries(10):
        assert client.get(reverse("web:overcharge-flag-list")).status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get(reverse("web:person-costs", args=[hk_placement.person.public_id])).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(reverse("web:cost-rule-list")).status_code == 200
