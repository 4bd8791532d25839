"""The reconciliation report of a historical placement import: the file's counts beside Lindungi's,
with the refused rows showing as differences; web page, CSV/XLSX and API; scoped like the batch."""

import io

import openpyxl
import pytest
from django.urls import reverse

from lindungi.imports import reconciliation, selectors, services
from lindungi.imports.tests.helpers import upload
from lindungi.imports.tests.placement_helpers import placements_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(admin_user, make_person):
    people = [make_person() for _ in range(3)]
    base = {"state": "withdrawn", "state_date": "2023-03-01", "occupation": "9111", "scheme": "g_to_g",
            "country": "HK", "contract_start": "2023-02-01", "sex": "P"}  # P (perempuan) = F
    rows = [{**base, "nik": people[0].nik, "legacy_id": "A"},
            {**base, "nik": people[1].nik, "legacy_id": "B", "country": "TW", "contract_start": "2022-05-01"},
            {**base, "nik": people[2].nik, "legacy_id": "C", "country": "KR"}]          # refused: g_to_g for KR
    content = placements_csv(rows)
    created = services.import_batch_create(actor=admin_user, uploaded_file=upload(content), kind="placements",
                                           mode="historical")
    return services.import_batch_run(batch_id=created.pk, chunk_size=2), content, people


def test_counts_from_the_file_beside_lindungi(admin_user, batch):
    batch, content, people = batch
    assert batch.source_counts["year"] == {"2023": 2, "2022": 1}
    assert batch.source_counts["country"] == {"HK": 1, "TW": 1, "KR": 1}
    _batch, lines = selectors.import_reconciliation_for(admin_user, batch.public_id)
    by_key = {(line.dimension, line.value): line for line in lines}
    assert (by_key[("country", "KR")].source, by_key[("country", "KR")].lindungi) == (1, 0)
    assert by_key[("country", "HK")].difference == 0
    province = people[0].regency.province.code
    assert by_key[("province", province)].source == 3 and by_key[("province", province)].lindungi == 2
    assert by_key[("sex", people[0].sex)].source == 3
    assert reconciliation.totals(lines) == (3, 2)

    # A re-run of the same file: Lindungi's side still counts the placements of the first run.
    again = services.import_batch_create(actor=admin_user, uploaded_file=upload(content), kind="placements",
                                         mode="historical")
    again = services.import_batch_run(batch_id=again.pk)
    assert again.existing_rows == 2
    assert reconciliation.totals(selectors.import_reconciliation_for(admin_user, again.public_id)[1]) == (3, 2)


def test_web_api_and_scope(client, api_client_for, admin_user, analyst, unit_officer, batch):
    batch, _content, _people = batch
    client.force_login(admin_user)
    detail = client.get(reverse("web:import-detail", args=[batch.public_id])).content.decode()
    assert reverse("web:import-reconciliation", args=[batch.public_id]) in detail
    page = client.get(reverse("web:import-reconciliation", args=[batch.public_id])).content.decode()
    assert page.count('data-differs="yes"') == 5  # KR, the province, the sex, year 2023 and the scheme
    csv_text = client.get(reverse("web:import-reconciliation-csv", args=[batch.public_id])).content.decode("utf-8-sig")
    assert "KR,1,0,-1" in csv_text
    xlsx = client.get(reverse("web:import-reconciliation-xlsx", args=[batch.public_id]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0]
    assert len(list(sheet.iter_rows(values_only=True))) == 1 + len(
        selectors.import_reconciliation_for(admin_user, batch.public_id)[1])

    body = api_client_for(analyst).get(f"/api/v1/imports/{batch.public_id}/reconciliation").json()
    assert (body["file_rows"], body["lindungi_rows"]) == (3, 2)
    assert {"dimension": "country", "value": "KR", "source": 1, "lindungi": 0, "difference": -1} in body["items"]
    report = api_client_for(admin_user).get(f"/api/v1/imports/{batch.public_id}/reconciliation/report",
                                            {"format": "csv"})
    assert report.status_code == 200 and "KR,1,0,-1" in report.content.decode("utf-8-sig")
    assert api_client_for(unit_officer).get(f"/api/v1/imports/{batch.public_id}/reconciliation").status_code == 404


def test_only_historical_placement_imports(admin_user, client):
    from lindungi.imports.tests.helpers import csv_bytes, row

    people = services.import_batch_create(actor=admin_user, uploaded_file=upload(csv_bytes([row(1)])))
    client.force_login(admin_user)
    assert client.get(reverse("web:import-reconciliation", args=[people.public_id])).status_code == 404
