"""The cost components and the legal cost rules, as data (domain.md §3.4). Used by the data
migration and by the transactional tests' reseed; running it again changes nothing.

Sources and what is uncertain:

- **Perban 9/2020** (in force 15 Jul 2021 after the extended transition): for the ten zero-cost
  occupations (``Occupation.zero_cost``), the worker may not be charged tickets, work visa, PK
  legalisation, training, competency certificate, company fee, passport, SKCK, social security,
  domestic health and psychological checks (extra tests included), local transport and
  accommodation. The "personal need" clause attributed to Perban 02/2020 **[U]** (passport, SKCK,
  BPJS, checks, transport, lodging chargeable to the CPMI and/or the employer) is not seeded: add
  it as rules once confirmed.
- **Kepka 260/2022** (Hong Kong): every component on the employer, the P3MI fee (one month's
  salary) included. **[U]** the day it took effect is not confirmed; 1 Jan 2023 is used.
- **Kepmen 98/2012** (Hong Kong domestic workers, Rp14,780,400) and the same table without the
  P3MI fee after **Permenaker 22/2014** (Rp10,666,400); **Kepmenaker 295/2013** (Taiwan formal
  sector, Rp34,218,100). **[U]** Their exact first days are not confirmed: the first day of the
  year after issue is used (1 Jan 2012, 1 Jan 2015, 1 Jan 2013). The Hong Kong tables end the day
  before Perban 9/2020 took effect.
"""

import datetime as dt
from decimal import Decimal

# (code, name_id, name_en)
COMPONENTS: tuple[tuple[str, str, str], ...] = (
    ("passport", "Paspor", "Passport"),
    ("police_certificate", "SKCK", "Police certificate (SKCK)"),
    ("visa", "Visa kerja", "Work visa"),
    ("medical_check", "Pemeriksaan kesehatan", "Medical check"),
    ("psychological_test", "Pemeriksaan psikologi", "Psychological test"),
    ("training", "Pelatihan", "Training"),
    ("competency_test", "Uji kompetensi", "Competency test"),
    ("airfare", "Tiket pesawat", "Airfare"),
    ("airport_handling", "Airport tax dan handling", "Airport tax and handling"),
    ("work_contract", "Legalisasi perjanjian kerja", "Work contract (PK) legalisation"),
    ("insurance", "Asuransi / BPJS", "Insurance / BPJS"),
    ("placement_fee", "Jasa perusahaan (P3MI)", "Placement (P3MI) fee"),
    ("foreign_agency_fee", "Jasa agensi luar negeri", "Foreign agency fee"),
    ("recruitment", "Rekrutmen dan promosi", "Recruitment and promotion"),
    ("lodging", "Akomodasi / asrama", "Lodging"),
    ("local_transport", "Transportasi lokal", "Local transport"),
    ("other", "Lainnya", "Other"),
)

PERBAN_9_2020 = "Perban BP2MI 9/2020"
PERBAN_FROM = dt.date(2021, 7, 15)
PERBAN_COMPONENTS = ("airfare", "visa", "work_contract", "training", "competency_test", "placement_fee", "passport",
                     "police_certificate", "insurance", "medical_check", "psychological_test", "local_transport",
                     "lodging")

KEPKA_260_2022 = "Kepka BP2MI 260/2022"
KEPKA_260_FROM = dt.date(2023, 1, 1)

KEPMEN_98_2012 = "Kepmenakertrans 98/2012"
KEPMEN_98_FROM, KEPMEN_98_TO = dt.date(2012, 1, 1), dt.date(2014, 12, 31)
HONG_KONG_2012 = {
    "insurance": 400_000, "psychological_test": 250_000, "medical_check": 700_000, "passport": 255_000,
    "lodging": 5_500_000, "training": 3_000_000, "competency_test": 150_000, "placement_fee": 4_114_000,
    "foreign_agency_fee": 411_400,
}
PERMENAKER_22_2014 = "Permenaker 22/2014 (tabel Kepmenakertrans 98/2012 tanpa jasa P3MI)"
PERMENAKER_22_FROM, PERMENAKER_22_TO = dt.date(2015, 1, 1), PERBAN_FROM - dt.timedelta(days=1)

KEPMEN_295_2013 = "Kepmenakertrans 295/2013"
KEPMEN_295_FROM = dt.date(2013, 1, 1)
TAIWAN_FORMAL_2013 = {
    "medical_check": 859_000, "psychological_test": 250_000, "passport": 110_000, "insurance": 520_000,
    "visa": 725_000, "local_transport": 1_000_000, "recruitment": 13_150_000, "training": 8_740_000,
    "airfare": 3_000_000, "airport_handling": 150_000, "placement_fee": 5_714_100,
}


def rule_rows() -> list[dict]:
    """Every seeded rule: component code, country ISO2 or None, occupation group, payer, maximum
    for the worker (rupiah), validity and legal basis."""
    rows = []

    def add(component, *, country, group, payer, amount, start, end, basis, note=""):
        rows.append({"component": component, "country": country, "occupation_group": group, "payer": payer,
                     "max_worker_amount": Decimal(amount), "currency": "IDR", "valid_from": start, "valid_to": end,
                     "legal_basis": basis, "note": note})

    for code in PERBAN_COMPONENTS:
        add(code, country=None, group="zero_cost", payer="employer", amount=0, start=PERBAN_FROM, end=None,
            basis=PERBAN_9_2020, note="Pembebasan biaya penempatan untuk 10 jabatan")
    for code, *_names in COMPONENTS:
        if code != "other":
            add(code, country="HK", group="", payer="employer", amount=0, start=KEPKA_260_FROM, end=None,
                basis=KEPKA_260_2022, note="Seluruh komponen biaya ditanggung pemberi kerja")
    for code, amount in HONG_KONG_2012.items():
        add(code, country="HK", group="zero_cost", payer="worker", amount=amount, start=KEPMEN_98_FROM,
            end=KEPMEN_98_TO, basis=KEPMEN_98_2012, note="PMI domestik Hong Kong: HK$13.436 (Rp14.780.400)")
        if code != "placement_fee":
            add(code, country="HK", group="zero_cost", payer="worker", amount=amount, start=PERMENAKER_22_FROM,
                end=PERMENAKER_22_TO, basis=PERMENAKER_22_2014, note="Rp10.666.400 setelah jasa P3MI dihapus")
    add("placement_fee", country="HK", group="zero_cost", payer="employer", amount=0, start=PERMENAKER_22_FROM,
        end=PERMENAKER_22_TO, basis=PERMENAKER_22_2014, note="Jasa P3MI tidak dibebankan kepada PMI")
    for code, amount in TAIWAN_FORMAL_2013.items():
        add(code, country="TW", group="other", payer="worker", amount=amount, start=KEPMEN_295_FROM, end=None,
            basis=KEPMEN_295_2013, note="Taiwan sektor formal: Rp34.218.100 (NT$114.060)")
    return rows


def seed(apps, schema_editor) -> None:
    Component = apps.get_model("supervision", "CostComponent")
    Rule = apps.get_model("supervision", "CostRule")
    Country = apps.get_model("reference", "Country")
    components = {}
    for sort, (code, name_id, name_en) in enumerate(COMPONENTS):
        components[code], _created = Component.objects.update_or_create(
            code=code, defaults={"name_id": name_id, "name_en": name_en, "sort": sort})
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in=["HK", "TW"])}
    for row in rule_rows():
        country = countries.get(row["country"]) if row["country"] else None
        if row["country"] and country is None:
            continue  # reference data without that country (a trimmed test database)
        Rule.objects.update_or_create(
            component=components[row["component"]], country=country, occupation=None,
            occupation_group=row["occupation_group"], scheme=None, legal_basis=row["legal_basis"],
            valid_from=row["valid_from"],
            defaults={"payer": row["payer"], "max_worker_amount": row["max_worker_amount"],
                      "currency": row["currency"], "valid_to": row["valid_to"], "note": row["note"]})
