"""The placement lifecycle as data: states, the transition table, and the guards.

Pure Python, no database access (engineering.md §2.3). Services build a ``TransitionContext`` from
the database (``selectors.transition_context``) and call ``evaluate``; tests and the hypothesis
state machine build contexts by hand.

Every guard returns a list of ``Unmet`` conditions, each with a stable code and a plain sentence in
Indonesian and English. ``evaluate`` runs every guard of a transition and returns every unmet
condition at once, so an officer sees the whole list of what is missing, not just the first item.

Who may take which step (``Rule.permission``; role grants in ``lindungi/placements/perms.py``):

============================================  ===========================  ==================================
Steps                                         Permission                   Roles
============================================  ===========================  ==================================
selected, agreement_signed, withdrawn         placement.step_agency        P3MI staff (own placements),
                                                                           unit officers (G to G and other
                                                                           schemes without P3MI), admin
verified, documents_verified,                 placement.step_officer       unit officers (in their coverage),
orientation_done, ready_to_depart,                                         admin
working_abroad, extended, on_leave,
returned, repatriated, deported, deceased,
returnee, failed_medical, blocked_sanction
(and resuming from it)
departed, failed_departure,                   placement.step_checkpoint    checkpoint officers, admin
intercepted_nonprocedural, return from leave
============================================  ===========================  ==================================
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.common.guards import Unmet, unmet_conditions
from lindungi.placements.checklist import KIND_NAMES, ChecklistKind, ItemState, KindStatus
from lindungi.placements.perms import PLACEMENT_STEP_AGENCY, PLACEMENT_STEP_CHECKPOINT, PLACEMENT_STEP_OFFICER

STEP_AGENCY = PLACEMENT_STEP_AGENCY
STEP_OFFICER = PLACEMENT_STEP_OFFICER
STEP_CHECKPOINT = PLACEMENT_STEP_CHECKPOINT

# Must equal list(lindungi.registry.models.Education.values); a test checks they match.
EDUCATION_ORDER: tuple[str, ...] = ("none", "sd", "smp", "sma", "diploma", "s1", "s2", "s3")
EDUCATION_NAMES: dict[str, tuple[str, str]] = {
    "none": ("tidak sekolah", "no schooling"),
    "sd": ("SD", "primary school (SD)"),
    "smp": ("SMP/SLTP", "junior secondary (SMP/SLTP)"),
    "sma": ("SMA/SMK/SLTA", "senior secondary (SMA/SMK/SLTA)"),
    "diploma": ("Diploma", "diploma"),
    "s1": ("S1", "bachelor's degree (S1)"),
    "s2": ("S2", "master's degree (S2)"),
    "s3": ("S3", "doctorate (S3)"),
}


class PlacementState(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    VERIFIED = "verified", _("Verified by Disnaker")
    SELECTED = "selected", _("Selected")
    AGREEMENT_SIGNED = "agreement_signed", _("Placement agreement signed")
    DOCUMENTS_VERIFIED = "documents_verified", _("Documents verified")
    ORIENTATION_DONE = "orientation_done", _("OPP attended")
    READY_TO_DEPART = "ready_to_depart", _("Ready to depart")
    DEPARTED = "departed", _("Departed")
    WORKING_ABROAD = "working_abroad", _("Working abroad")
    EXTENDED = "extended", _("Contract extended")
    ON_LEAVE = "on_leave", _("On leave (cuti)")
    RETURNED = "returned", _("Returned (contract finished)")
    REPATRIATED = "repatriated", _("Repatriated")
    DEPORTED = "deported", _("Deported")
    DECEASED = "deceased", _("Deceased")
    RETURNEE = "returnee", _("Returnee (purna)")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    FAILED_MEDICAL = "failed_medical", _("Failed medical")
    FAILED_DEPARTURE = "failed_departure", _("Failed to depart (gagal berangkat)")
    BLOCKED_SANCTION = "blocked_sanction", _("Blocked by a sanction")
    INTERCEPTED_NONPROCEDURAL = "intercepted_nonprocedural", _("Intercepted (non-procedural)")


S = PlacementState

MAIN_PATH: tuple[str, ...] = (
    S.REGISTERED, S.VERIFIED, S.SELECTED, S.AGREEMENT_SIGNED, S.DOCUMENTS_VERIFIED, S.ORIENTATION_DONE,
    S.READY_TO_DEPART, S.DEPARTED, S.WORKING_ABROAD,
)
PRE_DEPARTURE: frozenset[str] = frozenset({
    S.REGISTERED, S.VERIFIED, S.SELECTED, S.AGREEMENT_SIGNED, S.DOCUMENTS_VERIFIED, S.ORIENTATION_DONE,
    S.READY_TO_DEPART,
})
ABROAD: frozenset[str] = frozenset({S.DEPARTED, S.WORKING_ABROAD, S.EXTENDED, S.ON_LEAVE})
RETURN_STATES: frozenset[str] = frozenset({S.RETURNED, S.REPATRIATED, S.DEPORTED})
SIDE_EXITS: frozenset[str] = frozenset({
    S.WITHDRAWN, S.FAILED_MEDICAL, S.FAILED_DEPARTURE, S.BLOCKED_SANCTION, S.INTERCEPTED_NONPROCEDURAL,
})
# No transition leaves these.
TERMINAL: frozenset[str] = frozenset({
    S.WITHDRAWN, S.FAILED_MEDICAL, S.FAILED_DEPARTURE, S.INTERCEPTED_NONPROCEDURAL, S.DECEASED, S.RETURNEE,
})
# A person may start a new placement once the current one is in one of these.
CLOSED: frozenset[str] = TERMINAL | RETURN_STATES

# Details that may still change in each phase (state changes go through the transition service):
# job order, SIP2MI and employer only before selection, since the SIP2MI quota is taken at selection;
# contract dates until departure; the contract end also abroad (extensions).
_EDITABLE_BEFORE_SELECTION = frozenset({"scheme", "job_order", "sip2mi", "employer", "agency", "country",
                                        "occupation", "sector", "contract_start", "contract_end", "unit"})
_EDITABLE_AFTER_SELECTION = frozenset({"contract_start", "contract_end", "unit"})
_EDITABLE_ABROAD = frozenset({"contract_end", "unit"})


def editable_fields(state: str) -> frozenset[str]:
    """The placement fields ``placement_update`` accepts in ``state``."""
    if state in (S.REGISTERED, S.VERIFIED):
        return _EDITABLE_BEFORE_SELECTION
    if state in PRE_DEPARTURE:
        return _EDITABLE_AFTER_SELECTION
    if state in ABROAD:
        return _EDITABLE_ABROAD
    return frozenset({"unit"})
# States in which a placement holds one unit of its SIP2MI quota (reserved on "selected").
HOLDS_QUOTA: frozenset[str] = frozenset({
    S.SELECTED, S.AGREEMENT_SIGNED, S.DOCUMENTS_VERIFIED, S.ORIENTATION_DONE, S.READY_TO_DEPART,
})
# Entering one of these from a quota-holding state gives the quota unit back.
RELEASES_QUOTA: frozenset[str] = frozenset({
    S.WITHDRAWN, S.FAILED_MEDICAL, S.FAILED_DEPARTURE, S.BLOCKED_SANCTION, S.INTERCEPTED_NONPROCEDURAL,
})


# ---------------------------------------------------------------------------------------------
# Facts the guards read
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchemeFacts:
    code: str
    name: str = ""
    min_age: int = 18
    max_age: int | None = None
    min_education: str = ""
    required_items: frozenset[str] = frozenset(ChecklistKind.values)
    requires_p3mi: bool = True
    requires_job_order: bool = True
    requires_sip2mi: bool = True
    employer_legal_types: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PersonFacts:
    birth_date: date
    education: str


@dataclass(frozen=True)
class AgencyFacts:
    name: str
    good_standing: bool
    reason: str = "active"


@dataclass(frozen=True)
class Sip2miFacts:
    number: str
    status: str  # active / revoked
    quota: int
    used: int
    valid_from: date
    valid_until: date
    held: bool = False  # this placement already holds one unit of the quota

    @property
    def remaining(self) -> int:
        return max(0, self.quota - self.used)


@dataclass(frozen=True)
class DestinationBlock:
    """A closed destination rule that applies to this placement (already matched)."""

    country: str
    note_id: str
    note_en: str
    legal_basis: str


@dataclass(frozen=True)
class PlacementFacts:
    state: str
    contract_start: date | None = None
    contract_end: date | None = None
    has_agency: bool = False
    has_employer: bool = False
    employer_legal_type: str | None = None
    job_order_status: str | None = None  # None when no job order is attached
    country: str = ""


@dataclass(frozen=True)
class TransitionContext:
    today: date
    placement: PlacementFacts
    person: PersonFacts
    scheme: SchemeFacts
    checklist: Mapping[str, KindStatus] = field(default_factory=dict)
    agency: AgencyFacts | None = None
    sip2mi: Sip2miFacts | None = None
    destination_blocks: tuple[DestinationBlock, ...] = ()


# ---------------------------------------------------------------------------------------------
# Small pure helpers
# ---------------------------------------------------------------------------------------------

_MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
              "Oktober", "November", "Desember")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")


def date_id(day: date) -> str:
    return f"{day.day} {_MONTHS_ID[day.month - 1]} {day.year}"


def date_en(day: date) -> str:
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def age_on(birth_date: date, day: date) -> int:
    """Completed years on ``day`` (someone born on 29 February turns a year older on 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def education_rank(value: str) -> int:
    return EDUCATION_ORDER.index(value) if value in EDUCATION_ORDER else -1


# ---------------------------------------------------------------------------------------------
# Destination rules (moratoria), matched in pure Python
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DestinationRuleFacts:
    country: str  # ISO2
    status: str  # "open" / "closed"
    occupation: str | None = None  # ISCO code, None = every occupation
    domestic_workers_only: bool = False
    employer_legal_type: str = ""  # "" = any employer
    valid_from: date | None = None
    valid_to: date | None = None
    note_id: str = ""
    note_en: str = ""
    legal_basis: str = ""

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @property
    def specificity(self) -> int:
        return 4 * (self.occupation is not None) + 2 * self.domestic_workers_only + bool(self.employer_legal_type)

    def matches(self, *, country: str, occupation: str | None, domestic: bool, employer_legal_type: str | None,
                day: date) -> bool:
        if self.country != country or not self.valid_on(day):
            return False
        if self.occupation is not None and self.occupation != occupation:
            return False
        if self.domestic_workers_only and not domestic:
            return False
        # A rule aimed at one employer type applies only once the employer's type is known.
        return not (self.employer_legal_type and self.employer_legal_type != employer_legal_type)


def destination_blocks(
    rules: Iterable[DestinationRuleFacts], *, country: str, occupation: str | None, domestic: bool,
    employer_legal_type: str | None, day: date,
) -> tuple[DestinationBlock, ...]:
    """Closed rules that apply, unless an open rule that also applies is more specific (an
    exception carved out of a wider closure)."""
    matching = [r for r in rules if r.matches(country=country, occupation=occupation, domestic=domestic,
                                               employer_legal_type=employer_legal_type, day=day)]
    opens = [r.specificity for r in matching if r.status == "open"]
    best_open = max(opens, default=-1)
    return tuple(
        DestinationBlock(country=r.country, note_id=r.note_id, note_en=r.note_en, legal_basis=r.legal_basis)
        for r in matching if r.status == "closed" and r.specificity >= best_open
    )


# ---------------------------------------------------------------------------------------------
# Guards
# ---------------------------------------------------------------------------------------------

Guard = Callable[[TransitionContext], list[Unmet]]


def guard_age(ctx: TransitionContext) -> list[Unmet]:
    age = age_on(ctx.person.birth_date, ctx.today)
    scheme = ctx.scheme
    if age < scheme.min_age:
        return [Unmet(
            "age_below_minimum",
            f"Usia {age} tahun; skema {scheme.name or scheme.code} mensyaratkan paling rendah {scheme.min_age} tahun.",
            f"Age {age}; the {scheme.name or scheme.code} scheme requires at least {scheme.min_age} years.",
        )]
    if scheme.max_age is not None and age > scheme.max_age:
        return [Unmet(
            "age_above_maximum",
            f"Usia {age} tahun; skema {scheme.name or scheme.code} mensyaratkan paling tinggi {scheme.max_age} tahun.",
            f"Age {age}; the {scheme.name or scheme.code} scheme allows at most {scheme.max_age} years.",
        )]
    return []


def guard_education(ctx: TransitionContext) -> list[Unmet]:
    minimum = ctx.scheme.min_education
    if not minimum or education_rank(ctx.person.education) >= education_rank(minimum):
        return []
    have_id, have_en = EDUCATION_NAMES.get(ctx.person.education, (ctx.person.education, ctx.person.education))
    need_id, need_en = EDUCATION_NAMES[minimum]
    return [Unmet(
        "education_below_minimum",
        f"Pendidikan terakhir {have_id}; skema ini mensyaratkan paling rendah {need_id}.",
        f"Highest education is {have_en}; this scheme requires at least {need_en}.",
    )]


def guard_destination_open(ctx: TransitionContext) -> list[Unmet]:
    out = []
    for block in ctx.destination_blocks:
        basis = f" ({block.legal_basis})" if block.legal_basis else ""
        out.append(Unmet(
            "destination_closed",
            f"Penempatan ke {block.country} untuk jabatan dan jenis pemberi kerja ini ditutup{basis}. "
            f"{block.note_id}".strip(),
            f"Placement to {block.country} for this job and employer type is closed{basis}. {block.note_en}".strip(),
        ))
    return out


def guard_employer_type(ctx: TransitionContext) -> list[Unmet]:
    allowed = ctx.scheme.employer_legal_types
    if not allowed:
        return []
    if not ctx.placement.has_employer:
        return [Unmet("employer_missing", "Pemberi kerja belum dicatat.", "No employer is recorded.")]
    if ctx.placement.employer_legal_type not in allowed:
        return [Unmet(
            "employer_type_not_allowed",
            "Skema ini hanya untuk pemberi kerja berbadan hukum; pemberi kerja yang dicatat bukan badan hukum."
            if allowed == {"legal_entity"} else "Jenis pemberi kerja tidak diizinkan untuk skema ini.",
            "This scheme needs an employer that is a legal entity; the recorded employer is not."
            if allowed == {"legal_entity"} else "The employer's type is not allowed for this scheme.",
        )]
    return []


def guard_agency(ctx: TransitionContext) -> list[Unmet]:
    """A P3MI is attached when the scheme needs one, and any attached P3MI is in good standing."""
    if ctx.agency is None:
        if ctx.scheme.requires_p3mi:
            return [Unmet("agency_missing", "Skema ini mensyaratkan P3MI, tetapi belum ada P3MI yang dicatat.",
                          "This scheme needs a P3MI, but none is recorded.")]
        return []
    if not ctx.agency.good_standing:
        return [Unmet(
            "agency_not_in_good_standing",
            f"P3MI {ctx.agency.name} tidak dalam keadaan baik pada tanggal ini "
            f"(izin {_standing_id(ctx.agency.reason)}).",
            f"P3MI {ctx.agency.name} is not in good standing on this day (licence {_standing_en(ctx.agency.reason)}).",
        )]
    return []


def _standing_id(reason: str) -> str:
    return {"suspended": "dihentikan sementara", "revoked": "dicabut", "expired": "berakhir",
            "not_yet_valid": "belum berlaku"}.get(reason, reason)


def _standing_en(reason: str) -> str:
    return {"suspended": "suspended", "revoked": "revoked", "expired": "expired",
            "not_yet_valid": "not yet in force"}.get(reason, reason)


def guard_job_order(ctx: TransitionContext) -> list[Unmet]:
    if not ctx.scheme.requires_job_order:
        return []
    status = ctx.placement.job_order_status
    if status is None:
        return [Unmet("job_order_missing", "Belum ada job order yang dicatat.", "No job order is recorded.")]
    if status != "verified":
        return [Unmet("job_order_not_verified", "Job order belum diverifikasi oleh Perwakilan RI.",
                      "The job order has not been verified by the Indonesian mission.")]
    return []


def _sip2mi_valid(ctx: TransitionContext) -> list[Unmet]:
    s = ctx.sip2mi
    if s is None:
        return [Unmet("sip2mi_missing", "Belum ada SIP2MI yang dicatat.", "No SIP2MI is recorded.")]
    if s.status != "active":
        return [Unmet("sip2mi_revoked", f"SIP2MI {s.number} telah dicabut.", f"SIP2MI {s.number} has been revoked.")]
    if ctx.today < s.valid_from:
        return [Unmet("sip2mi_not_yet_valid", f"SIP2MI {s.number} baru berlaku mulai {date_id(s.valid_from)}.",
                      f"SIP2MI {s.number} is valid only from {date_en(s.valid_from)}.")]
    if ctx.today > s.valid_until:
        return [Unmet("sip2mi_expired", f"SIP2MI {s.number} berakhir pada {date_id(s.valid_until)}.",
                      f"SIP2MI {s.number} expired on {date_en(s.valid_until)}.")]
    return []


def guard_sip2mi_available(ctx: TransitionContext) -> list[Unmet]:
    """For selection: an active, current SIP2MI with quota left (or already held by this placement)."""
    if not ctx.scheme.requires_sip2mi:
        return []
    out = _sip2mi_valid(ctx)
    s = ctx.sip2mi
    if not out and s is not None and not s.held and s.remaining <= 0:
        out.append(Unmet("sip2mi_quota_exhausted", f"Kuota SIP2MI {s.number} sudah habis ({s.used} dari {s.quota}).",
                         f"The quota of SIP2MI {s.number} is used up ({s.used} of {s.quota})."))
    return out


def guard_sip2mi_not_revoked(ctx: TransitionContext) -> list[Unmet]:
    """For later pre-departure steps: the SIP2MI the worker was recruited under still stands."""
    if ctx.sip2mi is not None and ctx.sip2mi.status != "active":
        return [Unmet("sip2mi_revoked", f"SIP2MI {ctx.sip2mi.number} telah dicabut.",
                      f"SIP2MI {ctx.sip2mi.number} has been revoked.")]
    return []


def guard_contract_dates(ctx: TransitionContext) -> list[Unmet]:
    p = ctx.placement
    if p.contract_start is None or p.contract_end is None:
        return [Unmet("contract_dates_missing", "Tanggal mulai dan berakhirnya kontrak kerja belum dicatat.",
                      "The contract start and end dates are not recorded.")]
    if p.contract_end <= p.contract_start:
        return [Unmet("contract_dates_invalid", "Tanggal berakhir kontrak harus setelah tanggal mulai.",
                      "The contract end date must be after its start date.")]
    return []


def item_unmet(kind: str, status: KindStatus, *, today: date) -> Unmet | None:
    if status.usable:
        return None
    name_id, name_en = KIND_NAMES[kind]
    if status.status == ItemState.MISSING:
        if status.voided_on:
            return Unmet(f"{kind}_voided",
                         f"{name_id[0].upper()}{name_id[1:]} dibatalkan pada {date_id(status.voided_on)}; "
                         f"diperlukan yang baru.",
                         f"The {name_en} was voided on {date_en(status.voided_on)}; a new one is needed.")
        return Unmet(f"{kind}_missing", f"{name_id[0].upper()}{name_id[1:]} belum dicatat.",
                     f"The {name_en} is not recorded.")
    if status.status == ItemState.EXPIRED:
        return Unmet(f"{kind}_expired",
                     f"{name_id[0].upper()}{name_id[1:]} sudah tidak berlaku sejak {date_id(status.valid_until)}.",
                     f"The {name_en} expired on {date_en(status.valid_until)}.")
    if status.status == ItemState.EXPIRES_BEFORE_CONTRACT_END:
        return Unmet(f"{kind}_expires_before_contract_end",
                     f"{name_id[0].upper()}{name_id[1:]} berlaku sampai {date_id(status.valid_until)}, "
                     f"harus berlaku melewati akhir kontrak.",
                     f"The {name_en} is valid until {date_en(status.valid_until)}; it must stay valid beyond the "
                     f"end of the contract.")
    return Unmet(f"{kind}_invalid", f"{name_id} tidak memenuhi syarat.", f"The {name_en} is not acceptable.")


def requires_items(*kinds: str, name: str = "") -> Guard:
    """A guard that each listed kind (when the scheme requires it) is usable on the day."""

    def guard(ctx: TransitionContext) -> list[Unmet]:
        out = []
        for kind in kinds or ChecklistKind.values:
            if kind not in ctx.scheme.required_items:
                continue
            status = ctx.checklist.get(kind) or KindStatus(kind=kind, status=ItemState.MISSING)
            unmet = item_unmet(kind, status, today=ctx.today)
            if unmet:
                out.append(unmet)
        return out

    guard.__name__ = name or "requires_" + "_".join(kinds or ("all",))
    return guard


def always_require_items(*kinds: str, name: str = "") -> Guard:
    """Like ``requires_items`` but whatever the scheme lists (e.g. the exit check)."""

    def guard(ctx: TransitionContext) -> list[Unmet]:
        out = []
        for kind in kinds:
            status = ctx.checklist.get(kind) or KindStatus(kind=kind, status=ItemState.MISSING)
            unmet = item_unmet(kind, status, today=ctx.today)
            if unmet:
                out.append(unmet)
        return out

    guard.__name__ = name or "always_requires_" + "_".join(kinds)
    return guard


def guard_extension(ctx: TransitionContext) -> list[Unmet]:
    """An extended PK, verified before the Perwakilan, running beyond the current contract end."""
    status = ctx.checklist.get(ChecklistKind.EMPLOYMENT_CONTRACT)
    end = ctx.placement.contract_end
    if status is None or not status.usable or status.valid_until is None or (end and status.valid_until <= end):
        return [Unmet(
            "extension_contract_missing",
            "Perpanjangan Perjanjian Kerja yang diverifikasi Perwakilan RI dan berlaku melewati akhir kontrak "
            "belum dicatat.",
            "No extended employment contract, verified by the Indonesian mission and running beyond the current "
            "contract end, is recorded.",
        )]
    return []


def guard_sanction_applies(ctx: TransitionContext) -> list[Unmet]:
    """Blocking is for a P3MI that is suspended/revoked or an SIP2MI that was revoked."""
    if ctx.agency is not None and not ctx.agency.good_standing:
        return []
    if ctx.sip2mi is not None and ctx.sip2mi.status != "active":
        return []
    return [Unmet("no_sanction_in_force",
                  "Tidak ada sanksi yang berlaku: P3MI dalam keadaan baik dan SIP2MI tidak dicabut.",
                  "No sanction is in force: the P3MI is in good standing and the SIP2MI is not revoked.")]


def guard_agency_good_standing(ctx: TransitionContext) -> list[Unmet]:
    if ctx.agency is not None and not ctx.agency.good_standing:
        return guard_agency(ctx)
    return []


# ---------------------------------------------------------------------------------------------
# The transition table
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    name: str
    permission: str
    guards: tuple[Guard, ...] = ()
    needs_reason: bool = False


ELIGIBILITY: tuple[Guard, ...] = (guard_age, guard_education)
SELECTION: tuple[Guard, ...] = (
    guard_age, guard_education, guard_destination_open, guard_employer_type, guard_agency, guard_job_order,
    guard_sip2mi_available,
)
DOCUMENTS = requires_items(
    ChecklistKind.MEDICAL_FITNESS, ChecklistKind.PASSPORT, ChecklistKind.COMPETENCY_CERTIFICATE,
    ChecklistKind.BPJS_MEMBERSHIP, ChecklistKind.WORK_VISA, ChecklistKind.EMPLOYMENT_CONTRACT, name="documents",
)
EXIT_CHECK = always_require_items(ChecklistKind.MEDICAL_FITNESS, ChecklistKind.PASSPORT, ChecklistKind.WORK_VISA,
                                  name="exit_check")
RE_ENTRY = always_require_items(ChecklistKind.PASSPORT, ChecklistKind.WORK_VISA, ChecklistKind.EMPLOYMENT_CONTRACT,
                                name="re_entry")

TRANSITIONS: dict[tuple[str, str], Rule] = {
    (S.REGISTERED, S.VERIFIED): Rule("verify", STEP_OFFICER, ELIGIBILITY),
    (S.VERIFIED, S.SELECTED): Rule("select", STEP_AGENCY, SELECTION),
    (S.SELECTED, S.AGREEMENT_SIGNED): Rule(
        "sign_agreement", STEP_AGENCY,
        (guard_agency, guard_sip2mi_not_revoked, requires_items(ChecklistKind.PLACEMENT_AGREEMENT)),
    ),
    (S.AGREEMENT_SIGNED, S.DOCUMENTS_VERIFIED): Rule(
        "verify_documents", STEP_OFFICER, (guard_contract_dates, DOCUMENTS)),
    (S.DOCUMENTS_VERIFIED, S.ORIENTATION_DONE): Rule(
        "record_orientation", STEP_OFFICER, (requires_items(ChecklistKind.OPP_ATTENDANCE),)),
    (S.ORIENTATION_DONE, S.READY_TO_DEPART): Rule(
        "clear_for_departure", STEP_OFFICER,
        (guard_agency, guard_sip2mi_not_revoked, guard_destination_open, guard_contract_dates,
         requires_items(name="all_documents")),
    ),
    (S.READY_TO_DEPART, S.DEPARTED): Rule("depart", STEP_CHECKPOINT, (EXIT_CHECK,)),
    (S.DEPARTED, S.WORKING_ABROAD): Rule("register_arrival", STEP_OFFICER),
    (S.WORKING_ABROAD, S.EXTENDED): Rule("extend_contract", STEP_OFFICER, (guard_extension,)),
    (S.WORKING_ABROAD, S.ON_LEAVE): Rule("go_on_leave", STEP_OFFICER),
    (S.EXTENDED, S.ON_LEAVE): Rule("go_on_leave", STEP_OFFICER),
    (S.ON_LEAVE, S.WORKING_ABROAD): Rule("return_from_leave", STEP_CHECKPOINT, (RE_ENTRY,)),
    (S.RETURNED, S.RETURNEE): Rule("register_returnee", STEP_OFFICER),
    (S.REPATRIATED, S.RETURNEE): Rule("register_returnee", STEP_OFFICER),
    (S.DEPORTED, S.RETURNEE): Rule("register_returnee", STEP_OFFICER),
    (S.BLOCKED_SANCTION, S.VERIFIED): Rule("resume_after_sanction", STEP_OFFICER, (guard_agency_good_standing,),
                                           needs_reason=True),
    (S.BLOCKED_SANCTION, S.WITHDRAWN): Rule("withdraw", STEP_AGENCY, needs_reason=True),
}
for _abroad in (S.WORKING_ABROAD, S.EXTENDED, S.ON_LEAVE):
    TRANSITIONS[(_abroad, S.RETURNED)] = Rule("return_home", STEP_OFFICER)
for _abroad in (S.DEPARTED, S.WORKING_ABROAD, S.EXTENDED, S.ON_LEAVE):
    TRANSITIONS[(_abroad, S.REPATRIATED)] = Rule("repatriate", STEP_OFFICER, needs_reason=True)
    TRANSITIONS[(_abroad, S.DEPORTED)] = Rule("deport", STEP_OFFICER, needs_reason=True)
    TRANSITIONS[(_abroad, S.DECEASED)] = Rule("record_death", STEP_OFFICER, needs_reason=True)
for _pre in PRE_DEPARTURE:
    TRANSITIONS[(_pre, S.WITHDRAWN)] = Rule("withdraw", STEP_AGENCY, needs_reason=True)
    TRANSITIONS[(_pre, S.INTERCEPTED_NONPROCEDURAL)] = Rule("intercept", STEP_CHECKPOINT, needs_reason=True)
for _pre in PRE_DEPARTURE - {S.REGISTERED}:
    TRANSITIONS[(_pre, S.BLOCKED_SANCTION)] = Rule("block_for_sanction", STEP_OFFICER, (guard_sanction_applies,),
                                                   needs_reason=True)
for _pre in PRE_DEPARTURE - {S.REGISTERED, S.VERIFIED}:
    TRANSITIONS[(_pre, S.FAILED_MEDICAL)] = Rule("fail_medical", STEP_OFFICER, needs_reason=True)
for _pre in (S.ORIENTATION_DONE, S.READY_TO_DEPART):
    TRANSITIONS[(_pre, S.FAILED_DEPARTURE)] = Rule("fail_departure", STEP_CHECKPOINT, needs_reason=True)


STATE_VALUES: frozenset[str] = frozenset(PlacementState.values)


def rule_for(from_state: str, to_state: str) -> Rule | None:
    return TRANSITIONS.get((from_state, to_state))


def targets_from(from_state: str) -> list[str]:
    """Allowed next states, main path first, in the order of ``PlacementState``."""
    order = {value: i for i, value in enumerate(PlacementState.values)}
    return sorted((to for (frm, to) in TRANSITIONS if frm == from_state), key=order.__getitem__)


def evaluate(from_state: str, to_state: str, ctx: TransitionContext) -> list[Unmet]:
    """Every unmet condition of the transition (empty list = allowed). Raises KeyError for a pair
    that is not in the table."""
    return unmet_conditions(TRANSITIONS[(from_state, to_state)].guards, ctx)


def quota_effect(from_state: str, to_state: str) -> int:
    """+1 when the step takes a unit of SIP2MI quota, -1 when it gives one back, else 0."""
    if to_state in HOLDS_QUOTA and from_state not in HOLDS_QUOTA:
        return 1
    if from_state in HOLDS_QUOTA and to_state in RELEASES_QUOTA:
        return -1
    return 0


def scheme_country_problem(*, scheme_code: str, countries, excluded_countries, iso2: str,
                           schemes_for_country=()) -> str | None:
    """Why a scheme does not fit a destination (``Scheme.countries`` / ``excluded_countries``), or
    None. ``schemes_for_country``: codes of the schemes meant for that country, named as the way out."""
    if (countries and iso2 not in countries) or iso2 in (excluded_countries or ()):
        message = str(_("The %(scheme)s scheme does not place workers to %(country)s.")
                      % {"scheme": scheme_code, "country": iso2})
        if schemes_for_country:
            message += " " + str(_("Use %(schemes)s.") % {"schemes": " or ".join(schemes_for_country)})
        return message
    return None
