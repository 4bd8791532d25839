"""Demo population: users for every role, P3MI companies with branches and sanctions, foreign
employers, and synthetic people imported through the real bulk importer."""

import datetime as dt
import random

from lindungi.accounts.models import User
from lindungi.accounts.roles import Role
from lindungi.agencies import services as agency_services
from lindungi.agencies.models import Agency
from lindungi.reference.models import OrgUnit

DEMO_PASSWORD = "lindungi-demo"

# username, role, unit code, first name, last name
DEMO_USERS = [
    ("admin", Role.ADMIN, None, "Admin", "Pusat"),
    ("analis", Role.ANALYST, None, "Analis", "Pusdatin"),
    ("petugas.jabar", Role.UNIT_OFFICER, "BP3MI-JABAR", "Petugas", "BP3MI Jawa Barat"),
    ("petugas.jatim", Role.UNIT_OFFICER, "BP3MI-JATIM", "Petugas", "BP3MI Jawa Timur"),
    ("p3mi.demo", Role.P3MI_STAFF, None, "Staf", "P3MI"),
    ("checkpoint.soetta", Role.CHECKPOINT, "BP3MI-BANTEN", "Petugas", "Bandara Soekarno-Hatta"),
    ("mitra.bpjs", Role.PARTNER_API, None, "Klien API", "BPJS Ketenagakerjaan"),
]

AGENCY_WORDS = ["Karya", "Mitra", "Bina", "Duta", "Sinar", "Putra", "Cahaya", "Anugerah", "Jasa", "Prima",
                "Sejahtera", "Mandiri", "Utama", "Abadi", "Perkasa", "Nusantara", "Bangsa", "Insani", "Tenaga",
                "Global", "Makmur", "Bersama", "Lestari", "Harapan"]
HEAD_OFFICE_REGENCIES = ["3171", "3172", "3173", "3174", "3175", "3201", "3216", "3275", "3578", "3515", "3374",
                         "3372", "3671", "3674", "5171", "5271"]
FOREIGN_EMPLOYERS = [
    ("TW", "legal_entity", "Formosa Precision Manufacturing Co., Ltd."), ("TW", "individual", "Chen Wei-Ling"),
    ("HK", "individual", "Wong Siu Ming"), ("HK", "individual", "Lee Ka Yan"),
    ("MY", "legal_entity", "Sawit Makmur Plantation Sdn. Bhd."), ("MY", "legal_entity", "Penang Electronics Sdn. Bhd."),
    ("SG", "individual", "Tan Mei Hua"), ("KR", "legal_entity", "Hanbit Metal Co."),
    ("JP", "legal_entity", "Sakura Care Service K.K."), ("SA", "legal_entity", "Al Noor Hospitality Co."),
]

# More employers so placements spread over realistic destinations and occupations (individual
# household employers in Taiwan, Hong Kong, Malaysia, Singapore, Brunei; companies elsewhere).
MORE_EMPLOYERS = [
    ("TW", "individual", "Lin Mei-Hua"), ("TW", "individual", "Huang Chih-Ming"),
    ("TW", "legal_entity", "Yong Feng Agricultural Cooperative"), ("HK", "individual", "Chan Tai Man"),
    ("HK", "individual", "Cheung Wing Yee"), ("MY", "individual", "Ahmad bin Ismail"),
    ("MY", "legal_entity", "Johor Food Industries Sdn. Bhd."), ("SG", "individual", "Lim Boon Keng"),
    ("BN", "individual", "Haji Abdul Rahman"), ("BN", "legal_entity", "Seri Begawan Hotel Sdn. Bhd."),
    ("KR", "legal_entity", "Daesung Plastics Co."), ("JP", "legal_entity", "Hokkaido Farm Cooperative"),
    ("JP", "legal_entity", "Osaka Steel Works K.K."), ("SA", "legal_entity", "Riyadh Catering Co."),
    ("DE", "legal_entity", "Klinikum Nord GmbH"),
]


def ensure_employers(actor: User) -> dict[str, list[tuple[str, str]]]:
    """Every demo employer (created when missing), as {ISO2: [(name, legal type)]}."""
    from lindungi.agencies.models import ForeignParty

    have = set(ForeignParty.objects.filter(role=ForeignParty.Role.EMPLOYER).values_list("country__iso2", "name"))
    for iso2, legal_type, name in [*FOREIGN_EMPLOYERS, *MORE_EMPLOYERS]:
        if (iso2, name) not in have:
            agency_services.foreign_party_create(actor=actor, role="employer", legal_type=legal_type, name=name,
                                                 country_iso2=iso2, address="-", via="command", reason="Demo data")
    out: dict[str, list[tuple[str, str]]] = {}
    for iso2, name, legal_type in (ForeignParty.objects.filter(role=ForeignParty.Role.EMPLOYER)
                                   .values_list("country__iso2", "name", "legal_type").order_by("id")):
        out.setdefault(iso2, []).append((name, legal_type))
    return out


# The mapping table as a ministry would start it: labels of the old system and the codes they stand for.
DEMO_MAPPINGS = [
    ("occupation", "Penata Laksana Rumah Tangga (PLRT)", "9111", "Label SISKOP2MI"),
    ("occupation", "Caregiver / Perawat Lansia", "5322", "Label SISKOP2MI"),
    ("occupation", "ABK Perikanan", "8350", "Label SISKOP2MI"),
    ("scheme", "Mandiri", "perseorangan", "Istilah lama"),
    ("scheme", "G to G Korea (EPS-TOPIK)", "g_to_g_korea", ""),
    ("country", "Hongkong", "HK", ""),
    ("country", "Taiwan R.O.C.", "TW", ""),
]


def ensure_mappings(actor: User) -> None:
    """A few entries of the migration mapping table (through the audited service; idempotent)."""
    from lindungi.imports.services import value_mapping_save

    for kind, source, target, note in DEMO_MAPPINGS:
        value_mapping_save(actor=actor, kind=kind, source=source, target=target, note=note, via="command")


def ensure_users(agency: Agency | None) -> list[User]:
    users = []
    for username, role, unit_code, first, last in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, role=role, first_name=first, last_name=last)
            user.set_password(DEMO_PASSWORD)
        user.unit = OrgUnit.objects.filter(code=unit_code).first() if unit_code else None
        user.agency = agency if role == Role.P3MI_STAFF else None
        user.is_staff = user.is_superuser = role == Role.ADMIN
        user.save()
        users.append(user)
    return users


def bootstrap_admin() -> User:
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = User(username="admin", role=Role.ADMIN, first_name="Admin", last_name="Pusat", is_staff=True,
                     is_superuser=True)
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    return admin


def seed_sanctions(actor: User, agencies: list[Agency], *, today: dt.date) -> None:
    """A few sanctions through the workflow: a partial suspension (Singapore only) after two
    clarification rounds, a written warning on an overcharging flag, an open finding, and a deposit
    drawdown paid out to two workers."""
    def step(sanction, name, on, **extra):
        sanction.refresh_from_db()
        return agency_services.sanction_step(
            actor=actor, public_id=sanction.public_id, step=name, expected_version=sanction.version,
            letter_number=extra.pop("letter", f"B.{sanction.pk}.{name}/DJ-PPMI/2026"), letter_date=on,
            reason=extra.pop("reason", "Hasil pemeriksaan"), via="command", **extra)

    opp = agency_services.sanction_open(
        actor=actor, agency_public_id=agencies[1].public_id, ground_code="p9_no_opp", source_kind="case",
        source_reference="PGD/2026/00017", opened_on=today - dt.timedelta(days=80), via="command",
        summary="Dua CPMI tujuan Singapura tidak didaftarkan mengikuti OPP.")
    step(opp, "request_clarification", today - dt.timedelta(days=78), clarification_due=today - dt.timedelta(days=64))
    step(opp, "request_clarification", today - dt.timedelta(days=50), clarification_due=today - dt.timedelta(days=36))
    step(opp, "suspend", today - dt.timedelta(days=21), letter="Kepdirjen Pelindungan 7/2026",
         reason="Tidak mendaftarkan CPMI dalam OPP (Permen P2MI 4/2025 Pasal 9(1))",
         suspended_from=today - dt.timedelta(days=20), suspended_until=today + dt.timedelta(days=70), countries=["SG"])
    overcharge = agency_services.sanction_open(
        actor=actor, agency_public_id=agencies[3].public_id, ground_code="p9_not_matching_pk",
        source_kind="cost_flag", source_reference="Biaya HK/2026/031", via="command",
        opened_on=today - dt.timedelta(days=30), summary="PMI Hong Kong dibebani biaya Rp28 juta di luar PK.")
    step(overcharge, "request_clarification", today - dt.timedelta(days=29),
         clarification_due=today - dt.timedelta(days=15))
    step(overcharge, "issue_warning", today - dt.timedelta(days=10))
    agency_services.sanction_open(
        actor=actor, agency_public_id=agencies[4].public_id, ground_code="p9_selection_not_at_ltsa",
        source_kind="inspection", source_reference="LHP BP3MI Jabar 12/2026", via="command",
        summary="Seleksi CPMI dilakukan di kantor P3MI, tidak di LTSA.")
    drawdown = agency_services.drawdown_request(
        actor=actor, agency_public_id=agencies[2].public_id, proposed_by="perwakilan",
        case_references=["PGD/2025/00412", "PGD/2025/00433"], amount_requested="64000000",
        reason="Gaji dan hak PMI tidak dibayarkan setelah izin dicabut", requested_on=today - dt.timedelta(days=5),
        via="command")
    agency_services.drawdown_decide(actor=actor, agency_public_id=agencies[2].public_id,
                                    public_id=drawdown.public_id, approve=True, letter_number="KEP.DJ/31/2026",
                                    reason="Kasus tidak diselesaikan P3MI", via="command")
    agency_services.drawdown_pay(actor=actor, agency_public_id=agencies[2].public_id, public_id=drawdown.public_id,
                                 payouts=[{"person_reference": "PGD/2025/00412 (PMI Taiwan)", "amount": "36000000"},
                                          {"person_reference": "PGD/2025/00433 (PMI Malaysia)", "amount": "28000000"}],
                                 via="command")


def seed_agencies(actor: User, *, count: int = 30, rng: random.Random) -> list[Agency]:
    agencies = list(Agency.objects.all())
    if agencies:
        return agencies
    today = dt.date.today()
    used_names = set()
    for n in range(count):
        while True:
            name = f"PT {rng.choice(AGENCY_WORDS)} {rng.choice(AGENCY_WORDS)} {rng.choice(AGENCY_WORDS)}"
            if name not in used_names and len(set(name.split())) == 4:
                used_names.add(name)
                break
        issued = today - dt.timedelta(days=rng.randint(100, 1700))
        agency = agency_services.agency_create(
            actor=actor, legal_name=name, sip3mi_number=f"{n + 1:03d}/SIP3MI/{issued.year}",
            licence_issued_on=issued, licence_expires_on=issued + dt.timedelta(days=5 * 365),
            head_office_regency_code=rng.choice(HEAD_OFFICE_REGENCIES), head_office_address=f"Jl. Raya No. {n + 3}",
            paid_up_capital=rng.choice([5_000_000_000, 7_500_000_000, 10_000_000_000]),
            deposit_bank=rng.choice(["Bank Negara Indonesia", "Bank Rakyat Indonesia", "Bank Mandiri"]),
            deposit_amount=1_500_000_000, deposit_holder="Menteri P2MI q.q. " + name,
            deposit_reference=f"DEP-{issued:%Y}-{n + 1:04d}", responsible_officer=f"Direktur {name[3:]}",
            phone=f"021{rng.randint(5_000_000, 8_999_999)}", via="command", reason="Demo data",
        )
        for code in rng.sample(["3209", "3212", "3301", "3302", "3504", "3507", "5203", "1801"], 2):
            agency_services.branch_add(actor=actor, agency_public_id=agency.public_id, regency_code=code,
                                       address="Kantor cabang", via="command", reason="Demo data")
        agencies.append(agency)
    seed_sanctions(actor, agencies, today=today)
    agency_services.agency_revoke(
        actor=actor, public_id=agencies[2].public_id, decree_number="Kepmen P2MI 12/2026",
        reason="Kelebihan biaya penempatan tidak dikembalikan", via="command")
    for iso2, legal_type, name in FOREIGN_EMPLOYERS:
        agency_services.foreign_party_create(actor=actor, role="employer", legal_type=legal_type, name=name,
                                             country_iso2=iso2, address="-", via="command", reason="Demo data")
    return agencies
