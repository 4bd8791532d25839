"""Reference data of the complaint desk, loaded by migration and by the ``load_holidays`` command:
the complaint categories of the published statistics (domain.md §4), the statutory deadlines of
Perban 6/2024 Pasal 30, and Indonesian public holidays and collective leave from the ``holidays``
package (editable afterwards in the admin)."""

from datetime import date

PERBAN_6_2024 = "Perban BP2MI 6/2024 Pasal 30"
PERBAN_6_2024_FROM = date(2024, 4, 1)

# (code, name_id, name_en)
CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("ingin_dipulangkan", "PMI ingin dipulangkan", "Worker wants to go home"),
    ("gaji_tidak_dibayar", "Gaji tidak dibayar", "Unpaid wages"),
    ("gagal_berangkat", "Gagal berangkat", "Failed to depart"),
    ("meninggal", "Meninggal dunia di negara tujuan", "Died abroad"),
    ("sakit", "Sakit / dirawat di rumah sakit", "Sick or hospitalised"),
    ("jaminan_sosial", "Masalah jaminan sosial (BPJS)", "Social security problem"),
    ("deportasi", "Deportasi / pemulangan", "Deportation or repatriation"),
    ("penipuan_kerja", "Penipuan peluang kerja", "Job fraud"),
    ("perdagangan_orang", "Perdagangan orang (TPPO)", "Human trafficking"),
    ("hilang_kontak", "Hilang kontak", "Loss of contact"),
    ("kekerasan", "Kekerasan oleh majikan", "Violence by the employer"),
    ("pekerjaan_tidak_sesuai", "Pekerjaan tidak sesuai PK", "Work not matching the contract"),
    ("tidak_dipulangkan", "Tidak dipulangkan setelah kontrak selesai", "Not sent home after the contract"),
    ("overstay", "Overstay", "Overstay"),
    ("depresi", "Depresi / sakit jiwa", "Depression or mental illness"),
    ("phk_sepihak", "PHK sepihak", "Unilateral dismissal"),
    ("kecelakaan_kerja", "Kecelakaan kerja", "Work accident"),
    ("pelecehan_seksual", "Pelecehan seksual", "Sexual harassment"),
    ("tidak_berdokumen", "Tidak berdokumen", "Undocumented"),
    ("kabur", "Kabur dari majikan", "Ran away from the employer"),
    ("ditahan", "Ditahan / dipenjara", "Detained"),
    ("overcharging", "Pembebanan biaya berlebih (overcharging)", "Overcharging"),
    ("lainnya", "Lainnya", "Other"),
)

# (code, amount, unit, warn_days, label_id, label_en)
DEADLINES: tuple[tuple[str, int, str, int, str, str], ...] = (
    ("documents_incomplete", 30, "days", 7,
     "Dokumen tidak dilengkapi dalam 30 hari sejak pengaduan dicatat",
     "Documents not completed within 30 days of registration"),
    ("no_clarification", 15, "working_days", 3,
     "Klarifikasi tidak diberikan dalam 15 hari kerja sejak diminta",
     "No clarification within 15 working days of the request"),
    ("unreachable", 60, "days", 10,
     "Pengadu tidak dapat dihubungi selama 60 hari berturut-turut",
     "Complainant unreachable for 60 consecutive days"),
    ("no_response", 6, "months", 14,
     "Tidak ada tanggapan 6 bulan setelah diberitahu kasus tidak dapat diselesaikan",
     "No response 6 months after being told the case cannot be resolved"),
)

HOLIDAY_YEARS = range(2024, 2029)


def holiday_rows(years=HOLIDAY_YEARS) -> list[tuple[date, str, str, str]]:
    """(day, name, kind, source) of Indonesian public holidays and collective leave days."""
    import holidays

    source = f"holidays {holidays.__version__}"
    public = holidays.country_holidays("ID", years=list(years), categories=("public",))
    government = holidays.country_holidays("ID", years=list(years), categories=("government",))
    rows = {day: (day, name, "public", source) for day, name in public.items()}
    for day, name in government.items():
        rows.setdefault(day, (day, name, "collective_leave", source))
    return sorted(rows.values())


def seed(apps, schema_editor) -> None:
    Category = apps.get_model("cases", "CaseCategory")
    Rule = apps.get_model("cases", "DeadlineRule")
    Holiday = apps.get_model("cases", "Holiday")
    for i, (code, name_id, name_en) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, version=1, defaults={
            "name_id": name_id, "name_en": name_en, "sort_order": i, "valid_from": date(2019, 1, 1),
            "legal_basis": "Publikasi Data PMI BP2MI"})
    for code, amount, unit, warn, label_id, label_en in DEADLINES:
        Rule.objects.get_or_create(code=code, valid_from=PERBAN_6_2024_FROM, defaults={
            "amount": amount, "unit": unit, "warn_days": warn, "label_id": label_id, "label_en": label_en,
            "legal_basis": PERBAN_6_2024})
    existing = set(Holiday.objects.values_list("day", flat=True))
    Holiday.objects.bulk_create([Holiday(day=d, name=n, kind=k, source=s) for d, n, k, s in holiday_rows()
                                 if d not in existing])
