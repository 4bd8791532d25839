"""The case lifecycle as data: states, the transition table, and the guards.

Pure Python, no database access, in the style of ``lindungi/placements/states.py``. The service
(``services.case_transition``) builds ``CaseFacts`` from the case it loaded and calls
``unmet_conditions``; every unmet condition comes back at once, with a code and a sentence in
Indonesian and English.

The path follows the complaint procedure (Perban 6/2024; domain.md §4)::

    registered → verifying → clarification (rounds 1..n) → mediation → resolved
                     │              │                         │
                     └──────────────┴── referred ─────────────┘
                                           ├─ referral_accepted (the other party took it)
                                           └─ back to verifying (returned with a reason)
    any open state → closed_admin (with the legal reason of Pasal 30)

Steps cannot be skipped: a case with a P3MI on it goes through clarification before mediation; only
a case with nobody to clarify with (non-procedural, no company) may go from verification straight to
mediation. A new clarification round needs the previous one answered or past its deadline.

Who may take which step: every step needs ``case.step`` (unit officers, admin); P3MI staff answer
clarification requests through their own service (``clarification_answer``), not through a step.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.cases.perms import CASE_STEP
from lindungi.common.guards import Unmet, unmet_conditions

__all__ = ["Unmet", "CaseState", "CaseFacts", "TRANSITIONS"]


class CaseState(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    VERIFYING = "verifying", _("Verifying documents")
    CLARIFICATION = "clarification", _("Clarification")
    MEDIATION = "mediation", _("Mediation")
    RESOLVED = "resolved", _("Resolved")
    CLOSED_ADMIN = "closed_admin", _("Closed administratively")
    REFERRED = "referred", _("Referred")
    REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")


S = CaseState

MAIN_PATH: tuple[str, ...] = (S.REGISTERED, S.VERIFYING, S.CLARIFICATION, S.MEDIATION, S.RESOLVED)
CLOSED: frozenset[str] = frozenset({S.RESOLVED, S.CLOSED_ADMIN})
OPEN: frozenset[str] = frozenset(set(CaseState.values) - CLOSED)
# States in which the complaint desk is still working the case (the deadline rules apply here).
WORKING: frozenset[str] = frozenset({S.REGISTERED, S.VERIFYING, S.CLARIFICATION, S.MEDIATION})


class ReferralKind(models.TextChoices):
    POLICE = "police", _("Police (Polri)")
    KEMLU = "kemlu", _("Ministry of Foreign Affairs / Indonesian mission")
    MINISTRY = "ministry", _("Another ministry or agency")
    UNIT = "unit", _("Another unit (BP3MI/P4MI)")


@dataclass(frozen=True)
class CaseFacts:
    state: str
    has_unit: bool = True
    has_agency: bool = False
    documents_complete: bool = False
    rounds: int = 0
    open_round_overdue: bool | None = None  # None: no round is open
    last_round_answered: bool = False
    mediation_outcome: str = ""
    berita_acara_number: str = ""
    referral_kind: str = ""
    referral_has_target: bool = False


Guard = Callable[[CaseFacts], list[Unmet]]


def guard_unit(facts: CaseFacts) -> list[Unmet]:
    if facts.has_unit:
        return []
    return [Unmet("unit_missing", "Kasus belum ditugaskan ke unit.", "The case is not assigned to a unit.")]


def guard_documents(facts: CaseFacts) -> list[Unmet]:
    if facts.documents_complete:
        return []
    return [Unmet("documents_incomplete", "Dokumen pengaduan belum dinyatakan lengkap.",
                  "The complaint's documents are not marked complete.")]


def guard_agency(facts: CaseFacts) -> list[Unmet]:
    if facts.has_agency:
        return []
    return [Unmet("agency_missing", "Klarifikasi ditujukan kepada P3MI, tetapi belum ada P3MI pada kasus ini.",
                  "Clarification is addressed to a P3MI, but no P3MI is linked to this case.")]


def guard_no_open_round(facts: CaseFacts) -> list[Unmet]:
    """A new round only when the previous one is answered or past its deadline."""
    if facts.open_round_overdue is False:
        return [Unmet("clarification_round_open",
                      "Permintaan klarifikasi sebelumnya belum dijawab dan batas waktunya belum lewat.",
                      "The previous clarification request is unanswered and its deadline has not passed.")]
    return []


def guard_round_answered(facts: CaseFacts) -> list[Unmet]:
    if facts.rounds and facts.last_round_answered:
        return []
    return [Unmet("clarification_unanswered", "Jawaban klarifikasi P3MI belum dicatat.",
                  "The P3MI's answer to the clarification request is not recorded.")]


def guard_nobody_to_clarify(facts: CaseFacts) -> list[Unmet]:
    """Straight to mediation only when there is no company to ask: otherwise clarify first."""
    if not facts.has_agency:
        return []
    return [Unmet("clarification_required",
                  "Ada P3MI pada kasus ini: klarifikasi dengan P3MI harus dilakukan sebelum mediasi.",
                  "A P3MI is linked to this case: it must be asked for clarification before mediation.")]


def guard_mediation_recorded(facts: CaseFacts) -> list[Unmet]:
    out = []
    if not facts.mediation_outcome:
        out.append(Unmet("mediation_outcome_missing", "Hasil mediasi belum dicatat.",
                         "The outcome of the mediation is not recorded."))
    if not facts.berita_acara_number:
        out.append(Unmet("berita_acara_missing", "Nomor berita acara mediasi belum dicatat.",
                         "The number of the mediation report (berita acara) is not recorded."))
    return out


def guard_referral_target(facts: CaseFacts) -> list[Unmet]:
    if facts.referral_kind and facts.referral_has_target:
        return []
    return [Unmet("referral_target_missing", "Tujuan rujukan (jenis dan instansi/unit) belum dicatat.",
                  "The referral's destination (kind and agency or unit) is not recorded.")]


def guard_referral_to_unit(facts: CaseFacts) -> list[Unmet]:
    if facts.referral_kind == ReferralKind.UNIT:
        return []
    return [Unmet("referral_external",
                  "Kasus dirujuk ke instansi lain; unit tetap memantau dan dapat menutupnya sebagai dilimpahkan.",
                  "The case was referred to another agency; the unit keeps monitoring and may close it as "
                  "handed over.")]


@dataclass(frozen=True)
class Rule:
    name: str
    permission: str = CASE_STEP
    guards: tuple[Guard, ...] = ()
    needs_reason: bool = False
    # Shown to the complainant on the public status page (the step's name only, never the reason).
    public: bool = True


TRANSITIONS: dict[tuple[str, str], Rule] = {
    (S.REGISTERED, S.VERIFYING): Rule("start_verification", guards=(guard_unit,)),
    (S.VERIFYING, S.CLARIFICATION): Rule("request_clarification", guards=(guard_documents, guard_agency)),
    (S.CLARIFICATION, S.CLARIFICATION): Rule("request_clarification_again",
                                             guards=(guard_agency, guard_no_open_round)),
    (S.CLARIFICATION, S.MEDIATION): Rule("start_mediation", guards=(guard_round_answered,)),
    (S.VERIFYING, S.MEDIATION): Rule("start_mediation", guards=(guard_documents, guard_nobody_to_clarify)),
    (S.MEDIATION, S.RESOLVED): Rule("resolve", guards=(guard_mediation_recorded,)),
    (S.REFERRED, S.REFERRAL_ACCEPTED): Rule("accept_referral"),
    (S.REFERRED, S.VERIFYING): Rule("return_referral", needs_reason=True),
    (S.REFERRAL_ACCEPTED, S.VERIFYING): Rule("resume_after_referral", guards=(guard_referral_to_unit,)),
}
for _state in (S.VERIFYING, S.CLARIFICATION, S.MEDIATION):
    TRANSITIONS[(_state, S.REFERRED)] = Rule("refer", guards=(guard_referral_target,), needs_reason=True)
for _state in OPEN:
    TRANSITIONS[(_state, S.CLOSED_ADMIN)] = Rule("close_administratively", needs_reason=True)

# The buttons of the case page, by ``Rule.name``.
ACTION_LABELS: dict[str, object] = {
    "start_verification": _("Start verification"),
    "request_clarification": _("Request clarification from the P3MI"),
    "request_clarification_again": _("Request another clarification round"),
    "start_mediation": _("Start mediation"),
    "resolve": _("Record as resolved"),
    "refer": _("Refer"),
    "accept_referral": _("Accept the referral"),
    "return_referral": _("Return the referral"),
    "resume_after_referral": _("Resume handling"),
    "close_administratively": _("Close administratively"),
}


def rule_for(from_state: str, to_state: str) -> Rule | None:
    return TRANSITIONS.get((from_state, to_state))


def targets_from(from_state: str) -> list[str]:
    order = {value: i for i, value in enumerate(CaseState.values)}
    return sorted((to for (frm, to) in TRANSITIONS if frm == from_state), key=order.__getitem__)


def evaluate(from_state: str, to_state: str, facts: CaseFacts) -> list[Unmet]:
    """Every unmet condition (empty = allowed); KeyError for a pair not in the table."""
    return unmet_conditions(TRANSITIONS[(from_state, to_state)].guards, facts)
