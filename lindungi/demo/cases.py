"""Demo complaints, TRC dispatches and arrivals, in the published proportions (domain.md §4 and
§2.10), created through the real services:

- complaints: about 78% non-procedural (Dec 2024: 111 of 142), walk-in the commonest channel, the
  categories of the monthly publication weighted towards going home, unpaid wages and failed
  departure; most cases still in process, a few resolved or closed under Pasal 30;
- TRC dispatches for about a tenth of the cases;
- arrivals: 2023 mix of 21,945 returns — in difficulty 73%, failed candidates 23%, remains 2.6%,
  sick 1.4% — at airports, seaports and land border posts; arrivals of placed workers move the
  placement through its lifecycle.
"""

import datetime as dt
import random

from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.cases import services as case_services
from lindungi.cases.states import CaseState
from lindungi.common.errors import DomainError
from lindungi.demo.names import FAMILY, FEMALE, MALE
from lindungi.placements.models import Placement
from lindungi.placements.states import ABROAD
from lindungi.returns import services as return_services

CATEGORY_WEIGHTS = {
    "ingin_dipulangkan": 22, "gaji_tidak_dibayar": 15, "gagal_berangkat": 12, "meninggal": 6, "sakit": 6,
    "jaminan_sosial": 4, "deportasi": 4, "penipuan_kerja": 6, "perdagangan_orang": 5, "hilang_kontak": 6,
    "kekerasan": 4, "pekerjaan_tidak_sesuai": 3, "tidak_dipulangkan": 2, "overstay": 1, "depresi": 1,
    "phk_sepihak": 1, "kecelakaan_kerja": 1, "pelecehan_seksual": 1,
}
CHANNEL_WEIGHTS = {"walk_in": 40, "hotline": 20, "e_pengaduan": 12, "social_media": 10, "letter": 8, "email": 5,
                   "sms": 5}
STAGE_WEIGHTS = {"registered": 25, "verifying": 25, "clarification": 18, "mediation": 10, "resolved": 8,
                 "closed_admin": 8, "referred": 6}
SUMMARIES = {
    "ingin_dipulangkan": "Pekerja meminta dipulangkan karena majikan tidak memberi libur dan paspor ditahan.",
    "gaji_tidak_dibayar": "Gaji belum dibayar selama beberapa bulan; majikan menjanjikan pembayaran tetapi tidak "
                          "ditepati.",
    "gagal_berangkat": "Sudah membayar biaya ke P3MI tetapi tidak diberangkatkan; meminta pengembalian biaya.",
    "meninggal": "Keluarga menerima kabar pekerja meninggal dunia dan meminta bantuan pemulangan jenazah.",
    "sakit": "Pekerja dirawat di rumah sakit dan tidak dapat bekerja; meminta pemulangan dan biaya perawatan.",
}
# (entry point, kind, unit code, weight)
ENTRY_POINTS = [("Soekarno-Hatta T3", "airport", "BP3MI-BANTEN", 40), ("Juanda", "airport", "BP3MI-JATIM", 15),
                ("Kualanamu", "airport", "BP3MI-SUMUT", 8), ("Pelabuhan Tunon Taka", "seaport", "BP3MI-KALTARA", 15),
                ("PLBN Entikong", "land_border", "P4MI-ENTIKONG", 12), ("Pelabuhan Batam Centre", "seaport",
                                                                         "P4MI-BATAM", 10)]
ARRIVAL_WEIGHTS = {"in_difficulty": 730, "failed_candidate": 230, "deported": 90, "contract_completed": 60,
                   "remains": 26, "sick": 14}


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FEMALE + MALE)} {rng.choice(FAMILY)}"


def seed_cases(*, officers: list[User], admin: User, count: int, rng: random.Random) -> dict[str, int]:
    """``count`` complaints spread over the officers' units, walked to realistic stages."""
    today = timezone.localdate()
    placements = list(Placement.objects.filter(agency__isnull=False).select_related("person", "agency")
                      .order_by("id")[: count * 2])
    made: dict[str, int] = {}
    for n in range(count):
        officer = officers[n % len(officers)]
        category = _pick(rng, CATEGORY_WEIGHTS)
        procedural = rng.random() >= 0.78
        placement = rng.choice(placements) if procedural and placements else None
        data = {
            "channel": _pick(rng, CHANNEL_WEIGHTS), "procedural": "procedural" if procedural else "non_procedural",
            "complainant_name": _name(rng), "complainant_relation": rng.choice(["self", "family", "family"]),
            "complainant_phone": f"08{rng.randint(1_100_000_000, 9_899_999_999)}",
            "worker_name": placement.person.full_name if placement else _name(rng),
            "worker_nik": placement.person.nik if placement else "",
            "summary": SUMMARIES.get(category, "Pengadu melaporkan masalah dan meminta pendampingan."),
            "categories": [category], "country": rng.choice(["MY", "SA", "TW", "HK", "KH", "MM"]) if not placement
            else placement.country.iso2,
            "amount_claimed": str(rng.choice([0, 5_000_000, 12_500_000, 30_000_000])) if category in (
                "gaji_tidak_dibayar", "gagal_berangkat") else "",
            "registered_on": (today - dt.timedelta(days=rng.randint(0, 150))).isoformat(),
            "documents_complete": rng.random() < 0.6,
        }
        if placement is not None:
            data["placement"] = str(placement.public_id)
        case = case_services.case_create(actor=officer, data=data, via="command").case
        stage = _pick(rng, STAGE_WEIGHTS)
        try:
            stage = _walk(case, stage, officer=officer, admin=admin, rng=rng)
        except DomainError:
            stage = case.state
        made[stage] = made.get(stage, 0) + 1
        if rng.random() < 0.1:
            case_services.trc_dispatch_record(actor=officer, case_public_id=case.public_id, via="command", data={
                "team": f"TRC {officer.unit.code}", "place": rng.choice(["Bandara Soekarno-Hatta", "Pelabuhan Batam",
                                                                         "Terminal Kampung Rambutan"]),
                "dispatched_at": timezone.now() - dt.timedelta(days=rng.randint(0, 60)),
                "partner_agencies": "Polri, Imigrasi", "outcome": "Korban didampingi ke shelter."})
    return made


def _walk(case, stage: str, *, officer: User, admin: User, rng: random.Random) -> str:
    step = case_services.case_transition
    if stage == "registered":
        return stage
    step(actor=officer, public_id=case.public_id, to_state=CaseState.VERIFYING, via="command")
    if stage == "closed_admin":
        step(actor=officer, public_id=case.public_id, to_state=CaseState.CLOSED_ADMIN, via="command",
             reason="Pengadu tidak melengkapi dokumen", data={"closure_code": "documents_incomplete"})
        return stage
    if stage == "referred":
        step(actor=officer, public_id=case.public_id, to_state=CaseState.REFERRED, via="command",
             reason="Dugaan TPPO", data={"referral_kind": "police", "referral_agency_name": "Bareskrim Polri"})
        return stage
    if stage == "verifying":
        return stage
    case_services.case_update(actor=officer, public_id=case.public_id, data={"documents_complete": True},
                              via="command")
    addressed = "p3mi" if case.agency_id else "complainant"
    step(actor=officer, public_id=case.public_id, to_state=CaseState.CLARIFICATION, via="command",
         data={"question": "Mohon penjelasan dan bukti pendukung.", "addressed_to": addressed})
    if stage == "clarification":
        return stage
    case_services.clarification_answer(actor=admin, public_id=case.public_id, answer="Jawaban tertulis diterima.",
                                       commitment="Menyelesaikan hak pekerja", via="command")
    step(actor=officer, public_id=case.public_id, to_state=CaseState.MEDIATION, via="command")
    if stage == "mediation":
        return stage
    step(actor=officer, public_id=case.public_id, to_state=CaseState.RESOLVED, via="command",
         data={"mediation_outcome": "Hak pekerja dibayar", "berita_acara_number": f"BA/{rng.randint(1, 999)}/2026",
               "amount_settled": str(rng.choice([5_000_000, 10_000_000]))})
    return stage


def seed_arrivals(*, admin: User, count: int, rng: random.Random) -> dict[str, int]:
    """``count`` arrivals; some are placed workers abroad, whose placement then moves."""
    abroad = list(Placement.objects.filter(state__in=sorted(ABROAD)).order_by("id")[: max(1, count // 5)])
    made: dict[str, int] = {}
    now = timezone.now()
    points = [(e, k, u) for e, k, u, _w in ENTRY_POINTS]
    weights = [w for *_rest, w in ENTRY_POINTS]
    for n in range(count):
        kind = _pick(rng, ARRIVAL_WEIGHTS)
        entry, entry_kind, unit = rng.choices(points, weights=weights)[0]
        placement = abroad.pop() if abroad and kind in ("sick", "remains", "deported", "in_difficulty",
                                                        "contract_completed") and rng.random() < 0.5 else None
        data = {"kind": kind, "entry_point": entry, "entry_point_kind": entry_kind, "unit": unit,
                "arrived_at": now - dt.timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 23)),
                "full_name": placement.person.full_name if placement else _name(rng),
                "country": placement.country.iso2 if placement else rng.choice(["MY", "SA", "TW", "HK"]),
                "reasons": {"deported": ["no_documents", "overstay"], "sick": ["illness"], "remains": ["death"],
                            "contract_completed": ["contract_end"]}.get(kind, ["abuse"] if n % 3 else ["unpaid_wages"]),
                "shelter": "Rumah Ramah" if kind in ("deported", "in_difficulty") else "",
                "handover_to": "family", "handover_name": "Keluarga"}
        if kind == "deported":
            data["splp_number"] = f"SPLP/KJRI-KK/{2026}/{n + 1:04d}"
        if kind == "sick":
            data.update(hospital="RS Polri Kramat Jati", hospital_referral_number=f"RJK/{n + 1}",
                        handover_to="hospital", follow_up="Kontrol rawat jalan dua minggu")
        if kind == "remains":
            data.update(cargo_airway_bill=f"126-{rng.randint(10_000_000, 99_999_999)}", cause_of_death="sakit",
                        handover_to="family")
        if placement is not None:
            data["placement"] = str(placement.public_id)
        return_services.arrival_record(actor=admin, data=data, via="command")
        made[kind] = made.get(kind, 0) + 1
    return made
