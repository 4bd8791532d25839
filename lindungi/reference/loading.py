"""Load the reference data shipped in ``data/`` into the database.

Pure functions over the standard library (``csv``, ``gzip``) so that the data migration
(``0002_data_reference``, with historical models from ``apps.get_model``) and the management command
``load_reference_data`` run exactly the same code.

Every loader upserts by its natural key (code, ISO code, ISCO code, unit code): it creates missing rows
and updates the fields the files define, and never deletes. Running it twice changes nothing the second
time. Fields the files do not define (for example ``valid_to`` of a current regency) are left as an
administrator set them in the admin.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

GetModel = Callable[[str], Any]


@dataclass(frozen=True)
class Result:
    created: int = 0
    updated: int = 0

    def __add__(self, other: Result) -> Result:
        return Result(self.created + other.created, self.updated + other.updated)

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated"


def digits(code: str) -> str:
    """Kemendagri codes are stored without dots: "11.01" -> "1101"."""
    return code.replace(".", "").strip()


def regency_kind(name: str) -> str:
    return "kota" if name.startswith("Kota") else "kabupaten"


def _date(value: str) -> date | None:
    value = (value or "").strip()
    return date.fromisoformat(value) if value else None


def _flag(value: str) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "y"}


def read_csv(name: str, *, data_dir: Path = DATA_DIR) -> Iterator[dict[str, str]]:
    path = data_dir / name
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _upsert(model, key: str, rows: Iterable[dict[str, Any]], *, batch_size: int = 2000) -> Result:
    """Create rows whose ``key`` is new, update the given fields of those that differ.

    Each row is a dict of concrete field attnames (``province_id``, not ``province``) including ``key``.
    """
    rows = list(rows)
    if not rows:
        return Result()
    fields = sorted({name for row in rows for name in row} - {key})
    existing = {values[key]: values for values in model.objects.values("id", key, *fields)}
    to_create, to_update = [], []
    for row in rows:
        current = existing.get(row[key])
        if current is None:
            to_create.append(model(**row))
        elif any(current[name] != row[name] for name in row if name != key):
            to_update.append(model(id=current["id"], **row))
    if to_create:
        model.objects.bulk_create(to_create, batch_size=batch_size, ignore_conflicts=True)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=batch_size)
    return Result(created=len(to_create), updated=len(to_update))


def _ids(model, key: str) -> dict[str, int]:
    return dict(model.objects.values_list(key, "id"))


def load_provinces(get_model: GetModel, *, data_dir: Path = DATA_DIR) -> Result:
    Province = get_model("Province")
    changes = {row["province_code"]: row for row in read_csv("province_changes.csv", data_dir=data_dir)}
    rows = []
    for row in read_csv("provinces.csv", data_dir=data_dir):
        code = digits(row["code"])
        values = {"code": code, "name": row["name"].strip()}
        if code in changes:
            values["valid_from"] = _date(changes[code]["valid_from"])
            values["legal_basis"] = changes[code]["legal_basis"].strip()
        rows.append(values)
    # Rows with and without dates go separately so that undated rows keep what an admin set.
    dated = [r for r in rows if "valid_from" in r]
    plain = [r for r in rows if "valid_from" not in r]
    return _upsert(Province, "code", plain) + _upsert(Province, "code", dated)


def load_regencies(get_model: GetModel, *, data_dir: Path = DATA_DIR) -> Result:
    Province, Regency = get_model("Province"), get_model("Regency")
    provinces = _ids(Province, "code")
    changes = {row["province_code"]: row for row in read_csv("province_changes.csv", data_dir=data_dir)}
    plain, dated = [], []
    for row in read_csv("regencies.csv", data_dir=data_dir):
        code, province_code = digits(row["code"]), digits(row["province_code"])
        name = row["name"].strip()
        values = {"code": code, "name": name, "kind": regency_kind(name), "province_id": provinces[province_code]}
        if province_code in changes:
            # The codes of the new Papua provinces came into being with the law that created them.
            values["valid_from"] = _date(changes[province_code]["valid_from"])
            values["legal_basis"] = changes[province_code]["legal_basis"].strip()
            dated.append(values)
        else:
            plain.append(values)
    result = _upsert(Regency, "code", plain) + _upsert(Regency, "code", dated)

    current = _ids(Regency, "code")
    retired = []
    for row in read_csv("retired_regencies.csv", data_dir=data_dir):
        name = row["name"].strip()
        retired.append(
            {
                "code": digits(row["old_code"]),
                "name": name,
                "kind": regency_kind(name),
                "province_id": provinces[digits(row["province_code"])],
                "valid_to": _date(row["valid_to"]),
                "successor_id": current[digits(row["successor_code"])],
                "legal_basis": row["legal_basis"].strip(),
            }
        )
    return result + _upsert(Regency, "code", retired)


def load_countries(get_model: GetModel, *, data_dir: Path = DATA_DIR) -> Result:
    rows = [
        {
            "iso2": r["iso2"].strip(),
            "iso3": r["iso3"].strip(),
            "name_id": r["name_id"].strip(),
            "name_en": r["name_en"].strip(),
        }
        for r in read_csv("countries.csv", data_dir=data_dir)
    ]
    return _upsert(get_model("Country"), "iso2", rows)


def load_occupations(get_model: GetModel, *, data_dir: Path = DATA_DIR) -> Result:
    rows = [
        {
            "isco_code": r["isco_code"].strip(),
            "title_en": r["title_en"].strip(),
            "title_id": r["title_id"].strip(),
            "zero_cost": _flag(r["zero_cost"]),
            "domestic_worker": _flag(r["domestic_worker"]),
        }
        for r in read_csv("occupations.csv", data_dir=data_dir)
    ]
    return _upsert(get_model("Occupation"), "isco_code", rows)


def load_org_units(get_model: GetModel, *, data_dir: Path = DATA_DIR) -> Result:
    """Units in rounds, parents before children (headquarters, then BP3MI, then posts and offices)."""
    OrgUnit, Regency = get_model("OrgUnit"), get_model("Regency")
    regencies = _ids(Regency, "code")
    pending = [{k: (v or "").strip() for k, v in r.items()} for r in read_csv("org_units.csv", data_dir=data_dir)]
    result = Result()
    while pending:
        units = _ids(OrgUnit, "code")
        ready = [r for r in pending if not r["parent_code"] or r["parent_code"] in units]
        if not ready:
            raise ValueError(f"org_units.csv: unknown parent_code in {[r['code'] for r in pending]}")
        result += _upsert(
            OrgUnit,
            "code",
            [
                {
                    "code": r["code"],
                    "name": r["name"],
                    "kind": r["kind"],
                    "parent_id": units[r["parent_code"]] if r["parent_code"] else None,
                    "seat_id": regencies[digits(r["seat_regency_code"])] if r["seat_regency_code"] else None,
                }
                for r in ready
            ],
        )
        pending = [r for r in pending if r not in ready]
    return result


def load_unit_coverage(get_model: GetModel, *, data_dir: Path = DATA_DIR) -> Result:
    """Coverage rows have no code: a (unit, province, regency) triple is created when missing."""
    OrgUnit, Province, Regency, UnitCoverage = (
        get_model("OrgUnit"),
        get_model("Province"),
        get_model("Regency"),
        get_model("UnitCoverage"),
    )
    units, provinces, regencies = _ids(OrgUnit, "code"), _ids(Province, "code"), _ids(Regency, "code")
    existing = set(UnitCoverage.objects.values_list("unit_id", "province_id", "regency_id"))
    new = []
    for r in read_csv("unit_coverage.csv", data_dir=data_dir):
        province_code, regency_code = digits(r["province_code"]), digits(r["regency_code"])
        triple = (
            units[r["unit_code"].strip()],
            provinces[province_code] if province_code else None,
            regencies[regency_code] if regency_code else None,
        )
        if triple not in existing:
            existing.add(triple)
            new.append(UnitCoverage(unit_id=triple[0], province_id=triple[1], regency_id=triple[2]))
    UnitCoverage.objects.bulk_create(new)
    return Result(created=len(new))


def load_villages(get_model: GetModel, *, data_dir: Path = DATA_DIR) -> Result:
    """About 84,000 rows: not part of the migration, loaded by ``load_reference_data --villages``."""
    Regency, Village = get_model("Regency"), get_model("Village")
    regencies = _ids(Regency, "code")
    rows = [
        {
            "code": r["code"],
            "regency_id": regencies[r["regency_code"]],
            "district_name": r["district_name"],
            "name": r["name"],
        }
        for r in read_csv("villages.csv.gz", data_dir=data_dir)
    ]
    return _upsert(Village, "code", rows, batch_size=5000)


CORE_LOADERS: list[tuple[str, Callable[..., Result]]] = [
    ("provinces", load_provinces),
    ("regencies", load_regencies),
    ("countries", load_countries),
    ("occupations", load_occupations),
    ("org_units", load_org_units),
    ("unit_coverage", load_unit_coverage),
]


def load_all(get_model: GetModel, *, villages: bool = False, data_dir: Path = DATA_DIR) -> dict[str, Result]:
    """Load every reference file, in dependency order; villages only when asked."""
    results = {name: loader(get_model, data_dir=data_dir) for name, loader in CORE_LOADERS}
    if villages:
        results["villages"] = load_villages(get_model, data_dir=data_dir)
    return results
