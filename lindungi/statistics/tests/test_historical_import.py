"""A year of placements imported through the historical import: the publication's tables agree with
each other, with the public API, and the maintained counts agree with a recount."""

import datetime as dt

import pytest

from lindungi.imports import services as imports
from lindungi.imports.models import ImportBatch
from lindungi.imports.tests.helpers import upload
from lindungi.imports.tests.placement_helpers import placements_csv
from lindungi.placements import recount
from lindungi.reference.models import Regency
from lindungi.statistics import publication, realisation
from lindungi.statistics.models import Indicator

pytestmark = pytest.mark.django_db


def test_a_year_imported_gives_tables_whose_totals_agree(admin_user, agency, make_person, make_employer, client):
    make_employer("TW")
    make_employer("HK")
    regencies = [Regency.objects.get(code=c) for c in ("3201", "3202", "3501")]
    rows = []
    for n in range(15):
        person = make_person(sex="F" if n % 3 else "M", regency_obj=regencies[n % 3], birth_date=dt.date(1992, 1, 1))
        departed = dt.date(2024, n % 12 + 1, 10)
        country = "TW" if n % 2 else "HK"
        rows.append({"nik": person.nik, "scheme": "p_to_p", "p3mi": agency.sip3mi_number,
                     "employer": f"Employer {country} legal_entity", "country": country, "occupation": "5322",
                     "contract_start": (departed + dt.timedelta(days=5)).isoformat(),
                     "contract_end": (departed + dt.timedelta(days=730)).isoformat(), "state": "working_abroad",
                     "state_date": (departed + dt.timedelta(days=5)).isoformat(),
                     "departed_on": departed.isoformat(), "legacy_id": f"SISKO-{n}"})
    batch = imports.import_batch_create(actor=admin_user, uploaded_file=upload(placements_csv(rows), "sisko.csv"),
                                        kind="placements", mode="historical", via="web")
    batch = imports.import_batch_run(batch_id=batch.pk, chunk_size=4)
    assert batch.status == ImportBatch.Status.DONE and batch.imported_rows == 15, batch.message

    edition = publication.edition_release(actor=admin_user, year=2024, month=12)
    totals = {name: table["total"] for name, table in edition.tables.items()}
    assert set(totals.values()) == {15}, totals
    for name, table in edition.tables.items():
        if table["threshold"] is None:  # unsuppressed tables add up row by row as well
            assert sum(item["value"] for item in table["items"]) == 15, name
    assert {i["code"]: i["value"] for i in edition.tables["province"]["items"]} == {"32": 10, "35": 5}
    departures = Indicator.objects.get(code="PEN-BERANGKAT")
    assert realisation.count(departures, period=realisation.Period(2024), unit=None) == 15
    assert recount.differences() == []
    public = client.get("/api/v1/public/statistics/placements?year=2024&by=country").json()
    assert public["total"] == 15 and {i["code"]: i["value"] for i in public["items"]} == {"HK": 8, "TW": 7}
