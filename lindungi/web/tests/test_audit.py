"""Auditor screens: the access-log search and the per-person "who saw this record" report."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lindungi.audit.models import AccessLog
from lindungi.web.tests.test_registry_helpers import client_for, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def siti(admin_user):
    return make_person(admin_user, full_name="Siti Aminah")


def test_access_log_screen_filters_by_user(admin_user, analyst, siti):
    client_for(admin_user).get(reverse("web:person-detail", args=[siti.public_id]))
    response = client_for(analyst).get(reverse("web:access-log"), {"user": "admin-t"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="access-log"' in body and "Siti Aminah" in body and "/persons/&lt;uuid:public_id&gt;/" in body


def test_access_log_screen_reports_bad_filters(analyst):
    response = client_for(analyst).get(reverse("web:access-log"), {"since": "yesterday", "user": "ghost"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "No account with this username." in body and "YYYY-MM-DD" in body


def test_person_page_and_report_for_auditors(admin_user, analyst, siti):
    client_for(admin_user).get(reverse("web:person-list"), {"q": "siti"})
    client = client_for(analyst)
    page = client.get(reverse("web:person-detail", args=[siti.public_id])).content.decode()
    assert 'data-testid="access-report-link"' in page
    report = client.get(reverse("web:person-access-report", args=[siti.public_id]))
    assert report.status_code == 200
    body = report.content.decode()
    assert 'data-testid="access-report"' in body and "admin-t" in body and "Central administrator" in body
    assert "/persons/" in body
    xlsx = client.get(reverse("web:person-access-report-xlsx", args=[siti.public_id]))
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert siti.nik in sheet["A2"].value
    assert sheet["A5"].value == "When"
    assert sheet.max_row >= 6


def test_p3mi_staff_see_no_history_and_no_access_log(p3mi_user, agency, admin_user):
    own = make_person(admin_user, full_name="Dewi", agency_public_id=str(agency.public_id))
    client = client_for(p3mi_user)
    page = client.get(reverse("web:person-detail", args=[own.public_id])).content.decode()
    assert "Change history" not in page and "access-report-link" not in page
    assert client.get(reverse("web:access-log")).status_code == 403
    assert client.get(reverse("web:person-access-report", args=[own.public_id])).status_code == 403
    assert reverse("web:access-log") not in client.get(reverse("web:dashboard")).content.decode()


def test_placement_board_and_duplicates_name_the_people(admin_user, make_placement):
    placement = make_placement()
    client = client_for(admin_user)
    client.get(reverse("web:placement-list"))
    assert AccessLog.objects.filter(object_type="placement_list", person_id=placement.person_id).exists()
    client.get(reverse("web:placement-detail", args=[placement.public_id]))
    assert AccessLog.objects.filter(object_type="placement", person_id=placement.person_id).exists()
