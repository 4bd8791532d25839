"""Bulk imports through the domain, each beside a floor that bulk-inserts the same rows, interleaved
and repeated in one run.

Two measurements on one database:

- **people**: ``import_persons`` on a CSV (20,000 rows by default, ``--compare-people``; streamed
  file, every row through ``registry.bulk.person_bulk_create``: validation, scope, company, person,
  name tokens, passport, ``person.created`` audit event, chunk bookkeeping) against a floor that
  ``bulk_create``s the same person, token, passport and audit rows, already parsed, in chunks of
  2,000 in one transaction each;
- **new placements**: ``import_placements --mode new`` on an N-row CSV of new placements with their
  checklist items (through ``placements.bulk.placement_bulk_create``: every rule of
  ``placement_create`` and ``checklist_record``, the selection guards, the placement, items and
  audit rows) against a floor that ``bulk_create``s the same placement, item and audit rows.

Each repetition runs the floor and the candidate back to back, emptying what the previous run wrote
first, so both see the same database; the median and the spread (min–max) of rows/s are reported.

    .venv/bin/python bench/bench_import.py --backend sqlite --rows 100000 --repeat 3
"""

import argparse
import csv
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DATA, PY, ROOT, backend_env, reset_database, save  # noqa: E402

USER = "bench.admin"
CHUNK = 2000
PLACEMENT_HEADER = ["nik", "scheme", "sip2mi", "country", "occupation", "contract_start", "contract_end",
                    "medical_issued_on", "medical_number", "agreement_issued_on", "agreement_number",
                    "agreement_witness", "bpjs_issued_on", "bpjs_number", "passport_number"]


# --- set-up (inside Django) ------------------------------------------------------------------------

def setup(rows: int, placement_rows: int, people_path: Path, placements_path: Path, seed: int,
          compare_path: Path, compare_rows: int) -> None:
    """Users, companies, employers, verified job orders with SIP2MI, and the two CSV files."""
    from lindungi.accounts.models import User
    from lindungi.demo.generator import COLUMNS, PersonRowGenerator
    from lindungi.demo.seed import ensure_employers, seed_agencies
    from lindungi.placements import services
    from lindungi.reference.models import Regency

    admin = User.objects.filter(username=USER).first()
    if admin is None:
        admin = User(username=USER, role="admin", is_staff=True, is_superuser=True)
        admin.set_password("bench-" + os.urandom(8).hex())
        admin.save()
    rng = random.Random(seed)
    agencies = [a for a in seed_agencies(admin, rng=rng)][3:13]  # in good standing
    employers = ensure_employers(admin)
    from lindungi.agencies.models import ForeignParty

    today = dt.date.today()
    permits = []
    for n, agency in enumerate(agencies):
        iso2 = ("TW", "HK", "MY", "SG")[n % 4]
        employer = ForeignParty.objects.filter(role="employer", country__iso2=iso2).order_by("id").first()
        if employer is None:
            continue
        job_order = services.job_order_create(actor=admin, data={
            "agency": str(agency.public_id), "employer": str(employer.public_id), "country": iso2,
            "position_title": "Caregiver", "occupation": "5322", "headcount_any": rows + 10,
            "salary_amount": "20000", "salary_currency": "TWD", "contract_months": 24}, via="command")
        services.job_order_verify(actor=admin, public_id=job_order.public_id, verified_on=today - dt.timedelta(days=9),
                                  verification_reference=f"KDEI/{n}")
        permits.append(services.sip2mi_issue(
            actor=admin, job_order_public_id=job_order.public_id, number=f"SIP2MI/BENCH/{n:03d}", quota=rows + 10,
            valid_from=today - dt.timedelta(days=5), valid_until=today + dt.timedelta(days=300)).number)
    assert permits and employers

    regencies: dict[str, list[str]] = {}
    for code in Regency.objects.filter(valid_to__isnull=True).values_list("code", flat=True):
        regencies.setdefault(code[:2], []).append(code)
    with open(compare_path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(PersonRowGenerator(regencies, seed=seed + 1).rows(compare_rows))
    with open(people_path, "w", newline="") as people_file, open(placements_path, "w", newline="") as p_file:
        people = csv.DictWriter(people_file, fieldnames=COLUMNS)
        people.writeheader()
        placements = csv.DictWriter(p_file, fieldnames=PLACEMENT_HEADER, restval="")
        placements.writeheader()
        for index, row in enumerate(PersonRowGenerator(regencies, seed=seed).rows(rows)):
            people.writerow(row)
            if index >= placement_rows:
                continue
            start = today + dt.timedelta(days=rng.randint(40, 120))
            out = {"nik": row["nik"], "contract_start": start.isoformat(),
                   "contract_end": (start + dt.timedelta(days=729)).isoformat(),
                   "medical_issued_on": (today - dt.timedelta(days=rng.randint(1, 40))).isoformat(),
                   "medical_number": f"MCU-{rng.randint(1, 10**8)}",
                   "bpjs_issued_on": (today - dt.timedelta(days=rng.randint(1, 40))).isoformat(),
                   "bpjs_number": f"BPJS-{rng.randint(1, 10**8)}"}
            if rng.random() < 0.7:
                out.update(scheme="p_to_p", sip2mi=rng.choice(permits),
                           agreement_issued_on=(today - dt.timedelta(days=rng.randint(1, 20))).isoformat(),
                           agreement_number=f"PP-{rng.randint(1, 10**8)}", agreement_witness="Disnaker Kab. Bogor")
            else:
                out.update(scheme="g_to_g_korea", country="KR", occupation="8160")
            if row.get("passport_number"):
                out["passport_number"] = row["passport_number"]
            placements.writerow(out)


# --- the two sides (inside Django) -----------------------------------------------------------------

def _empty(models_in_order) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models_in_order:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def _empty_people() -> None:
    from lindungi.audit.models import AuditEvent
    from lindungi.imports.models import ImportBatch, ImportRowError
    from lindungi.registry.models import DuplicateCandidate, Passport, Person, PersonNameToken

    _empty([ImportRowError, PersonNameToken, Passport, DuplicateCandidate, Person, ImportBatch])
    AuditEvent.objects.filter(action__in=["person.created", "import.chunk_committed", "import.created",
                                          "import.finished"]).delete()


def _empty_placements() -> None:
    from lindungi.audit.models import AuditEvent
    from lindungi.imports.models import ImportBatch, ImportRowError
    from lindungi.placements.models import ChecklistItem, Placement, PlacementTransition

    _empty([ImportRowError, ChecklistItem, PlacementTransition, Placement])
    ImportBatch.objects.filter(kind="placements").delete()
    AuditEvent.objects.exclude(object_type__in=["agency", "foreignparty", "joborder", "sip2mi", "person"]).delete()


def _chunks(rows):
    for start in range(0, len(rows), CHUNK):
        yield rows[start:start + CHUNK]


def people_floor_rows(path: Path, admin):
    """What the import writes for each person, parsed beforehand: the floor only inserts."""
    from lindungi.common.text import name_key
    from lindungi.reference.models import Regency
    from lindungi.registry.models import token_rows_for

    regencies = dict(Regency.objects.values_list("code", "id"))
    out = []
    with open(path) as handle:
        for r in csv.DictReader(handle):
            person = {"nik": r["nik"], "full_name": r["full_name"], "name_key": name_key(r["full_name"]),
                      "sex": r["sex"], "birth_date": dt.date.fromisoformat(r["birth_date"]),
                      "birth_place": r["birth_place"], "address": r["address"],
                      "regency_id": regencies[r["regency_code"]], "education": r["education"],
                      "marital_status": r["marital_status"], "religion": r["religion"], "phone": r["phone"],
                      "created_by_id": admin.pk}
            passport = None
            if r.get("passport_number"):
                passport = {"number": r["passport_number"], "issuing_office": r["passport_office"],
                            "issue_date": dt.date.fromisoformat(r["passport_issue_date"]),
                            "expiry_date": dt.date.fromisoformat(r["passport_expiry_date"])}
            tokens = token_rows_for(person_id=0, full_name=r["full_name"], regency_id=person["regency_id"],
                                    agency_id=None)
            out.append((person, tokens, passport))
    return out


def people_floor(rows, admin) -> None:
    from django.db import transaction

    from lindungi.audit.models import AuditEvent
    from lindungi.registry.models import Passport, Person, PersonNameToken

    for chunk in _chunks(rows):
        with transaction.atomic():
            people = Person.objects.bulk_create([Person(**p) for p, _t, _pp in chunk])
            ids = dict(Person.objects.filter(nik__in=[p.nik for p in people]).values_list("nik", "id"))
            tokens, passports, audit = [], [], []
            for person, person_tokens, passport in chunk:
                pk = ids[person["nik"]]
                tokens.extend(PersonNameToken(**dict(t, person_id=pk)) for t in person_tokens)
                if passport:
                    passports.append(Passport(person_id=pk, **passport))
                audit.append(AuditEvent(actor=admin, action="person.created", object_type="person", object_id=pk,
                                        changes={"nik": [None, person["nik"]]}, via="import"))
            PersonNameToken.objects.bulk_create(tokens)
            Passport.objects.bulk_create(passports)
            AuditEvent.objects.bulk_create(audit)


def placement_floor_rows(path: Path, admin):
    from lindungi.placements.models import Sip2mi
    from lindungi.reference.models import Country, Occupation
    from lindungi.registry.models import Passport, Person

    people = dict(Person.objects.values_list("nik", "id"))
    permits = {s.number: s for s in Sip2mi.objects.select_related("job_order")}
    countries = dict(Country.objects.values_list("iso2", "id"))
    occupations = dict(Occupation.objects.values_list("isco_code", "id"))
    passports = {n: (i, e) for n, i, e in Passport.objects.values_list("number", "issue_date", "expiry_date")}
    out = []
    with open(path) as handle:
        for r in csv.DictReader(handle):
            placement = {"person_id": people[r["nik"]], "contract_start": dt.date.fromisoformat(r["contract_start"]),
                         "contract_end": dt.date.fromisoformat(r["contract_end"]), "created_by_id": admin.pk}
            if r["sip2mi"]:
                permit = permits[r["sip2mi"]]
                jo = permit.job_order
                placement.update(scheme_code="p_to_p", sip2mi_id=permit.pk, job_order_id=jo.pk, agency_id=jo.agency_id,
                                 employer_id=jo.employer_id, country_id=jo.country_id, occupation_id=jo.occupation_id,
                                 sector="informal")
            else:
                placement.update(scheme_code="g_to_g_korea", country_id=countries["KR"],
                                 occupation_id=occupations["8160"], sector="formal")
            items = [("medical_fitness", r["medical_number"], dt.date.fromisoformat(r["medical_issued_on"]), None, {}),
                     ("bpjs_membership", r["bpjs_number"], dt.date.fromisoformat(r["bpjs_issued_on"]), None, {})]
            if r["agreement_number"]:
                items.append(("placement_agreement", r["agreement_number"],
                              dt.date.fromisoformat(r["agreement_issued_on"]), None,
                              {"witnessed_by": r["agreement_witness"]}))
            if r["passport_number"]:
                issued, expiry = passports[r["passport_number"]]
                items.append(("passport", r["passport_number"], issued, expiry, {}))
            out.append((placement, items))
    return out


def placement_floor(rows, admin) -> None:
    from django.db import transaction

    from lindungi.audit.models import AuditEvent
    from lindungi.placements.models import ChecklistItem, Placement, Scheme

    schemes = dict(Scheme.objects.values_list("code", "id"))
    for chunk in _chunks(rows):
        with transaction.atomic():
            keys = []
            objs = []
            for placement, _items in chunk:
                values = dict(placement)
                key = uuid.uuid4()
                keys.append(key)
                objs.append(Placement(public_id=key, scheme_id=schemes[values.pop("scheme_code")], **values))
            Placement.objects.bulk_create(objs)
            ids = dict(Placement.objects.filter(public_id__in=keys).values_list("public_id", "id"))
            items, audit = [], []
            for key, (_placement, placement_items) in zip(keys, chunk, strict=True):
                pk = ids[key]
                audit.append(AuditEvent(actor=admin, action="placement.created", object_type="placement",
                                        object_id=pk, changes={"state": [None, "registered"]}, via="import"))
                for kind, number, issued, valid, details in placement_items:
                    items.append(ChecklistItem(placement_id=pk, kind=kind, reference_number=number, issued_on=issued,
                                               valid_until=valid, details=details, recorded_by=admin))
                    audit.append(AuditEvent(actor=admin, action="placement.checklist_recorded",
                                            object_type="placement", object_id=pk,
                                            changes={kind: [None, {"reference_number": number}]}, via="import"))
            ChecklistItem.objects.bulk_create(items)
            AuditEvent.objects.bulk_create(audit)


def _import(command: str, path: Path, *extra: str) -> dict:
    from io import StringIO

    from django.core.management import call_command

    from lindungi.imports.models import ImportBatch

    call_command(command, str(path), "--user", USER, "--no-progress", *extra, stdout=StringIO(), stderr=StringIO())
    batch = ImportBatch.objects.order_by("-id").first()
    return {"imported": batch.imported_rows, "errors": batch.error_rows, "existing": batch.existing_rows}


def _timed(fn, *args) -> tuple[tuple[float, float], object]:
    """(wall seconds, this process's CPU seconds) and the result. On a shared machine the CPU time
    is the steadier figure; on PostgreSQL it leaves out the server's work."""
    started, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return (time.perf_counter() - started, time.process_time() - cpu), result


def _summary(rows: int, timings: list[tuple[float, float]]) -> dict:
    rates = sorted(rows / wall for wall, _cpu in timings)
    cpu_rates = sorted(rows / cpu for _wall, cpu in timings)
    return {"runs_rows_per_s": [round(r) for r in rates], "median_rows_per_s": round(statistics.median(rates)),
            "spread": [round(rates[0]), round(rates[-1])],
            "median_rows_per_cpu_s": round(statistics.median(cpu_rates)),
            "cpu_spread": [round(cpu_rates[0]), round(cpu_rates[-1])]}


def _ratio(side: dict) -> dict:
    return {key: round(side["import"][key] / side["floor"][key], 3)
            for key in ("median_rows_per_s", "median_rows_per_cpu_s")}


def measure(rows: int, placement_rows: int, repeat: int, people_path: Path, placements_path: Path,
            compare_path: Path, compare_rows: int) -> dict:
    from django.db import connection

    from lindungi.accounts.models import User

    admin = User.objects.get(username=USER)
    result = {"people_rows": rows, "placement_rows": placement_rows, "people_compared_rows": compare_rows,
              "repeat": repeat, "vendor": connection.vendor}

    floor_rows = people_floor_rows(compare_path, admin)
    people = {"floor": [], "import": []}
    outcome = None
    for _ in range(repeat):
        _empty_people()
        people["floor"].append(_timed(people_floor, floor_rows, admin)[0])
        _empty_people()
        timing, outcome = _timed(_import, "import_persons", compare_path)
        people["import"].append(timing)
    result["people"] = {"import": _summary(compare_rows, people["import"]),
                        "floor": _summary(compare_rows, people["floor"]), "outcome": outcome}
    result["people"]["ratio_median"] = _ratio(result["people"])
    _empty_people()
    timing, outcome = _timed(_import, "import_persons", people_path)  # the people the placements name
    result["people_for_placements"] = {"import": _summary(rows, [timing]), "outcome": outcome}

    floor_rows = placement_floor_rows(placements_path, admin)
    placements = {"floor": [], "import": []}
    for _ in range(repeat):
        _empty_placements()
        placements["floor"].append(_timed(placement_floor, floor_rows, admin)[0])
        _empty_placements()
        timing, outcome = _timed(_import, "import_placements", placements_path, "--mode", "new")
        placements["import"].append(timing)
    result["new_placements"] = {"import": _summary(placement_rows, placements["import"]),
                                "floor": _summary(placement_rows, placements["floor"]), "outcome": outcome}
    result["new_placements"]["ratio_median"] = _ratio(result["new_placements"])
    return result


def _paths(rows: int, placement_rows: int, compare_rows: int) -> tuple[Path, Path, Path]:
    return (DATA / f"import-people-{rows}.csv", DATA / f"import-placements-new-{placement_rows}-of-{rows}.csv",
            DATA / f"import-people-compared-{compare_rows}.csv")


def run(backend: str, rows: int, placement_rows: int | None = None, *, repeat: int = 3, seed: int = 11,
        compare_rows: int = 20_000) -> dict:
    """Fresh database, set-up, then the interleaved measurements (each phase in its own process)."""
    placement_rows = min(rows, 100_000) if placement_rows is None else placement_rows
    reset_database(backend)
    env = backend_env(backend)
    common = ["--rows", str(rows), "--placements", str(placement_rows), "--seed", str(seed), "--backend", backend,
              "--repeat", str(repeat), "--compare-people", str(compare_rows)]
    for phase in ("setup", "measure"):
        subprocess.run([PY, str(Path(__file__).resolve()), "--inside", phase, *common], cwd=ROOT, env=env, check=True)
    return json.loads((DATA / f"import-{backend}-{rows}.json").read_text())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="sqlite")
    parser.add_argument("--rows", type=int, default=100_000, help="people in the people file")
    parser.add_argument("--placements", type=int, default=None, help="new placements (default: min(rows, 100,000))")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compare-people", type=int, default=20_000,
                        help="people in the file of the interleaved people comparison")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--inside", choices=["setup", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    placements = min(args.rows, 100_000) if args.placements is None else args.placements
    if args.inside:
        import django

        django.setup()
        people_path, placements_path, compare_path = _paths(args.rows, placements, args.compare_people)
        if args.inside == "setup":
            setup(args.rows, placements, people_path, placements_path, args.seed, compare_path, args.compare_people)
        else:
            figures = measure(args.rows, placements, args.repeat, people_path, placements_path, compare_path,
                              args.compare_people)
            figures["uptime"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
            save(f"import-{args.backend}-{args.rows}", figures)
    else:
        run(args.backend, args.rows, placements, repeat=args.repeat, seed=args.seed, compare_rows=args.compare_people)
