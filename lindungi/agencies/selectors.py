"""Reads for P3MI companies and foreign parties.

Staff reads start from ``visible_to(actor)`` (P3MI staff see only their own company; every other
staff role sees every company, licence data being public). The public register
(``agency_public_search``) takes no actor and returns only the public licence fields, never the
deposit, capital or contacts.
"""

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import require_perm
from lindungi.accounts.roles import Role
from lindungi.agencies import sanction_states
from lindungi.agencies.models import (
    Agency,
    AgencyStatus,
    AgencyStatusChange,
    Branch,
    DepositDrawdown,
    ForeignParty,
    Sanction,
    SanctionGround,
    SanctionStep,
)
from lindungi.agencies.perms import AGENCY_WRITE, DRAWDOWN_VIEW, SANCTION_VIEW
from lindungi.agencies.rules import (
    PARTIALLY_SUSPENDED,
    SUSPENDED,
    SUSPENSION_SCHEDULED,
    standing_on,
    standing_text,
)
from lindungi.agencies.sanction_states import SanctionState
from lindungi.common.errors import NotFound, ValidationFailed
from lindungi.common.inputs import parse_public_id
from lindungi.common.pagination import Page, paginate
from lindungi.reference.models import Country, Province

MAX_QUERY_LENGTH = 100
PUBLIC_MIN_QUERY = 3
PUBLIC_MAX_LIMIT = 50

# Roles that see a company's paid-up capital, deposit and contacts (besides its own P3MI staff).
FINANCIAL_ROLES = frozenset({Role.ADMIN, Role.ANALYST, Role.UNIT_OFFICER})


def _today() -> dt.date:
    return timezone.localdate()


def _nul_message() -> str:
    return _("Null characters are not allowed.")


def _check_query(q: str | None, field: str = "q") -> str:
    q = re.sub(r"\s+", " ", q or "").strip()
    if len(q) > MAX_QUERY_LENGTH:
        raise ValidationFailed.from_fields({field: [_("At most %(n)d characters.") % {"n": MAX_QUERY_LENGTH}]})
    if "\x00" in q:
        raise ValidationFailed.from_fields({field: [_nul_message()]})
    return q


def _text_filter(q: str) -> Q:
    """Every word in the legal name, or the text inside the SIP3MI number."""
    by_name = Q()
    for word in q.split():
        by_name &= Q(legal_name__icontains=word)
    return by_name | Q(sip3mi_number__icontains=q.replace(" ", ""))


# ---------------------------------------------------------------------------------------------
# companies (staff)
# ---------------------------------------------------------------------------------------------

def agency_filtered_for(actor, *, q: str = "", status: str = "", province_code: str = "") -> QuerySet:
    """The scoped, filtered companies, unpaginated (for lists and exports)."""
    errors: dict[str, list[str]] = {}
    q = _check_query(q)
    status = (status or "").strip()
    province_code = re.sub(r"\D", "", province_code or "") if province_code else ""
    if status and status not in AgencyStatus.values:
        errors["status"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(AgencyStatus.values)}]
    if province_code and not Province.objects.filter(code=province_code).exists():
        errors["province"] = [_("Unknown province code.")]
    if errors:
        raise ValidationFailed.from_fields(errors)
    qs = Agency.objects.visible_to(actor).select_related("head_office_regency__province")
    if q:
        qs = qs.filter(_text_filter(q))
    if status:
        qs = qs.filter(status=status)
    if province_code:
        qs = qs.filter(head_office_regency__province__code=province_code)
    return qs.order_by("legal_name", "id")


def agency_standing_counts_for(actor, *, day: dt.date | None = None) -> dict:
    """Companies the actor sees that are not revoked, by whether they are in good standing today."""
    day = day or timezone.localdate()
    standings = [standing_on(agency, day)[0] for agency in
                 Agency.objects.visible_to(actor).exclude(status=AgencyStatus.REVOKED)
                 .only("status", "licence_issued_on", "licence_expires_on", "suspended_from", "suspended_until",
                       "suspension_countries", "suspension_schemes")]
    return {"active": sum(standings), "suspended": len(standings) - sum(standings)}


def agency_names_for(actor) -> list[tuple[str, str]]:
    """(public id, legal name) of every company the actor sees, by name: for choice lists."""
    return [(str(uid), name) for uid, name in
            Agency.objects.visible_to(actor).order_by("legal_name").values_list("public_id", "legal_name")]


def agency_list_for(
    actor, q: str = "", status: str = "", province_code: str = "", page: int = 1, page_size: int = 25,
) -> Page:
    qs = agency_filtered_for(actor, q=q, status=status, province_code=province_code)
    return paginate(qs.annotate(open_branches=Count("branches", filter=Q(branches__closed_on__isnull=True))),
                    page=page, page_size=page_size)


def agency_get_for(actor, public_id) -> Agency:
    """One company in the actor's scope, with its status history and branches prefetched."""
    uid = parse_public_id(public_id)
    agency = None
    if uid is not None:
        agency = (
            Agency.objects.visible_to(actor).select_related("head_office_regency__province")
            .prefetch_related(
                Prefetch("status_history", queryset=AgencyStatusChange.objects.select_related("actor")),
                Prefetch("branches", queryset=Branch.objects.select_related("regency__province")),
            )
            .filter(public_id=uid).first()
        )
    if agency is None:
        raise NotFound(_("P3MI not found."))
    return agency


def agency_branches_for(actor, public_id) -> list[Branch]:
    return list(agency_get_for(actor, public_id).branches.all())


def agency_history_for(actor, public_id) -> list[AgencyStatusChange]:
    return list(agency_get_for(actor, public_id).status_history.all())


def agency_financials_visible(actor, agency: Agency) -> bool:
    """Paid-up capital, deposit and contacts: central staff, unit officers and the company's own
    staff. Checkpoint officers and partner API clients see only the licence."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.role in FINANCIAL_ROLES or actor.has_role_perm(AGENCY_WRITE):
        return True
    return actor.role == Role.P3MI_STAFF and actor.agency_id == agency.pk


# ---------------------------------------------------------------------------------------------
# public register
# ---------------------------------------------------------------------------------------------

PUBLIC_FIELDS = (
    "legal_name", "sip3mi_number", "status", "licence_issued_on", "licence_expires_on",
    "suspended_from", "suspended_until", "suspension_countries", "suspension_schemes",
    "head_office_regency__code", "head_office_regency__name",
    "head_office_regency__province__name",
)


def agency_public_search(q: str, limit: int = 20, *, page: int = 1, day: dt.date | None = None) -> Page:
    """The public register: anyone, without signing in, looks a company up by name or SIP3MI number.

    Items are plain dicts of public licence fields only (read with ``values()``, so the deposit,
    capital and contacts never leave the database) plus the standing on ``day`` (default today).
    """
    errors: dict[str, list[str]] = {}
    q = re.sub(r"\s+", " ", q or "").strip()
    if len(q) < PUBLIC_MIN_QUERY:
        errors["q"] = [_("Type at least %(n)d characters of the name or SIP3MI number.") % {"n": PUBLIC_MIN_QUERY}]
    elif len(q) > MAX_QUERY_LENGTH:
        errors["q"] = [_("At most %(n)d characters.") % {"n": MAX_QUERY_LENGTH}]
    elif "\x00" in q:
        errors["q"] = [_nul_message()]
    if not isinstance(limit, int) or not 1 <= limit <= PUBLIC_MAX_LIMIT:
        errors["limit"] = [_("Must be between 1 and %(n)d.") % {"n": PUBLIC_MAX_LIMIT}]
    if not isinstance(page, int) or page < 1:
        errors["page"] = [_("Must be 1 or more.")]
    if errors:
        raise ValidationFailed.from_fields(errors)
    day = day or _today()
    qs = Agency.objects.filter(_text_filter(q)).order_by("legal_name", "id").values(*PUBLIC_FIELDS)
    result = paginate(qs, page=page, page_size=limit)
    return Page(items=[_public_item(row, day) for row in result.items], total=result.total, page=result.page,
                page_size=result.page_size)


def _public_item(row: dict, day: dt.date) -> dict[str, Any]:
    view = SimpleNamespace(
        status=row["status"], licence_issued_on=row["licence_issued_on"],
        licence_expires_on=row["licence_expires_on"], suspended_from=row["suspended_from"],
        suspended_until=row["suspended_until"], suspension_countries=row["suspension_countries"] or [],
        suspension_schemes=row["suspension_schemes"] or [],
    )
    good, code = standing_on(view, day)
    text = standing_text(view, day)
    in_force = code in (SUSPENDED, PARTIALLY_SUSPENDED, SUSPENSION_SCHEDULED)
    return {
        "legal_name": row["legal_name"],
        "sip3mi_number": row["sip3mi_number"],
        "status": row["status"],
        "in_good_standing": good,
        "standing_code": code,
        "standing_id": text["id"],
        "standing_en": text["en"],
        "suspended_from": row["suspended_from"],
        "suspended_until": row["suspended_until"],
        # The scope of a suspension in force or scheduled: empty lists with dates = all activity.
        "suspension_scope": ("partial" if (view.suspension_countries or view.suspension_schemes) else "all")
        if in_force else "",
        "suspension_countries": list(view.suspension_countries) if in_force else [],
        "suspension_schemes": list(view.suspension_schemes) if in_force else [],
        "licence_issued_on": row["licence_issued_on"],
        "licence_expires_on": row["licence_expires_on"],
        "head_office_regency_code": row["head_office_regency__code"],
        "head_office_regency_name": row["head_office_regency__name"],
        "head_office_province_name": row["head_office_regency__province__name"],
        "as_of": day,
    }


# ---------------------------------------------------------------------------------------------
# foreign employers and agencies
# ---------------------------------------------------------------------------------------------

def foreign_party_filtered_for(actor, *, q: str = "", role: str = "", country_iso2: str = "") -> QuerySet:
    errors: dict[str, list[str]] = {}
    q = _check_query(q)
    role = (role or "").strip()
    country_iso2 = (country_iso2 or "").strip().upper()
    if role and role not in ForeignParty.Role.values:
        errors["role"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(ForeignParty.Role.values)}]
    if country_iso2 and not Country.objects.filter(iso2=country_iso2).exists():
        errors["country"] = [_("Unknown country code.")]
    if errors:
        raise ValidationFailed.from_fields(errors)
    qs = ForeignParty.objects.visible_to(actor).select_related("country")
    if q:
        by_name = Q()
        for word in q.split():
            by_name &= Q(name__icontains=word) | Q(name_local__icontains=word)
        qs = qs.filter(by_name | Q(registration_number__iexact=q))
    if role:
        qs = qs.filter(role=role)
    if country_iso2:
        qs = qs.filter(country__iso2=country_iso2)
    return qs.order_by("name", "id")


def foreign_party_list_for(
    actor, q: str = "", role: str = "", country_iso2: str = "", page: int = 1, page_size: int = 25,
) -> Page:
    return paginate(foreign_party_filtered_for(actor, q=q, role=role, country_iso2=country_iso2),
                    page=page, page_size=page_size)


def foreign_party_get_for(actor, public_id) -> ForeignParty:
    uid = parse_public_id(public_id)
    party = (ForeignParty.objects.visible_to(actor).select_related("country").filter(public_id=uid).first()
             if uid else None)
    if party is None:
        raise NotFound(_("Foreign party not found."))
    return party


# ---------------------------------------------------------------------------------------------
# choices for forms and filters
# ---------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# exports
# ---------------------------------------------------------------------------------------------

def agency_export_table(actor, *, q: str = "", status: str = "", province_code: str = "", day: dt.date | None = None):
    """Header and a lazy iterator of rows for a CSV/XLSX export of the actor's scoped, filtered list.

    Capital and deposit columns appear only for roles that may see them (see
    ``agency_financials_visible``); contacts are never exported. Returns (header, rows, count).
    """
    day = day or _today()
    qs = agency_filtered_for(actor, q=q, status=status, province_code=province_code).annotate(
        open_branches=Count("branches", filter=Q(branches__closed_on__isnull=True))
    )
    with_money = actor is not None and getattr(actor, "is_authenticated", False) and (
        actor.role in FINANCIAL_ROLES or actor.role == Role.P3MI_STAFF or actor.has_role_perm(AGENCY_WRITE)
    )
    header = [
        _("Legal name"), _("SIP3MI number"), _("Status"), _("In good standing"), _("Standing"),
        _("Licence issued on"), _("Licence expires on"), _("Suspended from"), _("Suspended until"),
        _("Head office regency code"), _("Head office regency/city"), _("Province"), _("Open branches"),
    ]
    if with_money:
        header += [_("Paid-up capital (Rp)"), _("Deposit bank"), _("Deposit amount (Rp)"), _("Deposit holder")]
    count = qs.count()

    def rows():
        for agency in qs.iterator(chunk_size=500):
            good, code = standing_on(agency, day)
            row = [
                agency.legal_name, agency.sip3mi_number, agency.status, good, code,
                agency.licence_issued_on, agency.licence_expires_on, agency.suspended_from,
                agency.suspended_until, agency.head_office_regency.code, agency.head_office_regency.name,
                agency.head_office_regency.province.name, agency.open_branches,
            ]
            if with_money:
                visible = agency_financials_visible(actor, agency)
                row += [
                    agency.paid_up_capital if visible else None, agency.deposit_bank if visible else "",
                    agency.deposit_amount if visible else None, agency.deposit_holder if visible else "",
                ]
            yield row

    return header, rows(), count


def agency_own_for(actor) -> Agency | None:
    """The company of a P3MI staff member (one query, no history), for the dashboard; None for
    everyone else."""
    if not getattr(actor, "agency_id", None):
        return None
    return Agency.objects.visible_to(actor).filter(pk=actor.agency_id).first()


# ---------------------------------------------------------------------------------------------
# sanctions and deposit drawdowns
# ---------------------------------------------------------------------------------------------

def sanction_grounds_on(day: dt.date | None = None) -> list[SanctionGround]:
    """The grounds in force on ``day`` (default today), by code: for choice lists."""
    day = day or _today()
    return list(SanctionGround.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day)).order_by("code"))


def sanction_filtered_for(actor, *, agency: str = "", state: str = "", ground: str = "") -> QuerySet:
    """The sanctions the actor sees (P3MI staff: their own company's), filtered by agency public
    id, state and ground code; newest first."""
    require_perm(actor, SANCTION_VIEW, _("You are not allowed to view sanctions."))
    errors: dict[str, list[str]] = {}
    agency, state, ground = (agency or "").strip(), (state or "").strip(), (ground or "").strip()
    if agency and parse_public_id(agency) is None:
        errors["agency"] = [_("Not a valid id.")]
    if state and state not in SanctionState.values:
        errors["state"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(SanctionState.values)}]
    if ground and len(ground) > 40:
        errors["ground"] = [_("At most %(n)d characters.") % {"n": 40}]
    if errors:
        raise ValidationFailed.from_fields(errors)
    qs = Sanction.objects.visible_to(actor).select_related("agency", "ground")
    if agency:
        qs = qs.filter(agency__public_id=parse_public_id(agency))
    if state:
        qs = qs.filter(state=state)
    if ground:
        qs = qs.filter(ground__code=ground)
    return qs.order_by("-opened_on", "-id")


def sanction_list_for(actor, *, agency: str = "", state: str = "", ground: str = "", page: int = 1,
                      page_size: int = 25) -> Page:
    return paginate(sanction_filtered_for(actor, agency=agency, state=state, ground=ground), page=page,
                    page_size=page_size)


def sanction_get_for(actor, public_id) -> Sanction:
    """One sanction in the actor's scope with its steps (and who decided each)."""
    require_perm(actor, SANCTION_VIEW, _("You are not allowed to view sanctions."))
    uid = parse_public_id(public_id)
    sanction = (Sanction.objects.visible_to(actor).select_related("agency", "ground", "opened_by")
                .prefetch_related(Prefetch("steps", queryset=SanctionStep.objects.select_related("decided_by")))
                .filter(public_id=uid).first() if uid else None)
    if sanction is None:
        raise NotFound(_("Sanction not found."))
    return sanction


def sanction_next_steps(sanction: Sanction) -> list[str]:
    return sanction_states.steps_from(sanction.state)


def agency_sanctions_for(actor, agency: Agency, *, limit: int = 20) -> list[Sanction]:
    """The newest sanctions of one company, for its page (none without the view permission)."""
    if not actor.has_role_perm(SANCTION_VIEW):
        return []
    return list(Sanction.objects.visible_to(actor).filter(agency=agency).select_related("ground")
                .order_by("-opened_on", "-id")[:limit])


def drawdown_list_for(actor, agency_public_id) -> list[DepositDrawdown]:
    """The deposit drawdowns of a company in the actor's scope (404 out of scope), newest first."""
    require_perm(actor, DRAWDOWN_VIEW, _("You are not allowed to view deposit drawdowns."))
    agency = agency_get_for(actor, agency_public_id)
    return list(DepositDrawdown.objects.visible_to(actor).filter(agency=agency).prefetch_related("payouts")
                .order_by("-requested_on", "-id"))


def drawdown_get_for(actor, agency_public_id, public_id) -> DepositDrawdown:
    require_perm(actor, DRAWDOWN_VIEW, _("You are not allowed to view deposit drawdowns."))
    uid, agency_uid = parse_public_id(public_id), parse_public_id(agency_public_id)
    drawdown = (DepositDrawdown.objects.visible_to(actor).filter(agency__public_id=agency_uid, public_id=uid)
                .select_related("agency").prefetch_related("payouts").first() if uid and agency_uid else None)
    if drawdown is None:
        raise NotFound(_("Deposit drawdown not found."))
    return drawdown


def supervision_counts_by_agency(*, start: dt.date, end: dt.date, agency_ids) -> dict[int, dict]:
    """Per P3MI, for the supervision scorecards: sanctions opened with ``start <= day < end`` (and
    how many of them reached a suspension or revocation), and deposit drawdowns requested in the
    period. Two grouped queries."""
    out: dict[int, dict] = {}

    def row(agency_id: int) -> dict:
        return out.setdefault(agency_id, {"sanctions": 0, "suspensions": 0, "drawdowns": 0})

    grave = [SanctionState.SUSPENDED, SanctionState.LIFTED, SanctionState.REVOKED]
    for entry in (Sanction.objects.filter(agency_id__in=agency_ids, opened_on__gte=start, opened_on__lt=end)
                  .values("agency_id").annotate(n=Count("id"), grave=Count("id", filter=Q(state__in=grave)))
                  .order_by()):
        row(entry["agency_id"]).update(sanctions=entry["n"], suspensions=entry["grave"])
    for entry in (DepositDrawdown.objects.filter(agency_id__in=agency_ids, requested_on__gte=start,
                                                 requested_on__lt=end)
                  .values("agency_id").annotate(n=Count("id")).order_by()):
        row(entry["agency_id"])["drawdowns"] = entry["n"]
    return out
