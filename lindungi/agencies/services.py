"""Writes for P3MI companies, their licence status, branches, and foreign employers/agencies.

Every function takes keyword-only plain values (regency by Kemendagri code, country by ISO 3166
alpha-2), an explicit ``actor`` and ``via``; checks the actor's permission; runs in one
transaction; and writes an ``AuditEvent`` with ``{field: [old, new]}`` and the reason. Each licence
status change also appends an ``AgencyStatusChange`` row, which is the company's full history.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import require_perm
from lindungi.agencies import sanction_states
from lindungi.agencies.models import (
    Agency,
    AgencyStatus,
    AgencyStatusChange,
    Branch,
    DepositDrawdown,
    DepositPayout,
    DepositRule,
    ForeignParty,
    Sanction,
    SanctionGround,
    SanctionStep,
)
from lindungi.agencies.perms import AGENCY_SANCTION, AGENCY_WRITE, DRAWDOWN_DECIDE, DRAWDOWN_REQUEST, SANCTION_OPEN
from lindungi.agencies.rules import format_rupiah, minimums_on
from lindungi.agencies.sanction_states import SanctionOutcome, SanctionState
from lindungi.agencies.scheme_codes import known_scheme_codes
from lindungi.audit.chain import normalise_json as chain_json
from lindungi.audit.services import audit_record, diff, snapshot
from lindungi.common.errors import Conflict, DomainError, NotFound, ValidationFailed
from lindungi.common.inputs import (
    add_error,
    clean_text,
    date_field,
    money_field,
    parse_public_id,
    raise_if_errors,
    reason_field,
    text_field,
)
from lindungi.reference.models import Country, Regency

# Fields an officer may set on a company through create/update (status has its own services).
AGENCY_EDITABLE = (
    "legal_name", "sip3mi_number", "licence_issued_on", "licence_expires_on", "head_office_regency_code",
    "head_office_address", "paid_up_capital", "deposit_bank", "deposit_amount", "deposit_holder",
    "deposit_reference", "responsible_officer", "phone", "email",
)
_AGENCY_REQUIRED = ("legal_name", "sip3mi_number", "licence_issued_on", "head_office_regency_code",
                    "paid_up_capital", "deposit_bank", "deposit_amount")
_AGENCY_TEXT = ("legal_name", "sip3mi_number", "head_office_address", "deposit_bank", "deposit_holder",
                "deposit_reference", "responsible_officer", "phone", "email")
_LICENCE_FIELDS = ("sip3mi_number", "licence_issued_on", "licence_expires_on")

FOREIGN_PARTY_EDITABLE = (
    "role", "legal_type", "name", "name_local", "country_iso2", "address", "registration_number",
    "blacklisted_from", "blacklisted_until",
)
_FOREIGN_PARTY_TEXT = ("name", "name_local", "address", "registration_number")



# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------

def _regency(code: Any, field: str, errors: dict, *, allow_retired: bool = False) -> Regency | None:
    digits = re.sub(r"[\s.]", "", str(code or ""))
    if not digits:
        errors.setdefault(field, []).append(_("This field is required."))
        return None
    regency = Regency.objects.filter(code=digits).select_related("successor").first() if digits.isdigit() else None
    if regency is None:
        errors.setdefault(field, []).append(
            _("Unknown regency/city code “%(code)s” (use the Kemendagri code, e.g. 3201).") % {"code": code}
        )
        return None
    if not allow_retired and regency.valid_to is not None and regency.valid_to < timezone.localdate():
        if regency.successor_id:
            msg = _("Regency/city code %(code)s was retired; use %(successor)s.") % {
                "code": regency.dotted_code, "successor": str(regency.successor)}
        else:
            msg = _("Regency/city code %(code)s was retired.") % {"code": regency.dotted_code}
        errors.setdefault(field, []).append(msg)
        return None
    return regency


def _country(iso2: Any, field: str, errors: dict) -> Country | None:
    code = clean_text(iso2).upper()
    if not code:
        errors.setdefault(field, []).append(_("This field is required."))
        return None
    country = Country.objects.filter(iso2=code).first() if len(code) == 2 else None
    if country is None:
        errors.setdefault(field, []).append(
            _("Unknown country code “%(code)s” (use the two-letter ISO code, e.g. MY).") % {"code": iso2}
        )
    return country


def _check_lengths(model, values: dict, names, errors: dict) -> None:
    for name in names:
        value = values.get(name)
        if not value:
            continue
        max_length = model._meta.get_field(name).max_length
        if max_length and len(value) > max_length:
            errors.setdefault(name, []).append(
                _("At most %(n)d characters (this has %(len)d).") % {"n": max_length, "len": len(value)}
            )


def _require_reason(reason: str, errors: dict) -> str:
    reason = (reason or "").strip()
    if not reason:
        errors.setdefault("reason", []).append(_("Give the reason for this change."))
    return reason


def _agency_for_write(actor, public_id) -> Agency:
    uid = parse_public_id(public_id)
    agency = (
        Agency.objects.visible_to(actor).select_for_update().select_related("head_office_regency")
        .filter(public_id=uid).first() if uid else None
    )
    if agency is None:
        raise NotFound(_("P3MI not found."))
    return agency


def _revocation_final(agency: Agency) -> Conflict:
    return Conflict(
        _("The SIP3MI of %(name)s was revoked. Revocation is final: the licence cannot be reinstated, "
          "suspended or lifted. The company must obtain a new SIP3MI, recorded as a new P3MI.")
        % {"name": agency.legal_name},
        code="revocation_final",
    )


def agency_snapshot(agency: Agency) -> dict[str, Any]:
    """The audited view of a company: plain values, regency by code."""
    return {
        "legal_name": agency.legal_name,
        "sip3mi_number": agency.sip3mi_number,
        "licence_issued_on": agency.licence_issued_on,
        "licence_expires_on": agency.licence_expires_on,
        "status": agency.status,
        "suspended_from": agency.suspended_from,
        "suspended_until": agency.suspended_until,
        "suspension_countries": list(agency.suspension_countries or []),
        "suspension_schemes": list(agency.suspension_schemes or []),
        "head_office_regency_code": agency.head_office_regency.code if agency.head_office_regency_id else None,
        "head_office_address": agency.head_office_address,
        "paid_up_capital": agency.paid_up_capital,
        "deposit_bank": agency.deposit_bank,
        "deposit_amount": agency.deposit_amount,
        "deposit_holder": agency.deposit_holder,
        "deposit_reference": agency.deposit_reference,
        "responsible_officer": agency.responsible_officer,
        "phone": agency.phone,
        "email": agency.email,
    }


def _validate_agency(values: dict, *, changed: set[str], exclude_pk: int | None) -> tuple[dict, Regency | None]:
    """Normalise and check a full set of company values; ``changed`` names the fields the caller set
    (financial minimums are enforced on those, so an old record can still be corrected)."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for name in _AGENCY_TEXT:
        clean[name] = clean_text(values.get(name))
    clean["licence_issued_on"] = date_field(values.get("licence_issued_on"), "licence_issued_on", errors)
    clean["licence_expires_on"] = date_field(values.get("licence_expires_on"), "licence_expires_on", errors)
    clean["paid_up_capital"] = money_field(values.get("paid_up_capital"), "paid_up_capital", errors)
    clean["deposit_amount"] = money_field(values.get("deposit_amount"), "deposit_amount", errors)

    for name in _AGENCY_REQUIRED:
        if name == "head_office_regency_code":
            continue
        if clean.get(name) in (None, "") and name not in errors:
            errors.setdefault(name, []).append(_("This field is required."))
    _check_lengths(Agency, clean, _AGENCY_TEXT, errors)

    regency = _regency(values.get("head_office_regency_code"), "head_office_regency_code", errors,
                       allow_retired="head_office_regency_code" not in changed)
    if regency is not None:
        clean["head_office_regency_code"] = regency.code

    issued, expires = clean["licence_issued_on"], clean["licence_expires_on"]
    if issued and "licence_issued_on" in changed and issued > timezone.localdate():
        errors.setdefault("licence_issued_on", []).append(_("The issue date cannot be in the future."))
    if issued and expires and expires < issued:
        errors.setdefault("licence_expires_on", []).append(
            _("The licence cannot expire before it was issued.")
        )

    minimums = minimums_on(timezone.localdate())
    capital, deposit = clean["paid_up_capital"], clean["deposit_amount"]
    if capital is not None and "paid_up_capital" in changed and capital < minimums.paid_up_capital:
        errors.setdefault("paid_up_capital", []).append(
            _("Paid-up capital must be at least %(min)s (%(basis)s).")
            % {"min": format_rupiah(minimums.paid_up_capital), "basis": minimums.legal_basis}
        )
    if deposit is not None and "deposit_amount" in changed and deposit < minimums.deposit:
        errors.setdefault("deposit_amount", []).append(
            _("The deposit must be at least %(min)s (%(basis)s).")
            % {"min": format_rupiah(minimums.deposit), "basis": minimums.legal_basis}
        )

    if clean["email"]:
        try:
            validate_email(clean["email"])
        except DjangoValidationError:
            errors.setdefault("email", []).append(_("Enter a valid email address."))

    raise_if_errors(errors)

    if "sip3mi_number" in changed:
        clash = Agency.objects.filter(sip3mi_number__iexact=clean["sip3mi_number"])
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        other = clash.first()
        if other is not None:
            raise _sip3mi_conflict(clean["sip3mi_number"], other.legal_name)
    return clean, regency


def _sip3mi_conflict(number: str, holder: str | None) -> Conflict:
    msg = (_("SIP3MI number %(number)s is already registered to %(name)s.") % {"number": number, "name": holder}
           if holder else _("SIP3MI number %(number)s is already registered.") % {"number": number})
    return Conflict(msg, code="sip3mi_taken", fields={"sip3mi_number": [msg]})


# ---------------------------------------------------------------------------------------------
# companies
# ---------------------------------------------------------------------------------------------

def agency_create(
    *, actor, legal_name: str, sip3mi_number: str, licence_issued_on, head_office_regency_code: str,
    paid_up_capital, deposit_bank: str, deposit_amount, licence_expires_on=None, head_office_address: str = "",
    deposit_holder: str = "", deposit_reference: str = "", responsible_officer: str = "", phone: str = "",
    email: str = "", reason: str = "", via: str = "",
) -> Agency:
    require_perm(actor, AGENCY_WRITE)
    values = {
        "legal_name": legal_name, "sip3mi_number": sip3mi_number, "licence_issued_on": licence_issued_on,
        "licence_expires_on": licence_expires_on, "head_office_regency_code": head_office_regency_code,
        "head_office_address": head_office_address, "paid_up_capital": paid_up_capital,
        "deposit_bank": deposit_bank, "deposit_amount": deposit_amount, "deposit_holder": deposit_holder,
        "deposit_reference": deposit_reference, "responsible_officer": responsible_officer, "phone": phone,
        "email": email,
    }
    with transaction.atomic():
        clean, regency = _validate_agency(values, changed=set(AGENCY_EDITABLE), exclude_pk=None)
        fields = {k: v for k, v in clean.items() if k != "head_office_regency_code"}
        try:
            with transaction.atomic():
                agency = Agency.objects.create(head_office_regency=regency, status=AgencyStatus.ACTIVE, **fields)
        except IntegrityError:
            raise _sip3mi_conflict(clean["sip3mi_number"], None)
        note = (reason or "").strip() or _("Licence registered")
        AgencyStatusChange.objects.create(
            agency=agency, status=AgencyStatus.ACTIVE, effective_from=agency.licence_issued_on,
            effective_until=agency.licence_expires_on, reason=note,
            actor=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(actor=actor, action="agency.create", obj=agency, via=via, reason=note,
                     changes=diff({}, agency_snapshot(agency)))
    return agency


def agency_update(*, actor, public_id, reason: str = "", via: str = "", **changes) -> Agency:
    """Change any of ``AGENCY_EDITABLE``; unknown names are refused. Status changes have their own
    services (suspend, lift, revoke)."""
    require_perm(actor, AGENCY_WRITE)
    unknown = sorted(set(changes) - set(AGENCY_EDITABLE))
    if unknown:
        raise ValidationFailed.from_fields({name: [_("This field cannot be changed here.")] for name in unknown})
    with transaction.atomic():
        agency = _agency_for_write(actor, public_id)
        old = agency_snapshot(agency)
        if agency.status == AgencyStatus.REVOKED and any(
            name in changes and _differs(old.get(name), changes[name]) for name in _LICENCE_FIELDS
        ):
            raise _revocation_final(agency)
        values = {name: old.get(name) for name in AGENCY_EDITABLE} | changes
        changed = {name for name in changes if _differs(old.get(name), changes[name])}
        clean, regency = _validate_agency(values, changed=changed, exclude_pk=agency.pk)
        new = old | {name: clean[name] for name in AGENCY_EDITABLE}
        changes_made = diff(old, new)
        if not changes_made:
            return agency
        for name in AGENCY_EDITABLE:
            if name == "head_office_regency_code":
                agency.head_office_regency = regency
            else:
                setattr(agency, name, clean[name])
        try:
            with transaction.atomic():
                agency.save()
        except IntegrityError:
            raise _sip3mi_conflict(clean["sip3mi_number"], None)
        audit_record(actor=actor, action="agency.update", obj=agency, via=via, reason=(reason or "").strip(),
                     changes=changes_made)
    return agency


def _differs(old: Any, new: Any) -> bool:
    if old is None and new in ("", None):
        return False
    if isinstance(old, Decimal) and new not in (None, ""):
        try:
            return Decimal(str(new)) != old
        except (InvalidOperation, ValueError):
            return True
    if isinstance(old, dt.date) and isinstance(new, str):
        return old.isoformat() != new
    if isinstance(old, str) and isinstance(new, str):
        return clean_text(old) != clean_text(new)
    return old != new


def _status_change(agency: Agency, *, actor, status: str, effective_from, effective_until=None,
                   decree_number: str = "", reason: str, sanction=None) -> AgencyStatusChange:
    return AgencyStatusChange.objects.create(
        agency=agency, status=status, effective_from=effective_from, effective_until=effective_until,
        decree_number=decree_number, reason=reason, actor=actor if getattr(actor, "pk", None) else None,
        sanction=sanction, scope_countries=list(agency.suspension_countries or []),
        scope_schemes=list(agency.suspension_schemes or []),
    )


def _save_status(agency: Agency, old: dict, *, actor, action: str, reason: str, via: str) -> None:
    agency.save(update_fields=["status", "suspended_from", "suspended_until", "suspension_countries",
                               "suspension_schemes", "updated_at"])
    audit_record(actor=actor, action=action, obj=agency, via=via, reason=reason,
                 changes=diff(old, agency_snapshot(agency)))


# The licence status changes. Private: only the sanction workflow (``sanction_step``) calls them,
# so a suspension, a lifting and a revocation are always a step of a sanction with its letter.

def _apply_suspension(agency: Agency, *, actor, sanction, start, end, countries, schemes, decree: str,
                      reason: str, via: str) -> None:
    old = agency_snapshot(agency)
    agency.status = AgencyStatus.SUSPENDED
    agency.suspended_from, agency.suspended_until = start, end
    agency.suspension_countries, agency.suspension_schemes = list(countries), list(schemes)
    _status_change(agency, actor=actor, status=AgencyStatus.SUSPENDED, effective_from=start, effective_until=end,
                   decree_number=decree, reason=reason, sanction=sanction)
    _save_status(agency, old, actor=actor, action="agency.suspend", reason=reason, via=via)


def _apply_end(agency: Agency, *, status: str, action: str, actor, sanction, day, decree: str, reason: str,
               via: str) -> None:
    """End the suspension: ``active`` (lifted) or ``revoked``, from ``day``."""
    old = agency_snapshot(agency)
    agency.status = status
    agency.suspended_from = agency.suspended_until = None
    agency.suspension_countries, agency.suspension_schemes = [], []
    _status_change(agency, actor=actor, status=status, effective_from=day, decree_number=decree, reason=reason,
                   sanction=sanction)
    _save_status(agency, old, actor=actor, action=action, reason=reason, via=via)


def _decree(decree_number, errors: dict, message: str) -> str:
    decree = clean_text(decree_number)
    if not decree:
        errors.setdefault("decree_number", []).append(message)
    _check_lengths(AgencyStatusChange, {"decree_number": decree}, ["decree_number"], errors)
    return decree


def agency_suspend(
    *, actor, public_id, suspended_from, suspended_until=None, decree_number: str, reason: str, via: str = "",
    countries=(), schemes=(), letter_date=None,
) -> Agency:
    """Suspend a licence from ``suspended_from`` to ``suspended_until`` inclusive (no end date: until
    lifted), for all activity or only ``countries`` / ``schemes``.

    A step of the sanction workflow: the company's suspended sanction is suspended anew (its period
    and scope replaced: an extension), or else a sanction is opened on the decree
    (``DECREE_GROUND``, source "decision") and suspended. The decree's date defaults to today."""
    require_perm(actor, AGENCY_SANCTION)
    errors: dict[str, list[str]] = {}
    start = date_field(suspended_from, "suspended_from", errors)
    if start is None and "suspended_from" not in errors:
        errors.setdefault("suspended_from", []).append(_("This field is required."))
    date_field(suspended_until, "suspended_until", errors)
    decree = _decree(decree_number, errors, _("Give the number of the suspension decree."))
    reason = _require_reason(reason, errors)
    raise_if_errors(errors)
    with transaction.atomic():
        sanction = _sanction_for_decree(actor, public_id, decree=decree, reason=reason, via=via,
                                        states_from=("suspended",))
        sanction = sanction_step(
            actor=actor, public_id=sanction.public_id, step="suspend", expected_version=sanction.version,
            letter_number=decree, letter_date=letter_date or timezone.localdate(), reason=reason,
            suspended_from=suspended_from, suspended_until=suspended_until, countries=countries, schemes=schemes,
            via=via
        )
    return sanction.agency


def agency_lift_suspension(
    *, actor, public_id, reason: str, decree_number: str = "", lifted_on=None, via: str = "",
) -> Agency:
    """Lift the suspension in force: the ``lift_suspension`` step of the sanction that holds it."""
    require_perm(actor, AGENCY_SANCTION)
    errors: dict[str, list[str]] = {}
    day = date_field(lifted_on, "lifted_on", errors) or timezone.localdate()
    reason = _require_reason(reason, errors)
    raise_if_errors(errors)
    with transaction.atomic():
        agency = _agency_for_write(actor, public_id)
        if agency.status == AgencyStatus.REVOKED:
            raise _revocation_final(agency)
        if agency.status != AgencyStatus.SUSPENDED:
            raise Conflict(_("%(name)s is not suspended.") % {"name": agency.legal_name}, code="not_suspended")
        decree = _decree(decree_number, errors, _("Give the number of the decree that lifts the suspension."))
        raise_if_errors(errors)
        sanction = _sanction_for_decree(actor, public_id, decree=decree, reason=reason, via=via,
                                        states_from=("suspended",), agency=agency)
        sanction = sanction_step(
            actor=actor, public_id=sanction.public_id, step="lift_suspension", expected_version=sanction.version,
            letter_number=decree, letter_date=min(day, timezone.localdate()), effective_on=day, reason=reason,
            via=via
        )
    return sanction.agency


def agency_revoke(
    *, actor, public_id, decree_number: str, reason: str, revoked_on=None, via: str = "",
) -> Agency:
    """Revoke a licence. Final: no service reinstates it. The ``revoke`` step of the company's
    open sanction (the suspended one first), or of a sanction opened on the decree."""
    require_perm(actor, AGENCY_SANCTION)
    errors: dict[str, list[str]] = {}
    day = date_field(revoked_on, "revoked_on", errors) or timezone.localdate()
    if day > timezone.localdate():
        errors.setdefault("revoked_on", []).append(
            _("The revocation date cannot be in the future; record it on the day it takes effect.")
        )
    decree = _decree(decree_number, errors, _("Give the number of the revocation decree."))
    reason = _require_reason(reason, errors)
    raise_if_errors(errors)
    with transaction.atomic():
        agency = _agency_for_write(actor, public_id)
        if agency.status == AgencyStatus.REVOKED:
            raise Conflict(_("%(name)s is already revoked.") % {"name": agency.legal_name}, code="already_revoked")
        sanction = _sanction_for_decree(actor, public_id, decree=decree, reason=reason, via=via,
                                        states_from=("suspended",), agency=agency)
        sanction = sanction_step(
            actor=actor, public_id=sanction.public_id, step="revoke", expected_version=sanction.version,
            letter_number=decree, letter_date=day, effective_on=day, reason=reason, via=via,
        )
    return sanction.agency


def agency_reinstate(*, actor, public_id, reason: str = "", via: str = "") -> Agency:
    """There is no lawful reinstatement of a revoked SIP3MI (UU 18/2017: revocation ends the
    licence; the company must apply anew). This always refuses, with the reason, so callers get a
    clear answer instead of a missing operation. A suspension is ended with
    ``agency_lift_suspension``."""
    require_perm(actor, AGENCY_SANCTION)
    with transaction.atomic():
        agency = _agency_for_write(actor, public_id)
        if agency.status == AgencyStatus.REVOKED:
            raise _revocation_final(agency)
        if agency.status == AgencyStatus.SUSPENDED:
            raise Conflict(_("%(name)s is suspended, not revoked: lift the suspension instead.")
                           % {"name": agency.legal_name}, code="not_revoked")
        raise Conflict(_("%(name)s is not revoked.") % {"name": agency.legal_name}, code="not_revoked")


# ---------------------------------------------------------------------------------------------
# branches
# ---------------------------------------------------------------------------------------------

def _branch_snapshot(branch: Branch) -> dict[str, Any]:
    return {
        "regency_code": branch.regency.code if branch.regency_id else None,
        "address": branch.address,
        "registered_on": branch.registered_on,
        "closed_on": branch.closed_on,
    }


def branch_add(
    *, actor, agency_public_id, regency_code: str, address: str = "", registered_on=None, reason: str = "",
    via: str = "",
) -> Branch:
    """Register a branch office in a regency (one per regency; a closed one there is reopened)."""
    require_perm(actor, AGENCY_WRITE)
    errors: dict[str, list[str]] = {}
    regency = _regency(regency_code, "regency_code", errors)
    day = date_field(registered_on, "registered_on", errors)
    address = clean_text(address)
    _check_lengths(Branch, {"address": address}, ["address"], errors)
    if day and day > timezone.localdate():
        errors.setdefault("registered_on", []).append(_("The registration date cannot be in the future."))
    raise_if_errors(errors)
    with transaction.atomic():
        agency = _agency_for_write(actor, public_id=agency_public_id)
        if agency.status == AgencyStatus.REVOKED:
            raise _revocation_final(agency)
        branch = Branch.objects.select_for_update().filter(agency=agency, regency=regency).first()
        if branch is not None and branch.closed_on is None:
            msg = _("%(name)s already has a branch in %(regency)s.") % {"name": agency.legal_name,
                                                                          "regency": str(regency)}
            raise Conflict(msg, code="branch_exists", fields={"regency_code": [msg]})
        if branch is None:
            old: dict[str, Any] = {}
            branch = Branch(agency=agency, regency=regency)
            action = "branch.add"
        else:
            old = _branch_snapshot(branch)
            action = "branch.reopen"
        branch.address, branch.registered_on, branch.closed_on = address, day or timezone.localdate(), None
        branch.save()
        audit_record(actor=actor, action=action, obj=branch, via=via, reason=(reason or "").strip(),
                     changes={"agency": [None, agency.pk]} | diff(old, _branch_snapshot(branch)))
    return branch


def branch_close(
    *, actor, agency_public_id, branch_id: int, reason: str, closed_on=None, via: str = "",
) -> Branch:
    require_perm(actor, AGENCY_WRITE)
    errors: dict[str, list[str]] = {}
    day = date_field(closed_on, "closed_on", errors) or timezone.localdate()
    reason = _require_reason(reason, errors)
    raise_if_errors(errors)
    with transaction.atomic():
        agency = _agency_for_write(actor, public_id=agency_public_id)
        branch = (Branch.objects.select_for_update().select_related("regency")
                  .filter(agency=agency, pk=branch_id).first())
        if branch is None:
            raise NotFound(_("Branch not found."))
        if branch.closed_on is not None:
            raise Conflict(_("This branch is already closed."), code="branch_closed")
        if branch.registered_on and day < branch.registered_on:
            raise ValidationFailed.from_fields(
                {"closed_on": [_("A branch cannot close before it was registered.")]}
            )
        old = _branch_snapshot(branch)
        branch.closed_on = day
        branch.save(update_fields=["closed_on"])
        audit_record(actor=actor, action="branch.close", obj=branch, via=via, reason=reason,
                     changes=diff(old, _branch_snapshot(branch)))
    return branch


# ---------------------------------------------------------------------------------------------
# foreign employers and agencies
# ---------------------------------------------------------------------------------------------

def foreign_party_snapshot(party: ForeignParty) -> dict[str, Any]:
    return {
        "role": party.role,
        "legal_type": party.legal_type,
        "name": party.name,
        "name_local": party.name_local,
        "country_iso2": party.country.iso2 if party.country_id else None,
        "address": party.address,
        "registration_number": party.registration_number,
        "blacklisted_from": party.blacklisted_from,
        "blacklisted_until": party.blacklisted_until,
    }


def _validate_foreign_party(values: dict) -> tuple[dict, Country | None]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {name: clean_text(values.get(name)) for name in _FOREIGN_PARTY_TEXT}
    clean["role"] = clean_text(values.get("role"))
    clean["legal_type"] = clean_text(values.get("legal_type"))
    if clean["role"] not in ForeignParty.Role.values:
        errors.setdefault("role", []).append(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(ForeignParty.Role.values)}
        )
    if clean["legal_type"] not in ForeignParty.LegalType.values:
        errors.setdefault("legal_type", []).append(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(ForeignParty.LegalType.values)}
        )
    if not clean["name"]:
        errors.setdefault("name", []).append(_("This field is required."))
    _check_lengths(ForeignParty, clean, _FOREIGN_PARTY_TEXT, errors)
    country = _country(values.get("country_iso2"), "country_iso2", errors)
    if country is not None:
        clean["country_iso2"] = country.iso2
    clean["blacklisted_from"] = date_field(values.get("blacklisted_from"), "blacklisted_from", errors)
    clean["blacklisted_until"] = date_field(values.get("blacklisted_until"), "blacklisted_until", errors)
    start, end = clean["blacklisted_from"], clean["blacklisted_until"]
    if end and not start:
        errors.setdefault("blacklisted_from", []).append(_("Give the start of the blacklisting."))
    if start and end and end < start:
        errors.setdefault("blacklisted_until", []).append(_("The blacklisting cannot end before it starts."))
    raise_if_errors(errors)
    return clean, country


def _foreign_party_fields(clean: dict) -> dict:
    return {k: v for k, v in clean.items() if k != "country_iso2"}


def foreign_party_create(
    *, actor, role: str, legal_type: str, name: str, country_iso2: str, name_local: str = "",
    address: str = "", registration_number: str = "", reason: str = "", via: str = "",
) -> ForeignParty:
    require_perm(actor, AGENCY_WRITE)
    values = {"role": role, "legal_type": legal_type, "name": name, "country_iso2": country_iso2,
              "name_local": name_local, "address": address, "registration_number": registration_number}
    with transaction.atomic():
        clean, country = _validate_foreign_party(values)
        party = ForeignParty.objects.create(country=country, **_foreign_party_fields(clean))
        audit_record(actor=actor, action="foreign_party.create", obj=party, via=via, reason=(reason or "").strip(),
                     changes=diff({}, foreign_party_snapshot(party)))
    return party


def foreign_party_update(*, actor, public_id, reason: str = "", via: str = "", **changes) -> ForeignParty:
    """Change any of ``FOREIGN_PARTY_EDITABLE``. Setting or clearing a blacklisting is a sanction
    and needs ``agency.sanction`` and a reason."""
    require_perm(actor, AGENCY_WRITE)
    unknown = sorted(set(changes) - set(FOREIGN_PARTY_EDITABLE))
    if unknown:
        raise ValidationFailed.from_fields({name: [_("This field cannot be changed here.")] for name in unknown})
    with transaction.atomic():
        uid = parse_public_id(public_id)
        party = (ForeignParty.objects.visible_to(actor).select_for_update().select_related("country")
                 .filter(public_id=uid).first() if uid else None)
        if party is None:
            raise NotFound(_("Foreign party not found."))
        old = foreign_party_snapshot(party)
        clean, country = _validate_foreign_party(old | changes)
        changes_made = diff(old, clean)
        if not changes_made:
            return party
        if {"blacklisted_from", "blacklisted_until"} & set(changes_made):
            require_perm(actor, AGENCY_SANCTION)
            raise_if_errors(_require_reason_errors(reason))
        for name, value in _foreign_party_fields(clean).items():
            setattr(party, name, value)
        party.country = country
        party.save()
        audit_record(actor=actor, action="foreign_party.update", obj=party, via=via, reason=(reason or "").strip(),
                     changes=changes_made)
    return party


def _require_reason_errors(reason: str) -> dict:
    errors: dict[str, list[str]] = {}
    _require_reason(reason, errors)
    return errors


# ---------------------------------------------------------------------------------------------
# sanctions (Permen P2MI 4/2025): a finding, clarification, warning, suspension, revocation
# ---------------------------------------------------------------------------------------------

# The ground of a sanction opened on a decree recorded directly (the legacy suspend and revoke
# actions): the ground is the one the decree states.
DECREE_GROUND = "decree"

SANCTION_AUDITED = (
    "state", "version", "clarification_rounds", "clarification_due", "suspended_from", "suspended_until",
    "suspension_countries", "suspension_schemes", "outcome", "closed_on",
)


class SanctionStepRefused(DomainError):
    """A sanction step whose guards are not met; carries every unmet condition."""

    status_code = 422
    code = "sanction_step_refused"

    def __init__(self, message: str, *, unmet, step: str):
        super().__init__(message)
        self.unmet = list(unmet)
        self.step = step


def _sanction_snapshot(sanction: Sanction) -> dict[str, Any]:
    return snapshot(sanction, SANCTION_AUDITED)


def _ground_on(code: str, day: dt.date, errors: dict) -> SanctionGround | None:
    code = clean_text(code)
    if not code:
        add_error(errors, "ground_code", _("This field is required."))
        return None
    ground = SanctionGround.objects.filter(code=code).first()
    if ground is None:
        add_error(errors, "ground_code", _("Unknown sanction ground “%(code)s”.") % {"code": code})
        return None
    if not ground.is_valid_on(day):
        add_error(errors, "ground_code", _("Ground %(code)s is not in force on %(day)s.") % {
            "code": code, "day": day.isoformat()})
        return None
    return ground


def sanction_open(
    *, actor, agency_public_id, ground_code: str, source_kind: str, source_reference: str, summary: str,
    opened_on=None, via: str = "",
) -> Sanction:
    """Open a sanction against a P3MI as a *finding* with its source: a complaint case, an
    inspection or a cost-ledger (overcharging) flag, named by ``source_kind`` and a text
    ``source_reference`` (this app cannot read cases or costs). The ground must be in force on the
    day the finding is opened."""
    require_perm(actor, SANCTION_OPEN)
    errors: dict[str, list[str]] = {}
    day = date_field(opened_on, "opened_on", errors, not_future=True) or timezone.localdate()
    kind = clean_text(source_kind)
    if kind not in Sanction.SourceKind.values:
        add_error(errors, "source_kind", _("Choose one of: %(choices)s.") % {
            "choices": ", ".join(Sanction.SourceKind.values)})
    reference = text_field(source_reference, "source_reference", errors, max_length=200,
                           required=kind in (Sanction.SourceKind.CASE, Sanction.SourceKind.COST_FLAG,
                                             Sanction.SourceKind.INSPECTION))
    summary = text_field(summary, "summary", errors, required=True, max_length=5000)
    ground = _ground_on(ground_code, day, errors)
    raise_if_errors(errors)
    with transaction.atomic():
        agency = _agency_for_write(actor, agency_public_id)
        if agency.status == AgencyStatus.REVOKED:
            raise _revocation_final(agency)
        now = timezone.now()
        sanction = Sanction.objects.create(
            agency=agency, ground=ground, state=SanctionState.FINDING, version=1, state_changed_at=now,
            source_kind=kind, source_reference=reference, summary=summary, opened_on=day,
            opened_by=actor if getattr(actor, "pk", None) else None,
        )
        SanctionStep.objects.create(
            sanction=sanction, step="open", from_state="", to_state=SanctionState.FINDING, reason=summary,
            details={"source_kind": kind, "source_reference": reference, "ground": ground.code},
            decided_by=sanction.opened_by,
        )
        audit_record(actor=actor, action="sanction.open", obj=sanction, via=via, reason=summary, changes={
            "agency": [None, agency.pk], "ground": [None, ground.code], "source_kind": [None, kind],
            "source_reference": [None, reference], "state": [None, SanctionState.FINDING]})
    return sanction


def _scope_codes(values, name: str, errors: dict, *, known: set[str] | None, upper: bool) -> list[str]:
    if isinstance(values, str):
        values = [v for v in re.split(r"[\s,]+", values) if v]
    codes: list[str] = []
    for value in values or ():
        code = clean_text(value)
        code = code.upper() if upper else code.lower()
        if not code:
            continue
        if not re.fullmatch(r"[A-Za-z0-9_]{1,20}", code) or (known is not None and code not in known):
            add_error(errors, name, _("Unknown code “%(code)s”.") % {"code": value})
        elif code not in codes:
            codes.append(code)
    return sorted(codes)


def _step_input(step: str, values: dict, errors: dict, *, letter_date) -> dict[str, Any]:
    """The step's own inputs, checked (every bad field collected)."""
    out: dict[str, Any] = {}
    if step == "request_clarification":
        due = date_field(values.get("clarification_due"), "clarification_due", errors, required=True)
        if due and letter_date and due <= letter_date:
            add_error(errors, "clarification_due", _("The deadline must be after the date of the letter."))
        out["clarification_due"] = due
    elif step == "suspend":
        start = date_field(values.get("suspended_from"), "suspended_from", errors, required=True)
        end = date_field(values.get("suspended_until"), "suspended_until", errors)
        if start and end and end < start:
            add_error(errors, "suspended_until", _("The suspension cannot end before it starts."))
        known_countries = set(Country.objects.values_list("iso2", flat=True))
        out.update(
            suspended_from=start, suspended_until=end,
            suspension_countries=_scope_codes(values.get("countries"), "countries", errors,
                                              known=known_countries, upper=True),
            suspension_schemes=_scope_codes(values.get("schemes"), "schemes", errors,
                                            known=known_scheme_codes(), upper=False),
        )
    elif step == "close":
        outcome = clean_text(values.get("outcome"))
        if outcome not in SanctionOutcome.values:
            add_error(errors, "outcome", _("Choose one of: %(choices)s.") % {
                "choices": ", ".join(SanctionOutcome.values)})
        out["outcome"] = outcome
    return out


def _sanction_for_write(actor, public_id) -> Sanction:
    uid = parse_public_id(public_id)
    sanction = (Sanction.objects.visible_to(actor).select_related("ground", "agency")
                .filter(public_id=uid).first() if uid else None)
    if sanction is None:
        raise NotFound(_("Sanction not found."))
    return sanction


def sanction_step(
    *, actor, public_id, step: str, expected_version: int | None, letter_number: str, letter_date, reason: str,
    clarification_due=None, suspended_from=None, suspended_until=None, countries=(), schemes=(), outcome: str = "",
    effective_on=None, via: str = "",
) -> Sanction:
    """Take one step of the sanction workflow (``sanction_states.STEPS``).

    1. the step's inputs: the decision letter's number and date (not in the future) and the reason,
       plus the step's own (a clarification deadline; a suspension's first and last day and scope;
       a closing outcome), every bad field at once (422); 2. one scoped load (out of scope = 404);
    3. the step must leave from the current state (409 ``transition_not_allowed``); 4. the rule's
    permission (403); 5. ``expected_version`` must match (409 ``stale_version``); 6. the guards over
    the facts (ground allows the step, licence not revoked, no other suspension in force), every
    unmet condition at once (422 ``sanction_step_refused``); 7. compare-and-set on (state, version):
    0 rows means someone else moved it first (409); 8. the agency's licence status for suspend, lift
    and revoke (with its ``AgencyStatusChange``), the ``SanctionStep`` row and the audit event.
    ``effective_on`` is the day a lifting or revocation takes effect (default: the letter's date).
    """
    errors: dict[str, list[str]] = {}
    step = clean_text(step)
    if step not in sanction_states.STEPS:
        add_error(errors, "step", _("Choose one of: %(choices)s.") % {"choices": ", ".join(sanction_states.STEPS)})
    letter = text_field(letter_number, "letter_number", errors, required=True, max_length=120)
    letter_day = date_field(letter_date, "letter_date", errors, required=True, not_future=True)
    reason = reason_field(reason, errors)
    effective = date_field(effective_on, "effective_on", errors) or letter_day
    values = {"clarification_due": clarification_due, "suspended_from": suspended_from,
              "suspended_until": suspended_until, "countries": countries, "schemes": schemes, "outcome": outcome}
    step_values = _step_input(step, values, errors, letter_date=letter_day) if step in sanction_states.STEPS else {}
    raise_if_errors(errors)
    with transaction.atomic():
        sanction = _sanction_for_write(actor, public_id)
        from_state, version = sanction.state, sanction.version
        to_state = sanction_states.step_target(step, from_state)
        if to_state is None:
            raise Conflict(_("The step “%(step)s” is not allowed from the state %(state)s.") % {
                "step": step, "state": SanctionState(from_state).label},
                code="transition_not_allowed", fields={"step": [_("Not allowed from the current state.")]})
        rule = sanction_states.rule_for(step)
        require_perm(actor, rule.permission)
        if expected_version is not None and expected_version != version:
            raise Conflict(_("The sanction was changed by someone else. Reload and try again."), code="stale_version")
        agency = Agency.objects.select_for_update().get(pk=sanction.agency_id)
        others_suspending = (Sanction.objects.filter(agency=agency, state=SanctionState.SUSPENDED)
                             .exclude(pk=sanction.pk).exists())
        facts = sanction_states.SanctionFacts(
            state=from_state, ground_code=sanction.ground.code,
            ground_allows=frozenset(sanction.ground.allowed_steps or ()),
            agency_revoked=agency.status == AgencyStatus.REVOKED, other_suspension=others_suspending,
        )
        unmet = sanction_states.unmet_conditions(rule.guards, facts)
        if unmet:
            raise SanctionStepRefused(_("This step cannot be taken: %(n)s condition(s) unmet.") % {"n": len(unmet)},
                                      unmet=unmet, step=step)
        before = _sanction_snapshot(sanction)
        now = timezone.now()
        update: dict[str, Any] = {"state": to_state, "version": version + 1, "state_changed_at": now,
                                  "updated_at": now}
        if step == "request_clarification":
            update.update(clarification_rounds=sanction.clarification_rounds + 1,
                          clarification_due=step_values["clarification_due"])
        elif step == "suspend":
            update.update({k: step_values[k] for k in ("suspended_from", "suspended_until", "suspension_countries",
                                                        "suspension_schemes")})
        elif step == "close":
            update.update(outcome=step_values["outcome"], closed_on=letter_day)
        elif step in ("lift_suspension", "revoke"):
            update.update(closed_on=effective, outcome=step)
        if not Sanction.objects.filter(pk=sanction.pk, state=from_state, version=version).update(**update):
            raise Conflict(_("The sanction was changed by someone else. Reload and try again."), code="stale_version")
        for name, value in update.items():
            setattr(sanction, name, value)
        sanction.agency = agency
        if step == "suspend":
            _apply_suspension(agency, actor=actor, sanction=sanction, start=sanction.suspended_from,
                              end=sanction.suspended_until, countries=sanction.suspension_countries,
                              schemes=sanction.suspension_schemes, decree=letter, reason=reason, via=via)
        elif step in ("lift_suspension", "revoke"):
            status, action = ((AgencyStatus.ACTIVE, "agency.lift_suspension") if step == "lift_suspension"
                              else (AgencyStatus.REVOKED, "agency.revoke"))
            _apply_end(agency, status=status, action=action, actor=actor, sanction=sanction, day=effective,
                       decree=letter, reason=reason, via=via)
        details = {k: v for k, v in step_values.items() if v not in (None, "", [])}
        if step in ("lift_suspension", "revoke"):
            details["effective_on"] = effective
        SanctionStep.objects.create(
            sanction=sanction, step=step, from_state=from_state, to_state=to_state, letter_number=letter,
            letter_date=letter_day, reason=reason, details=chain_json(details),
            decided_by=actor if getattr(actor, "pk", None) else None,
        )
        changes = {"step": [None, step], "letter_number": [None, letter], "letter_date": [None, letter_day],
                   **diff(before, _sanction_snapshot(sanction))}
        audit_record(actor=actor, action="sanction.step", obj=sanction, via=via, reason=reason, changes=changes)
    return sanction


def _sanction_for_decree(actor, public_id, *, decree: str, reason: str, via: str, states_from: tuple[str, ...],
                         agency: Agency | None = None) -> Sanction:
    """The sanction a decree recorded through the legacy actions applies to: the company's sanction
    in one of ``states_from`` (newest first); a suspension recorded before the workflow existed,
    adopted as a suspended sanction; or a new sanction opened on the decree."""
    agency = agency or _agency_for_write(actor, public_id)
    if agency.status == AgencyStatus.REVOKED:
        raise _revocation_final(agency)
    current = (Sanction.objects.filter(agency=agency, state__in=states_from).select_related("ground")
               .order_by("-state_changed_at", "-id").first())
    if current is not None:
        return current
    if agency.status == AgencyStatus.SUSPENDED:
        return _adopt_suspension(actor, agency, via=via)
    return sanction_open(actor=actor, agency_public_id=agency.public_id, ground_code=DECREE_GROUND,
                         source_kind=Sanction.SourceKind.DECISION, source_reference=decree, summary=reason, via=via)


def _adopt_suspension(actor, agency: Agency, *, via: str) -> Sanction:
    """A suspension recorded before sanctions were a workflow becomes a suspended sanction, so the
    workflow is the one way to change it."""
    last = agency.status_history.filter(status=AgencyStatus.SUSPENDED).order_by("-at", "-id").first()
    ground = SanctionGround.objects.get(code=DECREE_GROUND)
    now = timezone.now()
    sanction = Sanction.objects.create(
        agency=agency, ground=ground, state=SanctionState.SUSPENDED, version=1, state_changed_at=now,
        source_kind=Sanction.SourceKind.DECISION, source_reference=last.decree_number if last else "",
        summary=last.reason if last else _("Suspension recorded before sanctions were tracked."),
        opened_on=agency.suspended_from or timezone.localdate(), suspended_from=agency.suspended_from,
        suspended_until=agency.suspended_until, suspension_countries=list(agency.suspension_countries or []),
        suspension_schemes=list(agency.suspension_schemes or []),
    )
    SanctionStep.objects.create(sanction=sanction, step="adopt", from_state="", to_state=SanctionState.SUSPENDED,
                                letter_number=last.decree_number if last else "", reason=sanction.summary)
    audit_record(actor=actor, action="sanction.adopt", obj=sanction, via=via, reason=sanction.summary,
                 changes={"agency": [None, agency.pk], "state": [None, SanctionState.SUSPENDED]})
    return sanction


# ---------------------------------------------------------------------------------------------
# deposit drawdowns (Permen P2MI 31/2025 Pasal 23)
# ---------------------------------------------------------------------------------------------

DRAWDOWN_AUDITED = ("state", "decided_on", "letter_number", "decision_reason", "paid_on", "balance_after",
                    "top_up_amount", "top_up_due", "top_up_legal_basis")


def _drawdown_for_write(actor, public_id, *, agency_public_id=None) -> DepositDrawdown:
    uid = parse_public_id(public_id)
    qs = DepositDrawdown.objects.visible_to(actor).select_for_update().select_related("agency")
    if agency_public_id is not None:
        agency_uid = parse_public_id(agency_public_id)
        qs = qs.filter(agency__public_id=agency_uid) if agency_uid else qs.none()
    drawdown = qs.filter(public_id=uid).first() if uid else None
    if drawdown is None:
        raise NotFound(_("Deposit drawdown not found."))
    return drawdown


def drawdown_request(
    *, actor, agency_public_id, proposed_by: str, case_references, amount_requested, reason: str,
    requested_on=None, via: str = "",
) -> DepositDrawdown:
    """Ask to draw on a P3MI's deposit for cases it left unresolved (text references to them)."""
    require_perm(actor, DRAWDOWN_REQUEST)
    errors: dict[str, list[str]] = {}
    day = date_field(requested_on, "requested_on", errors, not_future=True) or timezone.localdate()
    proposer = clean_text(proposed_by)
    if proposer not in DepositDrawdown.Proposer.values:
        add_error(errors, "proposed_by", _("Choose one of: %(choices)s.") % {
            "choices": ", ".join(DepositDrawdown.Proposer.values)})
    if isinstance(case_references, str):
        case_references = [v for v in re.split(r"[\n,;]+", case_references)]
    refs = [clean_text(r) for r in (case_references or []) if clean_text(r)]
    if not refs:
        add_error(errors, "case_references", _("Name at least one unresolved case."))
    elif any(len(r) > 120 for r in refs) or len(refs) > 100:
        add_error(errors, "case_references", _("At most 100 references of at most 120 characters each."))
    amount = money_field(amount_requested, "amount_requested", errors, required=True, positive=True)
    reason = reason_field(reason, errors)
    raise_if_errors(errors)
    with transaction.atomic():
        agency = _agency_for_write(actor, agency_public_id)
        if amount is not None and amount > agency.deposit_amount:
            raise ValidationFailed.from_fields({"amount_requested": [
                _("More than the deposit (%(amount)s).") % {"amount": format_rupiah(agency.deposit_amount)}]})
        drawdown = DepositDrawdown.objects.create(
            agency=agency, proposed_by=proposer, case_references=refs, amount_requested=amount, reason=reason,
            requested_on=day, requested_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(actor=actor, action="drawdown.request", obj=drawdown, via=via, reason=reason, changes={
            "agency": [None, agency.pk], "amount_requested": [None, str(amount)], "case_references": [None, refs],
            "proposed_by": [None, proposer], "state": [None, drawdown.state]})
    return drawdown


def drawdown_decide(
    *, actor, agency_public_id, public_id, approve: bool, letter_number: str, reason: str, decided_on=None,
    via: str = "",
) -> DepositDrawdown:
    """Approve or reject a requested drawdown, with the decision letter's number."""
    require_perm(actor, DRAWDOWN_DECIDE)
    errors: dict[str, list[str]] = {}
    day = date_field(decided_on, "decided_on", errors, not_future=True) or timezone.localdate()
    letter = text_field(letter_number, "letter_number", errors, required=True, max_length=120)
    reason = reason_field(reason, errors)
    raise_if_errors(errors)
    with transaction.atomic():
        drawdown = _drawdown_for_write(actor, public_id, agency_public_id=agency_public_id)
        if drawdown.state != DepositDrawdown.State.REQUESTED:
            raise Conflict(_("This drawdown was already decided."), code="drawdown_decided")
        before = snapshot(drawdown, DRAWDOWN_AUDITED)
        drawdown.state = DepositDrawdown.State.APPROVED if approve else DepositDrawdown.State.REJECTED
        drawdown.decided_on, drawdown.letter_number, drawdown.decision_reason = day, letter, reason
        drawdown.decided_by = actor if getattr(actor, "pk", None) else None
        drawdown.save()
        audit_record(actor=actor, action="drawdown.approve" if approve else "drawdown.reject", obj=drawdown,
                     via=via, reason=reason, changes=diff(before, snapshot(drawdown, DRAWDOWN_AUDITED)))
    return drawdown


def deposit_rule_on(day: dt.date) -> DepositRule | None:
    return (DepositRule.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day)).order_by("-valid_from", "-id").first())


def drawdown_pay(*, actor, agency_public_id, public_id, payouts, paid_on=None, via: str = "") -> DepositDrawdown:
    """Record the payouts of an approved drawdown, worker by worker (a person reference and an
    amount). The deposit is reduced by their total, and the P3MI must top it back up to the legal
    minimum within the days of the ``DepositRule`` in force."""
    require_perm(actor, DRAWDOWN_DECIDE)
    errors: dict[str, list[str]] = {}
    day = date_field(paid_on, "paid_on", errors, not_future=True) or timezone.localdate()
    rows: list[tuple[str, Decimal]] = []
    if not payouts:
        add_error(errors, "payouts", _("Give at least one payout."))
    for i, item in enumerate(payouts or []):
        item = item if isinstance(item, dict) else {}
        ref = text_field(item.get("person_reference"), f"payouts.{i}.person_reference", errors, required=True,
                         max_length=120)
        amount = money_field(item.get("amount"), f"payouts.{i}.amount", errors, required=True, positive=True)
        if ref and amount is not None:
            rows.append((ref, amount))
    raise_if_errors(errors)
    with transaction.atomic():
        drawdown = _drawdown_for_write(actor, public_id, agency_public_id=agency_public_id)
        if drawdown.state != DepositDrawdown.State.APPROVED:
            raise Conflict(_("Only an approved drawdown can be paid out."), code="drawdown_not_approved")
        agency = Agency.objects.select_for_update().get(pk=drawdown.agency_id)
        total = sum((amount for _ref, amount in rows), Decimal("0"))
        if total > drawdown.amount_requested:
            raise ValidationFailed.from_fields({"payouts": [
                _("The payouts (%(total)s) exceed the approved amount (%(amount)s).") % {
                    "total": format_rupiah(total), "amount": format_rupiah(drawdown.amount_requested)}]})
        if total > agency.deposit_amount:
            raise ValidationFailed.from_fields({"payouts": [
                _("The payouts (%(total)s) exceed the deposit (%(amount)s).") % {
                    "total": format_rupiah(total), "amount": format_rupiah(agency.deposit_amount)}]})
        rule = deposit_rule_on(day)
        before = snapshot(drawdown, DRAWDOWN_AUDITED)
        old_agency = agency_snapshot(agency)
        DepositPayout.objects.bulk_create([DepositPayout(drawdown=drawdown, person_reference=ref, amount=amount)
                                           for ref, amount in rows])
        agency.deposit_amount = agency.deposit_amount - total
        agency.save(update_fields=["deposit_amount", "updated_at"])
        minimum = minimums_on(day).deposit
        shortfall = max(Decimal("0"), minimum - agency.deposit_amount)
        drawdown.state, drawdown.paid_on = DepositDrawdown.State.PAID, day
        drawdown.balance_after = agency.deposit_amount
        drawdown.top_up_amount = shortfall
        drawdown.top_up_due = day + dt.timedelta(days=rule.top_up_days) if (rule and shortfall) else None
        drawdown.top_up_legal_basis = rule.legal_basis if (rule and shortfall) else ""
        drawdown.save()
        audit_record(actor=actor, action="drawdown.pay", obj=drawdown, via=via, reason=drawdown.decision_reason,
                     changes=diff(before, snapshot(drawdown, DRAWDOWN_AUDITED))
                     | {"payouts": [None, [[ref, str(amount)] for ref, amount in rows]]})
        audit_record(actor=actor, action="agency.deposit_drawn", obj=agency, via=via,
                     reason=_("Deposit drawdown paid out"), changes=diff(old_agency, agency_snapshot(agency)))
    return drawdown


# ---------------------------------------------------------------------------------------------
# migration from the old system (imports, kind "agencies")
# ---------------------------------------------------------------------------------------------

# Marks the status history rows written by a migration (the decision was taken in the old system):
# they are the company's history as recorded there, not a sanction decided in Lindungi.
MIGRATED_MARKER = "[migrated]"
MIGRATED, MIGRATED_EXISTING = "created", "existing"


def _migrated_event(values: dict, agency_issued, errors: dict) -> dict | None:
    """The status event of a migrated row (``status``, ``status_from``, ``status_until``,
    ``decree_number``, ``status_reason``), checked; None when the row gives none beyond active."""
    status = clean_text(values.get("status")).lower() or AgencyStatus.ACTIVE
    if status not in AgencyStatus.values:
        errors.setdefault("status", []).append(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(AgencyStatus.values)})
        return None
    start = date_field(values.get("status_from"), "status_from", errors)
    end = date_field(values.get("status_until"), "status_until", errors)
    decree = clean_text(values.get("decree_number"))
    reason = clean_text(values.get("status_reason"))
    _check_lengths(AgencyStatusChange, {"decree_number": decree}, ["decree_number"], errors)
    if status == AgencyStatus.ACTIVE and start is None:
        return None  # the licence itself: recorded from its issue date
    if start is None and "status_from" not in errors:
        errors.setdefault("status_from", []).append(_("This field is required."))
    if status != AgencyStatus.ACTIVE and not decree:
        errors.setdefault("decree_number", []).append(_("Give the number of the decree."))
    if start and start > timezone.localdate():
        errors.setdefault("status_from", []).append(_("The date cannot be in the future."))
    if start and agency_issued and start < agency_issued:
        errors.setdefault("status_from", []).append(_("The licence was issued on %(d)s, after this date.")
                                                    % {"d": agency_issued.isoformat()})
    if end and start and end < start:
        errors.setdefault("status_until", []).append(_("Must not be before the start date."))
    if end and status == AgencyStatus.REVOKED:
        errors.setdefault("status_until", []).append(_("A revocation has no end date."))
    return {"status": status, "effective_from": start, "effective_until": end, "decree_number": decree,
            "reason": reason}


def _apply_latest_status(agency: Agency) -> None:
    """The company's status is its latest history row's (a revocation, once recorded, stays)."""
    history = list(agency.status_history.order_by("effective_from", "id"))
    revoked = next((h for h in history if h.status == AgencyStatus.REVOKED), None)
    latest = revoked or (history[-1] if history else None)
    if latest is None:
        return
    agency.status = latest.status
    if latest.status == AgencyStatus.SUSPENDED:
        agency.suspended_from, agency.suspended_until = latest.effective_from, latest.effective_until
    else:
        agency.suspended_from = agency.suspended_until = None


def agency_migrate(*, actor, values: dict, via: str = "import", source: str = "") -> tuple[str, Agency]:
    """One row of a P3MI migration: the company (``AGENCY_EDITABLE`` values, by its SIP3MI number)
    and optionally one licence status event of its history. Rows repeating a company add its
    further events. The company goes through the rules of ``agency_create`` (except the financial
    minimums of today, which did not bind a company licensed years ago, and a head-office regency
    retired since, which is kept); the events are written as migrated history rows
    (``MIGRATED_MARKER``), not through suspend/revoke: they were decided in the old system.

    Returns ("created", agency) when the company or the event is new, ("existing", agency) when
    both were migrated before (a re-run). Raises ``ValidationFailed`` / ``Conflict``."""
    require_perm(actor, AGENCY_WRITE)
    number = clean_text(values.get("sip3mi_number"))
    note = f"{MIGRATED_MARKER} {source}".strip()
    with transaction.atomic():
        agency = (Agency.objects.select_for_update().filter(sip3mi_number__iexact=number).first()
                  if number else None)
        errors: dict[str, list[str]] = {}
        created = agency is None
        if created:
            fields = {name: values.get(name) for name in AGENCY_EDITABLE}
            try:
                clean, regency = _validate_agency(fields, changed={"licence_issued_on", "sip3mi_number"},
                                                  exclude_pk=None)
            except ValidationFailed as exc:
                errors.update(exc.fields)
                _migrated_event(values, None, errors)
                raise ValidationFailed.from_fields(errors)
            issued = clean["licence_issued_on"]
        else:
            issued = agency.licence_issued_on
        event = _migrated_event(values, issued, errors)
        raise_if_errors(errors)
        if created:
            agency = Agency.objects.create(head_office_regency=regency, status=AgencyStatus.ACTIVE,
                                           **{k: v for k, v in clean.items() if k != "head_office_regency_code"})
            AgencyStatusChange.objects.create(
                agency=agency, status=AgencyStatus.ACTIVE, effective_from=agency.licence_issued_on,
                effective_until=agency.licence_expires_on, reason=f"{note} {_('Licence registered')}",
                actor=actor if getattr(actor, "pk", None) else None)
            audit_record(actor=actor, action="agency.create", obj=agency, via=via, reason=note,
                         changes=diff({}, agency_snapshot(agency)))
        if event is None:
            return (MIGRATED if created else MIGRATED_EXISTING), agency
        same = agency.status_history.filter(status=event["status"], effective_from=event["effective_from"],
                                            decree_number=event["decree_number"]).exists()
        if same:
            return (MIGRATED if created else MIGRATED_EXISTING), agency
        revoked = agency.status_history.filter(status=AgencyStatus.REVOKED).first()
        if revoked is not None and event["status"] != AgencyStatus.REVOKED \
                and event["effective_from"] > revoked.effective_from:
            raise ValidationFailed.from_fields({"status": [_(
                "The licence was revoked on %(d)s: revocation is final, nothing can follow it.")
                % {"d": revoked.effective_from.isoformat()}]})
        if revoked is not None and event["status"] == AgencyStatus.REVOKED:
            raise ValidationFailed.from_fields({"status": [_("The licence was already revoked on %(d)s.")
                                                           % {"d": revoked.effective_from.isoformat()}]})
        old = agency_snapshot(agency)
        AgencyStatusChange.objects.create(
            agency=agency, status=event["status"], effective_from=event["effective_from"],
            effective_until=event["effective_until"], decree_number=event["decree_number"],
            reason=f"{note} {event['reason']}".strip(), actor=actor if getattr(actor, "pk", None) else None)
        _apply_latest_status(agency)
        agency.save(update_fields=["status", "suspended_from", "suspended_until", "updated_at"])
        audit_record(actor=actor, action="agency.status_migrated", obj=agency, via=via, reason=note,
                     changes={"history": [None, {k: v.isoformat() if isinstance(v, dt.date) else v
                                                 for k, v in event.items()}]} | diff(old, agency_snapshot(agency)))
    return MIGRATED, agency
