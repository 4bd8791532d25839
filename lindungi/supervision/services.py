"""Writes for supervision. Every function checks permission and scope, writes in one transaction
and leaves an audit event.

- ``cost_rule_create`` and ``exchange_rate_record``: the ministry's rules and rates, as data;
- ``cost_entry_record``: one cost a worker paid, checked at once against the rule in force on its
  paid date (``rules``), raising an ``OverchargeFlag`` when it goes over;
- ``cost_entry_confirm``: the worker's confirmation or dispute, taken by an officer;
- ``overcharge_escalate``: from a flag, in one step, a complaint case (``lindungi.cases``) and a
  sanction finding against the P3MI (``lindungi.agencies``, when its sanction workflow exists).
"""

import datetime as dt
import re
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import require_perm
from lindungi.accounts.roles import Role
from lindungi.agencies import services as agency_services
from lindungi.audit.services import audit_record, diff, snapshot
from lindungi.cases import services as case_services
from lindungi.common.errors import Conflict, PermissionDenied
from lindungi.common.inputs import (
    add_error,
    clean_text,
    date_field,
    is_public_id,
    money_field,
    raise_if_errors,
    text_field,
)
from lindungi.placements.models import Placement, Scheme
from lindungi.reference.models import Country, Occupation
from lindungi.supervision import rules, selectors
from lindungi.supervision.models import (
    CheckResult,
    Confirmation,
    CostComponent,
    CostEntry,
    CostRule,
    EntrySource,
    ExchangeRate,
    Financing,
    FlagStatus,
    OccupationGroup,
    OverchargeFlag,
    PaidTo,
    Payer,
    SanctionState,
)
from lindungi.supervision.perms import (
    COST_CONFIRM,
    COST_RECORD,
    COST_RULE_MANAGE,
    OVERCHARGE_ESCALATE,
)

RULE_AUDITED = ("component", "country", "occupation", "occupation_group", "scheme", "payer", "max_worker_amount",
                "currency", "valid_from", "valid_to", "legal_basis", "note")
ENTRY_AUDITED = ("person", "placement", "component", "amount", "currency", "amount_idr", "paid_to_kind",
                 "paid_to_name", "paid_on", "financing", "source", "rule", "check_result", "note")
FLAG_AUDITED = ("entry", "rule", "component", "agency", "charged_idr", "allowed_idr", "amount_over", "currency",
                "rate", "rate_on", "rate_source", "rule_rate")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
SANCTION_GROUND = "costs_charged_to_worker"  # agencies.sanction_seed.COSTS_GROUND
# Magic numbers of the receipt types accepted: PDF, JPEG, PNG.
RECEIPT_TYPES = ((b"%PDF-", ".pdf"), (b"\xff\xd8\xff", ".jpg"), (b"\x89PNG\r\n\x1a\n", ".png"))


def _choice(value: Any, choices, name: str, errors: dict, *, required: bool = True) -> str:
    text = clean_text(value)
    if not text and not required:
        return ""
    if text not in choices.values:
        add_error(errors, name, _("Must be one of: %(c)s.") % {"c": ", ".join(v for v in choices.values if v)})
    return text


def _component(value: Any, errors: dict, *, day: dt.date | None = None) -> CostComponent | None:
    code = clean_text(value)
    if not code:
        add_error(errors, "component", _("This field is required."))
        return None
    found = {c.code: c for c in selectors.component_choices(on=day)}
    if code not in found:
        add_error(errors, "component", _("Unknown cost component. Allowed: %(c)s.") % {"c": ", ".join(found)})
    return found.get(code)


def _currency(value: Any, errors: dict, *, known: set[str] | None = None) -> str:
    code = clean_text(value).upper() or "IDR"
    if not _CURRENCY.match(code):
        add_error(errors, "currency", _("A currency is three letters (ISO 4217), e.g. IDR, HKD, TWD."))
    elif known is not None and code not in known:
        add_error(errors, "currency", _("Unknown currency %(c)s: no exchange rate is recorded for it. Known: "
                                        "%(k)s.") % {"c": code, "k": ", ".join(sorted(known))})
    return code


# ---------------------------------------------------------------------------------------------
# Rules and rates
# ---------------------------------------------------------------------------------------------


def cost_rule_create(*, actor, data: dict[str, Any], via: str = "web") -> CostRule:
    """Add a cost rule. A later regulation is a new rule with a later ``valid_from``: it wins over
    the older one from that day without editing it (``rules.specificity``)."""
    require_perm(actor, COST_RULE_MANAGE, _("Only the ministry's administrators add cost rules."))
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"component": _component(data.get("component"), errors)}
    iso2 = clean_text(data.get("country")).upper()
    values["country"] = Country.objects.filter(iso2=iso2).first() if iso2 else None
    if iso2 and values["country"] is None:
        add_error(errors, "country", _("Unknown country code."))
    isco = clean_text(data.get("occupation"))
    values["occupation"] = Occupation.objects.filter(isco_code=isco).first() if isco else None
    if isco and values["occupation"] is None:
        add_error(errors, "occupation", _("Unknown ISCO occupation code."))
    values["occupation_group"] = _choice(data.get("occupation_group"), OccupationGroup, "occupation_group", errors,
                                         required=False)
    if values["occupation"] is not None and values["occupation_group"]:
        add_error(errors, "occupation_group", _("Give one occupation or an occupation group, not both."))
    scheme = clean_text(data.get("scheme"))
    values["scheme"] = Scheme.objects.filter(code=scheme).first() if scheme else None
    if scheme and values["scheme"] is None:
        add_error(errors, "scheme", _("Unknown scheme code."))
    values["payer"] = _choice(data.get("payer"), Payer, "payer", errors)
    values["max_worker_amount"] = money_field(data.get("max_worker_amount"), "max_worker_amount", errors,
                                              required=True)
    values["currency"] = _currency(data.get("currency"), errors, known=selectors.known_currencies())
    values["valid_from"] = date_field(data.get("valid_from"), "valid_from", errors, required=True)
    values["valid_to"] = date_field(data.get("valid_to"), "valid_to", errors)
    if values["valid_from"] and values["valid_to"] and values["valid_to"] < values["valid_from"]:
        add_error(errors, "valid_to", _("The end date cannot be before the start date."))
    values["legal_basis"] = text_field(data.get("legal_basis"), "legal_basis", errors, required=True, max_length=255)
    values["note"] = text_field(data.get("note"), "note", errors, max_length=255)
    if values["payer"] and values["payer"] != Payer.WORKER and values["max_worker_amount"]:
        add_error(errors, "max_worker_amount", _("When the worker does not pay, the most a worker may be charged "
                                                 "is 0."))
    raise_if_errors(errors)
    with transaction.atomic():
        rule = CostRule.objects.create(created_by=actor, **values)
        audit_record(actor=actor, action="cost_rule.create", obj=rule, changes=diff({}, snapshot(rule, RULE_AUDITED)),
                     via=via)
    return rule


def exchange_rate_record(*, actor, data: dict[str, Any], via: str = "web") -> ExchangeRate:
    require_perm(actor, COST_RULE_MANAGE, _("Only the ministry's administrators record exchange rates."))
    errors: dict[str, list[str]] = {}
    currency = _currency(data.get("currency"), errors)
    if currency == "IDR":
        add_error(errors, "currency", _("The rupiah needs no rate."))
    rate = money_field(data.get("rate_to_idr"), "rate_to_idr", errors, required=True, positive=True)
    on = date_field(data.get("on"), "on", errors, required=True, not_future=True)
    source = text_field(data.get("source"), "source", errors, required=True, max_length=255)
    raise_if_errors(errors)
    if ExchangeRate.objects.filter(currency=currency, on=on).exists():
        raise Conflict(_("A rate for %(c)s on %(d)s is already recorded.") % {"c": currency, "d": on.isoformat()})
    with transaction.atomic():
        found = ExchangeRate.objects.create(currency=currency, rate_to_idr=rate, on=on, source=source,
                                            created_by=actor)
        audit_record(actor=actor, action="exchange_rate.record", obj=found, changes=diff({}, snapshot(
            found, ("currency", "rate_to_idr", "on", "source"))), via=via)
    return found


# ---------------------------------------------------------------------------------------------
# The ledger
# ---------------------------------------------------------------------------------------------


def _receipt(upload, errors: dict):
    """A receipt file of at most ``COST_RECEIPT_MAX_MB``, PDF, JPEG or PNG by its content; stored
    under a random name (the uploaded name may carry personal data)."""
    if upload is None:
        return None
    limit = settings.COST_RECEIPT_MAX_MB * 1024 * 1024
    if upload.size > limit:
        add_error(errors, "receipt", _("The receipt is larger than %(n)d MB.") % {"n": settings.COST_RECEIPT_MAX_MB})
        return None
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    extension = next((ext for magic, ext in RECEIPT_TYPES if head.startswith(magic)), None)
    if extension is None:
        add_error(errors, "receipt", _("A receipt must be a PDF, JPEG or PNG file."))
        return None
    upload.name = f"{uuid.uuid4().hex}{extension}"
    return upload


def _placement_for(actor, person, value: Any, errors: dict) -> Placement | None:
    choices = selectors.placements_for_costs(actor, person)
    if value in (None, ""):
        return choices[0] if choices else None
    found = next((p for p in choices if str(p.public_id) == str(value)), None) if is_public_id(value) else None
    if found is None:
        add_error(errors, "placement", _("Not a placement of this worker."))
    return found


def _rate(currency: str, day: dt.date, field: str, errors: dict) -> tuple[Decimal, ExchangeRate | None]:
    if currency == "IDR":
        return Decimal(1), None
    found = selectors.rate_on(currency, day)
    if found is None:
        add_error(errors, field, _("No exchange rate for %(c)s on or before %(d)s; an administrator records "
                                   "it first.") % {"c": currency, "d": day.isoformat()})
        return Decimal(0), None
    return found.rate_to_idr, found


def cost_facts(placement: Placement | None, component: CostComponent, paid_on: dt.date) -> rules.CostFacts:
    return rules.CostFacts(
        component=component.code, paid_on=paid_on,
        country=placement.country.iso2 if placement else None,
        occupation=placement.occupation.isco_code if placement else None,
        zero_cost=placement.occupation.zero_cost if placement else None,
        scheme=placement.scheme.code if placement else None)


def cost_entry_record(*, actor, person_public_id, data: dict[str, Any], receipt=None, via: str = "web") -> CostEntry:
    """Record one cost a worker paid and check it against the rule in force on its paid date.
    P3MI staff record for the workers of their own placements (source "p3mi"); officers say where
    they heard of it (verification, OPP, departure, complaint)."""
    require_perm(actor, COST_RECORD, _("You are not allowed to record costs."))
    person = selectors.person_for_costs(actor, person_public_id, via=via, log=False)
    errors: dict[str, list[str]] = {}
    component = _component(data.get("component"), errors)
    amount = money_field(data.get("amount"), "amount", errors, required=True, positive=True)
    currency = _currency(data.get("currency"), errors, known=selectors.known_currencies())
    paid_on = date_field(data.get("paid_on"), "paid_on", errors, required=True, not_future=True)
    values = {
        "paid_to_kind": _choice(data.get("paid_to_kind"), PaidTo, "paid_to_kind", errors),
        "paid_to_name": text_field(data.get("paid_to_name"), "paid_to_name", errors, max_length=150),
        "financing": _choice(data.get("financing"), Financing, "financing", errors),
        "note": text_field(data.get("note"), "note", errors, max_length=2000),
    }
    if actor.role == Role.P3MI_STAFF:
        source = EntrySource.P3MI
    else:
        source = _choice(data.get("source"), EntrySource, "source", errors)
        if source == EntrySource.P3MI:
            add_error(errors, "source", _("Only the P3MI's own staff enter costs as the P3MI."))
    placement = _placement_for(actor, person, data.get("placement"), errors)
    stored_receipt = _receipt(receipt, errors)
    rate, rate_row = (_rate(currency, paid_on, "currency", errors) if paid_on and not errors.get("currency")
                      else (Decimal(0), None))
    raise_if_errors(errors)
    with transaction.atomic():
        rule = selectors.rule_in_force(cost_facts(placement, component, paid_on))
        rule_rate = Decimal(1)
        if rule is not None:
            rule_rate, _row = _rate(rule.currency, paid_on, "currency", errors)
            raise_if_errors(errors)
        amount_idr = rules.to_idr(amount, rate)
        verdict = None
        if rule is not None:
            verdict = rules.judge(charged_idr=amount_idr, max_idr=rules.to_idr(rule.max_worker_amount, rule_rate),
                                  already_paid_idr=selectors.already_paid_idr(
                                      person_id=person.pk, component_id=component.pk, rule_id=rule.pk))
        result = (CheckResult.NO_RULE if verdict is None else CheckResult.OVER if verdict.over
                  else CheckResult.WITHIN)
        entry = CostEntry(person=person, placement=placement, component=component, amount=amount, currency=currency,
                          amount_idr=amount_idr, paid_on=paid_on, source=source, rule=rule, check_result=result,
                          entered_by=actor, **values)
        if stored_receipt is not None:
            entry.receipt = stored_receipt
        entry.save()
        changes = diff({}, snapshot(entry, ENTRY_AUDITED))
        if entry.receipt:
            changes["receipt"] = [None, entry.receipt.name]
        audit_record(actor=actor, action="cost_entry.record", obj=entry, changes=changes, via=via)
        if verdict is not None and verdict.over:
            flag = OverchargeFlag.objects.create(
                entry=entry, rule=rule, component=component, agency=placement.agency if placement else None,
                charged_idr=amount_idr, allowed_idr=verdict.allowed_idr, amount_over=verdict.amount_over,
                currency="IDR", rate=rate, rate_on=rate_row.on if rate_row else None,
                rate_source=rate_row.source if rate_row else "", rule_rate=rule_rate)
            audit_record(actor=actor, action="overcharge_flag.raise", obj=flag,
                         changes=diff({}, snapshot(flag, FLAG_AUDITED)), via=via)
    return entry


def cost_entry_attach_receipt(*, actor, public_id, receipt, via: str = "web") -> CostEntry:
    """Attach the receipt of a cost recorded without one; a receipt is never replaced."""
    require_perm(actor, COST_RECORD, _("You are not allowed to record costs."))
    entry = selectors.cost_entry_get_for(actor, public_id, via=via, log=False)
    errors: dict[str, list[str]] = {}
    if receipt is None:
        add_error(errors, "receipt", _("This field is required."))
    stored = _receipt(receipt, errors)
    raise_if_errors(errors)
    if entry.receipt:
        raise Conflict(_("This cost already has a receipt."))
    with transaction.atomic():
        entry.receipt = stored
        entry.save(update_fields=["receipt", "updated_at"])
        audit_record(actor=actor, action="cost_entry.receipt", obj=entry,
                     changes={"receipt": [None, entry.receipt.name]}, via=via)
    return entry


def cost_entry_confirm(*, actor, public_id, state: str, note: str = "", via: str = "web") -> CostEntry:
    """The worker confirms or disputes a cost (an officer records their word). A dispute needs a
    note saying what the worker says instead."""
    require_perm(actor, COST_CONFIRM, _("You are not allowed to record a worker's confirmation."))
    entry = selectors.cost_entry_get_for(actor, public_id, via=via, log=False)
    errors: dict[str, list[str]] = {}
    state = clean_text(state)
    if state not in (Confirmation.CONFIRMED, Confirmation.DISPUTED):
        add_error(errors, "state", _("Must be one of: %(c)s.") % {"c": "confirmed, disputed"})
    note = text_field(note, "note", errors, max_length=2000)
    if state == Confirmation.DISPUTED and not note:
        add_error(errors, "note", _("Say what the worker disputes."))
    raise_if_errors(errors)
    fields = ("confirmation", "confirmation_note", "confirmed_by", "confirmed_at")
    with transaction.atomic():
        old = snapshot(entry, fields)
        entry.confirmation, entry.confirmation_note = state, note
        entry.confirmed_by, entry.confirmed_at = actor, timezone.now()
        entry.save(update_fields=[*fields, "updated_at"])
        audit_record(actor=actor, action="cost_entry.confirm", obj=entry, changes=diff(old, snapshot(entry, fields)),
                     reason=note, via=via)
    return entry


# ---------------------------------------------------------------------------------------------
# Escalation
# ---------------------------------------------------------------------------------------------


def _open_sanction(*, actor, flag: OverchargeFlag, summary: str, via: str):
    """The sanction finding through the agencies' service, in a savepoint. An actor the sanction
    workflow does not let open findings leaves it pending for those who may; any other refusal
    undoes the whole escalation."""
    try:
        with transaction.atomic():
            return agency_services.sanction_open(
                actor=actor, agency_public_id=flag.agency.public_id, ground_code=SANCTION_GROUND,
                source_kind="cost_flag", source_reference=str(flag.public_id), summary=summary, via=via)
    except PermissionDenied:
        return None


def _summary(flag: OverchargeFlag, extra: str) -> str:
    entry = flag.entry
    text = _("Overcharging: %(component)s paid %(amount)s %(currency)s on %(day)s to %(to)s; the rule "
             "(%(basis)s) allowed Rp%(allowed)s, over by Rp%(over)s.") % {
        "component": flag.component.name_id, "amount": entry.amount, "currency": entry.currency,
        "day": entry.paid_on.isoformat(), "to": entry.paid_to_name or entry.get_paid_to_kind_display(),
        "basis": flag.rule.legal_basis, "allowed": flag.allowed_idr, "over": flag.amount_over}
    return f"{text}\n{extra}".strip()


def overcharge_escalate(*, actor, flag_public_id, complainant_phone: str = "", summary: str = "",
                        via: str = "web") -> OverchargeFlag:
    """From a flag, one step: a complaint case (category "overcharging") about the worker and the
    P3MI, and a sanction finding against the P3MI. The case's contact is the worker's phone, or
    ``complainant_phone`` when the registry has none. When the actor may not open sanction findings,
    the finding is recorded as pending (``SanctionState.PENDING``) for those who may."""
    require_perm(actor, OVERCHARGE_ESCALATE, _("You are not allowed to escalate overcharging flags."))
    flag = selectors.flag_get_for(actor, flag_public_id, via=via, log=False)
    errors: dict[str, list[str]] = {}
    extra = text_field(summary, "summary", errors, max_length=3000)
    phone = text_field(complainant_phone, "complainant_phone", errors, max_length=30)
    person = flag.entry.person
    phone = phone or person.phone
    if not phone:
        add_error(errors, "complainant_phone", _("The worker has no phone number in the registry: give one to "
                                                 "reach them about the complaint."))
    raise_if_errors(errors)
    with transaction.atomic():
        locked = OverchargeFlag.objects.select_for_update().filter(pk=flag.pk, status=FlagStatus.OPEN).first()
        if locked is None:
            raise Conflict(_("This flag was already escalated."))
        text = _summary(flag, extra)
        data = {"channel": "other", "procedural": "procedural", "complainant_name": person.full_name,
                "complainant_relation": "self", "complainant_phone": phone, "worker_nik": person.nik,
                "summary": text, "amount_claimed": str(flag.amount_over), "currency": "IDR",
                "categories": ["overcharging"], "person": str(person.public_id),
                "regency": person.regency.code}
        if flag.entry.placement_id:
            data["placement"] = str(flag.entry.placement.public_id)
        if flag.agency_id:
            data["agency"] = str(flag.agency.public_id)
        registered = case_services.case_create(actor=actor, data=data, via=via)
        old = snapshot(flag, ("status", "case", "sanction_state", "sanction_reference"))
        if flag.agency is None:
            flag.sanction_state = SanctionState.NO_P3MI
        else:
            finding = _open_sanction(actor=actor, flag=flag, summary=text, via=via)
            flag.sanction_state = SanctionState.OPENED if finding is not None else SanctionState.PENDING
            flag.sanction_reference = str(getattr(finding, "public_id", "") or "")
        flag.status, flag.case = FlagStatus.ESCALATED, registered.case
        flag.escalated_at, flag.escalated_by = timezone.now(), actor
        flag.save(update_fields=["status", "case", "sanction_state", "sanction_reference", "escalated_at",
                                 "escalated_by", "updated_at"])
        audit_record(actor=actor, action="overcharge_flag.escalate", obj=flag, changes=diff(
            old, snapshot(flag, ("status", "case", "sanction_state", "sanction_reference"))), reason=extra, via=via)
    return flag

