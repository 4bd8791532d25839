import ast
import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from lindungi.agencies import services
from lindungi.agencies.models import Agency, ForeignParty
from lindungi.audit.models import AccessLog, AuditEvent

pytestmark = pytest.mark.django_db


def form_data(values: dict, prefix: str = "") -> dict:
    pre = f"{prefix}-" if prefix else ""
    return {f"{pre}{k}": ("" if v is None else str(v)) for k, v in values.items()}


# --- access ----------------------------------------------------------------------------------

def test_staff_pages_need_login_but_public_register_does_not(agency):
    anonymous = Client()
    for name in ("web:agency-list", "web:foreign-party-list", "web:agency-create"):
        response = anonymous.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert anonymous.get(reverse("web:agency-detail", args=[agency.public_id])).status_code == 302
    response = anonymous.get(reverse("web:public-agencies"), {"q": agency.sip3mi_number})
    assert response.status_code == 200
    assert agency.legal_name in response.content.decode()


def test_p3mi_staff_see_only_own_company(web_client_for, p3mi_user, agency, other_agency):
    client = web_client_for(p3mi_user)
    html = client.get(reverse("web:agency-list")).content.decode()
    assert agency.legal_name in html and other_agency.legal_name not in html
    assert client.get(reverse("web:agency-detail", args=[other_agency.public_id])).status_code == 404
    detail = client.get(reverse("web:agency-detail", args=[agency.public_id])).content.decode()
    assert "Bank Negara Indonesia" in detail  # their own deposit
    assert reverse("web:agency-edit", args=[agency.public_id]) not in detail
    assert client.get(reverse("web:agency-edit", args=[agency.public_id])).status_code == 403
    assert client.get(reverse("web:agency-create")).status_code == 403


def test_checkpoint_does_not_see_deposit(web_client_for, checkpoint_officer, agency):
    html = web_client_for(checkpoint_officer).get(reverse("web:agency-detail", args=[agency.public_id])).content
    assert agency.sip3mi_number in html.decode() and b"Bank Negara Indonesia" not in html


# --- list ------------------------------------------------------------------------------------

def test_list_search_filters_pagination_and_htmx(web_client_for, admin_user, agency, other_agency):
    client = web_client_for(admin_user)
    url = reverse("web:agency-list")
    html = client.get(url).content.decode()
    assert 'class="table-wrap"' in html and 'hx-get="/agencies/"' in html and "hx-push-url" in html
    assert agency.legal_name in html and other_agency.legal_name in html
    html = client.get(url, {"province": "35"}).content.decode()
    assert other_agency.legal_name in html and agency.legal_name not in html
    partial = client.get(url, {"q": agency.sip3mi_number}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and agency.legal_name in body and other_agency.legal_name not in body
    assert "HX-Request" in partial["Vary"]
    page2 = client.get(url, {"page_size": 1, "page": 2}).content.decode()
    assert "page 2 of 2" in page2 or "halaman 2 dari 2" in page2


@pytest.mark.parametrize("params", [{"page": "abc"}, {"page": "0"}, {"status": "bankrupt"}, {"province": "99"}])
def test_list_bad_input_is_not_a_500(web_client_for, admin_user, params):
    assert web_client_for(admin_user).get(reverse("web:agency-list"), params).status_code == 400


# --- exports ---------------------------------------------------------------------------------

def test_csv_export_is_scoped_filtered_and_opens(web_client_for, admin_user, p3mi_user, agency, other_agency):
    response = web_client_for(admin_user).get(reverse("web:agency-export", args=["csv"]), {"province": "32"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][0] == agency.legal_name and rows[1][1] == agency.sip3mi_number
    assert "5000000000.00" in rows[1]  # capital column for central staff
    response = web_client_for(p3mi_user).get(reverse("web:agency-export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == [agency.sip3mi_number]
    assert AccessLog.objects.filter(kind="export", object_type="agency").count() == 2


def test_csv_export_neutralises_formulas(web_client_for, admin_user, agency):
    services.agency_update(actor=admin_user, public_id=agency.public_id, legal_name="=HYPERLINK(\"x\")")
    response = web_client_for(admin_user).get(reverse("web:agency-export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1][0].startswith("'=")


def test_xlsx_export_opens(web_client_for, analyst, agency, other_agency):
    response = web_client_for(analyst).get(reverse("web:agency-export", args=["xlsx"]), {"q": "Karya"})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 3
    numbers = {r[1] for r in rows[1:]}
    assert numbers == {agency.sip3mi_number, other_agency.sip3mi_number}


def test_unknown_export_format_is_404(web_client_for, admin_user):
    assert web_client_for(admin_user).get("/agencies/export.pdf").status_code == 404


# --- create / edit ---------------------------------------------------------------------------

def test_create_form_inline_errors_then_success(web_client_for, admin_user, agency, agency_values):
    client = web_client_for(admin_user)
    url = reverse("web:agency-create")
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(agency_values | {"paid_up_capital": 1000}))
    assert response.status_code == 400
    assert "Rp5.000.000.000" in response.context["form"].errors["paid_up_capital"][0]
    assert 'class="field-error"' in response.content.decode()
    response = client.post(url, form_data(agency_values | {"sip3mi_number": agency.sip3mi_number}))
    assert response.status_code == 400 and "sip3mi_number" in response.context["form"].errors
    response = client.post(url, form_data(agency_values))
    created = Agency.objects.get(sip3mi_number=agency_values["sip3mi_number"])
    assert response.status_code == 302 and response["Location"] == reverse("web:agency-detail",
                                                                           args=[created.public_id])
    assert AuditEvent.objects.filter(action="agency.create", object_id=created.pk, via="web").exists()


def test_create_form_forbidden_without_agency_write(web_client_for, analyst, agency_values):
    client = web_client_for(analyst)
    assert client.get(reverse("web:agency-create")).status_code == 403
    assert client.post(reverse("web:agency-create"), form_data(agency_values)).status_code == 403


def test_edit_form(web_client_for, admin_user, agency):
    client = web_client_for(admin_user)
    url = reverse("web:agency-edit", args=[agency.public_id])
    response = client.get(url)
    assert response.status_code == 200 and agency.sip3mi_number in response.content.decode()
    initial = response.context["form"].initial
    data = form_data({k: initial.get(k) for k in response.context["form"].fields}) | {"phone": "0251-123"}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    agency.refresh_from_db()
    assert agency.phone == "0251-123"
    assert AuditEvent.objects.get(action="agency.update").changes == {"phone": ["", "0251-123"]}
    response = client.post(url, data | {"head_office_regency_code": "9999"})
    assert response.status_code == 400 and "head_office_regency_code" in response.context["form"].errors


# --- sanctions and branches ------------------------------------------------------------------

def test_detail_shows_sanction_forms_with_confirmation(web_client_for, admin_user, analyst, agency):
    url = reverse("web:agency-detail", args=[agency.public_id])
    html = web_client_for(admin_user).get(url).content.decode()
    assert reverse("web:agency-suspend", args=[agency.public_id]) in html
    assert reverse("web:agency-revoke", args=[agency.public_id]) in html
    assert html.count("data-confirm=") >= 2
    html = web_client_for(analyst).get(url).content.decode()
    assert reverse("web:agency-suspend", args=[agency.public_id]) not in html


def test_suspend_lift_and_revoke_through_the_web(web_client_for, admin_user, unit_officer, agency, today):
    client = web_client_for(admin_user)
    suspend = reverse("web:agency-suspend", args=[agency.public_id])
    bad = form_data({"suspended_from": today, "suspended_until": today - dt.timedelta(days=1),
                     "decree_number": "K/1", "reason": "x"}, "suspend")
    response = client.post(suspend, bad)
    assert response.status_code == 400
    assert "suspended_until" in response.context["suspend_form"].errors
    good = bad | {"suspend-suspended_until": str(today + dt.timedelta(days=30))}
    assert client.post(suspend, good).status_code == 302
    agency.refresh_from_db()
    assert agency.status == "suspended"
    html = client.get(reverse("web:agency-detail", args=[agency.public_id])).content.decode()
    assert reverse("web:agency-lift", args=[agency.public_id]) in html
    response = client.post(reverse("web:agency-lift", args=[agency.public_id]), {"lift-reason": "Dipenuhi",
                                                                                 "lift-decree_number": "K/1a"})
    assert response.status_code == 302
    response = client.post(reverse("web:agency-revoke", args=[agency.public_id]),
                           {"revoke-decree_number": "K/9", "revoke-reason": "Nonprosedural"})
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.status == "revoked"
    assert [h.status for h in agency.status_history.all()] == ["revoked", "active", "suspended"]
    html = client.get(reverse("web:agency-detail", args=[agency.public_id])).content.decode()
    assert reverse("web:agency-suspend", args=[agency.public_id]) not in html
    assert web_client_for(unit_officer).post(suspend, good).status_code == 403


def test_branch_add_and_close(web_client_for, admin_user, agency):
    client = web_client_for(admin_user)
    url = reverse("web:agency-branch-add", args=[agency.public_id])
    response = client.post(url, {"branch-regency_code": "3501", "branch-address": "Jl. A. Yani"})
    assert response.status_code == 302
    branch = agency.branches.get()
    response = client.post(url, {"branch-regency_code": "3501"})
    assert response.status_code == 400 and "regency_code" in response.context["branch_form"].errors
    close = reverse("web:agency-branch-close", args=[agency.public_id, branch.pk])
    assert client.post(close, {"close-reason": "Tutup"}).status_code == 302
    branch.refresh_from_db()
    assert branch.closed_on is not None


# --- foreign parties -------------------------------------------------------------------------

def test_foreign_party_list_and_create(web_client_for, admin_user, p3mi_user, foreign_employer):
    html = web_client_for(p3mi_user).get(reverse("web:foreign-party-list"), {"country": "MY"}).content.decode()
    assert foreign_employer.name in html and 'class="table-wrap"' in html
    assert web_client_for(p3mi_user).get(reverse("web:foreign-party-create")).status_code == 403
    client = web_client_for(admin_user)
    url = reverse("web:foreign-party-create")
    response = client.post(url, {"role": "employer", "legal_type": "individual", "name": "", "country_iso2": "HK"})
    assert response.status_code == 400 and "name" in response.context["form"].errors
    response = client.post(url, {"role": "agency", "legal_type": "legal_entity", "name": "Formosa Manpower Co",
                                 "country_iso2": "TW"})
    assert response.status_code == 302
    party = ForeignParty.objects.get(name="Formosa Manpower Co")
    assert party.country.iso2 == "TW"
    edit = reverse("web:foreign-party-edit", args=[party.public_id])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"role": "agency", "legal_type": "legal_entity", "name": "Formosa Manpower Ltd",
                                  "country_iso2": "TW"})
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.name == "Formosa Manpower Ltd"


# --- public register -------------------------------------------------------------------------

def test_public_register_page(admin_user, agency, other_agency, today):
    services.agency_suspend(actor=admin_user, public_id=other_agency.public_id, suspended_from=today,
                            suspended_until=dt.date(today.year + 1, 8, 17), decree_number="K", reason="x")
    client = Client()
    html = client.get(reverse("web:public-agencies"), {"q": "Karya Mandiri"}, HTTP_ACCEPT_LANGUAGE="en").content
    html = html.decode()
    assert agency.legal_name in html and other_agency.legal_name in html
    assert "Bank Negara" not in html and "5.000.000.000" not in html
    assert ("Licensed and in good standing" in html) or ("Berizin dan dalam keadaan baik" in html)
    assert ("17 August" in html) or ("17 Agustus" in html)
    response = client.get(reverse("web:public-agencies"), {"q": "ab"})
    assert response.status_code == 400 and 'class="field-error"' in response.content.decode()
    partial = client.get(reverse("web:public-agencies"), {"q": agency.sip3mi_number}, HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and agency.sip3mi_number.encode() in partial.content
    assert client.get(reverse("web:public-agencies")).status_code == 200
    assert client.get(reverse("web:public-agencies"), {"q": "zzzzzz"}).status_code == 200


# --- admin -----------------------------------------------------------------------------------

def test_admin_pages_render(admin_user, agency, foreign_employer):
    client = Client()
    client.force_login(admin_user)
    assert client.get("/admin/agencies/agency/").status_code == 200
    assert client.get(f"/admin/agencies/agency/{agency.pk}/change/").status_code == 200
    assert client.get(f"/admin/agencies/foreignparty/{foreign_employer.pk}/change/").status_code == 200


# --- interface code never writes models ------------------------------------------------------

@pytest.mark.parametrize("relative", ["lindungi/web/views/agencies.py", "lindungi/api/routers/agencies.py",
                                      "lindungi/api/routers/public.py"])
def test_interface_modules_do_not_write_models(relative):
    source = (Path(__file__).resolve().parents[3] / relative).read_text()
    calls = {node.func.attr for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
    assert not calls & {"save", "create", "update", "delete", "bulk_create", "bulk_update"}
