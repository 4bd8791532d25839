import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindungi.accounts.roles import Role
from lindungi.audit.models import AccessLog
from lindungi.cases import selectors, services
from lindungi.cases.models import Case
from lindungi.cases.states import CaseState as S
from lindungi.cases.tests.fixtures import walk
from lindungi.common.errors import NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def jatim_officer(make_user):
    from lindungi.reference.models import OrgUnit

    return make_user(Role.UNIT_OFFICER, username="jatim-t", unit=OrgUnit.objects.get(code="BP3MI-JATIM"))


def ids(actor, **filters):
    return {c.pk for c in selectors.case_list_for(actor, **filters).items}


def test_scoping_for_every_role(make_case, unit_officer, jatim_officer, admin_user, analyst, p3mi_user, agency,
                                checkpoint_officer, partner_client, make_user, other_agency):
    own = make_case()
    theirs = make_case(actor=jatim_officer)
    asked = walk(make_case(), S.CLARIFICATION, officer=unit_officer, agency=agency)
    assert ids(unit_officer) == {own.pk, asked.pk}
    assert ids(jatim_officer) == {theirs.pk}
    assert ids(admin_user) == ids(analyst) == {own.pk, theirs.pk, asked.pk}
    assert ids(p3mi_user) == {asked.pk}
    assert ids(make_user(Role.P3MI_STAFF, agency=other_agency)) == set()
    for lookup_only in (checkpoint_officer, partner_client):
        with pytest.raises(PermissionDenied):
            selectors.case_list_for(lookup_only)
        assert not Case.objects.visible_to(lookup_only).exists()
    with pytest.raises(NotFound):
        selectors.case_get_for(jatim_officer, own.public_id)


def test_a_unit_sees_cases_referred_to_it(make_case, unit_officer, jatim_officer):
    case = walk(make_case(), S.VERIFYING, officer=unit_officer)
    assert ids(jatim_officer) == set()
    services.case_transition(actor=unit_officer, public_id=case.public_id, to_state=S.REFERRED, reason="asal Jatim",
                             data={"referral_kind": "unit", "referral_unit": "BP3MI-JATIM"})
    assert ids(jatim_officer) == {case.pk}


def test_p3mi_detail_shows_only_its_rounds_and_no_timeline(make_case, unit_officer, agency, p3mi_user):
    case = walk(make_case(), S.CLARIFICATION, officer=unit_officer, agency=agency)
    overview = selectors.case_overview(p3mi_user, selectors.case_get_for(p3mi_user, case.public_id))
    assert len(overview["rounds"]) == 1 and overview["timeline"] == [] and overview["next_steps"] == []


def test_detail_is_access_logged(make_case, analyst):
    case = make_case()
    selectors.case_get_for(analyst, case.public_id, via="api")
    assert AccessLog.objects.filter(object_type="case", object_id=case.pk, actor=analyst).exists()


def test_inbox_deadline_filters_and_colours(make_case, unit_officer):
    today = dt.date.today()
    overdue, soon, fine = make_case(), make_case(), make_case()
    Case.objects.filter(pk=overdue.pk).update(deadline_on=today - dt.timedelta(days=1))
    Case.objects.filter(pk=soon.pk).update(deadline_on=today + dt.timedelta(days=2))
    Case.objects.filter(pk=fine.pk).update(deadline_on=today + dt.timedelta(days=20))
    assert ids(unit_officer, deadline="overdue") == {overdue.pk}
    assert ids(unit_officer, deadline="due_soon") == {soon.pk}
    assert ids(unit_officer, deadline="on_time") == {fine.pk}
    page = selectors.case_list_for(unit_officer)
    assert [c.deadline_status for c in page.items] == ["overdue", "due_soon", "on_time"]


def test_inbox_query_count_is_fixed(make_case, unit_officer):
    make_case()
    with CaptureQueriesContext(connection) as few:
        selectors.case_list_for(unit_officer)
    for _ in range(10):
        make_case(categories=["gaji_tidak_dibayar", "kekerasan"])
    with CaptureQueriesContext(connection) as many:
        selectors.case_list_for(unit_officer)
    assert len(few) == len(many) <= 5


def test_next_steps_show_blocking_reasons(make_case, unit_officer, analyst):
    case = walk(make_case(), S.VERIFYING, officer=unit_officer)
    steps = {s["to_state"]: s for s in selectors.case_next_steps(unit_officer, case)}
    assert [u.code for u in steps[S.CLARIFICATION]["unmet"]] == ["documents_incomplete", "agency_missing"]
    assert steps[S.CLOSED_ADMIN]["ready"] and steps[S.CLOSED_ADMIN]["needs_reason"]
    assert not any(s["permitted"] for s in selectors.case_next_steps(analyst, case))


def test_public_status_shows_no_typed_text(make_case, unit_officer):
    case = walk(make_case(), S.VERIFYING, officer=unit_officer)
    services.case_transition(actor=unit_officer, public_id=case.public_id, to_state=S.CLOSED_ADMIN,
                             reason="RAHASIA catatan petugas", data={"closure_code": "handed_over"})
    status = selectors.public_status(Case.objects.get(pk=case.pk))
    text = repr(status)
    for secret_text in ("RAHASIA", "Ani Rahayu", "Siti Aminah", "Gaji tidak dibayar selama", "081234567890"):
        assert secret_text not in text
    assert [s["state"] for s in status["steps"]] == [S.REGISTERED, S.VERIFYING, S.CLOSED_ADMIN]


def test_registry_candidates_explain_the_match(make_case, unit_officer, make_person, regency):
    person = make_person()
    typo = person.nik[:-1] + ("1" if person.nik[-1] != "1" else "2")
    case = make_case(worker_nik=typo, worker_name=person.full_name)
    found = selectors.registry_candidates_for(unit_officer, Case.objects.get(pk=case.pk))
    assert [m["person"] for m in found] == [person]
    assert found[0]["score"] >= 60 and {r["code"] for r in found[0]["reasons"]}
    services.case_update(actor=unit_officer, public_id=case.public_id, data={"person": str(person.public_id)})
    assert selectors.registry_candidates_for(unit_officer, Case.objects.get(pk=case.pk)) == []
