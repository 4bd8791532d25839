"""The departure verdict, composed from the placement lifecycle's own guards (pure Python).

A traveller is **cleared** when every one of these holds on the travel date, and **not cleared**
with every failing reason otherwise:

- a person is registered under the NIK or passport number given, with a placement that is
  ``ready_to_depart`` (``no_person``, ``no_open_placement``, ``placement_not_ready``);
- the guards of the lifecycle's clearance step (``orientation_done → ready_to_depart``: P3MI in good
  standing, SIP2MI not revoked, no moratorium, contract dates, every required checklist item valid)
  and of the departure step itself (``ready_to_depart → departed``: the exit check) — evaluated on
  the travel date, read from ``placements.states.TRANSITIONS`` so there is no second copy of a rule;
- the destination and the passport shown match the placement (``destination_mismatch``,
  ``passport_not_current``);
- no watch-list entry in force on that day names the NIK or passport (``watchlist_hit``);
- no other domain blocks the departure (``BLOCKERS``: protection cases register here).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from lindungi.placements import states
from lindungi.placements.states import PlacementState, TransitionContext, Unmet, date_en, date_id

S = PlacementState

# The guards of the two lifecycle steps a departing worker must pass, in table order.
DEPARTURE_GUARDS: tuple[states.Guard, ...] = (
    states.TRANSITIONS[(S.ORIENTATION_DONE, S.READY_TO_DEPART)].guards
    + states.TRANSITIONS[(S.READY_TO_DEPART, S.DEPARTED)].guards
)


@dataclass(frozen=True)
class WatchHit:
    kind: str  # traveller / recruiter
    reason: str
    valid_until: date


@dataclass(frozen=True)
class CheckFacts:
    """What the verdict reads. ``context`` is the placement's guard context on the travel date
    (None when there is no placement)."""

    travel_date: date
    destination: str  # ISO2 entered by the officer
    person_found: bool
    placement_state: str | None = None
    placement_destination: str = ""  # ISO2 of the placement's country
    passport_entered: str = ""
    passport_current: str = ""
    context: TransitionContext | None = None
    watch_hits: tuple[WatchHit, ...] = ()


# Other domains may add blocking reasons (e.g. an open protection case): a callable taking the
# facts and the person's primary key and returning unmet conditions. Registered at start-up.
Blocker = Callable[[CheckFacts, int | None], list[Unmet]]
BLOCKERS: list[Blocker] = []


def register_blocker(blocker: Blocker) -> None:
    if blocker not in BLOCKERS:
        BLOCKERS.append(blocker)


def _state_label_id_en(state: str) -> tuple[str, str]:
    from django.utils import translation

    label = PlacementState(state).label
    with translation.override("id"):
        label_id = str(label)
    with translation.override("en"):
        label_en = str(label)
    return label_id, label_en


def presence_unmet(facts: CheckFacts) -> list[Unmet]:
    if not facts.person_found:
        return [Unmet("no_person", "Tidak ada CPMI/PMI terdaftar dengan NIK atau nomor paspor ini.",
                      "No migrant worker is registered under this NIK or passport number.")]
    if facts.placement_state is None:
        return [Unmet("no_open_placement", "Tidak ada penempatan yang sedang berjalan untuk orang ini.",
                      "This person has no placement in progress.")]
    if facts.placement_state != S.READY_TO_DEPART:
        label_id, label_en = _state_label_id_en(facts.placement_state)
        return [Unmet("placement_not_ready",
                      f"Penempatan belum siap berangkat (status: {label_id}).",
                      f"The placement is not ready to depart (state: {label_en}).")]
    return []


def match_unmet(facts: CheckFacts) -> list[Unmet]:
    out = []
    if facts.placement_destination and facts.destination != facts.placement_destination:
        out.append(Unmet("destination_mismatch",
                         f"Tujuan perjalanan {facts.destination} berbeda dengan negara penempatan "
                         f"{facts.placement_destination}.",
                         f"The travel destination {facts.destination} differs from the placement country "
                         f"{facts.placement_destination}."))
    if facts.passport_entered and facts.passport_current and facts.passport_entered != facts.passport_current:
        out.append(Unmet("passport_not_current",
                         f"Paspor {facts.passport_entered} bukan paspor yang berlaku; paspor terdaftar "
                         f"{facts.passport_current}.",
                         f"Passport {facts.passport_entered} is not the current one; the registered passport is "
                         f"{facts.passport_current}."))
    return out


def watchlist_unmet(hits: Iterable[WatchHit]) -> list[Unmet]:
    out = []
    for hit in hits:
        what_id, what_en = (("perekrut atau sponsor yang dicurigai", "suspected recruiter or sponsor")
                            if hit.kind == "recruiter" else
                            ("pelintas nonprosedural berulang", "repeat non-procedural traveller"))
        out.append(Unmet("watchlist_hit",
                         f"Tercantum dalam daftar pengawasan sebagai {what_id} sampai {date_id(hit.valid_until)}: "
                         f"{hit.reason}",
                         f"On the watch list as a {what_en} until {date_en(hit.valid_until)}: {hit.reason}"))
    return out


def verdict(facts: CheckFacts, *, person_pk: int | None = None) -> list[Unmet]:
    """Every reason the traveller may not depart (empty = cleared)."""
    reasons = presence_unmet(facts)
    if facts.context is not None:
        reasons += states.unmet_conditions(DEPARTURE_GUARDS, facts.context)
    reasons += match_unmet(facts)
    # Several watch-list entries may hit; each is its own reason, so no de-duplication by code.
    reasons += watchlist_unmet(facts.watch_hits)
    for blocker in BLOCKERS:
        reasons += blocker(facts, person_pk)
    return reasons
