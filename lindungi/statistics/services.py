"""Writes for statistics: setting a target. Every write checks permission, validates every field at
once, keeps a unit's split within its parent's target and leaves an audit event."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import require_perm
from lindungi.audit.services import audit_record, diff, snapshot
from lindungi.common.inputs import add_error, clean_text, int_field, raise_if_errors, text_field
from lindungi.reference.models import OrgUnit
from lindungi.statistics import selectors
from lindungi.statistics.models import Indicator, Target, TargetVersion
from lindungi.statistics.perms import TARGET_SET

TARGET_AUDITED = ("value", "source_document")
MAX_TARGET = 10**12


def _split_errors(errors, *, indicator: Indicator, year: int, month: int, unit: OrgUnit, version: str,
                  value: int) -> None:
    """A unit's targets may not add up to more than its parent's, nor a parent's be less than what
    its units already hold. Counted with the targets that count (revised over planned), as they
    will be after this write."""
    current = selectors.effective_targets(year=year, month=month, unit_ids=[unit.pk])
    existing = current.get((indicator.pk, unit.pk))
    effective = value if (version == TargetVersion.REVISED or existing is None
                          or existing.version == TargetVersion.PLANNED) else existing.value
    parent = selectors.parent_of(unit)
    if parent is not None:
        split = selectors.target_split(indicator=indicator, year=year, month=month, unit=parent)
        if split["target"] is not None:
            others = sum(p["target"] for p in split["parts"] if p["unit"].pk != unit.pk)
            if others + effective > split["target"]:
                add_error(errors, "value", _(
                    "The targets of the units under %(parent)s would add up to %(sum)s, more than its target "
                    "of %(target)s (%(free)s left to allocate).") % {
                    "parent": parent.name, "sum": others + effective, "target": split["target"],
                    "free": max(split["target"] - others, 0)})
    own = selectors.target_split(indicator=indicator, year=year, month=month, unit=unit)
    if own["parts"] and own["allocated"] > effective:
        add_error(errors, "value", _(
            "The units under %(unit)s already hold targets adding up to %(sum)s, more than %(value)s.") % {
            "unit": unit.name, "sum": own["allocated"], "value": effective})


def target_set(*, actor, indicator: str, year, unit: str, value, source_document: str, month=0,
               version: str = TargetVersion.PLANNED, reason: str = "", via: str = "") -> Target:
    """Set (or correct) the ``version`` target of ``indicator`` (code) for ``unit`` (code) and the
    year (``month`` 0) or one month. Returns the target."""
    require_perm(actor, TARGET_SET, _("You are not allowed to set targets."))
    errors: dict = {}
    code = clean_text(indicator)
    found = Indicator.objects.filter(code=code).first() if code else None
    if found is None:
        add_error(errors, "indicator", _("Unknown indicator.") if code else _("This field is required."))
    year = int_field(year, "year", errors, minimum=selectors.MIN_YEAR, maximum=selectors.MAX_YEAR)
    month = int_field(month, "month", errors, minimum=0, maximum=12, default=0)
    unit_code = clean_text(unit).upper()
    org_unit = OrgUnit.objects.filter(code=unit_code).first() if unit_code else None
    if org_unit is None:
        add_error(errors, "unit", _("Unknown unit.") if unit_code else _("This field is required."))
    version = clean_text(version) or TargetVersion.PLANNED
    if version not in TargetVersion.values:
        add_error(errors, "version", _("Choose planned or revised."))
    number = int_field(value, "value", errors, minimum=0, maximum=MAX_TARGET)
    document = text_field(source_document, "source_document", errors, required=True, max_length=255)
    raise_if_errors(errors)
    with transaction.atomic():
        # One writer at a time per parent unit, so two splits cannot both fit and together overflow.
        parent = selectors.parent_of(org_unit)
        OrgUnit.objects.select_for_update().filter(pk=(parent or org_unit).pk).first()
        _split_errors(errors, indicator=found, year=year, month=month, unit=org_unit, version=version, value=number)
        raise_if_errors(errors)
        target = Target.objects.filter(indicator=found, year=year, month=month, unit=org_unit,
                                       version=version).first()
        before = snapshot(target, TARGET_AUDITED) if target else {}
        if target is None:
            target = Target(indicator=found, year=year, month=month, unit=org_unit, version=version)
        target.value, target.source_document = number, document
        target.set_by, target.set_at = actor, timezone.now()
        target.save()
        changes = diff(before, snapshot(target, TARGET_AUDITED))
        changes.update({"indicator": found.code, "year": year, "month": month, "unit": org_unit.code,
                        "version": version})
        audit_record(actor=actor, action="target.set", obj=target, changes=changes, reason=clean_text(reason),
                     via=via)
    return target
