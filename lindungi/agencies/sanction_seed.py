"""Seed rows for the sanction grounds and the deposit rule, used by the data migration (and by
tests that need them on a fresh database). Rows are keyed by ``code``; a change in the law adds a
row with a new ``valid_from`` (and closes the old one with ``valid_to``) rather than editing it.

The grounds are those of Permen P2MI 4/2025 Pasal 9 ayat (1) as summarised in domain.md §3.3; the
regulation lists grounds up to letter T, of which the ones named there are seeded. The letter of
each ground must be checked against the text before it is printed on a decree, so the codes are
descriptive rather than "huruf a" to "huruf t". ``decree`` is the ground of a sanction recorded
directly from a decree (the decree states its ground).
"""

import datetime as dt

BASIS_P9 = "Permen P2MI 4/2025 Pasal 9 ayat (1)"
IN_FORCE = dt.date(2025, 1, 1)
ALL_STEPS = ["warning", "suspend", "revoke"]

GROUNDS: tuple[dict, ...] = (
    {"code": "p9_no_sip2mi", "title_id": "Merekrut tanpa SIP2MI atau setelah SIP2MI dicabut",
     "title_en": "Recruiting without an SIP2MI, or after it was revoked"},
    {"code": "p9_selection_not_at_ltsa",
     "title_id": "Tidak melakukan seleksi di Disnaker/LTSA atau tidak melaporkan hasil seleksi",
     "title_en": "Not selecting at Disnaker/LTSA, or not reporting the selection"},
    {"code": "p9_no_opp", "title_id": "Tidak mendaftarkan CPMI untuk mengikuti OPP",
     "title_en": "Not registering the CPMI for the pre-departure orientation (OPP)"},
    {"code": "p9_not_placing_complete", "title_id": "Tidak menempatkan CPMI yang dokumennya telah lengkap",
     "title_en": "Not placing a CPMI whose documents are complete"},
    {"code": "p9_seafarer_documents", "title_id": "Dokumen awak kapal atau perjanjian keagenan tidak ada",
     "title_en": "Seafarer documents or the agency agreement missing"},
    {"code": "p9_not_matching_pk", "title_id": "Penempatan tidak sesuai dengan Perjanjian Kerja",
     "title_en": "Placement not matching the employment contract (PK)"},
    {"code": "p9_immoral_job", "title_id": "Menempatkan pada jabatan yang bertentangan dengan kesusilaan",
     "title_en": "Placement in a job contrary to morality"},
    {"code": "p9_closed_country", "title_id": "Menempatkan ke negara tujuan yang tertutup",
     "title_en": "Placement to a closed destination country"},
)

# Charging a worker placement costs the rules put on the employer or the government: the ground of
# a finding opened from an overcharging flag of the cost ledger (supervision.overcharge_escalate).
COSTS_GROUND = {"code": "costs_charged_to_worker",
                "title_id": "Membebankan biaya penempatan kepada PMI melebihi ketentuan",
                "title_en": "Charging the worker placement costs beyond the rules",
                "legal_basis": "UU 18/2017 Pasal 30 jo. Perban BP2MI 9/2020; Permen P2MI 4/2025"}

DECREE_GROUND = {"code": "decree", "title_id": "Dasar sanksi sebagaimana tercantum dalam keputusan",
                 "title_en": "Ground as stated in the decree", "legal_basis": "Permen P2MI 4/2025"}

# [U] The number of days to top the deposit up after a drawdown: to be confirmed against the text
# of Permen P2MI 31/2025; stored as data so it can be corrected without a code change.
DEPOSIT_RULES: tuple[dict, ...] = (
    {"top_up_days": 30, "valid_from": dt.date(2025, 1, 1), "legal_basis": "Permen P2MI 31/2025 Pasal 23",
     "note": "Jangka waktu pengisian kembali deposito; periksa terhadap teks peraturan."},
)


def seed(SanctionGround, DepositRule) -> None:
    for row in GROUNDS:
        SanctionGround.objects.update_or_create(code=row["code"], defaults={
            "title_id": row["title_id"], "title_en": row["title_en"], "legal_basis": BASIS_P9,
            "valid_from": IN_FORCE, "allowed_steps": ALL_STEPS})
    for row, valid_from in ((COSTS_GROUND, IN_FORCE), (DECREE_GROUND, None)):
        SanctionGround.objects.update_or_create(code=row["code"], defaults={
            "title_id": row["title_id"], "title_en": row["title_en"], "legal_basis": row["legal_basis"],
            "valid_from": valid_from, "allowed_steps": ALL_STEPS})
    for row in DEPOSIT_RULES:
        DepositRule.objects.update_or_create(valid_from=row["valid_from"], legal_basis=row["legal_basis"],
                                             defaults={"top_up_days": row["top_up_days"], "note": row["note"]})
