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
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import require_perm
from lindungi.agencies.models import Agency, AgencyStatus, AgencyStatusChange, Branch, ForeignParty
from lindungi.agencies.perms import AGENCY_SANCTION, AGENCY_WRITE
from lindungi.agencies.rules import format_rupiah, minimums_on
from lindungi.audit.services import audit_record, diff
from lindungi.common.errors import Conflict, NotFound, ValidationFailed
from lindungi.common.inputs import clean_text, date_field, money_field, parse_public_id, raise_if_errors
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
                   decree_number: str = "", reason: str) -> AgencyStatusChange:
    return AgencyStatusChange.objects.create(
        agency=agency, status=status, effective_from=effective_from, effective_until=effective_until,
        decree_number=decree_number, reason=reason, actor=actor if getattr(actor, "pk", None) else None,
    )


def _save_status(agency: Agency, old: dict, *, actor, action: str, reason: str, via: str) -> None:
    agency.save(update_fields=["status", "suspended_from", "suspended_until", "updated_at"])
    audit_record(actor=actor, action=action, obj=agency, via=via, reason=reason,
                 changes=diff(old, agency_snapshot(agency)))


def agency_suspend(
    *, actor, public_id, suspended_from, suspended_until=None, decree_number: str, reason: str, via: str = "",
) -> Agency:
    """Suspend a licence from ``suspended_from`` to ``suspended_until`` inclusive (no end date: until
    lifted). Suspending an already suspended company replaces the period (an extension)."""
    require_perm(actor, AGENCY_SANCTION)
    errors: dict[str, list[str]] = {}
    start = date_field(suspended_from, "suspended_from", errors)
    end = date_field(suspended_until, "suspended_until", errors)
    if start is None and "suspended_from" not in errors:
        errors.setdefault("suspended_from", []).append(_("This field is required."))
    if start and end and end < start:
        errors.setdefault("suspended_until", []).append(_("The suspension cannot end before it starts."))
    decree = clean_text(decree_number)
    if not decree:
        errors.setdefault("decree_number", []).append(_("Give the number of the suspension decree."))
    reason = _require_reason(reason, errors)
    _check_lengths(AgencyStatusChange, {"decree_number": decree}, ["decree_number"], errors)
    raise_if_errors(errors)
    with transaction.atomic():
        agency = _agency_for_write(actor, public_id)
        if agency.status == AgencyStatus.REVOKED:
            raise _revocation_final(agency)
        old = agency_snapshot(agency)
        agency.status = AgencyStatus.SUSPENDED
        agency.suspended_from, agency.suspended_until = start, end
        _status_change(agency, actor=actor, status=AgencyStatus.SUSPENDED, effective_from=start,
                       effective_until=end, decree_number=decree, reason=reason)
        _save_status(agency, old, actor=actor, action="agency.suspend", reason=reason, via=via)
    return agency


def agency_lift_suspension(
    *, actor, public_id, reason: str, decree_number: str = "", lifted_on=None, via: str = "",
) -> Agency:
    require_perm(actor, AGENCY_SANCTION)
    errors: dict[str, list[str]] = {}
    day = date_field(lifted_on, "lifted_on", errors) or timezone.localdate()
    reason = _require_reason(reason, errors)
    decree = clean_text(decree_number)
    _check_lengths(AgencyStatusChange, {"decree_number": decree}, ["decree_number"], errors)
    raise_if_errors(errors)
    with transaction.atomic():
        agency = _agency_for_write(actor, public_id)
        if agency.status == AgencyStatus.REVOKED:
            raise _revocation_final(agency)
        if agency.status != AgencyStatus.SUSPENDED:
            raise Conflict(_("%(name)s is not suspended.") % {"name": agency.legal_name}, code="not_suspended")
        old = agency_snapshot(agency)
        agency.status = AgencyStatus.ACTIVE
        agency.suspended_from = agency.suspended_until = None
        _status_change(agency, actor=actor, status=AgencyStatus.ACTIVE, effective_from=day,
                       decree_number=decree, reason=reason)
        _save_status(agency, old, actor=actor, action="agency.lift_suspension", reason=reason, via=via)
    return agency


def agency_revoke(
    *, actor, public_id, decree_number: str, reason: str, revoked_on=None, via: str = "",
) -> Agency:
    """Revoke a licence. Final: no service reinstates it."""
    require_perm(actor, AGENCY_SANCTION)
    errors: dict[str, list[str]] = {}
    day = date_field(revoked_on, "revoked_on", errors) or timezone.localdate()
    if day > timezone.localdate():
        errors.setdefault("revoked_on", []).append(
            _("The revocation date cannot be in the future; record it on the day it takes effect.")
        )
    decree = clean_text(decree_number)
    if not decree:
        errors.setdefault("decree_number", []).append(_("Give the number of the revocation decree."))
    reason = _require_reason(reason, errors)
    _check_lengths(AgencyStatusChange, {"decree_number": decree}, ["decree_number"], errors)
    raise_if_errors(errors)
    with transaction.atomic():
        agency = _agency_for_write(actor, public_id)
        if agency.status == AgencyStatus.REVOKED:
            raise Conflict(_("%(name)s is already revoked.") % {"name": agency.legal_name}, code="already_revoked")
        old = agency_snapshot(agency)
        agency.status = AgencyStatus.REVOKED
        agency.suspended_from = agency.suspended_until = None
        _status_change(agency, actor=actor, status=AgencyStatus.REVOKED, effective_from=day,
                       decree_number=decree, reason=reason)
        _save_status(agency, old, actor=actor, action="agency.revoke", reason=reason, via=via)
    return agency


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
