"""Writes for arrivals. ``arrival_record`` links the arrival to the registry, the placement and the
case, and moves the placement through ``placement_transition`` (the one way a placement changes
state) in the same transaction: a refused step refuses the whole record."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import require_perm
from lindungi.audit.services import audit_record, diff, snapshot
from lindungi.cases import selectors as case_selectors
from lindungi.cases import services as case_services
from lindungi.common.errors import NotFound, ValidationFailed
from lindungi.common.inputs import add_error, clean_text, date_field, is_public_id, raise_if_errors, text_field
from lindungi.placements import selectors as placement_selectors
from lindungi.placements import services as placement_services
from lindungi.placements.states import ABROAD, PlacementState
from lindungi.reference.models import Country, OrgUnit
from lindungi.registry.models import Person
from lindungi.returns.models import REASON_CODES, Arrival, ArrivalType, EntryPointKind, Handover
from lindungi.returns.perms import RETURN_WRITE

# What an arrival of each type means for a placement still abroad.
PLACEMENT_TARGET: dict[str, str] = {
    ArrivalType.CONTRACT_COMPLETED: PlacementState.RETURNED,
    ArrivalType.DEPORTED: PlacementState.DEPORTED,
    ArrivalType.REMAINS: PlacementState.DECEASED,
    ArrivalType.SICK: PlacementState.REPATRIATED,
    ArrivalType.IN_DIFFICULTY: PlacementState.REPATRIATED,
}
ARRIVAL_AUDITED = ("kind", "arrived_at", "entry_point_kind", "entry_point", "unit", "full_name", "nik",
                   "passport_number", "person", "placement", "case", "country", "splp_number", "detention_depot",
                   "reasons", "shelter", "shelter_from", "shelter_to", "onward_transport", "handover_to",
                   "handover_name", "handed_over_on", "hospital", "hospital_referral_number", "follow_up",
                   "cargo_airway_bill", "cause_of_death", "date_of_death", "placement_moved_to")


def _choice(value, choices, name, errors, *, required=True) -> str:
    text = clean_text(value)
    if not text and not required:
        return ""
    if text not in choices.values:
        add_error(errors, name, _("Must be one of: %(c)s.") % {"c": ", ".join(choices.values)})
    return text


def _arrived_at(value, errors) -> dt.datetime | None:
    at = value
    if isinstance(value, str):
        try:
            at = parse_datetime(value)
        except ValueError:
            at = None
    if not isinstance(at, dt.datetime):
        add_error(errors, "arrived_at", _("Enter a date and time such as 2025-01-31T14:30."))
        return None
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > timezone.now() + dt.timedelta(minutes=5):
        add_error(errors, "arrived_at", _("The date cannot be in the future."))
    return at


def _fields(data: dict[str, Any], errors: dict) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": _choice(data.get("kind"), ArrivalType, "kind", errors),
        "entry_point_kind": _choice(data.get("entry_point_kind"), EntryPointKind, "entry_point_kind", errors),
        "entry_point": text_field(data.get("entry_point"), "entry_point", errors, required=True, max_length=120),
        "arrived_at": _arrived_at(data.get("arrived_at"), errors),
        "full_name": text_field(data.get("full_name"), "full_name", errors, max_length=150),
        "nik": text_field(data.get("nik"), "nik", errors, max_length=16),
        "passport_number": text_field(data.get("passport_number"), "passport_number", errors, max_length=12).upper(),
        "handover_to": _choice(data.get("handover_to"), Handover, "handover_to", errors, required=False),
        "handed_over_on": date_field(data.get("handed_over_on"), "handed_over_on", errors, not_future=True),
        "shelter_from": date_field(data.get("shelter_from"), "shelter_from", errors),
        "shelter_to": date_field(data.get("shelter_to"), "shelter_to", errors),
        "date_of_death": date_field(data.get("date_of_death"), "date_of_death", errors, not_future=True),
    }
    for name, limit in (("splp_number", 60), ("detention_depot", 120), ("shelter", 120), ("onward_transport", 200),
                        ("handover_name", 150), ("hospital", 150), ("hospital_referral_number", 60),
                        ("follow_up", 5000), ("cargo_airway_bill", 60), ("cause_of_death", 200)):
        values[name] = text_field(data.get(name), name, errors, max_length=limit)
    reasons = data.get("reasons") or []
    reasons = [clean_text(r) for r in (reasons if isinstance(reasons, list | tuple) else [reasons]) if clean_text(r)]
    unknown = [r for r in reasons if r not in REASON_CODES]
    if unknown:
        add_error(errors, "reasons", _("Unknown reason: %(c)s.") % {"c": ", ".join(unknown)})
    values["reasons"] = reasons
    if values["shelter_from"] and values["shelter_to"] and values["shelter_to"] < values["shelter_from"]:
        add_error(errors, "shelter_to", _("The end of the shelter stay must not be before its start."))
    if values["kind"] == ArrivalType.SICK and not values["hospital"]:
        add_error(errors, "hospital", _("A sick worker is referred to a hospital: name it."))
    if values["kind"] == ArrivalType.REMAINS and not values["cargo_airway_bill"]:
        add_error(errors, "cargo_airway_bill", _("Remains arrive as cargo: give the airway bill number."))
    if values["nik"] and not (len(values["nik"]) == 16 and values["nik"].isdigit()):
        add_error(errors, "nik", _("A NIK has 16 digits."))
    iso2 = clean_text(data.get("country")).upper()
    values["country"] = Country.objects.filter(iso2=iso2).first() if iso2 else None
    if iso2 and values["country"] is None:
        add_error(errors, "country", _("Unknown country code."))
    return values


def _linked(load, value, name: str):
    """A linked record the actor may see, or a 422 on the field that named it."""
    if not value:
        return None
    try:
        return load()
    except NotFound:
        raise ValidationFailed.from_fields({name: _("Unknown value.")}) from None


def arrival_record(*, actor, data: dict[str, Any], via: str = "web") -> Arrival:
    """Record an arrival at an entry point. The person is matched by NIK when not given; a placement
    still abroad moves to returned / repatriated / deported / deceased through
    ``placement_transition`` with the arrival as its reason; a linked case gets a timeline entry."""
    require_perm(actor, RETURN_WRITE)
    errors: dict[str, list[str]] = {}
    values = _fields(data, errors)
    unit_code = clean_text(data.get("unit"))
    unit = OrgUnit.objects.filter(code=unit_code).first() if unit_code else actor.unit
    if unit is None:
        add_error(errors, "unit", _("Unknown unit code.") if unit_code else _("This field is required."))
    raise_if_errors(errors)
    with transaction.atomic():
        placement = _linked(lambda: placement_selectors.placement_get_for(actor, data["placement"], via=via,
                                                                           log=False), data.get("placement"),
                            "placement")
        case = _linked(lambda: case_selectors.case_get_for(actor, data["case"], via=via, log=False), data.get("case"),
                       "case")
        person = None
        if data.get("person") and is_public_id(data["person"]):
            person = Person.objects.filter(public_id=data["person"]).first()
            if person is None:
                raise_if_errors({"person": [_("Unknown value.")]})
        person = person or (placement.person if placement else None) or (case.person if case else None)
        if person is None and values["nik"]:
            person = Person.objects.filter(nik=values["nik"], merged_into__isnull=True).first()
        if placement is not None and person is not None and placement.person_id != person.pk:
            raise_if_errors({"placement": [_("The placement belongs to another person.")]})
        if not values["full_name"]:
            if person is None:
                raise_if_errors({"full_name": [_("This field is required.")]})
            values["full_name"] = person.full_name
        values["nik"] = values["nik"] or (person.nik if person else "")
        arrival = Arrival.objects.create(unit=unit, person=person, placement=placement, case=case,
                                         recorded_by=actor, **values)
        target = PLACEMENT_TARGET.get(arrival.kind)
        if placement is not None and target and placement.state in ABROAD:
            reason = _("Arrival at %(p)s on %(d)s (%(k)s)") % {
                "p": arrival.entry_point, "d": arrival.arrived_at.date().isoformat(), "k": arrival.get_kind_display()}
            placement_services.placement_transition(actor=actor, public_id=placement.public_id, to_state=target,
                                                    reason=reason, via=via)
            arrival.placement_moved_to = target
            Arrival.objects.filter(pk=arrival.pk).update(placement_moved_to=target)
        if case is not None:
            case_services.case_note_arrival(actor=actor, case=case, arrival_id=arrival.pk, via=via)
        audit_record(actor=actor, action="arrival.create", obj=arrival,
                     changes=diff({}, snapshot(arrival, ARRIVAL_AUDITED)), via=via)
    return arrival
