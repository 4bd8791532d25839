"""Placements many at a time (file imports, migrations), beside the single-record services and
with their rules.

``placement_bulk_create`` registers *new* placements exactly as ``placement_register_with_items``
does one by one (``placement_create`` then ``checklist_record`` per item, all or nothing per row):
the same validation (``validation.clean_new_placement`` and ``validation.clean_checklist_item``,
reading their references through a ``PreloadedLookup`` filled once per chunk instead of a query
per reference), the same one-open-placement rule, the same selection guards
(``states.SELECTION`` over ``selectors.transition_context``, fed the destination rules loaded once
per batch), the same scope check on the stored placement, and the same rows: the placement, its
checklist items, a ``placement.created`` audit event and a ``placement.checklist_recorded`` event
per item. Each row's refusal is the very exception the single path raises.

``placement_bulk_migrate`` writes *historical* records (``migrated=True``) in the state and with the
dates they were recorded in: the placement, one ``PlacementTransition`` per known dated step
(``services.historical_timeline``) with the ``placement.transition`` audit event the transition
service writes, the checklist items with their events and a ``placement.created`` event. It checks
what a record of the past can be checked for (scope, merged records, dates against the person's
birth, passports); not eligibility: what happened, happened.

Both run inside the caller's transaction (an import chunk); nothing is written for a refused row.
"""

import datetime as dt
import functools
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import require_perm
from lindungi.agencies.models import Agency, ForeignParty
from lindungi.audit.services import audit_rows, diff, snapshot
from lindungi.common.bulk import FastInsert, model_columns
from lindungi.common.errors import DomainError, ValidationFailed
from lindungi.placements import selectors, states
from lindungi.placements.checklist import ChecklistKind, default_valid_until
from lindungi.placements.models import (
    ChecklistItem,
    JobOrder,
    Placement,
    PlacementTransition,
    Scheme,
    Sector,
    Sip2mi,
)
from lindungi.placements.perms import PLACEMENT_WRITE
from lindungi.placements.services import (
    PLACEMENT_AUDITED,
    eligibility_refused,
    historical_timeline,
    item_refused,
)
from lindungi.placements.validation import (
    Lookup,
    check_checklist_kind,
    checklist_changes,
    clean_checklist_item,
    clean_new_placement,
    placement_in_progress,
    placement_out_of_scope,
    public_id_key,
)
from lindungi.reference.models import Country, Occupation, OrgUnit
from lindungi.registry.models import Passport, Person

CREATED, EXISTING, REFUSED = "created", "existing", "refused"
_REFERENCES = (("person", Person), ("job_order", JobOrder), ("sip2mi", Sip2mi), ("employer", ForeignParty),
               ("agency", Agency))


class PreloadedLookup(Lookup):
    """The answers of ``Lookup`` from rows read once: reference tables per batch, the people, job
    orders, permits, employers, companies and passports a chunk names per chunk (``load``)."""

    def __init__(self, actor):
        super().__init__(actor)
        self.schemes = {s.code: s for s in Scheme.objects.all()}
        self.countries = {c.iso2: c for c in Country.objects.all()}
        self.occupations = {o.isco_code: o for o in Occupation.objects.all()}
        self.units = {u.code: u for u in OrgUnit.objects.all()}
        self.day = timezone.localdate()
        self.rules: dict[int, list] = defaultdict(list)
        country_ids = {c.iso2: c.pk for c in self.countries.values()}
        for rule in selectors.destination_rule_facts(None, day=self.day):
            self.rules[country_ids[rule.country]].append(rule)
        self.objects: dict[tuple[type, str], Any] = {}
        self.visible: dict[type, set[int]] = {}
        self.passports: dict[int, list[Passport]] = {}

    def load(self, datas: list[dict[str, Any]]) -> None:
        """Read what these rows name, one query per kind of reference."""
        self.objects.clear()
        wanted: dict[type, set[str]] = defaultdict(set)
        for data in datas:
            for name, model in _REFERENCES:
                key = public_id_key(data.get(name))
                if key:
                    wanted[model].add(key)
        for model, keys in wanted.items():
            queryset = model.objects.filter(public_id__in=keys)
            if model is JobOrder:
                queryset = queryset.select_related("agency", "employer", "country", "occupation")
            elif model is Person:  # what the rules and the selection guards read
                queryset = queryset.only("id", "public_id", "birth_date", "education", "merged_into_id", "regency_id",
                                         "agency_id")
            for obj in queryset:
                self.objects[(model, str(obj.public_id))] = obj
        people = [obj.pk for (model, _key), obj in self.objects.items() if model is Person]
        jobs = [obj.pk for (model, _key), obj in self.objects.items() if model is JobOrder]
        self.visible = {
            Person: set(Person.objects.visible_to(self.actor).filter(pk__in=people).values_list("pk", flat=True)),
            JobOrder: set(JobOrder.objects.visible_to(self.actor).filter(pk__in=jobs).values_list("pk", flat=True)),
        }
        self.passports = defaultdict(list)
        for passport in Passport.objects.filter(person_id__in=people):  # model order: newest first
            self.passports[passport.person_id].append(passport)

    def by_public_id(self, model, value, **filters):
        obj = self.objects.get((model, public_id_key(value)))
        if obj is None or any(getattr(obj, name) != wanted for name, wanted in filters.items()):
            return None
        return obj

    def scheme(self, code):
        return self.schemes.get(code)

    def country(self, iso2):
        return self.countries.get(iso2)

    def occupation(self, code):
        return self.occupations.get(code)

    def unit(self, code):
        return self.units.get(code)

    def job_order_visible(self, job_order):
        return job_order.pk in self.visible[JobOrder]

    def person_visible(self, person):
        return person.pk in self.visible[Person]

    def passport_of(self, person_id, number):
        passports = self.passports.get(person_id, ())
        if number:
            return next((p for p in passports if p.number == number.upper()), None)
        return next((p for p in passports if p.is_current), None)


class PlacementBulk:
    """What one batch loads once and keeps across its chunks."""

    def __init__(self, *, actor, via: str = "import", import_batch_id: int | None = None):
        require_perm(actor, PLACEMENT_WRITE)
        self.actor = actor
        self.via = via
        self.import_batch_id = import_batch_id  # set on migrated placements
        self.lookup = PreloadedLookup(actor)
        self.inserts = {model: FastInsert(model) for model in (Placement, ChecklistItem, PlacementTransition)}


@dataclass
class PlacementRow:
    """One new placement: ``data`` as ``placement_create`` takes it and ``items`` as
    ``(kind, data)`` pairs for ``checklist_record``; ``line`` identifies the row to the caller."""

    line: int
    data: dict[str, Any]
    items: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


@dataclass
class RowResult:
    line: int
    status: str  # created / refused
    error: DomainError | None = None
    placement_id: int | None = None


@dataclass
class _Accepted:
    row: PlacementRow
    placement: Placement
    items: list[dict[str, Any]]


def placement_bulk_create(*, actor, rows: list[PlacementRow], bulk: PlacementBulk | None = None) -> list[RowResult]:
    """Register new placements; one result per row, in order (``error`` is what
    ``placement_register_with_items`` would raise for that row)."""
    bulk = bulk or PlacementBulk(actor=actor)
    lookup = bulk.lookup
    lookup.load([row.data for row in rows])
    people = [obj.pk for (model, _key), obj in lookup.objects.items() if model is Person]
    busy = set(Placement.objects.filter(person_id__in=people, migrated=False)
               .exclude(state__in=sorted(states.CLOSED)).values_list("person_id", flat=True))
    results: dict[int, RowResult] = {}
    accepted: list[_Accepted] = []
    for row in rows:
        try:
            placement = clean_new_placement(actor, row.data, lookup=lookup)
            if not placement.migrated and placement.person_id in busy:
                raise placement_in_progress()
            warnings = selectors.placement_eligibility_warnings(
                placement, on=lookup.day, items=(), rules=lookup.rules.get(placement.country_id, []))
            if warnings:
                raise eligibility_refused(warnings)
            items = [_clean_item(kind, data, placement, lookup) for kind, data in row.items]
        except DomainError as exc:
            results[row.line] = RowResult(row.line, REFUSED, exc)
            continue
        if not placement.migrated:
            busy.add(placement.person_id)
        accepted.append(_Accepted(row, placement, items))
    with transaction.atomic():
        for done, placement_id in _write_new(bulk, accepted, results):
            results[done.row.line] = RowResult(done.row.line, CREATED, placement_id=placement_id)
    return [results[row.line] for row in rows]


def _clean_item(kind: str, data: dict[str, Any], placement: Placement, lookup: Lookup) -> dict[str, Any]:
    try:
        check_checklist_kind(kind)
        return clean_checklist_item(kind, data, person_id=placement.person_id, lookup=lookup)
    except ValidationFailed as exc:
        raise item_refused(kind, exc)


def _write_new(bulk: PlacementBulk, accepted: list[_Accepted], results: dict[int, RowResult]) -> list:
    if not accepted:
        return []
    actor = bulk.actor
    for done in accepted:
        done.placement.public_id = uuid.uuid4()
    bulk.inserts[Placement].insert([model_columns(done.placement) for done in accepted])
    ids = dict(Placement.objects.filter(public_id__in=[d.placement.public_id for d in accepted])
               .values_list("public_id", "id"))
    visible = set(Placement.objects.visible_to(actor).filter(pk__in=ids.values()).values_list("pk", flat=True))
    outside = [d for d in accepted if ids[d.placement.public_id] not in visible]
    if outside:  # the check placement_create makes after saving; the person check makes it rare
        Placement.objects.filter(pk__in=[ids[d.placement.public_id] for d in outside]).delete()
        for done in outside:
            results[done.row.line] = RowResult(done.row.line, REFUSED, placement_out_of_scope())
    kept = [d for d in accepted if ids[d.placement.public_id] in visible]
    created = audit_rows(actor=actor, action="placement.created", object_type="placement", via=bulk.via)
    recorded = audit_rows(actor=actor, action="placement.checklist_recorded", object_type="placement", via=bulk.via)
    items = []
    for done in kept:
        placement_id = done.placement.pk = ids[done.placement.public_id]
        created.add(object_id=placement_id, changes=diff({}, snapshot(done.placement, PLACEMENT_AUDITED)))
        for values in done.items:
            items.append(dict(values, placement_id=placement_id, recorded_by_id=actor.pk))
            recorded.add(object_id=placement_id, changes=checklist_changes(values))
    bulk.inserts[ChecklistItem].insert(items)
    created.write()
    recorded.write()
    return [(done, done.placement.pk) for done in kept]


# ---------------------------------------------------------------------------------------------
# Historical records (migration)
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=20000)
def noon(day: dt.date) -> dt.datetime:
    """A recorded day as a moment: noon local time, so it shows as the same day in any time zone
    the UI uses."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@dataclass
class MigratedRow:
    """One record of the historical system, its references already resolved: ``values`` holds the
    scheme, agency, job_order, sip2mi, employer, country, occupation, sector, unit (instances or
    None) and contract_start/contract_end; ``history`` the state, state_date, departed_on and
    returned_on (checked with ``services.historical_state_errors``); ``items`` ``(kind, data)``
    pairs with issued_on, valid_until, reference_number and details; ``reason`` says where the
    record comes from (it goes on every transition and audit row)."""

    line: int
    person_id: int
    values: dict[str, Any]
    history: dict[str, Any]
    items: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    legacy_id: str | None = None
    reason: str = ""


def placement_bulk_migrate(*, actor, rows: list[MigratedRow], bulk: PlacementBulk | None = None) -> list[RowResult]:
    """Write historical placements in their recorded state (``migrated=True``, holding no SIP2MI
    quota): the placement, its timeline (``historical_timeline``: a ``PlacementTransition`` per
    step with the ``placement.transition`` audit event ``placement_transition`` writes), its
    checklist items (``details.migrated``) with their ``placement.checklist_recorded`` events and
    a ``placement.created`` event. Refused: a person out of scope or merged, a date before the
    person's birth, a passport of someone else or not on record without its dates."""
    bulk = bulk or PlacementBulk(actor=actor, via="migration")
    people = {pk: (birth, merged) for pk, birth, merged in Person.objects.visible_to(actor).filter(
        pk__in={r.person_id for r in rows}).values_list("pk", "birth_date", "merged_into_id")} if rows else {}
    numbers = {data["reference_number"] for r in rows for kind, data in r.items
               if kind == ChecklistKind.PASSPORT and data["reference_number"]}
    passports = {number: (person_id, issued, expiry) for number, person_id, issued, expiry in
                 Passport.objects.filter(number__in=numbers).values_list("number", "person_id", "issue_date",
                                                                         "expiry_date")} if numbers else {}
    results: dict[int, RowResult] = {}
    accepted = []
    for row in rows:
        problems = _migration_problems(row, people.get(row.person_id))
        items = []
        if not problems:
            items, problems = _migrated_items(row, passports)
        if problems:
            results[row.line] = RowResult(row.line, REFUSED, ValidationFailed.from_fields(problems))
            continue
        accepted.append((row, items))
    with transaction.atomic():
        for row, placement_id in _write_migrated(bulk, accepted):
            results[row.line] = RowResult(row.line, CREATED, placement_id=placement_id)
    return [results[row.line] for row in rows]


def _migration_problems(row: MigratedRow, person) -> dict[str, list[str]]:
    if person is None:
        return {"person": [_("Unknown value.")]}
    birth_date, merged_into = person
    if merged_into:
        return {"person": [_("This person's record was merged into another; use the surviving record's NIK.")]}
    out: dict[str, list[str]] = {}
    h = row.history
    dated = [("contract_start", row.values["contract_start"]), ("state_date", h["state_date"]),
             ("departed_on", h["departed_on"]), ("returned_on", h["returned_on"])]
    dated += [(f"{kind}.issued_on", data["issued_on"]) for kind, data in row.items]
    for name, day in dated:
        if day is not None and day < birth_date:
            out.setdefault(name, []).append(_("The date is before the person's date of birth (%(d)s).")
                                            % {"d": birth_date.isoformat()})
    return out


def _migrated_items(row: MigratedRow, passports: dict) -> tuple[list[dict], dict]:
    items, problems = [], {}
    for kind, data in row.items:
        issued_on, valid_until = data["issued_on"], data["valid_until"]
        details = dict(data["details"], migrated=True)
        if kind == ChecklistKind.PASSPORT:
            known = passports.get(data["reference_number"])
            if known is not None and known[0] != row.person_id:
                problems[f"{kind}.reference_number"] = [_("Passport %(n)s is on record for another person.")
                                                        % {"n": data["reference_number"]}]
                continue
            if known is None and issued_on is None:
                problems[f"{kind}.reference_number"] = [_(
                    "Passport %(n)s is not on the person's record: give passport_issued_on (and "
                    "passport_valid_until).") % {"n": data["reference_number"]}]
                continue
            if known is not None:
                issued_on = issued_on or known[1]
                valid_until = valid_until or known[2]
        elif kind == ChecklistKind.MEDICAL_FITNESS:
            details.setdefault("result", "fit")
        elif kind == ChecklistKind.BPJS_MEMBERSHIP:
            details.setdefault("programmes", ["jkk", "jkm"])
        if valid_until is None:
            valid_until = default_valid_until(kind, issued_on)
        if valid_until is not None and valid_until < issued_on:
            problems[f"{kind}.valid_until"] = [_("Must not be before the issue date.")]
            continue
        items.append({"kind": kind, "reference_number": data["reference_number"], "issued_on": issued_on,
                      "valid_until": valid_until, "details": details})
    return items, problems


def _write_migrated(bulk: PlacementBulk, accepted: list) -> list[tuple[MigratedRow, int]]:
    if not accepted:
        return []
    actor = bulk.actor
    planned = []
    for row, items in accepted:
        v, h = row.values, row.history
        steps = historical_timeline(state=h["state"], state_date=h["state_date"], departed_on=h["departed_on"],
                                    returned_on=h["returned_on"])
        occupation = v["occupation"]
        placement = Placement(
            public_id=uuid.uuid4(), person_id=row.person_id, scheme=v["scheme"], agency=v["agency"],
            job_order=v["job_order"], sip2mi=v["sip2mi"], employer=v["employer"], country=v["country"],
            occupation=occupation, unit=v["unit"],
            sector=v["sector"] or (Sector.INFORMAL if occupation.domestic_worker else Sector.FORMAL),
            contract_start=v["contract_start"], contract_end=v["contract_end"], state=h["state"],
            version=1 + len(steps), state_changed_at=noon(h["state_date"]), quota_held=False, migrated=True,
            legacy_id=row.legacy_id, created_by_id=actor.pk, import_batch_id=bulk.import_batch_id)
        planned.append((row, items, steps, placement))
    bulk.inserts[Placement].insert([model_columns(p) for _r, _i, _s, p in planned])
    ids = dict(Placement.objects.filter(public_id__in=[p.public_id for _r, _i, _s, p in planned])
               .values_list("public_id", "id"))
    created = audit_rows(actor=actor, action="placement.created", object_type="placement", via=bulk.via)
    moved = audit_rows(actor=actor, action="placement.transition", object_type="placement", via=bulk.via)
    recorded = audit_rows(actor=actor, action="placement.checklist_recorded", object_type="placement", via=bulk.via)
    transitions, checklist = [], []
    for row, items, steps, placement in planned:
        placement_id = placement.pk = ids[placement.public_id]
        created.add(object_id=placement_id, changes=diff({}, snapshot(placement, PLACEMENT_AUDITED)),
                    reason=row.reason)
        for version, (from_state, to_state, day) in enumerate(steps, start=2):
            transitions.append({"placement_id": placement_id, "from_state": from_state, "to_state": to_state,
                                "actor_id": actor.pk, "reason": row.reason, "at": noon(day), "via": bulk.via,
                                "version": version})
            moved.add(object_id=placement_id, changes={"state": [from_state, to_state]}, reason=row.reason)
        for values in items:
            checklist.append(dict(values, placement_id=placement_id, recorded_by_id=actor.pk))
            recorded.add(object_id=placement_id, changes=checklist_changes(values), reason=row.reason)
    bulk.inserts[PlacementTransition].insert(transitions)
    bulk.inserts[ChecklistItem].insert(checklist)
    for audit in (created, moved, recorded):
        audit.write()
    return [(row, placement.pk) for row, _i, _s, placement in planned]
