import pytest

from lindungi.cases import states
from lindungi.cases.states import CaseFacts
from lindungi.cases.states import CaseState as S


def codes(frm, to, facts):
    return [u.code for u in states.evaluate(frm, to, facts)]


def test_main_path_is_in_the_table_and_steps_cannot_be_skipped():
    for frm, to in zip(states.MAIN_PATH, states.MAIN_PATH[1:], strict=False):
        assert states.rule_for(frm, to) is not None
    assert states.rule_for(S.REGISTERED, S.MEDIATION) is None
    assert states.rule_for(S.REGISTERED, S.RESOLVED) is None
    assert states.rule_for(S.VERIFYING, S.RESOLVED) is None
    assert states.rule_for(S.CLARIFICATION, S.RESOLVED) is None


def test_closed_states_have_no_way_out():
    for closed in states.CLOSED:
        assert states.targets_from(closed) == []


def test_every_open_state_may_close_administratively_with_a_reason():
    for state in states.OPEN:
        rule = states.rule_for(state, S.CLOSED_ADMIN)
        assert rule is not None and rule.needs_reason


def test_verification_needs_a_unit():
    assert codes(S.REGISTERED, S.VERIFYING, CaseFacts(state=S.REGISTERED, has_unit=False)) == ["unit_missing"]
    assert codes(S.REGISTERED, S.VERIFYING, CaseFacts(state=S.REGISTERED)) == []


def test_clarification_reports_every_unmet_condition():
    assert codes(S.VERIFYING, S.CLARIFICATION, CaseFacts(state=S.VERIFYING)) == [
        "documents_incomplete", "agency_missing"]
    assert codes(S.VERIFYING, S.CLARIFICATION,
                 CaseFacts(state=S.VERIFYING, documents_complete=True, has_agency=True)) == []


def test_new_round_needs_the_previous_answered_or_overdue():
    waiting = CaseFacts(state=S.CLARIFICATION, has_agency=True, rounds=1, open_round_overdue=False)
    assert codes(S.CLARIFICATION, S.CLARIFICATION, waiting) == ["clarification_round_open"]
    overdue = CaseFacts(state=S.CLARIFICATION, has_agency=True, rounds=1, open_round_overdue=True)
    assert codes(S.CLARIFICATION, S.CLARIFICATION, overdue) == []
    answered = CaseFacts(state=S.CLARIFICATION, has_agency=True, rounds=1, last_round_answered=True)
    assert codes(S.CLARIFICATION, S.CLARIFICATION, answered) == []


def test_mediation_after_an_answer_or_straight_when_nobody_to_clarify():
    assert codes(S.CLARIFICATION, S.MEDIATION, CaseFacts(state=S.CLARIFICATION, rounds=1)) == [
        "clarification_unanswered"]
    assert codes(S.CLARIFICATION, S.MEDIATION,
                 CaseFacts(state=S.CLARIFICATION, rounds=1, last_round_answered=True)) == []
    assert codes(S.VERIFYING, S.MEDIATION,
                 CaseFacts(state=S.VERIFYING, documents_complete=True, has_agency=True)) == ["clarification_required"]
    assert codes(S.VERIFYING, S.MEDIATION, CaseFacts(state=S.VERIFYING, documents_complete=True)) == []


def test_resolution_needs_outcome_and_berita_acara():
    assert codes(S.MEDIATION, S.RESOLVED, CaseFacts(state=S.MEDIATION)) == [
        "mediation_outcome_missing", "berita_acara_missing"]
    assert codes(S.MEDIATION, S.RESOLVED, CaseFacts(state=S.MEDIATION, mediation_outcome="Dibayar",
                                                    berita_acara_number="BA/1")) == []


@pytest.mark.parametrize("frm", [S.VERIFYING, S.CLARIFICATION, S.MEDIATION])
def test_referral_needs_a_destination(frm):
    assert codes(frm, S.REFERRED, CaseFacts(state=frm)) == ["referral_target_missing"]
    assert codes(frm, S.REFERRED, CaseFacts(state=frm, referral_kind="police", referral_has_target=True)) == []


def test_referral_accepted_resumes_only_for_a_unit():
    assert codes(S.REFERRAL_ACCEPTED, S.VERIFYING, CaseFacts(state=S.REFERRAL_ACCEPTED, referral_kind="police")) \
        == ["referral_external"]
    assert codes(S.REFERRAL_ACCEPTED, S.VERIFYING, CaseFacts(state=S.REFERRAL_ACCEPTED, referral_kind="unit")) == []
    assert states.rule_for(S.REFERRED, S.VERIFYING).needs_reason  # returned with a reason


def test_every_message_is_bilingual():
    facts = CaseFacts(state=S.VERIFYING, has_unit=False)
    for (_frm, _to), rule in states.TRANSITIONS.items():
        for unmet in states.unmet_conditions(rule.guards, facts):
            assert unmet.message("id") and unmet.message("en") and unmet.message("id") != unmet.message("en")
