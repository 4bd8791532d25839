"""Writes for job orders, SIP2MI recruitment permits, placements, their checklists and their
lifecycle. Every function checks permission and scope, writes inside one transaction and leaves an
audit event. ``placement_transition`` is the only way a placement changes state.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import require_perm
from lindungi.accounts.roles import Role
from lindungi.agencies.models import Agency, ForeignParty
from lindungi.audit.services import audit_insert, audit_record, diff, snapshot
from lindungi.common import prepared
from lindungi.common.errors import Conflict, DomainError, NotFound, ValidationFailed
from lindungi.common.inputs import clean_text, date_field, int_field, is_public_id, money_field, raise_if_errors
from lindungi.placements import selectors, states
from lindungi.placements.models import (
    ChecklistItem,
    JobOrder,
    Placement,
    PlacementTransition,
    Sector,
    Sip2mi,
)
from lindungi.placements.perms import JOB_ORDER_VERIFY, JOB_ORDER_WRITE, PLACEMENT_WRITE, SIP2MI_ISSUE
from lindungi.placements.states import PlacementState, Unmet
from lindungi.placements.validation import (
    Lookup,
    check_checklist_kind,
    check_consistency,
    checklist_changes,
    clean_checklist_item,
    clean_new_placement,
    country_ref,
    occupation_ref,
    placement_in_progress,
    placement_out_of_scope,
    ref_by_public_id,
    resolve_placement_refs,
)
from lindungi.reference.models import Country, Occupation


class TransitionRefused(DomainError):
    """The transition exists but some conditions are unmet. ``unmet`` lists every one of them.

    Rendered by the shared API handler as ``{code, message, fields}`` with
    ``fields["to_state"]`` = the messages and ``fields["conditions"]`` = ``"<code>: <message>"``;
    the transitions endpoint adds the structured ``unmet`` list."""

    status_code = 422
    code = "transition_refused"

    def __init__(self, message: str, *, unmet: list[Unmet], to_state: str = ""):
        language = (get_language() or "id")[:2]
        self.unmet = list(unmet)
        self.to_state = to_state
        messages = [u.message(language) for u in self.unmet]
        super().__init__(message, fields={
            "to_state": messages,
            "conditions": [f"{u.code}: {m}" for u, m in zip(self.unmet, messages, strict=True)],
        })


SALARY_MAX = Decimal("9999999999.99")  # JobOrder.salary_amount: max_digits=12, decimal_places=2
PLACEMENT_AUDITED = ("state", "scheme", "agency", "job_order", "sip2mi", "employer", "country", "occupation",
                     "sector", "contract_start", "contract_end", "unit", "migrated")
JOB_ORDER_AUDITED = ("agency", "employer", "foreign_agency", "country", "position_title", "occupation",
                     "headcount_male", "headcount_female", "headcount_any", "salary_amount", "salary_currency",
                     "contract_months", "accommodation", "destination_permit_number", "status", "verified_on",
                     "verification_reference", "rejection_reason")


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _by_public_id(model, value: Any, name: str, errors: dict, *, required: bool = False, **filters):
    return ref_by_public_id(Lookup(None), model, value, name, errors, required=required, **filters)


def _country(value: Any, errors: dict, name: str = "country") -> Country | None:
    return country_ref(Lookup(None), value, errors, name)


def _occupation(value: Any, errors: dict, name: str = "occupation") -> Occupation | None:
    return occupation_ref(Lookup(None), value, errors, name)


def _unmet_messages(unmet: list[Unmet]) -> list[str]:
    language = (get_language() or "id")[:2]
    return [u.message(language) for u in unmet]


# ---------------------------------------------------------------------------------------------
# Job orders
# ---------------------------------------------------------------------------------------------


def _job_order_for_write(actor, public_id) -> JobOrder:
    job_order = (JobOrder.objects.visible_to(actor).filter(public_id=public_id)
                 .select_related(*selectors.JOB_ORDER_RELATIONS).first() if is_public_id(public_id) else None)
    if job_order is None:
        raise NotFound(_("Job order not found."))
    return job_order


def job_order_create(*, actor, data: dict[str, Any], via: str = "web") -> JobOrder:
    """A P3MI enters a job order (status draft) for the Perwakilan to verify. P3MI staff always
    enter it for their own company."""
    require_perm(actor, JOB_ORDER_WRITE)
    errors: dict[str, list[str]] = {}
    if actor.role == Role.P3MI_STAFF:
        agency = actor.agency
    else:
        agency = _by_public_id(Agency, data.get("agency"), "agency", errors, required=True)
    employer = _by_public_id(ForeignParty, data.get("employer"), "employer", errors, required=True,
                             role=ForeignParty.Role.EMPLOYER)
    foreign_agency = _by_public_id(ForeignParty, data.get("foreign_agency"), "foreign_agency", errors,
                                   role=ForeignParty.Role.AGENCY)
    country = _country(data.get("country"), errors)
    occupation = _occupation(data.get("occupation"), errors)
    title = clean_text(data.get("position_title"))[:150]
    if not title:
        errors["position_title"] = [_("This field is required.")]
    counts = {k: int_field(data.get(k), k, errors, default=0)
              for k in ("headcount_male", "headcount_female", "headcount_any")}
    if not errors and sum(v or 0 for v in counts.values()) <= 0:
        errors["headcount_any"] = [_("At least one worker must be requested.")]
    salary = money_field(data.get("salary_amount"), "salary_amount", errors, required=True, positive=True,
                         maximum=SALARY_MAX)
    currency = clean_text(data.get("salary_currency")).upper()
    if len(currency) != 3 or not currency.isalpha():
        errors["salary_currency"] = [_("Enter a 3-letter currency code (ISO 4217).")]
    months = int_field(data.get("contract_months"), "contract_months", errors, minimum=1)
    if employer is not None and country is not None and employer.country_id != country.pk:
        errors["employer"] = [_("The employer is registered in another country.")]
    if employer is not None and employer.blacklisted_from and employer.blacklisted_from <= timezone.localdate() and (
            employer.blacklisted_until is None or employer.blacklisted_until >= timezone.localdate()):
        errors["employer"] = [_("This employer is blacklisted.")]
    if agency is not None and not errors:
        good, _reason = selectors.agency_standing(agency, timezone.localdate(), country=country.iso2)
        if not good:
            errors["agency"] = [_("The P3MI is not in good standing and may not take new job orders.")]
    if not errors:
        blocks = selectors.destination_blocks_for(country=country, occupation=occupation,
                                                  employer_legal_type=employer.legal_type, day=timezone.localdate())
        if blocks:
            errors["country"] = _unmet_messages(states.guard_destination_open(_blocks_ctx(blocks)))
    raise_if_errors(errors)
    with transaction.atomic():
        job_order = JobOrder.objects.create(
            agency=agency, employer=employer, foreign_agency=foreign_agency, country=country,
            position_title=title, occupation=occupation, salary_amount=salary, salary_currency=currency,
            contract_months=months, accommodation=clean_text(data.get("accommodation"))[:255],
            destination_permit_number=clean_text(data.get("destination_permit_number"))[:80], created_by=actor,
            **counts,
        )
        audit_record(actor=actor, action="job_order.created", obj=job_order, via=via,
                     changes=diff({}, snapshot(job_order, JOB_ORDER_AUDITED)))
    return job_order


def _blocks_ctx(blocks) -> states.TransitionContext:
    """A minimal context so the destination guard can phrase its messages."""
    return states.TransitionContext(
        today=timezone.localdate(), placement=states.PlacementFacts(state=PlacementState.REGISTERED),
        person=states.PersonFacts(birth_date=dt.date(2000, 1, 1), education="none"),
        scheme=states.SchemeFacts(code=""), destination_blocks=tuple(blocks),
    )


def job_order_verify(*, actor, public_id, verified_on, verification_reference: str, via: str = "web") -> JobOrder:
    """Record the Perwakilan RI's verification (UU 18/2017 Pasal 9)."""
    require_perm(actor, JOB_ORDER_VERIFY)
    errors: dict[str, list[str]] = {}
    day = date_field(verified_on, "verified_on", errors, required=True)
    reference = clean_text(verification_reference)[:120]
    if not reference:
        errors["verification_reference"] = [_("This field is required.")]
    if day and day > timezone.localdate():
        errors["verified_on"] = [_("The date cannot be in the future.")]
    raise_if_errors(errors)
    with transaction.atomic():
        job_order = _job_order_for_write(actor, public_id)
        if job_order.status != JobOrder.Status.DRAFT:
            raise Conflict(_("Only a job order awaiting verification can be verified."))
        before = snapshot(job_order, JOB_ORDER_AUDITED)
        updated = JobOrder.objects.filter(pk=job_order.pk, status=JobOrder.Status.DRAFT).update(
            status=JobOrder.Status.VERIFIED, verified_on=day, verification_reference=reference, verified_by=actor,
            updated_at=timezone.now())
        if not updated:
            raise Conflict(_("The job order was changed by someone else. Reload and try again."))
        job_order.status, job_order.verified_on = JobOrder.Status.VERIFIED, day
        job_order.verification_reference, job_order.verified_by = reference, actor
        audit_record(actor=actor, action="job_order.verified", obj=job_order, via=via,
                     changes=diff(before, snapshot(job_order, JOB_ORDER_AUDITED)))
    return job_order


def job_order_reject(*, actor, public_id, reason: str, via: str = "web") -> JobOrder:
    require_perm(actor, JOB_ORDER_VERIFY)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.from_fields({"reason": _("A reason is required.")})
    with transaction.atomic():
        job_order = _job_order_for_write(actor, public_id)
        if job_order.status != JobOrder.Status.DRAFT:
            raise Conflict(_("Only a job order awaiting verification can be rejected."))
        before = snapshot(job_order, JOB_ORDER_AUDITED)
        job_order.status = JobOrder.Status.REJECTED
        job_order.rejection_reason = reason
        job_order.save(update_fields=["status", "rejection_reason", "updated_at"])
        audit_record(actor=actor, action="job_order.rejected", obj=job_order, via=via, reason=reason,
                     changes=diff(before, snapshot(job_order, JOB_ORDER_AUDITED)))
    return job_order


# ---------------------------------------------------------------------------------------------
# SIP2MI
# ---------------------------------------------------------------------------------------------


def sip2mi_issue(*, actor, job_order_public_id, number: str, quota, valid_from, valid_until,
                 via: str = "web") -> Sip2mi:
    """Issue a recruitment permit, only against a verified job order, for at most the workers
    the job order still asks for (quotas of its other active permits count)."""
    require_perm(actor, SIP2MI_ISSUE)
    errors: dict[str, list[str]] = {}
    number = clean_text(number).upper()[:80]
    if not number:
        errors["number"] = [_("This field is required.")]
    quota_n = int_field(quota, "quota", errors, minimum=1)
    start = date_field(valid_from, "valid_from", errors, required=True)
    end = date_field(valid_until, "valid_until", errors, required=True)
    if start and end and end < start:
        errors["valid_until"] = [_("Must not be before the start date.")]
    raise_if_errors(errors)
    with transaction.atomic():
        job_order = _job_order_for_write(actor, job_order_public_id)
        if job_order.status != JobOrder.Status.VERIFIED:
            raise ValidationFailed.from_fields(
                {"job_order": _("An SIP2MI can only be issued against a job order verified by the Perwakilan.")})
        good, _reason = selectors.agency_standing(job_order.agency, start, country=job_order.country.iso2)
        if not good:
            raise ValidationFailed.from_fields({"job_order": _("The P3MI is not in good standing.")})
        if Sip2mi.objects.filter(number=number).exists():
            raise Conflict(_("SIP2MI %(n)s already exists.") % {"n": number},
                           fields={"number": [_("Already on record.")]})
        # Unused quota of active permits still counts; used units of revoked permits were recruited.
        taken = sum(
            (p.quota if p.status == Sip2mi.Status.ACTIVE else p.used) for p in job_order.permits.all()
        )
        if taken + quota_n > job_order.headcount_total:
            raise ValidationFailed.from_fields({"quota": _(
                "The job order asks for %(total)s workers and %(taken)s are already covered by permits; "
                "at most %(left)s more can be issued.") % {
                    "total": job_order.headcount_total, "taken": taken,
                    "left": max(0, job_order.headcount_total - taken)}})
        try:
            with transaction.atomic():
                permit = Sip2mi.objects.create(number=number, job_order=job_order, quota=quota_n, valid_from=start,
                                               valid_until=end, issued_by=actor)
        except IntegrityError:
            raise Conflict(_("SIP2MI %(n)s already exists.") % {"n": number})
        audit_record(actor=actor, action="sip2mi.issued", obj=permit, via=via,
                     changes={"number": [None, number], "quota": [None, quota_n],
                              "valid_from": [None, start.isoformat()], "valid_until": [None, end.isoformat()],
                              "job_order": [None, job_order.pk]})
    return permit


def sip2mi_revoke(*, actor, public_id, reason: str, revoked_on=None, via: str = "web") -> Sip2mi:
    require_perm(actor, SIP2MI_ISSUE)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("A reason is required.")]
    day = date_field(revoked_on, "revoked_on", errors) or timezone.localdate()
    raise_if_errors(errors)
    with transaction.atomic():
        permit = Sip2mi.objects.filter(public_id=public_id).first() if is_public_id(public_id) else None
        if permit is None:
            raise NotFound(_("SIP2MI not found."))
        updated = Sip2mi.objects.filter(pk=permit.pk, status=Sip2mi.Status.ACTIVE).update(
            status=Sip2mi.Status.REVOKED, revoked_on=day, revoke_reason=reason, updated_at=timezone.now())
        if not updated:
            raise Conflict(_("This SIP2MI is already revoked."))
        permit.refresh_from_db()
        audit_record(actor=actor, action="sip2mi.revoked", obj=permit, via=via, reason=reason,
                     changes={"status": [Sip2mi.Status.ACTIVE, Sip2mi.Status.REVOKED],
                              "revoked_on": [None, day.isoformat()]})
    return permit


def sip2mi_reserve(*, sip2mi_id: int, on: dt.date | None = None) -> bool:
    """Take one unit of quota. One atomic compare-and-set UPDATE: it succeeds only while the permit
    is active, in force and has quota left, so concurrent callers can never over-issue it (the
    database also refuses ``used > quota`` by a check constraint). Returns whether a unit was taken."""
    day = on or timezone.localdate()
    return bool(
        Sip2mi.objects.filter(pk=sip2mi_id, status=Sip2mi.Status.ACTIVE, used__lt=F("quota"),
                              valid_from__lte=day, valid_until__gte=day)
        .update(used=F("used") + 1)
    )


def sip2mi_release(*, sip2mi_id: int) -> bool:
    """Give one unit of quota back (withdrawal and other exits before departure)."""
    return bool(Sip2mi.objects.filter(pk=sip2mi_id, used__gt=0).update(used=F("used") - 1))


# ---------------------------------------------------------------------------------------------
# Placements
# ---------------------------------------------------------------------------------------------


def _placement_for_write(actor, public_id, *, deferred: bool = False):
    """The placement, scoped, with every relation the guards read, in one query: the only load a
    write needs. Its SQL is compiled once per scope and day (``common.prepared``), then reused with
    the public id as a parameter. With ``deferred`` it returns ``(placement, fill)`` and the
    relations are attached only when ``fill()`` is called (a guard-free transition never builds them)."""
    if not is_public_id(public_id):
        raise NotFound(_("Placement not found."))
    key = ("placement_for_write", bool(actor.is_authenticated and actor.is_active), actor.role,
           getattr(actor, "unit_id", None), getattr(actor, "agency_id", None), timezone.localdate())
    placement, fill = prepared.fetch_one(
        key, Placement, lambda value: (Placement.objects.visible_to(actor).filter(public_id=value)
                                       .select_related(*selectors.CONTEXT_RELATIONS).order_by()),
        field="public_id", value=public_id)
    if placement is None:
        raise NotFound(_("Placement not found."))
    if deferred:
        return placement, fill
    fill()
    return placement


def placement_create(*, actor, data: dict[str, Any], via: str = "web") -> tuple[Placement, list[Unmet]]:
    """Register a placement in state ``registered``. Scheme eligibility (age, education,
    destination, employer type, P3MI standing, SIP2MI) is checked but only returned as warnings:
    it is enforced at selection. Returns the placement and the warnings."""
    require_perm(actor, PLACEMENT_WRITE)
    placement = clean_new_placement(actor, data, lookup=Lookup(actor))
    if not placement.migrated and Placement.objects.filter(person=placement.person, migrated=False).exclude(
            state__in=sorted(states.CLOSED)).exists():
        raise placement_in_progress()
    try:
        with transaction.atomic():
            placement.save()
            if not Placement.objects.visible_to(actor).filter(pk=placement.pk).exists():
                raise placement_out_of_scope()
            audit_record(actor=actor, action="placement.created", obj=placement, via=via,
                         changes=diff({}, snapshot(placement, PLACEMENT_AUDITED)))
    except IntegrityError:
        raise Conflict(_("This person already has a placement in progress."))
    return placement, selectors.placement_eligibility_warnings(placement)


def placement_update(*, actor, public_id, data: dict[str, Any], reason: str = "",
                     expected_version: int | None = None, via: str = "web") -> Placement:
    """Change a placement's details. What may change depends on its state: job order, SIP2MI and
    employer only before selection (the quota is taken at selection); contract dates until
    departure; the contract end also abroad (extensions)."""
    require_perm(actor, PLACEMENT_WRITE)
    with transaction.atomic():
        placement = _placement_for_write(actor, public_id)
        refused = sorted(set(data) - states.editable_fields(placement.state))
        if refused:
            raise ValidationFailed.from_fields(
                {name: _("Cannot be changed in state %(s)s.") % {"s": placement.get_state_display()}
                 for name in refused})
        if expected_version is not None and expected_version != placement.version:
            raise Conflict(_("The placement was changed by someone else. Reload and try again."),
                           code="stale_version")
        errors: dict[str, list[str]] = {}
        values = resolve_placement_refs(actor, data, errors, lookup=Lookup(actor), current=placement)
        raise_if_errors(errors)
        before = snapshot(placement, PLACEMENT_AUDITED)
        for name, value in values.items():
            setattr(placement, name, value)
        if "occupation" in values and "sector" not in values:
            placement.sector = Sector.INFORMAL if placement.occupation.domestic_worker else Sector.FORMAL
        check_consistency(placement, errors)
        raise_if_errors(errors)
        changes = diff(before, snapshot(placement, PLACEMENT_AUDITED))
        if not changes:
            return placement
        fields = {name: getattr(placement, name) for name in values}
        if "occupation" in values:
            fields["sector"] = placement.sector
        now = timezone.now()
        updated = Placement.objects.filter(pk=placement.pk, version=placement.version).update(
            **fields, version=F("version") + 1, updated_at=now)
        if not updated:
            raise Conflict(_("The placement was changed by someone else. Reload and try again."),
                           code="stale_version")
        placement.version, placement.updated_at = placement.version + 1, now
        audit_record(actor=actor, action="placement.updated", obj=placement, changes=changes, reason=reason, via=via)
    return placement


# Other domains react to a step inside the same transaction (the departures app issues a departure
# credential on ``ready_to_depart`` and revokes it when the placement leaves that state). Registered
# at start-up by the app that reacts, so this domain imports none of them.
TRANSITION_HOOKS: list[Callable[..., None]] = []


def register_transition_hook(hook: Callable[..., None]) -> None:
    """``hook(*, actor, placement, from_state, to_state, via)``, called once per transition."""
    if hook not in TRANSITION_HOOKS:
        TRANSITION_HOOKS.append(hook)


@dataclass(frozen=True)
class Moved:
    """What a transition leaves: the placement as stored now (with the relations the guards read)
    and, when the step had guards, the facts they read as they stand after the step, so a caller
    can show the next steps without reading them again."""

    placement: Placement
    context: states.TransitionContext | None


def placement_transition(
    *, actor, public_id, to_state: str, reason: str = "", expected_version: int | None = None,
    via: str = "web", on: dt.date | None = None, with_relations: bool = False,
    identifier: dict | None = None,
) -> Moved:
    """Move a placement to ``to_state``.

    1. one scoped load with the relations the guards read (out of scope = 404); 2. the pair must be
    in ``states.TRANSITIONS`` (else 409); 3. the actor needs the rule's permission (403); 4. a reason
    when the rule asks for one (422); 5. the guard context, built once and only for a step with
    guards; every unmet condition reported at once (``TransitionRefused``, 422);
    6. SIP2MI quota taken on selection / given back on an early exit, by compare-and-set;
    7. compare-and-set on (state, version) — 0 rows means someone else moved it first (409);
    8. a ``PlacementTransition`` row and an audit event. Nothing is read back afterwards.
    ``on`` is the day the guards are evaluated for (default today). The one load reads the placement
    with every relation a guard may read; the related objects are built only for a step with guards,
    one that moves SIP2MI quota, or when the caller asks for them (``with_relations``: it will show
    them).
    A checkpoint officer gives the
    worker's NIK or passport number (``identifier``): without it the placement does not exist for them.
    """
    day = on or timezone.localdate()
    reason = (reason or "").strip()
    if to_state not in states.STATE_VALUES:
        raise ValidationFailed.from_fields({"to_state": _("Unknown state.")})
    with transaction.atomic():
        placement, fill = _placement_for_write(actor, public_id, deferred=True)
        from_state, version = placement.state, placement.version
        rule = states.rule_for(from_state, to_state)
        if actor.is_lookup_only or with_relations or (
                rule is not None and (rule.guards or states.quota_effect(from_state, to_state))):
            fill()
        selectors.require_looked_up(actor, placement, identifier)
        if rule is None:
            raise Conflict(
                _("A placement cannot move from %(a)s to %(b)s.") % {
                    "a": PlacementState(from_state).label, "b": PlacementState(to_state).label},
                code="transition_not_allowed", fields={"to_state": [_("Not allowed from the current state.")]})
        require_perm(actor, rule.permission)
        if expected_version is not None and expected_version != version:
            raise Conflict(_("The placement was changed by someone else. Reload and try again."),
                           code="stale_version")
        if rule.needs_reason and not reason:
            raise ValidationFailed.from_fields({"reason": _("A reason is required for this step.")})
        context = selectors.transition_context(placement, on=day) if rule.guards else None
        unmet = states.unmet_conditions(rule.guards, context) if context is not None else []
        if unmet:
            raise TransitionRefused(
                _("The placement cannot move to %(s)s yet: %(n)s condition(s) unmet.") % {
                    "s": PlacementState(to_state).label, "n": len(unmet)},
                unmet=unmet, to_state=to_state)
        quota_held = _move_quota(placement, states.quota_effect(from_state, to_state), day=day, to_state=to_state)
        now = timezone.now()
        if not _write_transition(placement, from_state=from_state, to_state=to_state, version=version,
                                 quota_held=quota_held, actor=actor, reason=reason, via=via, now=now):
            raise Conflict(_("The placement was changed by someone else. Reload and try again."),
                           code="stale_version")
        changes = {"state": [from_state, to_state]}
        if quota_held != placement.quota_held:
            changes["quota_held"] = [placement.quota_held, quota_held]
        audit_insert(actor=actor, action="placement.transition", object_type="placement", object_id=placement.pk,
                     changes=changes, reason=reason, via=via, at=now)
        for hook in TRANSITION_HOOKS:
            hook(actor=actor, placement=placement, from_state=from_state, to_state=to_state, via=via)
    placement.state, placement.version, placement.state_changed_at = to_state, version + 1, now
    placement.quota_held, placement.updated_at = quota_held, now
    if context is not None:
        context = replace(context, placement=replace(context.placement, state=to_state),
                          sip2mi=selectors.sip2mi_facts(placement.sip2mi, held=quota_held))
    return Moved(placement=placement, context=context)


_TRANSITION_SQL: dict[str, tuple[str, str]] = {}


def _write_transition(placement: Placement, *, from_state: str, to_state: str, version: int, quota_held: bool,
                      actor, reason: str, via: str, now: dt.datetime) -> bool:
    """The compare-and-set ``UPDATE`` on (state, version) and the ``PlacementTransition`` row, as two
    statements prepared once per database vendor. False when the placement was moved meanwhile."""
    connection = connections[Placement.objects.db]
    statements = _TRANSITION_SQL.get(connection.vendor)
    if statements is None:
        quote = connection.ops.quote_name

        def column(model, name):
            return quote(model._meta.get_field(name).column)

        p = {name: column(Placement, name) for name in
             ("id", "state", "version", "state_changed_at", "quota_held", "updated_at")}
        inserted = ", ".join(column(PlacementTransition, name) for name in
                             ("placement", "from_state", "to_state", "actor", "reason", "at", "via", "version"))
        statements = _TRANSITION_SQL[connection.vendor] = (
            f"UPDATE {quote(Placement._meta.db_table)} SET {p['state']} = %s, {p['version']} = %s, "
            f"{p['state_changed_at']} = %s, {p['quota_held']} = %s, {p['updated_at']} = %s "
            f"WHERE {p['id']} = %s AND {p['state']} = %s AND {p['version']} = %s",
            f"INSERT INTO {quote(PlacementTransition._meta.db_table)} ({inserted}) "
            f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s)")
    update, insert = statements
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(update, [to_state, version + 1, at, quota_held, at, placement.pk, from_state, version])
        if cursor.rowcount != 1:
            return False
        cursor.execute(insert, [placement.pk, from_state, to_state, getattr(actor, "pk", None), reason, at, via,
                                version + 1])
    return True


def _move_quota(placement: Placement, effect: int, *, day: dt.date, to_state: str) -> bool:
    """Take (+1) or give back (-1) one unit of the placement's SIP2MI quota; returns whether the
    placement holds a unit afterwards. The in-memory permit follows the database."""
    if effect > 0 and placement.sip2mi_id:
        if not sip2mi_reserve(sip2mi_id=placement.sip2mi_id, on=day):
            quota_unmet = Unmet("sip2mi_quota_exhausted",
                                f"Kuota SIP2MI {placement.sip2mi.number} sudah habis.",
                                f"The quota of SIP2MI {placement.sip2mi.number} is used up.")
            raise TransitionRefused(_("The SIP2MI has no quota left."), unmet=[quota_unmet], to_state=to_state)
        placement.sip2mi.used += 1
        return True
    if effect < 0 and placement.quota_held and placement.sip2mi_id:
        sip2mi_release(sip2mi_id=placement.sip2mi_id)
        placement.sip2mi.used -= 1
        return False
    return placement.quota_held


# ---------------------------------------------------------------------------------------------
# Checklist
# ---------------------------------------------------------------------------------------------


def checklist_record(*, actor, public_id, kind: str, data: dict[str, Any], via: str = "web") -> ChecklistItem:
    """Record a readiness document (rules: ``validation.clean_checklist_item``)."""
    require_perm(actor, PLACEMENT_WRITE)
    check_checklist_kind(kind)
    with transaction.atomic():
        placement = _placement_for_write(actor, public_id)
        if placement.state in states.TERMINAL:
            raise Conflict(_("This placement is closed."))
        values = clean_checklist_item(kind, data, person_id=placement.person_id, lookup=Lookup(actor))
        item = ChecklistItem.objects.create(placement=placement, recorded_by=actor, **values)
        audit_record(actor=actor, action="placement.checklist_recorded", obj=placement, via=via,
                     changes=checklist_changes(values))
    return item


def checklist_void(*, actor, public_id, item_id: int, reason: str, voided_on=None,
                   via: str = "web") -> ChecklistItem:
    """Void an item (e.g. a medical certificate when the worker is found pregnant)."""
    require_perm(actor, PLACEMENT_WRITE)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("A reason is required.")]
    day = date_field(voided_on, "voided_on", errors) or timezone.localdate()
    raise_if_errors(errors)
    with transaction.atomic():
        placement = _placement_for_write(actor, public_id)
        item = placement.checklist_items.filter(pk=item_id).first()
        if item is None:
            raise NotFound(_("Checklist item not found."))
        if item.voided_on is not None:
            raise Conflict(_("This item is already voided."))
        item.voided_on = day
        item.void_reason = reason
        item.save(update_fields=["voided_on", "void_reason"])
        audit_record(actor=actor, action="placement.checklist_voided", obj=placement, via=via, reason=reason,
                     changes={item.kind: [item.reference_number, None], "voided_on": [None, day.isoformat()]})
    return item


# ---------------------------------------------------------------------------------------------
# Bulk and import helpers (used by lindungi.imports; they change nothing above)
# ---------------------------------------------------------------------------------------------

# States a migrated placement may carry a departure date / a return date in.
HAS_DEPARTED: frozenset[str] = states.ABROAD | states.RETURN_STATES | {PlacementState.RETURNEE,
                                                                       PlacementState.DECEASED}
HAS_RETURNED: frozenset[str] = states.RETURN_STATES | {PlacementState.RETURNEE}


def placement_register_with_items(
    *, actor, data: dict[str, Any], items: list[tuple[str, dict[str, Any]]] = (), refuse_warnings: bool = True,
    via: str = "import",
) -> tuple[Placement, list[ChecklistItem]]:
    """One row of a bulk file of *new* placements, all or nothing: ``placement_create`` (state
    ``registered``) and then ``checklist_record`` for each ``(kind, data)`` item.

    With ``refuse_warnings`` the eligibility conditions that the single form only shows as warnings
    (age, education, destination, employer type, P3MI standing, job order, SIP2MI) refuse the row
    with ``TransitionRefused``: nobody reads warnings in a file of thousands of rows, and such a
    placement would be stopped at selection anyway. A refused checklist item raises
    ``ValidationFailed`` with its fields prefixed by the kind (``medical_fitness.issued_on``)."""
    with transaction.atomic():
        placement, warnings = placement_create(actor=actor, data=data, via=via)
        if warnings and refuse_warnings:
            raise eligibility_refused(warnings)
        recorded = []
        for kind, item_data in items:
            try:
                recorded.append(checklist_record(actor=actor, public_id=placement.public_id, kind=kind, data=item_data,
                                                 via=via))
            except ValidationFailed as exc:
                raise item_refused(kind, exc)
    return placement, recorded


def eligibility_refused(warnings: list[Unmet]) -> TransitionRefused:
    """A new placement of a file refused for the conditions the single form shows as warnings."""
    return TransitionRefused(
        _("The placement does not meet the conditions of its scheme: %(n)s condition(s) unmet.")
        % {"n": len(warnings)}, unmet=warnings, to_state=PlacementState.SELECTED)


def item_refused(kind: str, exc: ValidationFailed) -> ValidationFailed:
    """A refused checklist item of a new placement, its fields prefixed by the kind (``medical_fitness.issued_on``)."""
    return ValidationFailed.from_fields(
        {f"{kind}.{name}": messages for name, messages in exc.fields.items()} or {kind: exc.message})


def historical_state_errors(*, state: str, state_date: dt.date | None, departed_on: dt.date | None,
                            returned_on: dt.date | None) -> dict[str, str]:
    """What is wrong with the state and dates of a record migrated from another system, by field.
    The state must exist; the departure and return dates must fit the state and come in order."""
    errors: dict[str, str] = {}
    if state not in PlacementState.values:
        errors["state"] = _("Unknown state. Allowed: %(s)s.") % {"s": ", ".join(PlacementState.values)}
        return errors
    if departed_on and state not in HAS_DEPARTED:
        errors["departed_on"] = _("A placement in state %(s)s has not departed.") % {"s": state}
    if returned_on and state not in HAS_RETURNED:
        errors["returned_on"] = _("A placement in state %(s)s has not returned.") % {"s": state}
    if departed_on and returned_on and returned_on < departed_on:
        errors["returned_on"] = _("Must not be before the departure date.")
    if state_date:
        for name, day in (("departed_on", departed_on), ("returned_on", returned_on)):
            if day and day > state_date and name not in errors:
                errors["state_date"] = _("The state date must not be before %(f)s.") % {"f": name}
    return errors


def historical_timeline(*, state: str, state_date: dt.date, departed_on: dt.date | None = None,
                        returned_on: dt.date | None = None) -> list[tuple[str, str, dt.date]]:
    """The transitions that record a migrated placement's known history, oldest first, as
    ``(from_state, to_state, day)``: its departure and its return when their dates are known and
    they are not the recorded state itself, then the recorded state on its date. The first step
    starts from ``registered``; there is always at least one step (even ``registered → registered``,
    which records when and in what state the record was migrated)."""
    steps: list[tuple[str, str, dt.date]] = []
    current = PlacementState.REGISTERED.value
    if departed_on and state != PlacementState.DEPARTED:
        steps.append((current, PlacementState.DEPARTED.value, departed_on))
        current = PlacementState.DEPARTED.value
    if returned_on and state not in states.RETURN_STATES:
        steps.append((current, PlacementState.RETURNED.value, returned_on))
        current = PlacementState.RETURNED.value
    steps.append((current, state, state_date))
    return steps
