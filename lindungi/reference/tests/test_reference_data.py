"""The data migration leaves every new database with the shipped reference data."""

import csv
from datetime import date

import pytest

from lindungi.reference.loading import DATA_DIR
from lindungi.reference.models import Country, Occupation, OrgUnit, Province, Regency, UnitCoverage
from lindungi.reference.selectors import (
    countries,
    current_provinces,
    current_regencies,
    occupations,
    org_units,
    regency_codes_ever_valid,
    regency_ids_covered_by,
    regency_search,
)

pytestmark = pytest.mark.django_db


def test_current_provinces_and_regencies():
    assert Province.objects.filter(valid_to__isnull=True).count() == 38
    assert current_provinces().count() == 38
    assert Regency.objects.filter(valid_to__isnull=True).count() == 514
    assert current_regencies().count() == 514


def test_well_known_kemendagri_codes():
    expected = {
        "3201": ("Kabupaten Bogor", "32", "kabupaten"),
        "3501": ("Kabupaten Pacitan", "35", "kabupaten"),
        "1101": ("Kabupaten Aceh Selatan", "11", "kabupaten"),
        # Kemendagri (and so NIK) codes for Jakarta differ from BPS codes: 31.71 is Jakarta Pusat,
        # 31.74 Jakarta Selatan (BPS has 3171 Jakarta Selatan).
        "3171": ("Kota Administrasi Jakarta Pusat", "31", "kota"),
        "3174": ("Kota Administrasi Jakarta Selatan", "31", "kota"),
        "3101": ("Kabupaten Administrasi Kepulauan Seribu", "31", "kabupaten"),
        "9301": ("Kabupaten Merauke", "93", "kabupaten"),
        "9671": ("Kota Sorong", "96", "kota"),
    }
    for code, (name, province, kind) in expected.items():
        regency = Regency.objects.select_related("province").get(code=code)
        assert (regency.name, regency.province.code, regency.kind) == (name, province, kind), code
        assert regency.is_current
    assert Regency.objects.get(code="3201").dotted_code == "32.01"
    assert Province.objects.get(code="32").name == "Jawa Barat"


def test_codes_are_digits_only():
    assert all(code.isdigit() and len(code) == 4 for code in Regency.objects.values_list("code", flat=True))
    assert all(code.isdigit() and len(code) == 2 for code in Province.objects.values_list("code", flat=True))


def test_kind_follows_name():
    assert Regency.objects.filter(kind="kota").exclude(name__startswith="Kota").count() == 0
    assert Regency.objects.filter(kind="kabupaten", name__startswith="Kota").count() == 0
    assert Regency.objects.filter(valid_to__isnull=True, kind="kota").count() == 98


def test_retired_papua_codes_point_to_their_successor():
    merauke = Regency.objects.select_related("successor__province", "province").get(code="9101")
    assert merauke.name == "Kabupaten Merauke"
    assert merauke.province.code == "91"
    assert not merauke.is_current
    assert merauke.valid_to == date(2022, 7, 24)
    assert "UU 14/2022" in merauke.legal_basis
    assert merauke.successor.code == "9301"
    assert merauke.successor.province.name == "Papua Selatan"

    kota_sorong = Regency.objects.select_related("successor").get(code="9271")
    assert kota_sorong.successor.code == "9671"
    assert kota_sorong.valid_to == date(2022, 12, 7)
    assert "UU 29/2022" in kota_sorong.legal_basis

    retired = Regency.objects.filter(valid_to__isnull=False)
    assert retired.count() == 26
    assert not retired.filter(successor__isnull=True).exists()
    assert not retired.filter(successor__valid_to__isnull=False).exists()
    for regency in retired.select_related("successor"):
        assert regency.name == regency.successor.name
    # Codes that survived the split keep their row and stay current.
    assert Regency.objects.get(code="9103").name == "Kabupaten Jayapura"
    assert Regency.objects.get(code="9103").is_current


def test_nik_validation_sees_every_code_ever_valid():
    codes = regency_codes_ever_valid()
    assert len(codes) == 540
    assert {"9101", "9301", "9201", "9601", "3201"} <= set(codes)


def test_new_papua_provinces_carry_their_law():
    for code, day, law in [
        ("93", date(2022, 7, 25), "UU 14/2022"),
        ("94", date(2022, 7, 25), "UU 15/2022"),
        ("95", date(2022, 7, 25), "UU 16/2022"),
        ("96", date(2022, 12, 8), "UU 29/2022"),
    ]:
        province = Province.objects.get(code=code)
        assert province.valid_from == day and law in province.legal_basis
        assert not province.regencies.filter(valid_from__isnull=True).exists()
    assert Province.objects.get(code="32").valid_from is None
    # The old code was valid on the eve of the split, the new one from the day of the law.
    assert Regency.objects.get(code="9101").is_valid_on(date(2022, 7, 24))
    assert not Regency.objects.get(code="9101").is_valid_on(date(2022, 7, 25))
    assert Regency.objects.get(code="9301").is_valid_on(date(2022, 7, 25))
    assert not Regency.objects.get(code="9301").is_valid_on(date(2022, 7, 24))


def test_countries():
    assert Country.objects.count() == 249
    names = dict(Country.objects.values_list("iso2", "name_id"))
    assert names["MY"] == "Malaysia"
    assert names["JP"] == "Jepang"
    assert names["SA"] == "Arab Saudi"
    assert names["KR"] == "Korea Selatan"
    assert names["TW"] == "Taiwan"
    assert names["HK"] == "Hong Kong"
    assert names["SG"] == "Singapura"
    assert names["ID"] == "Indonesia"
    assert Country.objects.get(iso2="KR").iso3 == "KOR"
    assert Country.objects.get(iso3="TWN").name_en == "Taiwan"
    assert countries().first().name_id <= countries().last().name_id


def test_occupations_are_isco08_unit_groups():
    assert Occupation.objects.count() == 436
    assert all(len(c) == 4 and c.isdigit() for c in Occupation.objects.values_list("isco_code", flat=True))
    assert Occupation.objects.get(isco_code="5152").title_en == "Domestic housekeepers"
    assert Occupation.objects.get(isco_code="9111").title_id == "Pembersih dan Pembantu Rumah Tangga"


def test_zero_cost_occupations_match_the_shipped_mapping():
    with open(DATA_DIR / "occupations.csv", encoding="utf-8") as handle:
        mapped = {row["isco_code"] for row in csv.DictReader(handle) if row["zero_cost"] == "1"}
    expected = {
        "5152",
        "9111",
        "5311",
        "5322",
        "5120",
        "8322",
        "6113",
        "9214",
        "9112",
        "9211",
        "9213",
        "6222",
        "6223",
        "9216",
    }
    assert mapped == expected
    assert set(occupations(zero_cost=True).values_list("isco_code", flat=True)) == expected
    assert occupations(zero_cost=True).count() == len(expected) == 14
    domestic = set(occupations(domestic_worker=True).values_list("isco_code", flat=True))
    assert domestic == {"5152", "9111", "5311", "5322"}
    assert domestic <= expected


def test_every_current_province_is_covered_by_a_bp3mi():
    covered = set(
        UnitCoverage.objects.filter(
            unit__kind=OrgUnit.Kind.BP3MI, province__isnull=False, valid_to__isnull=True
        ).values_list("province__code", flat=True)
    )
    assert set(current_provinces().values_list("code", flat=True)) <= covered
    # ... and by exactly one, so that a region's home unit is unambiguous.
    pairs = list(UnitCoverage.objects.filter(unit__kind=OrgUnit.Kind.BP3MI).values_list("province_id", flat=True))
    assert len(pairs) == len(set(pairs))


def test_units_have_kinds_parents_and_seats():
    hq = OrgUnit.objects.get(kind=OrgUnit.Kind.HQ)
    assert hq.code == "PUSAT" and hq.parent is None and hq.seat.code == "3174"
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.BP3MI).count() == 23
    assert not OrgUnit.objects.filter(kind=OrgUnit.Kind.BP3MI).exclude(parent=hq).exists()
    assert not OrgUnit.objects.exclude(kind=OrgUnit.Kind.HQ).filter(parent__isnull=True).exists()
    assert not OrgUnit.objects.filter(seat__isnull=True).exists()
    for unit in OrgUnit.objects.filter(kind__in=[OrgUnit.Kind.P4MI, OrgUnit.Kind.LTSA]):
        rows = list(unit.coverage.all())
        assert len(rows) == 1 and rows[0].province_id is None and rows[0].regency_id == unit.seat_id, unit.code
        assert unit.parent.kind == OrgUnit.Kind.BP3MI
    assert OrgUnit.objects.get(code="P4MI-ENTIKONG").seat.name == "Kabupaten Sanggau"
    assert OrgUnit.objects.get(code="LTSA-INDRAMAYU").seat.code == "3212"


def test_regency_ids_covered_by_province_and_single_regency():
    jabar = OrgUnit.objects.get(code="BP3MI-JABAR")
    ids = set(regency_ids_covered_by(jabar.id).values_list("id", flat=True))
    assert ids == set(Regency.objects.filter(province__code="32").values_list("id", flat=True))
    assert Regency.objects.get(code="3201").id in ids
    assert Regency.objects.get(code="3501").id not in ids

    maluku = OrgUnit.objects.get(code="BP3MI-MALUKU")
    ids = set(regency_ids_covered_by(maluku.id).values_list("id", flat=True))
    assert Regency.objects.get(code="9301").id in ids
    assert Regency.objects.get(code="9101").id in ids  # retired codes stay in the old province's coverage

    entikong = OrgUnit.objects.get(code="P4MI-ENTIKONG")
    assert list(regency_ids_covered_by(entikong.id).values_list("id", flat=True)) == [
        Regency.objects.get(code="6103").id
    ]


def test_regency_ids_covered_by_respects_dates():
    unit = OrgUnit.objects.get(code="LTSA-MALANG")
    unit.coverage.update(valid_to=date(2020, 1, 1))
    assert not regency_ids_covered_by(unit.id).exists()
    assert regency_ids_covered_by(unit.id, on=date(2019, 12, 31)).exists()


def test_regency_search():
    assert [r.code for r in regency_search("32.01")] == ["3201"]
    assert [r.code for r in regency_search("3201")] == ["3201"]
    assert {r.code for r in regency_search("bogor")} == {"3201", "3271"}
    assert len(regency_search("", limit=5)) == 5
    assert all(r.province.code == "32" for r in regency_search("", 100, province="32"))
    assert len(regency_search("", 100, province="32")) == 27
    assert [r.code for r in regency_search("merauke")] == ["9301"]
    assert [r.code for r in regency_search("merauke", include_retired=True)] == ["9101", "9301"]


def test_org_units_selector_prefetches_current_coverage():
    units = {u.code: u for u in org_units()}
    assert len(units) == 36
    assert {c.province.code for c in units["BP3MI-SUMSEL"].current_coverage} == {"15", "16", "17", "19"}
    assert [c.regency.code for c in units["LTSA-CILACAP"].current_coverage] == ["3301"]
