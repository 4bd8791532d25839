import gzip
import shutil
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from lindungi.reference.loading import DATA_DIR, digits, load_all, load_villages, regency_kind
from lindungi.reference.models import Country, Occupation, OrgUnit, Province, Regency, UnitCoverage, Village

pytestmark = pytest.mark.django_db

MODELS = (Province, Regency, Country, Occupation, OrgUnit, UnitCoverage)


def get_model(name):
    return apps.get_model("reference", name)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_helpers():
    assert digits("11.01") == "1101"
    assert regency_kind("Kota Administrasi Jakarta Selatan") == "kota"
    assert regency_kind("Kabupaten Administrasi Kepulauan Seribu") == "kabupaten"


def test_loader_is_idempotent():
    before = counts()
    assert before == {
        "Province": 38,
        "Regency": 540,
        "Country": 249,
        "Occupation": 436,
        "OrgUnit": 36,
        "UnitCoverage": 50,
    }
    first = load_all(get_model)
    second = load_all(get_model)
    assert counts() == before
    for results in (first, second):
        assert all(r.created == 0 and r.updated == 0 for r in results.values()), results


def test_loader_restores_names_and_never_deletes():
    Regency.objects.filter(code="3201").update(name="Bogor (edited)")
    Country.objects.filter(iso2="MY").update(name_id="Malaysia (edited)")
    extra = Regency.objects.create(
        code="9999", name="Kabupaten Percobaan", kind="kabupaten", province=Province.objects.get(code="32")
    )
    results = load_all(get_model)
    assert results["regencies"].updated == 1 and results["countries"].updated == 1
    assert Regency.objects.get(code="3201").name == "Kabupaten Bogor"
    assert Country.objects.get(iso2="MY").name_id == "Malaysia"
    assert Regency.objects.filter(pk=extra.pk).exists()


def test_loader_leaves_admin_dates_of_undated_rows_alone():
    from datetime import date

    Regency.objects.filter(code="3201").update(valid_to=date(2030, 1, 1), legal_basis="test")
    load_all(get_model)
    regency = Regency.objects.get(code="3201")
    assert regency.valid_to == date(2030, 1, 1) and regency.legal_basis == "test"


def test_loader_recreates_missing_rows():
    UnitCoverage.objects.filter(unit__code="LTSA-KENDAL").delete()
    Occupation.objects.filter(isco_code="5152").delete()
    results = load_all(get_model)
    assert results["unit_coverage"].created == 1 and results["occupations"].created == 1
    assert Occupation.objects.get(isco_code="5152").zero_cost


def test_villages_loader_on_a_small_file(tmp_path):
    for name in ("provinces.csv", "regencies.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    with gzip.open(tmp_path / "villages.csv.gz", "wt", encoding="utf-8", newline="") as handle:
        handle.write(
            "code,regency_code,district_name,name\n"
            "3201010001,3201,Cibinong,Desa Satu\n"
            '3201010002,3201,Cibinong,"Desa ""Dua"", Ilir"\n'
        )
    result = load_villages(get_model, data_dir=tmp_path)
    assert (result.created, result.updated) == (2, 0)
    assert Village.objects.get(code="3201010002").name == 'Desa "Dua", Ilir'
    assert Village.objects.get(code="3201010001").regency.code == "3201"
    assert load_villages(get_model, data_dir=tmp_path).created == 0


def test_shipped_villages_file_is_well_formed():
    import csv

    regencies = set(Regency.objects.values_list("code", flat=True))
    with gzip.open(DATA_DIR / "villages.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["code", "regency_code", "district_name", "name"]
        rows = 0
        for row in reader:
            rows += 1
            assert len(row["code"]) == 10 and row["code"].isdigit()
            assert row["code"].startswith(row["regency_code"]) and row["regency_code"] in regencies
    assert rows == 83762


def test_command_prints_counts():
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    text = out.getvalue()
    assert "regencies: 0 created, 0 updated (540 in the database)" in text
    assert "villages" not in text
