"""The sanction transition table and guards, pure."""

import pytest

from lindungi.agencies import sanction_states as ss
from lindungi.agencies.sanction_states import SanctionFacts
from lindungi.agencies.sanction_states import SanctionState as S

ALL = frozenset({"warning", "suspend", "revoke"})


@pytest.mark.parametrize(("step", "state", "target"), [
    ("request_clarification", S.FINDING, S.CLARIFICATION),
    ("request_clarification", S.CLARIFICATION, S.CLARIFICATION),
    ("issue_warning", S.CLARIFICATION, S.WARNED),
    ("suspend", S.WARNED, S.SUSPENDED),
    ("suspend", S.SUSPENDED, S.SUSPENDED),
    ("lift_suspension", S.SUSPENDED, S.LIFTED),
    ("revoke", S.SUSPENDED, S.REVOKED),
    ("close", S.CLARIFICATION, S.CLOSED),
])
def test_allowed_steps(step, state, target):
    assert ss.step_target(step, state) == target


@pytest.mark.parametrize(("step", "state"), [
    ("lift_suspension", S.FINDING), ("issue_warning", S.SUSPENDED), ("close", S.SUSPENDED),
    ("suspend", S.REVOKED), ("revoke", S.REVOKED), ("request_clarification", S.CLOSED), ("revoke", S.LIFTED),
    ("nonsense", S.FINDING),
])
def test_refused_steps(step, state):
    assert ss.step_target(step, state) is None


def test_closed_states_have_no_steps():
    for state in ss.CLOSED_STATES:
        assert ss.steps_from(state) == []


def test_ground_must_allow_the_sanction():
    facts = SanctionFacts(state=S.FINDING, ground_code="x", ground_allows=frozenset({"warning"}))
    assert ss.unmet_conditions(ss.rule_for("issue_warning").guards, facts) == []
    unmet = ss.unmet_conditions(ss.rule_for("suspend").guards, facts)
    assert [u.code for u in unmet] == ["ground_does_not_allow_suspend"]
    assert unmet[0].message_id and unmet[0].message_en


def test_every_unmet_condition_at_once():
    facts = SanctionFacts(state=S.WARNED, ground_code="x", ground_allows=frozenset(), agency_revoked=True,
                          other_suspension=True)
    codes = [u.code for u in ss.unmet_conditions(ss.rule_for("suspend").guards, facts)]
    assert codes == ["ground_does_not_allow_suspend", "revocation_final", "other_suspension_in_force"]


def test_clarification_is_an_officer_step_decisions_are_not():
    assert ss.rule_for("request_clarification").permission == "sanction.open"
    assert {ss.rule_for(s).permission for s in ("issue_warning", "suspend", "lift_suspension", "revoke", "close")} \
        == {"agency.sanction"}
