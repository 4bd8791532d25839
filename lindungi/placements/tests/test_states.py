"""The pure state machine: the table's shape, every transition with good facts, and every guard
failing on its own and together. No database."""

import dataclasses
import datetime as dt

import pytest

from lindungi.placements import states
from lindungi.placements.states import (
    TRANSITIONS,
    AgencyFacts,
    DestinationBlock,
    DestinationRuleFacts,
    Sip2miFacts,
    age_on,
    destination_blocks,
    evaluate,
    quota_effect,
    targets_from,
)
from lindungi.placements.states import PlacementState as S
from lindungi.placements.tests.builders import (
    CONTRACT_END,
    DAY,
    KOREA,
    P_TO_P,
    PERSEORANGAN,
    context,
    good_items,
    replace_item,
    without,
)


def codes(unmet):
    return [u.code for u in unmet]


# --- the table -----------------------------------------------------------------------------------


def test_every_pair_uses_known_states_and_no_self_loops():
    for (frm, to), rule in TRANSITIONS.items():
        assert frm in S.values and to in S.values
        assert frm != to
        assert rule.permission in {states.STEP_AGENCY, states.STEP_OFFICER, states.STEP_CHECKPOINT}


def test_education_order_matches_registry():
    from lindungi.registry.models import EDUCATION_RANK, Education

    assert list(states.EDUCATION_ORDER) == list(Education.values)
    assert all(states.education_rank(v) == EDUCATION_RANK[v] for v in Education.values)


def test_terminal_states_have_no_way_out():
    for state in states.TERMINAL:
        assert targets_from(state) == []


def test_return_states_lead_only_to_returnee():
    for state in states.RETURN_STATES:
        assert targets_from(state) == [S.RETURNEE]


def test_departed_only_from_ready_to_depart():
    assert [frm for (frm, to) in TRANSITIONS if to == S.DEPARTED] == [S.READY_TO_DEPART]


def test_no_way_back_from_abroad_to_pre_departure():
    for (frm, to) in TRANSITIONS:
        if frm in states.ABROAD | states.RETURN_STATES:
            assert to not in states.PRE_DEPARTURE


def test_every_state_reachable_from_registered():
    seen, frontier = {S.REGISTERED}, [S.REGISTERED]
    while frontier:
        current = frontier.pop()
        for nxt in targets_from(current):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(S.values)


def test_side_exits_need_a_reason():
    for (frm, to), rule in TRANSITIONS.items():
        if to in states.SIDE_EXITS | {S.REPATRIATED, S.DEPORTED, S.DECEASED}:
            assert rule.needs_reason, (frm, to)


def test_who_takes_which_step():
    assert TRANSITIONS[(S.VERIFIED, S.SELECTED)].permission == states.STEP_AGENCY
    assert TRANSITIONS[(S.SELECTED, S.AGREEMENT_SIGNED)].permission == states.STEP_AGENCY
    assert TRANSITIONS[(S.SELECTED, S.WITHDRAWN)].permission == states.STEP_AGENCY
    for to in (S.VERIFIED, S.DOCUMENTS_VERIFIED, S.ORIENTATION_DONE, S.READY_TO_DEPART):
        frm = next(f for (f, t) in TRANSITIONS if t == to and f in states.MAIN_PATH)
        assert TRANSITIONS[(frm, to)].permission == states.STEP_OFFICER
    assert TRANSITIONS[(S.READY_TO_DEPART, S.DEPARTED)].permission == states.STEP_CHECKPOINT
    assert TRANSITIONS[(S.READY_TO_DEPART, S.FAILED_DEPARTURE)].permission == states.STEP_CHECKPOINT
    assert TRANSITIONS[(S.REGISTERED, S.INTERCEPTED_NONPROCEDURAL)].permission == states.STEP_CHECKPOINT
    assert TRANSITIONS[(S.WORKING_ABROAD, S.RETURNED)].permission == states.STEP_OFFICER


def test_quota_effect():
    assert quota_effect(S.VERIFIED, S.SELECTED) == 1
    assert quota_effect(S.SELECTED, S.AGREEMENT_SIGNED) == 0
    for pre in states.HOLDS_QUOTA:
        for exit_ in states.RELEASES_QUOTA:
            if (pre, exit_) in TRANSITIONS:
                assert quota_effect(pre, exit_) == -1
    assert quota_effect(S.READY_TO_DEPART, S.DEPARTED) == 0  # a departed worker keeps the unit
    assert quota_effect(S.REGISTERED, S.WITHDRAWN) == 0
    assert quota_effect(S.BLOCKED_SANCTION, S.WITHDRAWN) == 0
    assert quota_effect(S.BLOCKED_SANCTION, S.VERIFIED) == 0


# --- every transition passes with good facts -----------------------------------------------------

NEEDS_A_PROBLEM = {S.BLOCKED_SANCTION}


@pytest.mark.parametrize("pair", sorted(TRANSITIONS), ids=lambda p: f"{p[0]}->{p[1]}")
def test_every_transition_passes_with_good_facts(pair):
    frm, to = pair
    if to in NEEDS_A_PROBLEM:
        ctx = context(state=frm, agency=AgencyFacts(name="PT X", good_standing=False, reason="suspended"))
    else:
        ctx = context(state=frm)
    assert evaluate(frm, to, ctx) == []


def test_unknown_pair_raises_key_error():
    with pytest.raises(KeyError):
        evaluate(S.REGISTERED, S.DEPARTED, context(state=S.REGISTERED))


# --- eligibility ---------------------------------------------------------------------------------


def test_age_on_birthdays():
    assert age_on(dt.date(2000, 6, 2), dt.date(2018, 6, 1)) == 17
    assert age_on(dt.date(2000, 6, 2), dt.date(2018, 6, 2)) == 18
    assert age_on(dt.date(2000, 2, 29), dt.date(2018, 2, 28)) == 17
    assert age_on(dt.date(2000, 2, 29), dt.date(2018, 3, 1)) == 18


def test_age_17_refused_for_verification_and_selection():
    ctx = context(state=S.REGISTERED, birth_date=DAY.replace(year=DAY.year - 18) + dt.timedelta(days=1))
    unmet = evaluate(S.REGISTERED, S.VERIFIED, ctx)
    assert codes(unmet) == ["age_below_minimum"]
    assert "17" in unmet[0].message_id and "17" in unmet[0].message_en
    assert "age_below_minimum" in codes(evaluate(S.VERIFIED, S.SELECTED, dataclasses.replace(
        ctx, placement=dataclasses.replace(ctx.placement, state=S.VERIFIED))))


def test_age_18_on_the_day_accepted():
    ctx = context(state=S.REGISTERED, birth_date=DAY.replace(year=DAY.year - 18))
    assert evaluate(S.REGISTERED, S.VERIFIED, ctx) == []


def test_korea_eps_age_40_refused_39_accepted():
    forty = context(state=S.VERIFIED, scheme=KOREA, birth_date=DAY.replace(year=DAY.year - 40), agency=None,
                    sip2mi=None, job_order_status=None)
    assert codes(evaluate(S.VERIFIED, S.SELECTED, forty)) == ["age_above_maximum"]
    born = DAY.replace(year=DAY.year - 40) + dt.timedelta(days=1)
    thirty_nine = context(state=S.VERIFIED, scheme=KOREA, birth_date=born, agency=None, sip2mi=None,
                          job_order_status=None)
    assert evaluate(S.VERIFIED, S.SELECTED, thirty_nine) == []


def test_korea_eps_needs_junior_secondary():
    ctx = context(state=S.VERIFIED, scheme=KOREA, education="sd", agency=None, sip2mi=None, job_order_status=None)
    unmet = evaluate(S.VERIFIED, S.SELECTED, ctx)
    assert codes(unmet) == ["education_below_minimum"]
    assert "SMP" in unmet[0].message_id
    ok = context(state=S.VERIFIED, scheme=KOREA, education="smp", agency=None, sip2mi=None, job_order_status=None)
    assert evaluate(S.VERIFIED, S.SELECTED, ok) == []


def test_p_to_p_has_no_education_minimum():
    assert evaluate(S.VERIFIED, S.SELECTED, context(education="none")) == []


def test_perseorangan_needs_legal_entity_employer():
    individual = context(scheme=PERSEORANGAN, employer_legal_type="individual", agency=None, sip2mi=None,
                         job_order_status=None)
    assert codes(evaluate(S.VERIFIED, S.SELECTED, individual)) == ["employer_type_not_allowed"]
    none = context(scheme=PERSEORANGAN, employer_legal_type=None, agency=None, sip2mi=None, job_order_status=None)
    assert codes(evaluate(S.VERIFIED, S.SELECTED, none)) == ["employer_missing"]
    entity = context(scheme=PERSEORANGAN, agency=None, sip2mi=None, job_order_status=None)
    assert evaluate(S.VERIFIED, S.SELECTED, entity) == []


def test_every_unmet_condition_reported_at_once():
    ctx = context(
        state=S.VERIFIED, birth_date=DAY.replace(year=DAY.year - 17),
        scheme=dataclasses.replace(P_TO_P, min_education="sma"),
        education="sd", agency=AgencyFacts(name="PT X", good_standing=False, reason="suspended"),
        sip2mi=Sip2miFacts(number="S/1", status="active", quota=2, used=2, valid_from=DAY, valid_until=DAY),
        blocks=[DestinationBlock(country="Arab Saudi", note_id="tutup", note_en="closed",
                                 legal_basis="Kepmenaker 260/2015")],
        job_order_status="draft",
    )
    assert codes(evaluate(S.VERIFIED, S.SELECTED, ctx)) == [
        "age_below_minimum", "education_below_minimum", "destination_closed", "agency_not_in_good_standing",
        "job_order_not_verified", "sip2mi_quota_exhausted",
    ]
    for unmet in evaluate(S.VERIFIED, S.SELECTED, ctx):
        assert unmet.message_id and unmet.message_en and unmet.message_id != unmet.message_en


# --- selection guards ----------------------------------------------------------------------------


@pytest.mark.parametrize(("sip2mi", "code"), [
    (None, "sip2mi_missing"),
    (Sip2miFacts("S/1", "revoked", 5, 0, DAY, DAY), "sip2mi_revoked"),
    (Sip2miFacts("S/1", "active", 5, 0, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=9)),
     "sip2mi_not_yet_valid"),
    (Sip2miFacts("S/1", "active", 5, 0, DAY - dt.timedelta(days=9), DAY - dt.timedelta(days=1)), "sip2mi_expired"),
    (Sip2miFacts("S/1", "active", 5, 5, DAY, DAY), "sip2mi_quota_exhausted"),
])
def test_selection_needs_usable_sip2mi(sip2mi, code):
    ctx = context(sip2mi=sip2mi) if sip2mi is not None else context(sip2mi=None)
    assert codes(evaluate(S.VERIFIED, S.SELECTED, ctx)) == [code]


def test_full_quota_is_fine_when_this_placement_already_holds_a_unit():
    held = Sip2miFacts("S/1", "active", 5, 5, DAY, DAY, held=True)
    assert evaluate(S.VERIFIED, S.SELECTED, context(sip2mi=held)) == []


def test_schemes_without_sip2mi_or_job_order_skip_those_guards():
    ctx = context(scheme=KOREA, agency=None, sip2mi=None, job_order_status=None)
    assert evaluate(S.VERIFIED, S.SELECTED, ctx) == []


@pytest.mark.parametrize(("status", "code"), [(None, "job_order_missing"), ("draft", "job_order_not_verified"),
                                               ("rejected", "job_order_not_verified")])
def test_selection_needs_verified_job_order(status, code):
    assert codes(evaluate(S.VERIFIED, S.SELECTED, context(job_order_status=status))) == [code]


@pytest.mark.parametrize("reason", ["suspended", "revoked", "expired", "not_yet_valid"])
def test_selection_needs_agency_in_good_standing(reason):
    unmet = evaluate(S.VERIFIED, S.SELECTED, context(agency=AgencyFacts("PT X", False, reason)))
    assert codes(unmet) == ["agency_not_in_good_standing"]
    assert "PT X" in unmet[0].message_id


def test_p_to_p_needs_an_agency():
    assert codes(evaluate(S.VERIFIED, S.SELECTED, context(agency=None))) == ["agency_missing"]


def test_selection_refused_for_closed_destination():
    block = DestinationBlock(country="Arab Saudi", note_id="Moratorium.", note_en="Moratorium.",
                             legal_basis="Kepmenaker No. 260 Tahun 2015")
    unmet = evaluate(S.VERIFIED, S.SELECTED, context(blocks=[block]))
    assert codes(unmet) == ["destination_closed"]
    assert "Kepmenaker No. 260 Tahun 2015" in unmet[0].message_id


# --- destination rules ---------------------------------------------------------------------------

MORATORIUM = DestinationRuleFacts(country="SA", status="closed", employer_legal_type="individual",
                                  valid_from=dt.date(2015, 7, 1), legal_basis="Kepmenaker 260/2015")


def blocks(rules, **kw):
    args = {"country": "SA", "occupation": "9111", "domestic": True, "employer_legal_type": "individual", "day": DAY}
    return destination_blocks(rules, **{**args, **kw})


def test_moratorium_blocks_household_worker_with_individual_employer():
    assert len(blocks([MORATORIUM])) == 1


def test_moratorium_does_not_apply_to_legal_entity_employers_or_other_countries_or_before_it_started():
    assert blocks([MORATORIUM], employer_legal_type="legal_entity") == ()
    assert blocks([MORATORIUM], country="TW") == ()
    assert blocks([MORATORIUM], day=dt.date(2015, 6, 30)) == ()
    assert blocks([MORATORIUM], employer_legal_type=None) == ()  # employer not known yet


def test_domestic_only_rule_and_occupation_rule():
    domestic_only = dataclasses.replace(MORATORIUM, employer_legal_type="", domestic_workers_only=True)
    assert len(blocks([domestic_only])) == 1
    assert blocks([domestic_only], domestic=False, occupation="7212") == ()
    welders = DestinationRuleFacts(country="SA", status="closed", occupation="7212")
    assert blocks([welders]) == ()
    assert len(blocks([welders], occupation="7212", domestic=False)) == 1


def test_more_specific_open_rule_lifts_a_closure():
    whole_country = DestinationRuleFacts(country="SY", status="closed", legal_basis="security")
    nurses_open = DestinationRuleFacts(country="SY", status="open", occupation="2221")
    assert blocks([whole_country, nurses_open], country="SY", occupation="2221", domestic=False) == ()
    assert len(blocks([whole_country, nurses_open], country="SY", occupation="9111")) == 1


def test_expired_rule_no_longer_blocks():
    ended = dataclasses.replace(MORATORIUM, valid_to=DAY - dt.timedelta(days=1))
    assert blocks([ended]) == ()


# --- document guards -----------------------------------------------------------------------------


def test_agreement_signed_needs_the_placement_agreement():
    ctx = context(state=S.SELECTED, items=without("placement_agreement"))
    assert codes(evaluate(S.SELECTED, S.AGREEMENT_SIGNED, ctx)) == ["placement_agreement_missing"]


def test_agreement_not_required_for_perseorangan():
    ctx = context(state=S.SELECTED, scheme=PERSEORANGAN, items=without("placement_agreement"), agency=None,
                  sip2mi=None, job_order_status=None)
    assert evaluate(S.SELECTED, S.AGREEMENT_SIGNED, ctx) == []


def test_agreement_refused_when_sip2mi_revoked_or_agency_suspended():
    ctx = context(state=S.SELECTED, sip2mi=Sip2miFacts("S/1", "revoked", 5, 1, DAY, DAY, held=True),
                  agency=AgencyFacts("PT X", False, "suspended"))
    assert codes(evaluate(S.SELECTED, S.AGREEMENT_SIGNED, ctx)) == ["agency_not_in_good_standing", "sip2mi_revoked"]


def test_documents_verified_lists_every_missing_document():
    items = [i for i in good_items() if i.kind in ("placement_agreement", "opp_attendance")]
    unmet = evaluate(S.AGREEMENT_SIGNED, S.DOCUMENTS_VERIFIED, context(state=S.AGREEMENT_SIGNED, items=items))
    assert codes(unmet) == [
        "medical_fitness_missing", "passport_missing", "competency_certificate_missing", "bpjs_membership_missing",
        "work_visa_missing", "employment_contract_missing",
    ]


def test_documents_verified_needs_contract_dates():
    unmet = evaluate(S.AGREEMENT_SIGNED, S.DOCUMENTS_VERIFIED,
                     context(state=S.AGREEMENT_SIGNED, contract_start=None, contract_end=None))
    assert codes(unmet) == ["contract_dates_missing"]


def test_passport_must_be_valid_beyond_contract_end():
    items = replace_item("passport", valid_until=CONTRACT_END)
    unmet = evaluate(S.AGREEMENT_SIGNED, S.DOCUMENTS_VERIFIED, context(state=S.AGREEMENT_SIGNED, items=items))
    assert codes(unmet) == ["passport_expires_before_contract_end"]


def test_expired_medical_refused_with_its_date():
    items = replace_item("medical_fitness", issued_on=DAY - dt.timedelta(days=100),
                         valid_until=DAY - dt.timedelta(days=8))
    unmet = evaluate(S.AGREEMENT_SIGNED, S.DOCUMENTS_VERIFIED, context(state=S.AGREEMENT_SIGNED, items=items))
    assert codes(unmet) == ["medical_fitness_expired"]
    assert "25 Mei 2025" in unmet[0].message_id and "25 May 2025" in unmet[0].message_en


def test_voided_medical_reported_as_voided():
    items = replace_item("medical_fitness", voided_on=DAY - dt.timedelta(days=1))
    unmet = evaluate(S.AGREEMENT_SIGNED, S.DOCUMENTS_VERIFIED, context(state=S.AGREEMENT_SIGNED, items=items))
    assert codes(unmet) == ["medical_fitness_voided"]


def test_orientation_needs_opp_attendance():
    ctx = context(state=S.DOCUMENTS_VERIFIED, items=without("opp_attendance"))
    assert codes(evaluate(S.DOCUMENTS_VERIFIED, S.ORIENTATION_DONE, ctx)) == ["opp_attendance_missing"]


def test_ready_to_depart_needs_everything_including_epmi():
    ctx = context(state=S.ORIENTATION_DONE, items=without("epmi_card"))
    assert codes(evaluate(S.ORIENTATION_DONE, S.READY_TO_DEPART, ctx)) == ["epmi_card_missing"]


def test_ready_to_depart_rechecks_destination_agency_and_permit():
    ctx = context(state=S.ORIENTATION_DONE, agency=AgencyFacts("PT X", False, "revoked"),
                  sip2mi=Sip2miFacts("S/1", "revoked", 5, 1, DAY, DAY, held=True),
                  blocks=[DestinationBlock("SA", "", "", "K 260")])
    assert codes(evaluate(S.ORIENTATION_DONE, S.READY_TO_DEPART, ctx)) == [
        "agency_not_in_good_standing", "sip2mi_revoked", "destination_closed"]


def test_departure_needs_medical_still_valid_on_the_day():
    later = DAY + dt.timedelta(days=90)  # medical issued DAY-7, valid 85 days
    ctx = context(state=S.READY_TO_DEPART, day=later, items=good_items(DAY))
    assert codes(evaluate(S.READY_TO_DEPART, S.DEPARTED, ctx)) == ["medical_fitness_expired"]


def test_departure_does_not_need_the_epmi_card():
    ctx = context(state=S.READY_TO_DEPART, items=without("epmi_card"))
    assert evaluate(S.READY_TO_DEPART, S.DEPARTED, ctx) == []


def test_return_from_leave_needs_passport_visa_and_contract_but_not_epmi():
    assert evaluate(S.ON_LEAVE, S.WORKING_ABROAD, context(state=S.ON_LEAVE, items=without("epmi_card"))) == []
    ctx = context(state=S.ON_LEAVE, items=without("work_visa"))
    assert codes(evaluate(S.ON_LEAVE, S.WORKING_ABROAD, ctx)) == ["work_visa_missing"]


def test_extension_needs_a_contract_running_beyond_the_current_end():
    items = replace_item("employment_contract", valid_until=CONTRACT_END)
    ctx = context(state=S.WORKING_ABROAD, items=items)
    assert codes(evaluate(S.WORKING_ABROAD, S.EXTENDED, ctx)) == ["extension_contract_missing"]


def test_block_for_sanction_only_when_a_sanction_is_in_force():
    assert codes(evaluate(S.SELECTED, S.BLOCKED_SANCTION, context(state=S.SELECTED))) == ["no_sanction_in_force"]
    revoked = context(state=S.SELECTED, sip2mi=Sip2miFacts("S/1", "revoked", 5, 1, DAY, DAY, held=True))
    assert evaluate(S.SELECTED, S.BLOCKED_SANCTION, revoked) == []


def test_resume_after_sanction_needs_good_standing_again():
    suspended = context(state=S.BLOCKED_SANCTION, agency=AgencyFacts("PT X", False, "suspended"))
    assert codes(evaluate(S.BLOCKED_SANCTION, S.VERIFIED, suspended)) == ["agency_not_in_good_standing"]
    assert evaluate(S.BLOCKED_SANCTION, S.VERIFIED, context(state=S.BLOCKED_SANCTION)) == []


def test_messages_in_both_languages():
    unmet = evaluate(S.AGREEMENT_SIGNED, S.DOCUMENTS_VERIFIED, context(state=S.AGREEMENT_SIGNED, items=[]))
    assert unmet
    for u in unmet:
        assert u.message("id") == u.message_id and u.message("en") == u.message_en
        assert u.as_dict()["code"] == u.code
