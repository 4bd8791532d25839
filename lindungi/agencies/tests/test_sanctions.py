"""The sanction workflow services: opening a finding, each step with its letter, compare-and-set,
the licence status it changes, audit rows; deposit drawdowns."""

import datetime as dt
from decimal import Decimal

import pytest

from lindungi.accounts.roles import Role
from lindungi.agencies import selectors, services
from lindungi.agencies.models import AgencyStatusChange, DepositDrawdown, Sanction, SanctionGround, SanctionStep
from lindungi.agencies.sanction_seed import GROUNDS
from lindungi.audit.models import AuditEvent
from lindungi.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


@pytest.fixture
def open_sanction(admin_user, agency):
    def make(ground="p9_no_opp", actor=None, target=None):
        return services.sanction_open(
            actor=actor or admin_user, agency_public_id=(target or agency).public_id, ground_code=ground,
            source_kind="case", source_reference="PGD/2026/0007", summary="Dua CPMI tidak didaftarkan OPP.")
    return make


def step(actor, sanction, name, today, **extra):
    sanction.refresh_from_db()
    values = {"letter_number": f"B.{name}/2026", "letter_date": today, "reason": "Hasil pemeriksaan"} | extra
    return services.sanction_step(actor=actor, public_id=sanction.public_id, step=name,
                                  expected_version=sanction.version, **values)


@pytest.mark.parametrize("ground", [g["code"] for g in GROUNDS] + ["decree"])
def test_each_ground_opens_a_finding(open_sanction, ground, agency):
    sanction = open_sanction(ground)
    assert sanction.state == "finding" and sanction.ground.code == ground and sanction.version == 1
    assert SanctionGround.objects.get(code=ground).legal_basis.startswith("Permen P2MI 4/2025")
    event = AuditEvent.objects.filter(action="sanction.open", object_id=sanction.pk).get()
    assert event.changes["ground"] == [None, ground] and event.changes["source_reference"] == [None, "PGD/2026/0007"]
    assert list(sanction.steps.values_list("step", flat=True)) == ["open"]


def test_open_refuses_bad_input_and_writes_nothing(admin_user, agency):
    with pytest.raises(ValidationFailed) as exc:
        services.sanction_open(actor=admin_user, agency_public_id=agency.public_id, ground_code="nope",
                               source_kind="rumour", source_reference="", summary="  ")
    assert set(exc.value.fields) == {"ground_code", "source_kind", "summary"}
    with pytest.raises(ValidationFailed) as exc:
        services.sanction_open(actor=admin_user, agency_public_id=agency.public_id, ground_code="p9_no_opp",
                               source_kind="cost_flag", source_reference="", summary="Overcharging")
    assert set(exc.value.fields) == {"source_reference"}
    assert not Sanction.objects.exists() and not AuditEvent.objects.filter(action="sanction.open").exists()


def test_open_ground_not_in_force(admin_user, agency):
    SanctionGround.objects.filter(code="p9_no_opp").update(valid_to=dt.date(2025, 6, 30))
    with pytest.raises(ValidationFailed) as exc:
        services.sanction_open(actor=admin_user, agency_public_id=agency.public_id, ground_code="p9_no_opp",
                               source_kind="inspection", source_reference="LHP-1", summary="x")
    assert "ground_code" in exc.value.fields


def test_open_permissions_and_scope(make_user, agency, other_agency, p3mi_user, unit_officer, open_sanction):
    with pytest.raises(PermissionDenied):
        open_sanction(actor=p3mi_user)
    assert open_sanction(actor=unit_officer).opened_by == unit_officer
    with pytest.raises(PermissionDenied):
        open_sanction(actor=make_user(Role.ANALYST, username="an-s"))


def test_full_path_with_clarification_warning_suspension_and_revocation(admin_user, unit_officer, agency,
                                                                         open_sanction, today):
    sanction = open_sanction()
    s = step(unit_officer, sanction, "request_clarification", today, clarification_due=today + dt.timedelta(days=14))
    assert (s.state, s.clarification_rounds, s.version) == ("clarification", 1, 2)
    s = step(unit_officer, sanction, "request_clarification", today, clarification_due=today + dt.timedelta(days=30))
    assert s.clarification_rounds == 2
    s = step(admin_user, sanction, "issue_warning", today)
    assert s.state == "warned"
    s = step(admin_user, sanction, "suspend", today, suspended_from=today, suspended_until=today + dt.timedelta(89),
             countries=["tw"])
    agency.refresh_from_db()
    assert (agency.status, agency.suspended_from, agency.suspension_countries) == ("suspended", today, ["TW"])
    change = AgencyStatusChange.objects.filter(agency=agency, status="suspended").get()
    assert change.sanction_id == s.pk and change.decree_number == "B.suspend/2026" and change.scope_countries == ["TW"]
    s = step(admin_user, sanction, "revoke", today)
    agency.refresh_from_db()
    assert s.state == "revoked" and agency.status == "revoked" and agency.suspension_countries == []
    steps = list(SanctionStep.objects.filter(sanction=s).values_list("step", "letter_number", "decided_by"))
    assert [x[0] for x in steps] == ["open", "request_clarification", "request_clarification", "issue_warning",
                                     "suspend", "revoke"]
    assert steps[-1] == ("revoke", "B.revoke/2026", admin_user.pk)
    actions = list(AuditEvent.objects.filter(object_type="sanction", object_id=s.pk).values_list("action", flat=True))
    assert actions.count("sanction.step") == 5
    assert AuditEvent.objects.filter(action="agency.revoke", object_id=agency.pk).exists()


def test_lift_and_close(admin_user, agency, open_sanction, today):
    s = step(admin_user, open_sanction(), "suspend", today, suspended_from=today)
    s = step(admin_user, s, "lift_suspension", today)
    agency.refresh_from_db()
    assert s.state == "lifted" and agency.status == "active" and agency.suspended_from is None
    other = step(admin_user, open_sanction(), "close", today, outcome="no_violation")
    assert (other.state, other.outcome, other.closed_on) == ("closed", "no_violation", today)


@pytest.mark.parametrize(("path", "refused"), [
    ([], "lift_suspension"),
    ([("close", {"outcome": "resolved"})], "issue_warning"),
    ([("suspend", {})], "issue_warning"),
    ([("suspend", {}), ("revoke", {})], "lift_suspension"),
])
def test_steps_refused_from_the_wrong_state(admin_user, open_sanction, today, path, refused):
    s = open_sanction()
    for name, extra in path:
        if name == "suspend":
            extra = {"suspended_from": today}
        s = step(admin_user, s, name, today, **extra)
    version = Sanction.objects.get(pk=s.pk).version
    with pytest.raises(Conflict) as exc:
        step(admin_user, s, refused, today)
    assert exc.value.code == "transition_not_allowed"
    assert Sanction.objects.get(pk=s.pk).version == version


def test_letter_number_and_date_required(admin_user, open_sanction, today):
    s = open_sanction()
    with pytest.raises(ValidationFailed) as exc:
        services.sanction_step(actor=admin_user, public_id=s.public_id, step="issue_warning", expected_version=1,
                               letter_number=" ", letter_date=None, reason="")
    assert set(exc.value.fields) == {"letter_number", "letter_date", "reason"}
    with pytest.raises(ValidationFailed) as exc:
        step(admin_user, s, "issue_warning", today, letter_date=today + dt.timedelta(days=1))
    assert set(exc.value.fields) == {"letter_date"}
    assert Sanction.objects.get(pk=s.pk).state == "finding"


@pytest.mark.parametrize(("name", "extra", "fields"), [
    ("request_clarification", {}, {"clarification_due"}),
    ("request_clarification", {"clarification_due": "2020-01-01"}, {"clarification_due"}),
    ("suspend", {}, {"suspended_from"}),
    ("suspend", {"suspended_from": "2026-03-01", "suspended_until": "2026-02-01"}, {"suspended_until"}),
    ("suspend", {"suspended_from": "2026-03-01", "countries": ["XX"], "schemes": ["no_such"]},
     {"countries", "schemes"}),
    ("close", {"outcome": "maybe"}, {"outcome"}),
    ("launch", {}, {"step"}),
])
def test_step_inputs_checked(admin_user, open_sanction, today, name, extra, fields):
    s = open_sanction()
    with pytest.raises(ValidationFailed) as exc:
        step(admin_user, s, name, today, **extra)
    assert set(exc.value.fields) == fields
    assert not SanctionStep.objects.filter(sanction=s).exclude(step="open").exists()


def test_compare_and_set_conflict(admin_user, open_sanction, today):
    s = open_sanction()
    step(admin_user, s, "issue_warning", today)
    with pytest.raises(Conflict) as exc:
        services.sanction_step(actor=admin_user, public_id=s.public_id, step="suspend", expected_version=1,
                               letter_number="K/1", letter_date=today, reason="x", suspended_from=today)
    assert exc.value.code == "stale_version"
    assert Sanction.objects.get(pk=s.pk).state == "warned"


def test_ground_must_allow_the_step(admin_user, open_sanction, today):
    SanctionGround.objects.filter(code="p9_no_opp").update(allowed_steps=["warning"])
    s = open_sanction()
    with pytest.raises(services.SanctionStepRefused) as exc:
        step(admin_user, s, "suspend", today, suspended_from=today)
    assert [u.code for u in exc.value.unmet] == ["ground_does_not_allow_suspend"]
    assert exc.value.status_code == 422


def test_only_one_suspension_in_force(admin_user, agency, open_sanction, today):
    step(admin_user, open_sanction(), "suspend", today, suspended_from=today, countries=["TW"])
    with pytest.raises(services.SanctionStepRefused) as exc:
        step(admin_user, open_sanction(), "suspend", today, suspended_from=today)
    assert [u.code for u in exc.value.unmet] == ["other_suspension_in_force"]


def test_decisions_need_the_sanction_permission(unit_officer, open_sanction, today):
    s = open_sanction()
    with pytest.raises(PermissionDenied):
        step(unit_officer, s, "issue_warning", today)


def test_scoping(p3mi_user, other_agency, agency, open_sanction, make_user, admin_user, today):
    own = open_sanction()
    theirs = open_sanction(target=other_agency)
    assert [x.pk for x in selectors.sanction_list_for(p3mi_user).items] == [own.pk]
    assert selectors.sanction_get_for(p3mi_user, own.public_id) == own
    with pytest.raises(NotFound):
        selectors.sanction_get_for(p3mi_user, theirs.public_id)
    with pytest.raises(NotFound):
        step(p3mi_user, theirs, "request_clarification", today, clarification_due=today + dt.timedelta(7))
    checkpoint = make_user(Role.CHECKPOINT, username="cp-s")
    with pytest.raises(PermissionDenied):
        selectors.sanction_list_for(checkpoint)
    assert selectors.sanction_list_for(admin_user, state="finding", ground="p9_no_opp").total == 2
    assert selectors.sanction_list_for(admin_user, agency=str(other_agency.public_id)).total == 1
    with pytest.raises(ValidationFailed):
        selectors.sanction_list_for(admin_user, state="bogus")


def test_legacy_actions_are_steps(admin_user, agency, today):
    services.agency_suspend(actor=admin_user, public_id=agency.public_id, suspended_from=today,
                            decree_number="KEP.7/2026", reason="OPP", countries=["SG"])
    sanction = Sanction.objects.get(agency=agency)
    assert (sanction.state, sanction.ground.code, sanction.source_kind) == ("suspended", "decree", "decision")
    services.agency_suspend(actor=admin_user, public_id=agency.public_id, suspended_from=today,
                            suspended_until=today + dt.timedelta(days=90), decree_number="KEP.8/2026", reason="ext")
    assert Sanction.objects.filter(agency=agency).count() == 1
    sanction.refresh_from_db()
    assert sanction.suspended_until == today + dt.timedelta(days=90) and sanction.suspension_countries == []
    services.agency_lift_suspension(actor=admin_user, public_id=agency.public_id, reason="done",
                                    decree_number="KEP.9/2026")
    sanction.refresh_from_db()
    assert sanction.state == "lifted"


def test_legacy_suspension_is_adopted(admin_user, agency, today):
    agency.status, agency.suspended_from = "suspended", today
    agency.save()
    services.agency_lift_suspension(actor=admin_user, public_id=agency.public_id, reason="done", decree_number="K/1")
    sanction = Sanction.objects.get(agency=agency)
    assert sanction.state == "lifted"
    assert list(sanction.steps.values_list("step", flat=True)) == ["adopt", "lift_suspension"]
    assert AuditEvent.objects.filter(action="sanction.adopt").exists()


# ---------------------------------------------------------------------------------------------
# deposit drawdowns
# ---------------------------------------------------------------------------------------------

def test_drawdown_request_approve_pay(admin_user, unit_officer, agency, today):
    agency.deposit_amount = Decimal("1500000000")
    agency.save()
    d = services.drawdown_request(actor=unit_officer, agency_public_id=agency.public_id, proposed_by="perwakilan",
                                  case_references=["PGD/2026/0007", "PGD/2026/0011"], amount_requested="60000000",
                                  reason="Hak PMI belum dibayar")
    d = services.drawdown_decide(actor=admin_user, agency_public_id=agency.public_id, public_id=d.public_id,
                                 approve=True, letter_number="KEP.DJ/12/2026", reason="Disetujui")
    d = services.drawdown_pay(actor=admin_user, agency_public_id=agency.public_id, public_id=d.public_id, payouts=[
        {"person_reference": "PMI A", "amount": "35000000"}, {"person_reference": "PMI B", "amount": "25000000"}])
    agency.refresh_from_db()
    assert d.state == "paid" and agency.deposit_amount == Decimal("1440000000") == d.balance_after
    assert d.top_up_amount == Decimal("60000000") and d.top_up_due == today + dt.timedelta(days=30)
    assert d.top_up_legal_basis == "Permen P2MI 31/2025 Pasal 23"
    assert [p.person_reference for p in d.payouts.all()] == ["PMI A", "PMI B"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"drawdown.request", "drawdown.approve", "drawdown.pay", "agency.deposit_drawn"} <= actions
    with pytest.raises(Conflict):
        services.drawdown_decide(actor=admin_user, agency_public_id=agency.public_id, public_id=d.public_id,
                                 approve=False, letter_number="K", reason="x")


def test_drawdown_bad_input_and_refusals(admin_user, unit_officer, p3mi_user, agency, other_agency):
    with pytest.raises(ValidationFailed) as exc:
        services.drawdown_request(actor=unit_officer, agency_public_id=agency.public_id, proposed_by="friend",
                                  case_references=[], amount_requested="-1", reason="")
    assert set(exc.value.fields) == {"proposed_by", "case_references", "amount_requested", "reason"}
    with pytest.raises(ValidationFailed):
        services.drawdown_request(actor=unit_officer, agency_public_id=agency.public_id, proposed_by="dg",
                                  case_references=["X"], amount_requested=agency.deposit_amount + 1, reason="x")
    with pytest.raises(PermissionDenied):
        services.drawdown_request(actor=p3mi_user, agency_public_id=agency.public_id, proposed_by="p3mi",
                                  case_references=["X"], amount_requested="1", reason="x")
    d = services.drawdown_request(actor=unit_officer, agency_public_id=agency.public_id, proposed_by="dg",
                                  case_references="A-1, A-2", amount_requested="1000", reason="x")
    assert d.case_references == ["A-1", "A-2"]
    with pytest.raises(Conflict) as exc:
        services.drawdown_pay(actor=admin_user, agency_public_id=agency.public_id, public_id=d.public_id,
                              payouts=[{"person_reference": "A", "amount": "10"}])
    assert exc.value.code == "drawdown_not_approved"
    services.drawdown_decide(actor=admin_user, agency_public_id=agency.public_id, public_id=d.public_id,
                             approve=True, letter_number="K", reason="ok")
    with pytest.raises(ValidationFailed) as exc:
        services.drawdown_pay(actor=admin_user, agency_public_id=agency.public_id, public_id=d.public_id,
                              payouts=[{"person_reference": "A", "amount": "1001"}])
    assert "payouts" in exc.value.fields
    with pytest.raises(NotFound):
        services.drawdown_decide(actor=admin_user, agency_public_id=other_agency.public_id, public_id=d.public_id,
                                 approve=True, letter_number="K", reason="x")
    assert DepositDrawdown.objects.get(pk=d.pk).state == "approved"
    assert [x.pk for x in selectors.drawdown_list_for(p3mi_user, agency.public_id)] == [d.pk]
    with pytest.raises(NotFound):
        selectors.drawdown_list_for(p3mi_user, other_agency.public_id)
