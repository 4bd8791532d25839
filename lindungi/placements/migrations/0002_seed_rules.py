"""Seed the placement schemes and the Middle-East moratorium as editable rows.

The rows are a starting point: officers keep them current in the admin. Reversing leaves them in
place (placements refer to them).
"""

import datetime

from django.db import migrations

ALL_ITEMS = [
    "placement_agreement", "medical_fitness", "competency_certificate", "passport", "bpjs_membership",
    "work_visa", "employment_contract", "opp_attendance", "epmi_card",
]
WITHOUT_PLACER_AGREEMENT = [k for k in ALL_ITEMS if k != "placement_agreement"]

SCHEMES = [
    {
        "code": "p_to_p", "name_id": "P to P (melalui P3MI)", "name_en": "P to P (through a P3MI)",
        "min_age": 18, "required_items": ALL_ITEMS,
        "requires_p3mi": True, "requires_job_order": True, "requires_sip2mi": True,
        "legal_basis": "UU 18/2017 Pasal 5 huruf a (usia minimal 18 tahun), Pasal 9 (verifikasi job order), "
                       "Pasal 13 (dokumen); PP 59/2021 Pasal 35 (SIP2MI)",
    },
    {
        "code": "g_to_g", "name_id": "G to G (antarpemerintah)", "name_en": "G to G (government to government)",
        "min_age": 18, "required_items": ALL_ITEMS,
        "requires_p3mi": False, "requires_job_order": False, "requires_sip2mi": False,
        "legal_basis": "UU 18/2017 Pasal 5 huruf a, Pasal 13, Pasal 50",
    },
    {
        "code": "g_to_g_korea", "name_id": "G to G Korea (EPS)", "name_en": "G to G Korea (EPS)",
        "min_age": 18, "max_age": 39, "min_education": "smp", "required_items": ALL_ITEMS,
        "requires_p3mi": False, "requires_job_order": False, "requires_sip2mi": False,
        "employer_legal_types": [],
        "legal_basis": "UU 18/2017 Pasal 50; ketentuan program EPS (HRD Korea): usia 18–39 tahun, "
                       "pendidikan paling rendah SLTP",
    },
    {
        "code": "g_to_p", "name_id": "G to P (pemerintah dengan pemberi kerja berbadan hukum)",
        "name_en": "G to P (government with a legal-entity employer)",
        "min_age": 18, "required_items": ALL_ITEMS,
        "requires_p3mi": False, "requires_job_order": True, "requires_sip2mi": False,
        "employer_legal_types": ["legal_entity"],
        "legal_basis": "UU 18/2017 Pasal 5 huruf a, Pasal 13",
    },
    {
        "code": "ukps", "name_id": "UKPS (untuk kepentingan perusahaan sendiri)",
        "name_en": "UKPS (a company posting its own employees)",
        "min_age": 18, "required_items": WITHOUT_PLACER_AGREEMENT,
        "requires_p3mi": False, "requires_job_order": False, "requires_sip2mi": False,
        "legal_basis": "UU 18/2017 Pasal 5 huruf a, Pasal 13 (penempatan untuk kepentingan perusahaan sendiri)",
    },
    {
        "code": "perseorangan", "name_id": "Perseorangan (mandiri)", "name_en": "Individual (self-arranged)",
        "min_age": 18, "required_items": WITHOUT_PLACER_AGREEMENT,
        "requires_p3mi": False, "requires_job_order": False, "requires_sip2mi": False,
        "employer_legal_types": ["legal_entity"],
        "legal_basis": "UU 18/2017 Pasal 5 huruf a, Pasal 63; Permenaker 9/2019 Pasal 34 "
                       "(pemberi kerja wajib berbadan hukum)",
    },
    {
        "code": "ssw_japan", "name_id": "SSW Jepang (Tokutei Ginou)", "name_en": "SSW Japan (Tokutei Ginou)",
        "min_age": 18, "required_items": ALL_ITEMS,
        "requires_p3mi": True, "requires_job_order": True, "requires_sip2mi": True,
        "legal_basis": "UU 18/2017 Pasal 5 huruf a; sejak Maret 2023 melalui P3MI bersama JEPSP",
    },
    {
        "code": "special", "name_id": "Program khusus (mis. SP2T)", "name_en": "Special programme (e.g. SP2T)",
        "min_age": 18, "required_items": ALL_ITEMS,
        "requires_p3mi": False, "requires_job_order": False, "requires_sip2mi": False,
        "legal_basis": "UU 18/2017 Pasal 5 huruf a, Pasal 13",
    },
]

# Kepmenaker 260/2015: no placement with individual employers (pengguna perseorangan) in the
# Middle East. The list of 21 countries and the date in force follow the Ministry's announcement
# as reported by Kontan (4 May 2015) and Dinsos Bojonegoro; KBRI Tripoli's notice gives 1 July 2015.
MORATORIUM_COUNTRIES = [
    "DZ", "SA", "BH", "IQ", "IR", "KW", "LB", "LY", "MA", "MR", "EG", "OM", "PK", "PS", "QA", "SS", "SY",
    "TN", "AE", "YE", "JO",
]
MORATORIUM = {
    "status": "closed",
    "employer_legal_type": "individual",
    "domestic_workers_only": False,
    "valid_from": datetime.date(2015, 7, 1),
    "legal_basis": "Kepmenaker No. 260 Tahun 2015",
    "note_id": "Penghentian dan pelarangan penempatan pada pengguna perseorangan di kawasan Timur Tengah, "
               "berlaku sejak 1 Juli 2015.",
    "note_en": "Placement with individual (household) employers in the Middle East is stopped and "
               "prohibited, in force since 1 July 2015.",
}


def seed(apps, schema_editor):
    Scheme = apps.get_model("placements", "Scheme")
    DestinationRule = apps.get_model("placements", "DestinationRule")
    Country = apps.get_model("reference", "Country")
    for row in SCHEMES:
        defaults = {"max_age": None, "min_education": "", "employer_legal_types": [], **row}
        code = defaults.pop("code")
        Scheme.objects.update_or_create(code=code, defaults=defaults)
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in=MORATORIUM_COUNTRIES)}
    for iso2 in MORATORIUM_COUNTRIES:
        country = countries.get(iso2)
        if country is None:
            continue
        DestinationRule.objects.get_or_create(country=country, legal_basis=MORATORIUM["legal_basis"],
                                              defaults=MORATORIUM)


class Migration(migrations.Migration):

    dependencies = [
        ("placements", "0001_initial"),
        ("reference", "0002_data_reference"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop, elidable=False)]
