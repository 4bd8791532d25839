"""Hypothesis walks real placements through the services and the database, as the roles that work
on them: documents recorded and voided by a P3MI or a unit officer, steps tried by anyone, main path
and side exits alike. The oracle is the law's list of documents per step (``REQUIRED``), written here
independently of ``states.py``: a step that succeeds with one of them missing, or a refusal that does
not name a missing one, fails the walk. So would a dropped medical check or a quota that drifts.

Outcomes checked after every try: a step out of the table is 409, a role without the step's
permission 403, a refused step writes nothing, a successful one writes exactly one transition row
and one audit event and bumps the version; the SIP2MI's used quota equals the placements holding
it (from selection, through departure, unless an early exit gave it back).
``LINDUNGI_FUZZ_EXAMPLES`` sets the number of walks (default 30, each up to 40 steps: about 20 s; with
fewer, a dropped document check may slip through, as a mutation run showed).
"""

import os

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from lindungi.audit.models import AuditEvent
from lindungi.common.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from lindungi.placements import services
from lindungi.placements.checklist import ChecklistKind as K
from lindungi.placements.models import Placement, PlacementTransition, Sip2mi
from lindungi.placements.states import HOLDS_QUOTA, MAIN_PATH, TERMINAL, TRANSITIONS, PlacementState
from lindungi.placements.tests.fixtures import FAR, record

pytestmark = pytest.mark.django_db

WALKS = int(os.environ.get("LINDUNGI_FUZZ_EXAMPLES", "30"))
S = PlacementState
ALL_NINE = frozenset(K.values)
# What each step needs on the checklist (UU 18/2017 Pasal 13 and the BP2MI rules as the domain notes
# state them), independent of the code under test.
REQUIRED = {
    S.AGREEMENT_SIGNED: {K.PLACEMENT_AGREEMENT},
    S.DOCUMENTS_VERIFIED: {K.MEDICAL_FITNESS, K.PASSPORT, K.COMPETENCY_CERTIFICATE, K.BPJS_MEMBERSHIP,
                           K.WORK_VISA, K.EMPLOYMENT_CONTRACT},
    S.ORIENTATION_DONE: {K.OPP_ATTENDANCE},
    S.READY_TO_DEPART: ALL_NINE,
    S.DEPARTED: {K.MEDICAL_FITNESS, K.PASSPORT, K.WORK_VISA},
}
LONG_LIVED = {K.WORK_VISA, K.EPMI_CARD, K.BPJS_MEMBERSHIP, K.EMPLOYMENT_CONTRACT}
TARGETS = [s for s in S.values if s != S.REGISTERED]


def test_random_journeys_through_the_services(admin_user, unit_officer, p3mi_user, checkpoint_officer, analyst,
                                              make_placement):
    reached: list[str] = []
    actors = {"admin": admin_user, "officer": unit_officer, "p3mi": p3mi_user, "checkpoint": checkpoint_officer,
              "analyst": analyst}

    class Journey(RuleBasedStateMachine):
        @initialize()
        def start(self):
            self.placement = make_placement()
            self.recorded: dict[str, list[int]] = {}  # kind -> ids of its items in force (not voided)

        def fresh(self) -> Placement:
            return Placement.objects.get(pk=self.placement.pk)

        @rule(kind=st.sampled_from(sorted(ALL_NINE)), who=st.sampled_from(["officer", "p3mi", "analyst"]))
        def record_document(self, kind, who):
            placement = self.fresh()
            try:
                item = record(actors[who], placement, kind, valid_until=FAR if kind in LONG_LIVED else None)
            except PermissionDenied:
                assert who == "analyst"
                return
            except (ValidationFailed, Conflict):
                assert placement.state in TERMINAL, f"{kind} refused on an open placement"
                return
            assert who != "analyst"
            self.recorded.setdefault(kind, []).append(item.pk)

        @rule(who=st.sampled_from(["officer", "p3mi"]), data=st.data())
        def progress(self, who, data):
            """Record what the next step of the main path needs (now and then all but one), then try
            it as a role that takes it: biases the walks forward, which would otherwise rarely pass
            the documents step."""
            state = self.fresh().state
            if state not in MAIN_PATH or state == MAIN_PATH[-1]:
                return
            to_state = MAIN_PATH[MAIN_PATH.index(state) + 1]
            needed = sorted(REQUIRED.get(to_state, set()) - set(self.recorded))
            forgotten = data.draw(st.sampled_from([None, None, *needed]))  # sometimes one is left out
            for kind in needed:
                if kind != forgotten:
                    self.record_document(kind=kind, who=who)
            permission = TRANSITIONS[(state, to_state)].permission
            able = sorted(name for name, actor in actors.items() if actor.has_role_perm(permission))
            self.try_step(to_state=to_state, who=data.draw(st.sampled_from(able)))

        @rule(kind=st.sampled_from(sorted(ALL_NINE)), data=st.data())
        def next_step_without(self, kind, data):
            """Take away one document the next main step needs (void every item of it), try the step
            (it must be refused, naming that document), then record it again."""
            state = self.fresh().state
            if state not in MAIN_PATH or state == MAIN_PATH[-1]:
                return
            to_state = MAIN_PATH[MAIN_PATH.index(state) + 1]
            if kind not in REQUIRED.get(to_state, set()) or kind not in self.recorded:
                return
            while kind in self.recorded:
                self.void_document(data=None, kind=kind)
            permission = TRANSITIONS[(state, to_state)].permission
            able = sorted(name for name, actor in actors.items() if actor.has_role_perm(permission))
            self.try_step(to_state=to_state, who=data.draw(st.sampled_from(able)))
            assert self.fresh().state == state, f"{state} → {to_state} without {kind}"
            self.record_document(kind=kind, who="officer")

        @precondition(lambda self: self.recorded)
        @rule(data=st.data())
        def void_document(self, data, kind=None):
            kind = kind or data.draw(st.sampled_from(sorted(self.recorded)))
            try:
                services.checklist_void(actor=unit_officer, public_id=self.placement.public_id,
                                        item_id=self.recorded[kind][-1], reason="Uji: dibatalkan")
            except (ValidationFailed, Conflict):
                assert self.fresh().state in TERMINAL
                return
            self.recorded[kind].pop()
            if not self.recorded[kind]:
                del self.recorded[kind]

        @rule(to_state=st.sampled_from(TARGETS), who=st.sampled_from(sorted(actors)))
        def try_step(self, to_state, who):
            before = self.fresh()
            actor = actors[who]
            transitions, events = PlacementTransition.objects.count(), AuditEvent.objects.count()
            missing = REQUIRED.get(to_state, set()) - set(self.recorded)
            rule = TRANSITIONS.get((before.state, to_state))
            try:
                services.placement_transition(actor=actor, public_id=before.public_id, to_state=to_state,
                                              reason="Uji acak", identifier={"nik": before.person.nik})
            except services.TransitionRefused as exc:
                assert rule is not None and actor.has_role_perm(rule.permission)
                codes = {u.code for u in exc.unmet}
                # every missing document is named: never recorded, or recorded and voided since
                assert all({f"{k}_missing", f"{k}_voided"} & codes for k in missing), (missing, codes)
                self.assert_unchanged(before, transitions, events)
                return
            except PermissionDenied:
                assert rule is not None and not actor.has_role_perm(rule.permission)
                self.assert_unchanged(before, transitions, events)
                return
            except Conflict as exc:
                assert rule is None, exc.message
                self.assert_unchanged(before, transitions, events)
                return
            except DomainError as exc:  # e.g. the quota taken: must leave nothing behind either
                self.assert_unchanged(before, transitions, events)
                assert not isinstance(exc, ValidationFailed) or "reason" not in exc.fields, exc.fields
                return
            after = self.fresh()
            assert rule is not None and actor.has_role_perm(rule.permission)
            assert not missing, f"{before.state} → {to_state} succeeded without {sorted(missing)}"
            assert after.state == to_state and after.version == before.version + 1
            assert PlacementTransition.objects.count() == transitions + 1
            assert PlacementTransition.objects.filter(placement=after, from_state=before.state,
                                                      to_state=to_state).exists()
            assert AuditEvent.objects.count() > events

        def teardown(self):
            reached.append(self.fresh().state)

        def assert_unchanged(self, before, transitions, events):
            after = self.fresh()
            assert (after.state, after.version) == (before.state, before.version)
            assert PlacementTransition.objects.count() == transitions
            assert AuditEvent.objects.count() == events

        @invariant()
        def quota_matches_the_placements_holding_it(self):
            placement = self.fresh()
            if placement.sip2mi_id is None:
                return
            # Taken on selection, kept through departure (the worker went), given back by an early exit.
            holding = Placement.objects.filter(sip2mi_id=placement.sip2mi_id, quota_held=True).count()
            assert Sip2mi.objects.get(pk=placement.sip2mi_id).used == holding
            went = PlacementTransition.objects.filter(placement=placement, to_state=S.DEPARTED).exists()
            assert placement.quota_held == (placement.state in HOLDS_QUOTA or went), placement.state

        @invariant()
        def the_main_path_is_never_skipped(self):
            placement = self.fresh()
            if placement.state in MAIN_PATH:
                earlier = set(MAIN_PATH[: MAIN_PATH.index(placement.state)])
                taken = set(PlacementTransition.objects.filter(placement=placement)
                            .values_list("from_state", flat=True))
                assert earlier <= taken | {S.REGISTERED}, (placement.state, taken)

    run_state_machine_as_test(Journey, settings=settings(
        max_examples=WALKS, stateful_step_count=40, deadline=None, derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                               HealthCheck.filter_too_much]))
    # The walks reach past the documents step, not only the first states.
    print("final states:", reached)
    assert any(state in (S.ORIENTATION_DONE, S.READY_TO_DEPART, S.DEPARTED, S.WORKING_ABROAD) or
               state in TERMINAL for state in reached), reached
