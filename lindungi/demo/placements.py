"""Demo placements: verified job orders with SIP2MI for the demo P3MI companies, and placements for
about 60% of the demo people in realistic proportions (domain.md §1.4 and §5: P to P about 80%;
Taiwan, Malaysia, Hong Kong, then Singapore, Korea, Japan lead), at every stage.

Everything goes through the real code paths:

* job orders and SIP2MI through ``placements.services`` (create, verify, issue);
* older placements (departed, abroad, returned, closed) through the historical import
  (``import_placements --mode historical``): they are what a unit moving over from the ministry's
  system brings along, marked as migrated, with their dated timeline;
* current placements through the new-mode import (``placement_create`` and ``checklist_record`` per
  row, every rule) and then ``placement_transition`` step by step along the main path, each step by a
  user who may take it (the P3MI's staff, the unit officer covering the person's province, the
  checkpoint officer; the central administrator otherwise), so the timeline, the SIP2MI quota and the
  audit trail are those of real work.
"""

import csv
import datetime as dt
import itertools
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

from django.core.management import call_command

from lindungi.accounts.models import User
from lindungi.accounts.roles import Role
from lindungi.agencies.models import Agency, ForeignParty
from lindungi.common.errors import DomainError
from lindungi.demo.generator import _SCHEMES_WITH_P3MI, PLACEMENT_COLUMNS, PlacementRowGenerator, _pick
from lindungi.demo.seed import ensure_employers, ensure_mappings
from lindungi.imports.placements import COLUMN_NAMES as IMPORT_COLUMNS
from lindungi.placements import services
from lindungi.placements.models import JobOrder, Placement, Sip2mi
from lindungi.placements.states import MAIN_PATH, TRANSITIONS
from lindungi.registry.models import Person

# Job orders of the demo P3MI: (country, ISCO, employer, position, currency, monthly salary, months, scheme).
JOB_ORDERS = [
    ("TW", "5322", "Chen Wei-Ling", "Caregiver (perawat lansia)", "TWD", "20000", 36, "p_to_p"),
    ("TW", "8212", "Formosa Precision Manufacturing Co., Ltd.", "Electronics assembler", "TWD", "27470", 36,
     "p_to_p"),
    ("HK", "9111", "Wong Siu Ming", "Domestic helper", "HKD", "4990", 24, "p_to_p"),
    ("HK", "5322", "Lee Ka Yan", "Elderly caregiver", "HKD", "5100", 24, "p_to_p"),
    ("MY", "9211", "Sawit Makmur Plantation Sdn. Bhd.", "Plantation worker", "MYR", "1500", 24, "p_to_p"),
    ("MY", "8160", "Johor Food Industries Sdn. Bhd.", "Food processing machine operator", "MYR", "1700", 24,
     "p_to_p"),
    ("SG", "9111", "Tan Mei Hua", "Domestic worker", "SGD", "650", 24, "p_to_p"),
    ("JP", "5321", "Sakura Care Service K.K.", "Care worker (kaigo)", "JPY", "180000", 36, "ssw_japan"),
    ("SA", "9112", "Al Noor Hospitality Co.", "Hotel housekeeping attendant", "SAR", "1500", 24, "p_to_p"),
]
# Current (new-system) placements by target stage, weighted: mostly on the way, a few just gone.
LIVE_STAGES = {"registered": 16, "verified": 12, "selected": 11, "agreement_signed": 11, "documents_verified": 11,
               "orientation_done": 8, "ready_to_depart": 8, "departed": 6, "working_abroad": 8, "withdrawn": 5,
               "failed_medical": 4}
LIVE_SCHEMES = {"p_to_p": 84, "g_to_g_korea": 6, "perseorangan": 5, "ssw_japan": 3, "ukps": 2}
# Migrated records by how many years before this one they began (more of the recent years).
HISTORY_YEARS_BACK = (6, 22, 22, 16, 12, 9, 7, 6)
# Share of placed people whose placement is current (the rest come from the historical system); people
# with a passport on record are likelier to be far along, as documents need it.
LIVE_SHARE_WITH_PASSPORT = 0.4
LIVE_SHARE_WITHOUT_PASSPORT = 0.12


def _progress(done: int, total: int, label: str, stderr) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    stderr.write(f"\r  {label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
    if done >= total:
        stderr.write("\n")


def _age(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def seed_job_orders(admin: User, agencies: list[Agency], *, rng: random.Random, today: dt.date) -> list[Sip2mi]:
    """Verified job orders, each with an active SIP2MI: the full set for the first (demo) P3MI, two
    for each other one, plus one order still awaiting verification. Nothing when job orders exist."""
    if JobOrder.objects.exists():
        return list(Sip2mi.objects.filter(status=Sip2mi.Status.ACTIVE).select_related("job_order"))
    employers = dict(ForeignParty.objects.filter(role=ForeignParty.Role.EMPLOYER).values_list("name", "public_id"))
    permits = []
    serial = itertools.count(1)
    for index, agency in enumerate(agencies):
        templates = JOB_ORDERS if index == 0 else rng.sample(JOB_ORDERS, 2)
        for iso2, isco, employer, title, currency, salary, months, _scheme in templates:
            job_order = services.job_order_create(actor=admin, via="command", data={
                "agency": str(agency.public_id), "employer": str(employers[employer]), "country": iso2,
                "position_title": title, "occupation": isco, "headcount_female": 40, "headcount_any": 40,
                "salary_amount": salary, "salary_currency": currency, "contract_months": months,
                "accommodation": "Disediakan pemberi kerja"})
            job_order = services.job_order_verify(
                actor=admin, public_id=job_order.public_id, via="command",
                verified_on=today - dt.timedelta(days=rng.randint(60, 120)),
                verification_reference=f"KDEI/{iso2}/{today.year}/{next(serial):04d}")
            permits.append(services.sip2mi_issue(
                actor=admin, job_order_public_id=job_order.public_id, via="command",
                number=f"B.{len(permits) + 1:04d}/SIP2MI/{agency.sip3mi_number.split('/')[0]}/{today.year}",
                quota=60, valid_from=today - dt.timedelta(days=50), valid_until=today + dt.timedelta(days=300)))
    services.job_order_create(actor=admin, via="command", data={
        "agency": str(agencies[0].public_id), "employer": str(employers["Chen Wei-Ling"]), "country": "TW",
        "position_title": "Caregiver (perawat lansia)", "occupation": "5322", "headcount_female": 10,
        "salary_amount": "20000", "salary_currency": "TWD", "contract_months": 36})
    return [Sip2mi.objects.select_related("job_order", "job_order__employer", "job_order__country",
                                          "job_order__occupation").get(pk=p.pk) for p in permits]


class _Actors:
    """Who takes each step: the P3MI's own staff, the unit officer covering the person's province,
    the checkpoint officer; the central administrator when no such demo user exists."""

    def __init__(self, admin: User):
        self.admin = admin
        self.staff = {u.agency_id: u for u in User.objects.filter(role=Role.P3MI_STAFF).order_by("id")}
        self.officers = {}
        for user in User.objects.filter(role=Role.UNIT_OFFICER, unit__isnull=False).select_related("unit"):
            for province in user.unit.coverage.values_list("province__code", flat=True):
                if province:
                    self.officers.setdefault(province, user)
        self.checkpoint = User.objects.filter(role=Role.CHECKPOINT).first() or admin

    def for_step(self, permission: str, placement: Placement, province: str) -> User:
        if permission == "placement.step_agency":
            return self.staff.get(placement.agency_id) or self.officers.get(province) or self.admin
        if permission == "placement.step_checkpoint":
            return self.checkpoint
        return self.officers.get(province) or self.admin


def _items_for(stage: str, scheme_items: bool, today: dt.date, rng: random.Random, serial: int,
               passport: str) -> dict:
    """Checklist columns for a placement headed for ``stage`` on the main path (cumulative)."""
    order = {state: i for i, state in enumerate(MAIN_PATH)}
    reach = order[stage]
    out = {}
    if rng.random() < 0.6 or reach >= order["verified"]:
        out.update(medical_issued_on=(today - dt.timedelta(days=rng.randint(5, 40))).isoformat(),
                   medical_number=f"SK-MCU/{serial:05d}")
    if reach >= order["agreement_signed"] and scheme_items:
        out.update(agreement_issued_on=(today - dt.timedelta(days=rng.randint(10, 30))).isoformat(),
                   agreement_number=f"PP/{serial:05d}", agreement_witness="Pengantar Kerja Disnaker")
    if reach >= order["documents_verified"]:
        out.update(passport_number=passport, competency_issued_on=(today - dt.timedelta(days=45)).isoformat(),
                   competency_number=f"LSP/{serial:05d}",
                   bpjs_issued_on=(today - dt.timedelta(days=rng.randint(3, 20))).isoformat(),
                   bpjs_number=f"BPJS{serial:08d}", visa_issued_on=(today - dt.timedelta(days=7)).isoformat(),
                   visa_number=f"V{serial:07d}", visa_valid_until=(today + dt.timedelta(days=800)).isoformat(),
                   pk_issued_on=(today - dt.timedelta(days=10)).isoformat(), pk_number=f"PK/{serial:05d}",
                   pk_verified_on=(today - dt.timedelta(days=6)).isoformat())
    if reach >= order["orientation_done"]:
        out.update(opp_issued_on=(today - dt.timedelta(days=3)).isoformat(), opp_number=f"OPP/{serial:05d}")
    if reach >= order["ready_to_depart"]:
        out.update(epmi_issued_on=(today - dt.timedelta(days=2)).isoformat(), epmi_number=f"EPMI{serial:08d}")
    return out


def seed_placements(*, admin: User, share: float = 0.6, rng: random.Random, stdout=None, stderr=None,
                    today: dt.date | None = None) -> Counter:
    """Job orders, then placements for ``share`` of the people who have none; returns the count per
    state of every placement."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    today = today or dt.date.today()
    employers = ensure_employers(admin)
    ensure_mappings(admin)
    staffed_ids = list(User.objects.filter(role=Role.P3MI_STAFF, agency__isnull=False)
                       .order_by("id").values_list("agency_id", flat=True))
    agencies = [a for a in Agency.objects.filter(pk__in=staffed_ids, status="active")]
    agencies.sort(key=lambda a: staffed_ids.index(a.pk))
    if not agencies:
        return Counter()
    permits = seed_job_orders(admin, agencies, rng=rng, today=today)
    permits_by_agency: dict[int, list[Sip2mi]] = {}
    for permit in permits:
        permits_by_agency.setdefault(permit.job_order.agency_id, []).append(permit)
    all_sip3mi = list(Agency.objects.values_list("sip3mi_number", flat=True))
    sip3mi = {a.pk: a.sip3mi_number for a in Agency.objects.all()}
    legal = {iso2: [n for n, t in names if t == "legal_entity"] for iso2, names in employers.items()}

    people = list(Person.objects.filter(merged_into__isnull=True, placements__isnull=True)
                  .order_by("id").values_list("id", "nik", "birth_date", "education", "agency_id",
                                              "regency__code"))
    passports = dict(Person.objects.filter(passports__is_current=True).values_list("id", "passports__number"))
    chosen = rng.sample(people, round(len(people) * share))
    history = PlacementRowGenerator(employers=employers, agencies=all_sip3mi, seed=rng.randint(1, 10**6), today=today)
    historical_rows, live_rows, plans = [], [], {}
    for n, (pk, nik, birth, education, agency_id, regency) in enumerate(chosen, start=1):
        if rng.random() < (LIVE_SHARE_WITH_PASSPORT if pk in passports else LIVE_SHARE_WITHOUT_PASSPORT):
            row, plan = _live_row(n, nik, birth, education, agency_id, passports.get(pk), regency, rng, today,
                                  permits_by_agency, permits, legal)
            if row is not None:
                live_rows.append(row)
                plans[nik] = plan
                if rng.random() < 0.15 and today.year - 3 >= birth.year + 19:  # went before, came back
                    historical_rows.append(history.historical(
                        nik=nik, year=rng.randint(max(birth.year + 19, today.year - 8), today.year - 3),
                        scheme="p_to_p", state="returnee", agency=sip3mi.get(agency_id), birth_date=birth))
                continue
        years_back = rng.choices(range(len(HISTORY_YEARS_BACK)), HISTORY_YEARS_BACK)[0]
        year = min(today.year - 1, max(birth.year + 19, today.year - years_back))
        scheme = history.scheme()
        historical_rows.append(history.historical(nik=nik, year=year, scheme=scheme, birth_date=birth,
                                                  agency=sip3mi.get(agency_id) if scheme in _SCHEMES_WITH_P3MI
                                                  and agency_id and rng.random() < 0.8 else None))

    with tempfile.TemporaryDirectory() as tmp:
        if historical_rows:
            path = Path(tmp) / "sisko-historical.csv"
            _write(path, PLACEMENT_COLUMNS, historical_rows)
            call_command("import_placements", str(path), user=admin.username, mode="historical",
                         stdout=stdout, stderr=stderr)
        if live_rows:
            path = Path(tmp) / "new-placements.csv"
            _write(path, [c for c in IMPORT_COLUMNS if any(c in r for r in live_rows)], live_rows)
            call_command("import_placements", str(path), user=admin.username, mode="new",
                         stdout=stdout, stderr=stderr)
    _advance(plans, admin=admin, stderr=stderr)
    return Counter(Placement.objects.values_list("state", flat=True))


def _write(path: Path, columns: list[str], rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _live_row(serial, nik, birth, education, agency_id, passport, regency, rng, today, permits_by_agency,
              permits, legal) -> tuple[dict | None, dict]:
    stage = _pick(rng, LIVE_STAGES)
    if stage == "withdrawn":  # withdrawn after reaching one of the early stages
        path_end = rng.choice(["registered", "verified", "selected", "agreement_signed"])
    elif stage == "failed_medical":
        path_end = rng.choice(["selected", "agreement_signed"])
    else:
        path_end = stage
    if not passport and MAIN_PATH.index(path_end) > MAIN_PATH.index("agreement_signed"):
        stage = path_end = rng.choice(["verified", "selected", "agreement_signed"])
    scheme = _pick(rng, LIVE_SCHEMES)
    age = _age(birth, today)
    if scheme == "g_to_g_korea" and (age > 39 or education in ("none", "sd")):
        scheme = "p_to_p"
    start = today + dt.timedelta(days=rng.randint(30, 90))
    if stage in ("departed", "working_abroad"):
        start = today + dt.timedelta(days=rng.randint(0, 3))
    row = {"nik": nik, "scheme": scheme, "contract_start": start.isoformat()}
    if scheme in ("p_to_p", "ssw_japan"):
        wanted = "ssw_japan" if scheme == "ssw_japan" else None
        candidates = [p for p in permits_by_agency.get(agency_id, permits)
                      if (wanted is None) == (p.job_order.country.iso2 != "JP")] or \
            [p for p in permits if (wanted is None) == (p.job_order.country.iso2 != "JP")]
        if not candidates:
            return None, {}
        permit = rng.choice(candidates)
        months = permit.job_order.contract_months
        row["sip2mi"] = permit.number
    elif scheme == "g_to_g_korea":
        months = 36
        row.update(country="KR", occupation=rng.choice(["8121", "7223", "8212", "9329"]),
                   employer=rng.choice(legal.get("KR") or [""]))
    else:  # perseorangan, ukps: an employer that is a legal entity
        iso2 = rng.choice(["TW", "MY", "JP", "SA"] if scheme == "perseorangan" else ["MY", "SA"])
        months = 24
        row.update(country=iso2, occupation={"TW": "8212", "MY": "8189", "JP": "7212", "SA": "5120"}[iso2],
                   employer=rng.choice(legal.get(iso2) or [""]))
    end = start + dt.timedelta(days=round(months * 30.44) - 1)
    row["contract_end"] = end.isoformat()
    row.update(_items_for(path_end, scheme not in ("perseorangan", "ukps"), today, rng, serial, passport or ""))
    return row, {"stage": stage, "path_end": path_end, "province": regency[:2]}


def _advance(plans: dict, *, admin: User, stderr) -> None:
    """Walk each new placement to its target stage through ``placement_transition``."""
    if not plans:
        return
    actors = _Actors(admin)
    placements = (Placement.objects.filter(migrated=False, state="registered", person__nik__in=list(plans))
                  .select_related("person"))
    refused = Counter()
    total = len(plans)
    for done, placement in enumerate(placements, start=1):
        plan = plans[placement.person.nik]
        stage, province = plan["stage"], plan["province"]
        exit_reason = {"withdrawn": "Calon PMI mengundurkan diri (alasan keluarga)",
                       "failed_medical": "Hasil pemeriksaan kesehatan: unfit (TB paru)"}.get(stage, "")
        path = MAIN_PATH[: MAIN_PATH.index(plan["path_end"]) + 1]
        steps = list(itertools.pairwise(path))
        if exit_reason:
            steps.append((path[-1], stage))
        for from_state, to_state in steps:
            rule = TRANSITIONS[(from_state, to_state)]
            try:
                placement = services.placement_transition(
                    actor=actors.for_step(rule.permission, placement, province), public_id=placement.public_id,
                    to_state=to_state, via="command", reason=exit_reason if rule.needs_reason else "",
                    identifier={"nik": placement.person.nik}).placement  # as a checkpoint officer looks it up
            except DomainError as exc:
                refused[f"{rule.name}: {exc.message[:80]}"] += 1
                break
        if done % 50 == 0 or done == total:
            _progress(done, total, "advancing placements", stderr)
    for message, count in refused.most_common(5):
        stderr.write(f"  {count} placement(s) stopped at {message}\n")
