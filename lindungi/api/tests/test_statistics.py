"""The statistics API: realisation in scope, targets with per-field errors, public tables as JSON
and CSV with suppression."""

import pytest

from lindungi.statistics.tests.fixtures import YEAR, at, reach

pytestmark = pytest.mark.django_db


def test_realisation_for_the_nation_and_a_unit(api_client_for, analyst, unit_officer, make_placement, hq):
    reach(make_placement(), "departed", at())
    body = api_client_for(analyst).get(f"/api/v1/statistics/realisation?year={YEAR}").json()
    assert body["unit"] is None
    row = next(r for r in body["rows"] if r["indicator"] == "PEN-BERANGKAT")
    assert (row["realisation"], row["target"], row["achievement"]) == (1, None, None)
    own = api_client_for(unit_officer).get(f"/api/v1/statistics/realisation?year={YEAR}").json()
    assert own["unit"] == "TEST-JABAR"
    assert api_client_for(unit_officer).get("/api/v1/statistics/realisation?unit=PUSAT").status_code == 404


def test_p3mi_staff_may_not_read_statistics(api_client_for, p3mi_user):
    response = api_client_for(p3mi_user).get("/api/v1/statistics/realisation")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_target_set_names_each_bad_field_and_the_split(api_client_for, admin_user, hq, unit_jabar):
    client = api_client_for(admin_user)
    bad = client.post("/api/v1/statistics/targets", {"indicator": "X", "year": 1999, "unit": "?", "value": 5,
                                                     "source_document": ""}, content_type="application/json")
    assert bad.status_code == 422 and set(bad.json()["fields"]) == {"indicator", "year", "unit", "source_document"}
    ok = client.post("/api/v1/statistics/targets", {"indicator": "PEN-BERANGKAT", "year": YEAR, "unit": hq.code,
                                                    "value": 100, "source_document": "PK 2025"},
                     content_type="application/json")
    assert ok.status_code == 201 and ok.json()["value"] == 100
    over = client.post("/api/v1/statistics/targets", {"indicator": "PEN-BERANGKAT", "year": YEAR,
                                                      "unit": unit_jabar.code, "value": 101,
                                                      "source_document": "PK 2025"}, content_type="application/json")
    assert over.status_code == 422 and list(over.json()["fields"]) == ["value"]
    listed = client.get(f"/api/v1/statistics/targets?year={YEAR}").json()
    assert [(t["unit"], t["value"]) for t in listed] == [(hq.code, 100)]


def test_public_table_as_json_and_csv_without_login(client, make_placement, make_person):
    for sex in ("F", "M"):
        reach(make_placement(person=make_person(sex=sex)), "departed", at())
    body = client.get(f"/api/v1/public/statistics/placements?year={YEAR}&by=sex").json()
    assert body["total"] == 2 and {i["code"]: i["value"] for i in body["items"]} == {"F": 1, "M": 1}
    regency = client.get(f"/api/v1/public/statistics/placements?year={YEAR}&by=regency").json()
    bogor = next(i for i in regency["items"] if i["code"] == "3201")
    assert bogor["value"] is None and bogor["female"] is None and regency["threshold"] == 10
    csv = client.get(f"/api/v1/public/statistics/placements?year={YEAR}&by=regency&format=csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0] == "province,province_name,regency,regency_name,female,male,total"
    assert any(line.startswith("32,") and ",3201," in line and line.endswith(",,,") for line in lines)


def test_public_table_refuses_unknown_breakdowns(client):
    response = client.get("/api/v1/public/statistics/placements?by=religion")
    assert response.status_code == 422 and "by" in response.json()["fields"]


def test_editions_release_and_read_back_exactly(api_client_for, admin_user, analyst, client, make_placement,
                                                make_person):
    reach(make_placement(), "departed", at(2025, 1, 5))
    admin = api_client_for(admin_user)
    assert api_client_for(analyst).post("/api/v1/statistics/editions", {"year": 2025, "month": 1},
                                        content_type="application/json").status_code == 403
    first = admin.post("/api/v1/statistics/editions", {"year": 2025, "month": 1}, content_type="application/json")
    assert first.status_code == 201 and first.json()["number"] == 1
    released = client.get("/api/v1/public/statistics/editions/1").json()
    reach(make_placement(person=make_person()), "departed", at(2025, 1, 9))  # late entry
    assert client.get("/api/v1/public/statistics/editions/1").json() == released
    refused = admin.post("/api/v1/statistics/editions", {"year": 2025, "month": 1}, content_type="application/json")
    assert refused.status_code == 422 and list(refused.json()["fields"]) == ["reason"]
    admin.post("/api/v1/statistics/editions", {"year": 2025, "month": 1, "reason": "late"},
               content_type="application/json")
    second = client.get("/api/v1/public/statistics/editions/2").json()
    assert second["revises"] == 1 and second["tables"]["month"]["total"] == 2
    assert {"table": "month", "code": "01", "label": "1", "field": "value", "before": 1, "after": 2} in \
        second["changes"]
    assert [e["number"] for e in client.get("/api/v1/public/statistics/editions").json()] == [2, 1]
    assert client.get("/api/v1/public/statistics/editions/7").status_code == 404
