"""Hypothesis stateful walk over the pure transition table: random steps, random documents that
are recorded, voided and expire as time passes, random sanctions, and invariants checked after
every step. No database."""

import dataclasses
import datetime as dt

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from lindungi.placements import states
from lindungi.placements.checklist import ALL_KINDS, ItemFacts, checklist_status
from lindungi.placements.states import (
    TRANSITIONS,
    AgencyFacts,
    DestinationBlock,
    PersonFacts,
    PlacementFacts,
    Sip2miFacts,
    TransitionContext,
    evaluate,
    quota_effect,
    targets_from,
)
from lindungi.placements.states import PlacementState as S
from lindungi.placements.tests.builders import KOREA, P_TO_P, PERSEORANGAN

START = dt.date(2025, 1, 6)


class PlacementMachine(RuleBasedStateMachine):
    @initialize(
        scheme=st.sampled_from([P_TO_P, KOREA, PERSEORANGAN]),
        age_days=st.integers(min_value=15 * 365, max_value=45 * 365),
        education=st.sampled_from(states.EDUCATION_ORDER),
        quota=st.integers(min_value=1, max_value=3),
        used=st.integers(min_value=0, max_value=3),
        employer=st.sampled_from(["legal_entity", "individual", None]),
        closed=st.integers(min_value=0, max_value=4),
    )
    def setup(self, scheme, age_days, education, quota, used, employer, closed):
        self.scheme = scheme
        self.day = START
        self.person = PersonFacts(birth_date=START - dt.timedelta(days=age_days), education=education)
        self.state = S.REGISTERED
        self.history = [S.REGISTERED]
        self.items: list[ItemFacts] = []
        self.agency_ok = True
        self.sip2mi_status = "active"
        self.quota = quota
        self.used = min(used, quota)
        self.held = False
        self.employer = employer
        self.closed = closed == 0  # a moratorium applies in one walk out of five
        self.contract_start = START + dt.timedelta(days=60)
        self.contract_end = START + dt.timedelta(days=60 + 730)
        self.departures_checked: list[bool] = []
        self.ages_at_selection: list[int] = []

    # -- the world changes ------------------------------------------------------------------------

    @rule(days=st.integers(min_value=1, max_value=20))
    def time_passes(self, days):
        self.day += dt.timedelta(days=days)

    @rule(kind=st.sampled_from(ALL_KINDS), validity=st.one_of(st.none(), st.integers(min_value=0, max_value=1200)))
    def record_item(self, kind, validity):
        valid_until = None if validity is None else self.day + dt.timedelta(days=validity)
        self.items.append(ItemFacts(kind=kind, issued_on=self.day, valid_until=valid_until))

    @rule()
    def record_a_complete_file(self):
        """Every document at once, as an officer does at a one-stop (LTSA) desk."""
        for kind in ALL_KINDS:
            days = 89 if kind == "medical_fitness" else 1500
            self.items.append(ItemFacts(kind=kind, issued_on=self.day, valid_until=self.day + dt.timedelta(days=days)))

    @precondition(lambda self: bool(self.items))
    @rule(index=st.integers(min_value=0, max_value=50))
    def void_item(self, index):
        i = index % len(self.items)
        if self.items[i].voided_on is None:
            self.items[i] = dataclasses.replace(self.items[i], voided_on=self.day)

    @rule(ok=st.booleans())
    def agency_standing_changes(self, ok):
        self.agency_ok = ok

    @rule()
    def sip2mi_revoked(self):
        self.sip2mi_status = "revoked"

    # -- attempts ---------------------------------------------------------------------------------

    def context(self) -> TransitionContext:
        needs_agency = self.scheme.requires_p3mi
        return TransitionContext(
            today=self.day,
            placement=PlacementFacts(
                state=self.state, contract_start=self.contract_start, contract_end=self.contract_end,
                has_agency=needs_agency, has_employer=self.employer is not None,
                employer_legal_type=self.employer,
                job_order_status="verified" if self.scheme.requires_job_order else None,
            ),
            person=self.person,
            scheme=self.scheme,
            checklist=checklist_status(self.items, on=self.day, contract_end=self.contract_end),
            agency=AgencyFacts("PT Uji", self.agency_ok, "active" if self.agency_ok else "suspended")
            if needs_agency else None,
            sip2mi=Sip2miFacts("SIP2MI/T/1", self.sip2mi_status, self.quota, self.used, START,
                               START + dt.timedelta(days=720), held=self.held)
            if self.scheme.requires_sip2mi else None,
            destination_blocks=(DestinationBlock("SA", "tutup", "closed", "K 260/2015"),) if self.closed else (),
        )

    def attempt(self, target):
        if (self.state, target) not in TRANSITIONS:
            assert target not in targets_from(self.state)
            return
        ctx = self.context()
        unmet = evaluate(self.state, target, ctx)
        if unmet:
            assert len({u.code for u in unmet}) == len(unmet), "each condition reported once"
            assert all(u.message_id and u.message_en for u in unmet)
            return
        if target == S.SELECTED:
            self.ages_at_selection.append(states.age_on(self.person.birth_date, self.day))
        if target == S.DEPARTED:
            self.departures_checked.append(ctx.checklist["medical_fitness"].usable)
        effect = quota_effect(self.state, target)
        if effect > 0 and self.scheme.requires_sip2mi:
            assert self.used < self.quota or self.held, "selection only with quota left"
            self.used += 1
            self.held = True
        elif effect < 0 and self.held:
            self.used -= 1
            self.held = False
        self.state = target
        self.history.append(target)

    @rule(to_state=st.sampled_from(S.values), go=st.integers(min_value=0, max_value=4))
    def try_any_state(self, to_state, go):
        # Exits end the walk, so take them only one time in five to let walks get deep.
        if (self.state, to_state) in TRANSITIONS and to_state not in states.MAIN_PATH and go:
            return
        self.attempt(to_state)

    @precondition(lambda self: bool(targets_from(self.state)))
    @rule(pick=st.integers(min_value=0, max_value=30))
    def try_an_allowed_step(self, pick):
        options = targets_from(self.state)
        main = [t for t in options if t not in states.SIDE_EXITS | {S.REPATRIATED, S.DEPORTED, S.DECEASED}]
        pool = main if main and pick % 10 else options
        self.attempt(pool[pick % len(pool)])

    @rule(steps=st.integers(min_value=1, max_value=8))
    def happy_burst(self, steps):
        """Several forward steps in a row, so walks reach work abroad and return."""
        for _ in range(steps):
            forward = [t for t in targets_from(self.state)
                       if t not in states.SIDE_EXITS | {S.REPATRIATED, S.DEPORTED, S.DECEASED}]
            if not forward:
                return
            self.attempt(forward[0] if len(forward) == 1 or steps % 2 else forward[-1])

    # -- invariants -------------------------------------------------------------------------------

    @invariant()
    def state_is_known(self):
        assert self.state in S.values

    @invariant()
    def history_follows_the_table(self):
        for frm, to in zip(self.history, self.history[1:], strict=False):
            assert (frm, to) in TRANSITIONS

    @invariant()
    def departed_only_via_ready_to_depart(self):
        for i, state in enumerate(self.history):
            if state == S.DEPARTED:
                assert self.history[i - 1] == S.READY_TO_DEPART

    @invariant()
    def departure_only_with_valid_medical(self):
        assert all(self.departures_checked)

    @invariant()
    def terminal_states_are_final(self):
        if self.state in states.TERMINAL:
            assert targets_from(self.state) == []
        if self.state in states.RETURN_STATES:
            assert targets_from(self.state) == [S.RETURNEE]

    @invariant()
    def never_back_to_pre_departure_after_leaving(self):
        left = False
        for state in self.history:
            if state in states.ABROAD | states.RETURN_STATES:
                left = True
            if left:
                assert state not in states.PRE_DEPARTURE

    @invariant()
    def quota_never_over_used(self):
        assert 0 <= self.used <= self.quota

    @invariant()
    def quota_held_exactly_while_recruited(self):
        # Reserved at selection, given back on an early exit, consumed for good once departed.
        if self.scheme.requires_sip2mi:
            assert self.held == (self.state in states.HOLDS_QUOTA or S.DEPARTED in self.history)

    @invariant()
    def selected_only_within_the_scheme_age_range(self):
        for age in self.ages_at_selection:
            assert age >= self.scheme.min_age
            assert self.scheme.max_age is None or age <= self.scheme.max_age


PlacementMachine.TestCase.settings = settings(
    max_examples=200, stateful_step_count=60, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestPlacementMachine = PlacementMachine.TestCase
