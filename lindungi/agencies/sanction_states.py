"""The sanction workflow as data: states, steps, the transition table and the guards.

Pure Python, no database access, in the style of ``lindungi/placements/states.py``; ``Unmet`` and
``unmet_conditions`` are the kernel's (``lindungi.common.guards``), since this app sits below
placements. The service (``services.sanction_step``) builds ``SanctionFacts`` from the sanction
it loaded and calls ``unmet_conditions``; every unmet condition comes back at once, with a code
and a sentence in Indonesian and English.

The path follows the administrative sanctions of Permen P2MI 4/2025 (domain.md §3.3)::

    finding ─→ clarification (rounds 1..n, each with a deadline) ─→ warned ─→ suspended ─→ revoked
       │              │                                              │            │
       │              └────────────── suspended / revoked ←──────────┘            └─→ lifted
       └─ closed (no violation / resolved) ← clarification, warned

A suspension covers all activity or a part of it (destination countries and/or schemes) from a
first day to a last day inclusive (no last day: until lifted); suspending a sanction that is
already suspended replaces its period and scope (an extension or a correction). Only one sanction
may hold an agency suspended at a time, and nothing moves a revoked licence (revocation is final).

Every step is a decision carried by a letter: its number and date are required, and the step
records who decided. The grounds (``SanctionGround.allowed_steps``) say which of the sanctioning
steps (``warning``, ``suspend``, ``revoke``) a ground allows.

Who may take which step: ``request_clarification`` needs ``sanction.open`` (unit officers and
administrators, who also open findings); the decisions need ``agency.sanction`` (administrators,
acting for the Director-General of Protection).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.agencies.perms import AGENCY_SANCTION, SANCTION_OPEN
from lindungi.common.guards import Unmet, unmet_conditions

__all__ = ["Unmet", "unmet_conditions", "SanctionState", "SanctionFacts", "STEPS", "TRANSITIONS"]


class SanctionState(models.TextChoices):
    FINDING = "finding", _("Finding")
    CLARIFICATION = "clarification", _("Clarification requested")
    WARNED = "warned", _("Written warning")
    SUSPENDED = "suspended", _("Suspended")
    LIFTED = "lifted", _("Suspension lifted")
    REVOKED = "revoked", _("Licence revoked")
    CLOSED = "closed", _("Closed")


class SanctionOutcome(models.TextChoices):
    NO_VIOLATION = "no_violation", _("No violation")
    RESOLVED = "resolved", _("Resolved")


S = SanctionState

CLOSED_STATES: frozenset[str] = frozenset({S.LIFTED, S.REVOKED, S.CLOSED})
OPEN_STATES: frozenset[str] = frozenset(set(SanctionState.values) - CLOSED_STATES)

# The sanctioning steps a ground may allow (SanctionGround.allowed_steps).
SANCTION_STEPS: tuple[str, ...] = ("warning", "suspend", "revoke")


@dataclass(frozen=True)
class SanctionFacts:
    state: str
    ground_code: str = ""
    ground_allows: frozenset[str] = frozenset()
    agency_revoked: bool = False
    # Another sanction of the same agency holds it suspended.
    other_suspension: bool = False


Guard = Callable[[SanctionFacts], list[Unmet]]


def ground_allows(kind: str) -> Guard:
    names = {"warning": ("teguran tertulis", "a written warning"),
             "suspend": ("penghentian sementara", "a suspension"),
             "revoke": ("pencabutan izin", "a revocation")}

    def guard(facts: SanctionFacts) -> list[Unmet]:
        if kind in facts.ground_allows:
            return []
        name_id, name_en = names[kind]
        return [Unmet(f"ground_does_not_allow_{kind}",
                      f"Dasar sanksi {facts.ground_code} tidak memungkinkan {name_id}.",
                      f"Ground {facts.ground_code} does not allow {name_en}.")]

    guard.__name__ = f"ground_allows_{kind}"
    return guard


def guard_agency_not_revoked(facts: SanctionFacts) -> list[Unmet]:
    if not facts.agency_revoked:
        return []
    return [Unmet("revocation_final", "Izin P3MI telah dicabut; pencabutan bersifat final.",
                  "The P3MI's licence was revoked; revocation is final.")]


def guard_no_other_suspension(facts: SanctionFacts) -> list[Unmet]:
    if not facts.other_suspension:
        return []
    return [Unmet("other_suspension_in_force",
                  "P3MI sedang dihentikan sementara oleh sanksi lain; cabut penghentian itu terlebih dahulu.",
                  "The P3MI is suspended under another sanction; lift that suspension first.")]


@dataclass(frozen=True)
class Rule:
    step: str
    permission: str = AGENCY_SANCTION
    guards: tuple[Guard, ...] = ()


# The steps, each with the states it leaves from and the state it reaches.
STEPS: dict[str, tuple[frozenset[str], str, Rule]] = {
    "request_clarification": (
        frozenset({S.FINDING, S.CLARIFICATION, S.WARNED}), S.CLARIFICATION,
        Rule("request_clarification", SANCTION_OPEN, (guard_agency_not_revoked,)),
    ),
    "issue_warning": (
        frozenset({S.FINDING, S.CLARIFICATION}), S.WARNED,
        Rule("issue_warning", AGENCY_SANCTION, (ground_allows("warning"), guard_agency_not_revoked)),
    ),
    "suspend": (
        frozenset({S.FINDING, S.CLARIFICATION, S.WARNED, S.SUSPENDED}), S.SUSPENDED,
        Rule("suspend", AGENCY_SANCTION,
             (ground_allows("suspend"), guard_agency_not_revoked, guard_no_other_suspension)),
    ),
    "lift_suspension": (
        frozenset({S.SUSPENDED}), S.LIFTED,
        Rule("lift_suspension", AGENCY_SANCTION, (guard_agency_not_revoked,)),
    ),
    "revoke": (
        frozenset({S.FINDING, S.CLARIFICATION, S.WARNED, S.SUSPENDED}), S.REVOKED,
        Rule("revoke", AGENCY_SANCTION, (ground_allows("revoke"), guard_agency_not_revoked)),
    ),
    "close": (
        frozenset({S.FINDING, S.CLARIFICATION, S.WARNED}), S.CLOSED,
        Rule("close", AGENCY_SANCTION),
    ),
}

TRANSITIONS: dict[tuple[str, str], Rule] = {
    (frm, to): rule for (froms, to, rule) in STEPS.values() for frm in froms
}

# The steps that change the agency's licence status, and so need a confirmation in the UI.
GRAVE_STEPS: frozenset[str] = frozenset({"suspend", "revoke"})

STEP_LABELS: dict[str, object] = {
    "request_clarification": _("Request clarification"),
    "issue_warning": _("Issue a written warning"),
    "suspend": _("Suspend (all or part of the activity)"),
    "lift_suspension": _("Lift the suspension"),
    "revoke": _("Revoke the licence"),
    "close": _("Close the finding"),
}


def step_target(step: str, from_state: str) -> str | None:
    """The state ``step`` reaches from ``from_state``, or None when the step is not allowed there."""
    entry = STEPS.get(step)
    if entry is None or from_state not in entry[0]:
        return None
    return entry[1]


def rule_for(step: str) -> Rule | None:
    entry = STEPS.get(step)
    return entry[2] if entry else None


def steps_from(state: str) -> list[str]:
    """The steps allowed out of ``state``, in table order."""
    return [name for name, (froms, _to, _rule) in STEPS.items() if state in froms]
