import datetime as dt

import pytest

from lindungi.accounts.roles import Role
from lindungi.audit.models import AuditEvent
from lindungi.cases import services
from lindungi.cases.models import Case, CaseEvent, ClarificationRound, Holiday
from lindungi.cases.states import CaseState as S
from lindungi.cases.tests.fixtures import walk
from lindungi.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def test_create_registers_with_number_tracking_code_hashed_secret_and_audit(unit_officer, complaint_data):
    registered = services.case_create(actor=unit_officer, data={**complaint_data, "channel": "hotline"})
    case = registered.case
    assert case.number.startswith("PGD-") and case.tracking_code.startswith("ADU-")
    assert registered.secret not in case.secret_hash and len(services.normalise_secret(registered.secret)) == 8
    assert case.unit == unit_officer.unit and case.state == S.REGISTERED
    assert case.deadline_code == "documents_incomplete"
    assert case.deadline_on == case.registered_on + dt.timedelta(days=30)
    assert [c.code for c in case.categories.all()] == ["gaji_tidak_dibayar"]
    assert AuditEvent.objects.filter(action="case.create", object_id=case.pk).exists()


def test_create_reports_every_bad_field(unit_officer):
    with pytest.raises(ValidationFailed) as exc:
        services.case_create(actor=unit_officer, data={"channel": "pigeon", "worker_nik": "123",
                                                       "categories": ["nope"], "amount_claimed": "-5"})
    assert {"channel", "worker_nik", "categories", "summary", "complainant_name", "complainant_phone",
            "amount_claimed"} <= set(exc.value.fields)
    assert not Case.objects.exists()


def test_create_matches_the_registry_by_nik_and_passport(unit_officer, complaint_data, make_person):
    person = make_person()
    case = services.case_create(actor=unit_officer, data={**complaint_data, "channel": "walk_in",
                                                          "worker_nik": person.nik}).case
    assert case.person == person
    passport = person.passports.first().number
    case = services.case_create(actor=unit_officer, data={**complaint_data, "channel": "walk_in",
                                                          "worker_passport": passport.lower()}).case
    assert case.person == person


def test_p3mi_and_analyst_cannot_register(p3mi_user, analyst, complaint_data):
    for actor in (p3mi_user, analyst):
        with pytest.raises(PermissionDenied):
            services.case_create(actor=actor, data={**complaint_data, "channel": "walk_in"})


def test_full_path_to_resolution(make_case, unit_officer, agency, p3mi_user):
    case = walk(make_case(), S.RESOLVED, officer=unit_officer, agency=agency, p3mi=p3mi_user)
    assert case.state == S.RESOLVED and case.closed_on == dt.date.today()
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["register", "start_verification", "update", "request_clarification",
                       "clarification_answered", "start_mediation", "resolve"]
    assert AuditEvent.objects.filter(action="case.transition", object_id=case.pk).count() == 4
    round_ = ClarificationRound.objects.get(case=case)
    assert round_.agency == agency and round_.answered_by == p3mi_user


def test_refused_step_lists_every_unmet_condition_and_writes_nothing(make_case, unit_officer):
    case = walk(make_case(), S.VERIFYING, officer=unit_officer)
    with pytest.raises(services.TransitionRefused) as exc:
        services.case_transition(actor=unit_officer, public_id=case.public_id, to_state=S.CLARIFICATION,
                                 data={"question": "?"})
    assert [u.code for u in exc.value.unmet] == ["documents_incomplete", "agency_missing"]
    assert Case.objects.get(pk=case.pk).state == S.VERIFYING
    assert not ClarificationRound.objects.exists()


def test_skipping_a_step_is_a_conflict(make_case, unit_officer):
    case = make_case()
    with pytest.raises(Conflict) as exc:
        services.case_transition(actor=unit_officer, public_id=case.public_id, to_state=S.RESOLVED)
    assert exc.value.code == "transition_not_allowed"


def test_compare_and_set_loser_gets_409(make_case, unit_officer):
    case = make_case()
    services.case_transition(actor=unit_officer, public_id=case.public_id, to_state=S.VERIFYING,
                             expected_version=case.version)
    with pytest.raises(Conflict) as exc:
        services.case_transition(actor=unit_officer, public_id=case.public_id, to_state=S.CLOSED_ADMIN,
                                 reason="x", data={"closure_code": "handed_over"}, expected_version=case.version)
    assert exc.value.code == "stale_version"


def test_close_administratively_needs_reason_and_legal_code(make_case, unit_officer):
    case = make_case()
    with pytest.raises(ValidationFailed) as exc:
        services.case_transition(actor=unit_officer, public_id=case.public_id, to_state=S.CLOSED_ADMIN,
                                 data={"closure_code": "bored"})
    assert set(exc.value.fields) == {"reason", "closure_code"}
    moved = services.case_transition(actor=unit_officer, public_id=case.public_id, to_state=S.CLOSED_ADMIN,
                                     reason="Pengadu mencabut", data={"closure_code": "unreachable"})
    assert moved.case.closure_legal_basis == "Perban BP2MI 6/2024 Pasal 30"
    assert Case.objects.get(pk=case.pk).deadline_on is None


def test_question_to_the_complainant_needs_no_p3mi(make_case, unit_officer):
    case = walk(make_case(), S.VERIFYING, officer=unit_officer)
    services.case_update(actor=unit_officer, public_id=case.public_id, data={"documents_complete": True})
    moved = services.case_transition(actor=unit_officer, public_id=case.public_id, to_state=S.CLARIFICATION,
                                     data={"question": "Kirim slip gaji", "addressed_to": "complainant"})
    assert moved.case.deadline_code == "no_clarification"
    assert ClarificationRound.objects.get(case=case).agency is None


def test_p3mi_answers_only_its_own_request(make_case, unit_officer, agency, other_agency, make_user):
    case = walk(make_case(), S.CLARIFICATION, officer=unit_officer, agency=agency)
    stranger = make_user(Role.P3MI_STAFF, agency=other_agency)
    with pytest.raises(NotFound):
        services.clarification_answer(actor=stranger, public_id=case.public_id, answer="x")


def test_referral_to_another_unit_hands_the_case_over_on_acceptance(make_case, unit_officer, make_user):
    from lindungi.reference.models import OrgUnit

    jatim = OrgUnit.objects.get(code="BP3MI-JATIM")
    other = make_user(Role.UNIT_OFFICER, unit=jatim)
    case = walk(make_case(), S.VERIFYING, officer=unit_officer)
    services.case_transition(actor=unit_officer, public_id=case.public_id, to_state=S.REFERRED,
                             reason="Pekerja berasal dari Jawa Timur",
                             data={"referral_kind": "unit", "referral_unit": "BP3MI-JATIM"})
    moved = services.case_transition(actor=other, public_id=case.public_id, to_state=S.REFERRAL_ACCEPTED)
    assert moved.case.unit == jatim
    moved = services.case_transition(actor=other, public_id=case.public_id, to_state=S.VERIFYING)
    assert moved.case.state == S.VERIFYING


def test_update_is_compare_and_set_and_audited(make_case, unit_officer):
    case = make_case()
    services.case_update(actor=unit_officer, public_id=case.public_id, data={"documents_complete": True},
                         reason="Dokumen lengkap", expected_version=1)
    with pytest.raises(Conflict):
        services.case_update(actor=unit_officer, public_id=case.public_id, data={"demand": "x"},
                             expected_version=1)
    event = AuditEvent.objects.get(action="case.update", object_id=case.pk)
    assert event.changes == {"documents_complete": [False, True]} and event.reason == "Dokumen lengkap"
    assert Case.objects.get(pk=case.pk).deadline_on is None


def test_trc_dispatch_recorded_and_audited(make_case, unit_officer):
    case = make_case()
    dispatch = services.trc_dispatch_record(actor=unit_officer, case_public_id=case.public_id, data={
        "team": "TRC Jabar 1", "place": "Bandara Soekarno-Hatta T3", "dispatched_at": "2026-01-10T09:30",
        "partner_agencies": "Polri, Imigrasi", "outcome": "Pekerja dijemput"})
    assert dispatch.unit == case.unit
    assert AuditEvent.objects.filter(action="case.trc_dispatch", object_id=dispatch.pk).exists()
    with pytest.raises(ValidationFailed) as exc:
        services.trc_dispatch_record(actor=unit_officer, case_public_id=case.public_id,
                                     data={"dispatched_at": "kemarin"})
    assert set(exc.value.fields) == {"team", "place", "dispatched_at"}


# ---------------------------------------------------------------------------------------------
# Public intake
# ---------------------------------------------------------------------------------------------


def test_public_complaint_goes_to_the_unit_covering_the_regency(complaint_data):
    registered = services.case_public_submit(data=complaint_data, client="10.0.0.1")
    assert registered.case.unit.code == "BP3MI-JABAR" and registered.case.channel == "e_pengaduan"
    assert services.case_public_open(tracking_code=registered.case.tracking_code.lower(),
                                     secret=registered.secret.lower().replace("-", ""), client="10.0.0.1") \
        == registered.case


def test_public_complaint_without_regency_goes_to_headquarters(complaint_data):
    complaint_data.pop("regency")
    assert services.case_public_submit(data=complaint_data, client="c").case.unit.code == "PUSAT"


def test_honeypot_and_rate_limit(complaint_data):
    with pytest.raises(services.PublicRateLimited):
        services.case_public_submit(data={**complaint_data, "website": "http://spam"}, client="bot")
    for _ in range(services.SUBMIT_LIMIT[0]):
        services.case_public_submit(data=complaint_data, client="busy")
    with pytest.raises(services.PublicRateLimited):
        services.case_public_submit(data=complaint_data, client="busy")
    services.case_public_submit(data=complaint_data, client="someone-else")


def test_wrong_secret_learns_nothing_and_is_rate_limited(complaint_data):
    registered = services.case_public_submit(data=complaint_data, client="a")
    code = registered.case.tracking_code
    with pytest.raises(NotFound) as wrong:
        services.case_public_open(tracking_code=code, secret="AAAA-AAAA", client="guesser")
    with pytest.raises(NotFound) as unknown:
        services.case_public_open(tracking_code="ADU-ZZZZ-ZZZZ", secret="AAAA-AAAA", client="guesser")
    assert wrong.value.message == unknown.value.message
    for _ in range(services.LOOKUP_LIMIT[0] - 2):
        with pytest.raises(NotFound):
            services.case_public_open(tracking_code=code, secret="BBBB-BBBB", client="guesser")
    with pytest.raises(services.PublicRateLimited):
        services.case_public_open(tracking_code=code, secret=registered.secret, client="guesser")


def test_guessing_one_code_from_many_clients_is_limited_per_code(complaint_data):
    registered = services.case_public_submit(data=complaint_data, client="a")
    for i in range(services.CODE_LIMIT[0]):
        with pytest.raises(NotFound):
            services.case_public_open(tracking_code=registered.case.tracking_code, secret="X", client=f"bot{i}")
    with pytest.raises(services.PublicRateLimited):
        services.case_public_open(tracking_code=registered.case.tracking_code, secret=registered.secret,
                                  client="owner")


# ---------------------------------------------------------------------------------------------
# Statutory deadlines, with a frozen clock (``today=``)
# ---------------------------------------------------------------------------------------------


def _registered(case, day):
    Case.objects.filter(pk=case.pk).update(registered_on=day)


def test_documents_incomplete_closes_after_30_days(make_case):
    case = make_case()
    _registered(case, dt.date(2026, 1, 1))
    run = services.case_deadlines_apply(today=dt.date(2026, 1, 31))
    assert run.closed == {} and Case.objects.get(pk=case.pk).state == S.REGISTERED
    run = services.case_deadlines_apply(today=dt.date(2026, 2, 1))
    assert run.closed == {"documents_incomplete": 1}
    case.refresh_from_db()
    assert case.state == S.CLOSED_ADMIN and case.closure_code == "documents_incomplete"
    assert case.closure_legal_basis == "Perban BP2MI 6/2024 Pasal 30" and case.version == 2
    event = CaseEvent.objects.get(case=case, action="close_administratively")
    assert event.from_state == S.REGISTERED and event.code == "documents_incomplete"
    audit = AuditEvent.objects.get(action="case.deadline_close", object_id=case.pk)
    assert audit.changes["state"] == [S.REGISTERED, S.CLOSED_ADMIN]
    assert services.case_deadlines_apply(today=dt.date(2026, 2, 2)).closed == {}  # idempotent


def test_complete_documents_stop_the_30_day_rule(make_case, unit_officer):
    case = make_case(documents_complete=True)
    _registered(case, dt.date(2026, 1, 1))
    assert services.case_deadlines_apply(today=dt.date(2026, 6, 1)).closed == {}


def test_no_clarification_counts_working_days_across_a_holiday(make_case, unit_officer):
    case = walk(make_case(documents_complete=True), S.VERIFYING, officer=unit_officer)
    services.case_transition(actor=unit_officer, public_id=case.public_id, to_state=S.CLARIFICATION,
                             data={"question": "Kirim paspor", "addressed_to": "complainant"})
    ClarificationRound.objects.filter(case=case).update(requested_on=dt.date(2026, 3, 2))
    Holiday.objects.filter(day__range=(dt.date(2026, 3, 1), dt.date(2026, 3, 31))).delete()
    for day in (18, 19, 20, 23, 24):
        Holiday.objects.create(day=dt.date(2026, 3, day), name="Idul Fitri / cuti bersama")
    # Without the holidays the request would be overdue on 24 March; with them it is due 30 March.
    assert services.case_deadlines_apply(today=dt.date(2026, 3, 30)).closed == {}
    assert services.case_deadlines_apply(today=dt.date(2026, 3, 31)).closed == {"no_clarification": 1}
    assert Case.objects.get(pk=case.pk).closure_code == "no_clarification"


def test_an_unanswered_p3mi_request_never_closes_the_workers_complaint(make_case, unit_officer, agency):
    case = walk(make_case(), S.CLARIFICATION, officer=unit_officer, agency=agency)
    ClarificationRound.objects.filter(case=case).update(requested_on=dt.date(2026, 1, 5))
    assert services.case_deadlines_apply(today=dt.date(2026, 6, 1)).closed == {}
    assert Case.objects.get(pk=case.pk).state == S.CLARIFICATION


def test_unreachable_60_days_and_no_response_6_months(make_case, unit_officer):
    lost = make_case(documents_complete=True)
    told = make_case(documents_complete=True)
    Case.objects.filter(pk=lost.pk).update(unreachable_since=dt.date(2026, 1, 1))
    Case.objects.filter(pk=told.pk).update(told_unresolvable_on=dt.date(2026, 1, 15))
    assert services.case_deadlines_apply(today=dt.date(2026, 3, 2)).closed == {}
    assert services.case_deadlines_apply(today=dt.date(2026, 3, 3)).closed == {"unreachable": 1}
    assert services.case_deadlines_apply(today=dt.date(2026, 7, 15)).closed == {}
    assert services.case_deadlines_apply(today=dt.date(2026, 7, 16)).closed == {"no_response": 1}


def test_warning_before_the_deadline_is_written_once(make_case):
    case = make_case()
    _registered(case, dt.date(2026, 1, 1))
    run = services.case_deadlines_apply(today=dt.date(2026, 1, 20))
    assert run.warned["documents_incomplete"] == 0
    run = services.case_deadlines_apply(today=dt.date(2026, 1, 25))
    assert run.warned["documents_incomplete"] == 1
    assert services.case_deadlines_apply(today=dt.date(2026, 1, 26)).warned["documents_incomplete"] == 0
    assert CaseEvent.objects.get(case=case, action="deadline_warning").public is False


def test_deadline_claim_makes_a_concurrent_officer_step_lose(make_case, unit_officer):
    case = make_case()
    _registered(case, dt.date(2026, 1, 1))
    read_version = case.version
    services.case_deadlines_apply(today=dt.date(2026, 3, 1))
    with pytest.raises(Conflict):
        services.case_transition(actor=unit_officer, public_id=case.public_id, to_state=S.VERIFYING,
                                 expected_version=read_version)


def test_load_holidays_adds_only_missing_days():
    from django.core.management import call_command

    Holiday.objects.filter(day__year=2027).delete()
    call_command("load_holidays", "2027", stdout=__import__("io").StringIO())
    days = Holiday.objects.filter(day__year=2027)
    assert days.filter(day=dt.date(2027, 8, 17)).exists() and days.filter(kind="collective_leave").exists()
    before = days.count()
    assert services.holidays_load(years=[2027]) == 0 and Holiday.objects.filter(day__year=2027).count() == before


def test_case_deadlines_command_prints_counts(make_case):
    from io import StringIO

    from django.core.management import call_command

    case = make_case()
    _registered(case, dt.date(2026, 1, 1))
    out = StringIO()
    call_command("case_deadlines", "--date", "2026-02-10", stdout=out)
    assert "documents_incomplete: closed 1" in out.getvalue()
