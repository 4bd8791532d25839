import csv
import io
from datetime import date, datetime

import pytest
from django.urls import reverse

from lindungi.audit.models import AccessLog
from lindungi.web.tests.test_registry_helpers import client_for, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(admin_user, agency):
    return [
        make_person(admin_user, name="Siti Aminah", seq=1, agency=agency),
        make_person(admin_user, name="Siti Rahayu", seq=2, birth=date(1992, 7, 3)),
        make_person(admin_user, name="Agus Salim", sex="M", regency_code="3501", birth=date(1990, 1, 5), seq=3),
    ]


def read_csv(resp) -> list[list[str]]:
    content = b"".join(resp.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def test_csv_export_of_filtered_list_logs_once(admin_user, people):
    resp = client_for(admin_user).get(reverse("web:person-export-csv"), {"q": "siti"})
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("text/csv")
    assert "attachment" in resp["Content-Disposition"]
    rows = read_csv(resp)
    assert rows[0][:3] == ["NIK", "Full name", "Sex"]
    assert sorted(r[1] for r in rows[1:]) == ["Siti Aminah", "Siti Rahayu"]
    aminah = next(r for r in rows if r[1] == "Siti Aminah")
    assert aminah[0] == people[0].nik and aminah[3] == "1995-04-21" and aminah[6] == "3201"
    logs = AccessLog.objects.filter(kind="export")
    assert sorted(logs.values_list("person_id", flat=True)) == sorted(p.pk for p in people[:2])
    for log in logs:
        assert log.object_type == "person_list" and log.object_id is None and log.via == "web"
        assert log.actor == admin_user and log.detail.startswith("2 rows:") and "q=siti" in log.detail


def test_xlsx_export_opens_with_openpyxl(admin_user, people):
    import openpyxl

    resp = client_for(admin_user).get(reverse("web:person-export-xlsx"), {"province": "32"})
    assert resp.status_code == 200
    content = b"".join(resp.streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "NIK"
    names = sorted(r[1] for r in rows[1:])
    assert names == ["Siti Aminah", "Siti Rahayu"]
    aminah = next(r for r in rows if r[1] == "Siti Aminah")
    assert aminah[0] == people[0].nik
    assert aminah[3] == datetime(1995, 4, 21)
    assert aminah[14] == people[0].agency.legal_name
    log = AccessLog.objects.filter(kind="export").first()
    assert log.detail.startswith("2 rows:") and "province=32" in log.detail


def test_export_is_scoped(admin_user, unit_officer, people):
    resp = client_for(unit_officer).get(reverse("web:person-export-csv"))
    names = sorted(r[1] for r in read_csv(resp)[1:])
    assert names == ["Siti Aminah", "Siti Rahayu"]


def test_export_needs_permission(partner_client, checkpoint_officer, people):
    for user in (partner_client, checkpoint_officer):
        client = client_for(user)
        assert client.get(reverse("web:person-export-csv")).status_code == 403
        assert client.get(reverse("web:person-export-xlsx")).status_code == 403
    assert not AccessLog.objects.filter(kind="export").exists()


def test_export_buttons_only_for_exporters(admin_user, p3mi_user, agency, people):
    body = client_for(admin_user).get(reverse("web:person-list")).content.decode()
    assert reverse("web:person-export-csv") in body and reverse("web:person-export-xlsx") in body
    body = client_for(p3mi_user).get(reverse("web:person-list")).content.decode()
    assert reverse("web:person-export-csv") in body  # a P3MI exports its own candidates
