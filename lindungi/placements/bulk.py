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

Runs inside the caller's transaction (an import chunk); nothing is written for a refused row.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from lindungi.accounts.permissions import require_perm
from lindungi.agencies.models import Agency, ForeignParty
from lindungi.audit.services import audit_rows, diff, snapshot
from lindungi.common.bulk import FastInsert, model_columns
from lindungi.common.errors import DomainError, ValidationFailed
from lindungi.placements import selectors, states
from lindungi.placements.models import ChecklistItem, JobOrder, Placement, PlacementTransition, Scheme, Sip2mi
from lindungi.placements.perms import PLACEMENT_WRITE
from lindungi.placements.services import (
    PLACEMENT_AUDITED,
    eligibility_refused,
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

    def __init__(self, *, actor, via: str = "import"):
        require_perm(actor, PLACEMENT_WRITE)
        self.actor = actor
        self.via = via
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
