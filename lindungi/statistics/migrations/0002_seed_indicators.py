"""The first indicators, written out as the Renstra and performance agreement use them. Later
definitions are new rows with their own ``valid_from``; these rows are never edited in place."""

from django.db import migrations

INDICATORS = [
    {
        "code": "PEN-BERANGKAT", "sort_order": 10, "rule": "departures", "measure": "placements",
        "name_id": "Penempatan PMI (keberangkatan)",
        "name_en": "Placements by departure",
        "definition_id": "Jumlah penempatan yang berpindah ke status 'berangkat' (lolos pemeriksaan "
                         "keberangkatan) dalam periode, menurut tanggal keberangkatan. Wilayah menurut "
                         "kabupaten/kota asal PMI. Perpanjangan kontrak dan layanan yang belum berangkat "
                         "tidak dihitung.",
        "definition_en": "Placements that moved to 'departed' (passed the exit check) in the period, by "
                         "departure date. Region by the worker's regency of origin. Contract extensions "
                         "and completed services without a departure are not counted.",
        "date_basis": "departure date (transition to departed)",
        "plan_reference": "Renstra KP2MI 2025-2029; Perjanjian Kinerja",
    },
    {
        "code": "PEN-LAYANAN", "sort_order": 20, "rule": "services_completed", "measure": "placements",
        "name_id": "Layanan penempatan selesai",
        "name_en": "Placement services completed",
        "definition_id": "Jumlah penempatan yang menyelesaikan seluruh layanan pra-keberangkatan (status "
                         "'siap berangkat') dalam periode, menurut tanggal status itu dicapai. Definisi "
                         "'layanan penempatan' yang dipakai publikasi BP2MI sejak 2022.",
        "definition_en": "Placements that completed every pre-departure service (reached 'ready to "
                         "depart') in the period, by the date that state was reached. The 'layanan "
                         "penempatan' definition used in BP2MI publications since 2022.",
        "date_basis": "date the placement reached ready_to_depart",
        "plan_reference": "Renstra KP2MI 2025-2029",
    },
    {
        "code": "PENGADUAN-SELESAI", "sort_order": 30, "rule": "complaints_resolved", "measure": "cases",
        "within_days": 30,
        "name_id": "Pengaduan diselesaikan tepat waktu",
        "name_en": "Complaints resolved within the deadline",
        "definition_id": "Jumlah kasus pengaduan yang berstatus 'selesai' dengan tanggal selesai dalam "
                         "periode dan paling lama N hari (batas waktu indikator) sejak tanggal "
                         "registrasi. Kasus yang ditutup administratif atau dirujuk tidak dihitung. Unit "
                         "menurut unit yang menangani kasus.",
        "definition_en": "Complaint cases in state 'resolved' whose resolution date lies in the period "
                         "and at most N days (the indicator's deadline) after registration. Cases closed "
                         "administratively or referred are not counted. Unit: the unit handling the case.",
        "date_basis": "resolution date (closed_on)",
        "plan_reference": "Renstra KP2MI 2025-2029: penurunan kasus PMI",
    },
    {
        "code": "KEPULANGAN", "sort_order": 40, "rule": "returns", "measure": "people",
        "name_id": "Kepulangan PMI tercatat",
        "name_en": "Returns recorded",
        "definition_id": "Jumlah kedatangan PMI yang dicatat di titik masuk (pulang mandiri, dideportasi, "
                         "bermasalah, sakit, jenazah) dalam periode, menurut tanggal kedatangan. Anggota "
                         "keluarga yang ikut pulang tidak dihitung. Unit menurut unit yang menerima.",
        "definition_en": "Arrivals of workers recorded at an entry point (own return, deported, in "
                         "difficulty, sick, remains) in the period, by arrival date. Family members "
                         "travelling with a worker are not counted. Unit: the receiving unit.",
        "date_basis": "arrival date",
        "plan_reference": "Perjanjian Kinerja: pelindungan PMI",
    },
]


def seed(apps, schema_editor):
    Indicator = apps.get_model("statistics", "Indicator")
    for row in INDICATORS:
        Indicator.objects.update_or_create(code=row["code"], defaults=row)


def unseed(apps, schema_editor):
    apps.get_model("statistics", "Indicator").objects.filter(code__in=[r["code"] for r in INDICATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [("statistics", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
