import pytest

pytestmark = pytest.mark.django_db


def test_requires_authentication(client):
    assert client.get("/api/v1/reference/provinces").status_code == 401


def test_provinces(api_client_for, analyst):
    response = api_client_for(analyst).get("/api/v1/reference/provinces")
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 38
    assert body[0] == {"code": "11", "name": "Aceh", "valid_from": None, "valid_to": None, "legal_basis": ""}
    papua_selatan = next(p for p in body if p["code"] == "93")
    assert papua_selatan["valid_from"] == "2022-07-25"


def test_regencies_of_a_province(api_client_for, admin_user):
    response = api_client_for(admin_user).get("/api/v1/reference/regencies?province=32")
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 27
    assert body[0]["code"] == "3201"
    assert body[0]["dotted_code"] == "32.01"
    assert body[0]["name"] == "Kabupaten Bogor"
    assert body[0]["kind"] == "kabupaten"
    assert body[0]["province_code"] == "32"
    assert body[0]["successor_code"] is None


def test_regencies_search_and_retired(api_client_for, admin_user):
    client = api_client_for(admin_user)
    assert len(client.get("/api/v1/reference/regencies").json()) == 514
    body = client.get("/api/v1/reference/regencies?q=merauke&include_retired=true").json()
    assert [(r["code"], r["successor_code"], r["valid_to"]) for r in body] == [
        ("9101", "9301", "2022-07-24"),
        ("9301", None, None),
    ]
    assert [r["code"] for r in client.get("/api/v1/reference/regencies?q=35.01").json()] == ["3501"]


def test_countries(api_client_for, unit_officer):
    body = api_client_for(unit_officer).get("/api/v1/reference/countries").json()
    assert len(body) == 249
    assert {"iso2": "MY", "iso3": "MYS", "name_id": "Malaysia", "name_en": "Malaysia"} in body


def test_occupations(api_client_for, p3mi_user):
    client = api_client_for(p3mi_user)
    assert len(client.get("/api/v1/reference/occupations").json()) == 436
    zero = client.get("/api/v1/reference/occupations?zero_cost=true").json()
    assert len(zero) == 14 and all(o["zero_cost"] for o in zero)
    assert len(client.get("/api/v1/reference/occupations?zero_cost=false").json()) == 436 - 14


def test_units(api_client_for, admin_user):
    body = api_client_for(admin_user).get("/api/v1/reference/units").json()
    units = {u["code"]: u for u in body}
    # 36 shipped units plus the TEST-JABAR unit of the unit_officer fixture when it is used; not here.
    assert len(units) == 36
    assert units["BP3MI-JABAR"]["province_codes"] == ["32"]
    assert units["BP3MI-JABAR"]["parent_code"] == "PUSAT"
    assert units["LTSA-INDRAMAYU"] == {
        "code": "LTSA-INDRAMAYU",
        "name": "LTSA Kabupaten Indramayu",
        "kind": "ltsa",
        "parent_code": "BP3MI-JABAR",
        "seat_code": "3212",
        "province_codes": [],
        "regency_codes": ["3212"],
    }
    assert units["PUSAT"]["parent_code"] is None
