"""Demo departures: five checkpoint posts with an officer each, watch-list entries, a day of
departure checks with realistic outcomes (cleared workers who depart, unregistered travellers,
placements not ready, watch-list hits) and interceptions of non-procedural groups. Everything goes
through the departures services, as an officer at the desk would."""

import datetime as dt
import random
from collections import Counter

from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.accounts.roles import Role
from lindungi.common.errors import DomainError
from lindungi.demo.seed import DEMO_PASSWORD
from lindungi.departures import services
from lindungi.departures.models import DepartureCheck
from lindungi.placements.models import Placement
from lindungi.placements.states import PlacementState as S
from lindungi.registry.models import Person

VIA = "command"

# code, name, kind, regency (Kemendagri), officer username, flights (destination, number)
POSTS = [
    ("TPI-CGK", "Bandara Internasional Soekarno-Hatta", "airport", "3671", "checkpoint.soetta",
     [("TW", "CI 762"), ("HK", "CX 718"), ("MY", "MH 720"), ("SG", "SQ 957"), ("JP", "GA 874"), ("SA", "SV 817"),
      ("KR", "GA 878"), ("KH", "QZ 7712")]),
    ("TPI-SUB", "Bandara Internasional Juanda", "airport", "3515", "checkpoint.juanda",
     [("HK", "CX 780"), ("TW", "CI 752"), ("MY", "AK 375"), ("SG", "SQ 931")]),
    ("TPI-KNO", "Bandara Internasional Kualanamu", "airport", "1207", "checkpoint.kualanamu",
     [("MY", "AK 1353"), ("SG", "TR 2285")]),
    ("TPI-BTM", "Terminal Feri Internasional Batam Centre", "seaport", "2171", "checkpoint.batam",
     [("SG", "BTC 0830"), ("MY", "BTC 1015")]),
    ("PLBN-ENT", "PLBN Entikong", "land", "6103", "checkpoint.entikong", [("MY", "DAMRI 07")]),
]

WATCH = [
    ("recruiter", "Hendra alias Bang Jago", "Sponsor rombongan CPMI nonprosedural ke Kamboja; ditangkap Polresta "
     "Bandara 2025, berkas di Bareskrim."),
    ("recruiter", "Yuliani binti Marzuki", "Membiayai tiket dan paspor 14 calon pekerja; menjanjikan kerja di kasino "
     "Sihanoukville."),
    ("traveller", "Siti Rohmah", "Tiga kali ditunda keberangkatannya (Sep 2025, Jan 2026, Mar 2026) dengan alasan "
     "wisata ke Malaysia."),
    ("traveller", "Dedi Kurniawan", "Dua kali dicegah dengan visa kunjungan; mengaku magang ke Jepang."),
]

INTERCEPTIONS = [
    {"destination": "KH", "flight": "QZ 7712", "declared_purpose": "tourism", "route": "CGK – KUL – PNH",
     "transit_countries": ["MY"], "cover_story": "Berlibur ke Phnom Penh bersama teman kerja; tiket dibelikan "
     "sponsor.", "suspected_recruiter": "Hendra alias Bang Jago", "outcome": "handed_to_bp2mi", "size": 4},
    {"destination": "MY", "flight": "AK 1353", "declared_purpose": "pilgrimage", "route": "KNO – KUL",
     "cover_story": "Ziarah ke makam keluarga di Johor; tidak dapat menyebut alamat keluarga.",
     "suspected_recruiter": "", "outcome": "postponed", "size": 2},
    {"destination": "JP", "flight": "GA 874", "declared_purpose": "internship", "route": "CGK – NRT",
     "cover_story": "Magang di pabrik pengolahan ikan; tidak ada kontrak atau surat LPK.",
     "suspected_recruiter": "LPK Sakura Mandiri (tidak terdaftar)", "outcome": "referred_to_police", "size": 3},
    {"destination": "MY", "flight": "DAMRI 07", "declared_purpose": "family_visit", "route": "Entikong – Tebedu – "
     "Kuching", "cover_story": "Mengunjungi saudara di Kuching; membawa pakaian kerja kebun.",
     "suspected_recruiter": "Pak Udin (calo Sanggau)", "outcome": "handed_to_bp2mi", "size": 2},
]


def ensure_posts(admin: User) -> dict[str, User]:
    officers = {}
    for code, name, kind, regency, username, _flights in POSTS:
        services.checkpoint_post_ensure(actor=admin, code=code, name=name, kind=kind, regency_code=regency, via=VIA)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, role=Role.CHECKPOINT, first_name="Petugas", last_name=name[:150])
            user.set_password(DEMO_PASSWORD)
            user.save()
        services.post_assign(actor=admin, username=username, post_code=code, via=VIA)
        officers[code] = user
    return officers


def _nik(rng: random.Random) -> str:
    """A well-formed NIK of nobody on record (regency 3201, a woman born in the 1990s)."""
    return f"320101{rng.randint(41, 68):02d}{rng.randint(1, 12):02d}9{rng.randint(0, 9)}{rng.randint(9000, 9999)}"


def seed_departures(*, admin: User, rng: random.Random, checks: int = 120) -> Counter:
    """A day at the five posts. Returns counts by outcome."""
    if DepartureCheck.objects.exists():
        return Counter()
    officers = ensure_posts(admin)
    today = timezone.localdate()
    people = list(Person.objects.filter(merged_into__isnull=True).order_by("?").values_list("nik", flat=True)[:400])
    ready = list(Placement.objects.filter(state=S.READY_TO_DEPART, migrated=False)
                 .select_related("person", "country").order_by("?")[:checks // 2])
    not_ready = list(Placement.objects.filter(state__in=[S.ORIENTATION_DONE, S.DOCUMENTS_VERIFIED], migrated=False)
                     .select_related("person", "country").order_by("?")[:checks // 6])
    watched = people[:2]  # two registered people are repeat travellers on the watch list
    for i, (kind, name, reason) in enumerate(WATCH):
        nik = watched[i - 2] if kind == "traveller" and i - 2 < len(watched) else _nik(rng)
        services.watchlist_add(actor=officers["TPI-CGK"], via=VIA, data={
            "kind": kind, "full_name": name, "reason": reason, "nik": nik,
            "valid_until": (today + dt.timedelta(days=rng.choice([180, 365, 730]))).isoformat()})
    outcomes: Counter = Counter()

    def check(post_code: str, identifier: str, destination: str, flight: str, *, depart: bool = False) -> None:
        try:
            row, _ = services.departure_check_record(actor=officers[post_code], via=VIA, data={
                "identifier": identifier, "destination": destination, "flight": flight,
                "travel_date": today.isoformat()})
            outcomes[row.verdict] += 1
            if depart and row.verdict == "cleared":
                services.departure_check_depart(actor=officers[post_code], public_id=row.public_id, via=VIA)
                outcomes["departed"] += 1
        except DomainError:
            outcomes["refused_input"] += 1

    def flight_to(iso2: str) -> tuple[str, str]:
        for code, *_rest, flights in POSTS:
            for destination, number in flights:
                if destination == iso2:
                    return code, number
        code, *_rest, flights = POSTS[0]
        return code, flights[0][1]

    for placement in ready:
        post_code, flight = flight_to(placement.country.iso2)
        check(post_code, placement.person.nik, placement.country.iso2, flight, depart=rng.random() < 0.7)
    for placement in not_ready:
        post_code, flight = flight_to(placement.country.iso2)
        check(post_code, placement.person.nik, placement.country.iso2, flight)
    for nik in watched:
        check("TPI-CGK", nik, "MY", "MH 720")
    for _ in range(max(0, checks - len(ready) - len(not_ready) - len(watched))):
        code, *_rest, flights = rng.choice(POSTS)
        destination, number = rng.choice(flights)
        check(code, _nik(rng) if rng.random() < 0.6 else rng.choice(people), destination, number)
    for group in INTERCEPTIONS:
        code = next(p[0] for p in POSTS if any(f[1] == group["flight"] for f in p[5]))
        travellers = [{"full_name": f"{rng.choice(['Sri', 'Nur', 'Dewi', 'Rina', 'Agus', 'Budi'])} "
                                    f"{rng.choice(['Wahyuni', 'Lestari', 'Hidayat', 'Santoso', 'Rahayu'])}",
                       "nik": _nik(rng)} for _ in range(group["size"])]
        data = {k: v for k, v in group.items() if k != "size"}
        services.interception_record(actor=officers[code], via=VIA, data={**data, "travellers": travellers})
        outcomes["intercepted"] += group["size"]
    return outcomes
