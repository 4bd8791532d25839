"""The complaint desk in the browser forms: the public form and status page (no sign-in), the
inbox with deadline colours, intake, and a case taken to resolution through its page."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lindungi.cases.models import Case
from lindungi.cases.states import CaseState as S
from lindungi.cases.tests.fixtures import COMPLAINT

pytestmark = pytest.mark.django_db


def login(user, language: str = "") -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def public_form(**extra):
    data = {k: v for k, v in COMPLAINT.items() if k != "categories"}
    return {**data, "categories": COMPLAINT["categories"], "complainant_relation": "family", **extra}


def test_public_form_files_a_complaint_and_the_status_page_opens_it():
    client = Client()
    page = client.get(reverse("web:public-complaint"))
    assert page.status_code == 200 and "Ajukan pengaduan" in page.content.decode()
    response = client.post(reverse("web:public-complaint"), public_form())
    assert response.status_code == 201
    case = Case.objects.get()
    body = response.content.decode()
    assert case.tracking_code in body
    secret = response.context["registered"].secret
    status = client.post(reverse("web:public-complaint-status"),
                         {"tracking_code": case.tracking_code, "secret": secret})
    assert status.status_code == 200
    text = status.content.decode()
    assert 'data-state="registered"' in text and "Ani Rahayu" not in text and "Gaji tidak dibayar selama" not in text


def test_public_status_wrong_secret_says_nothing_and_is_limited():
    client = Client()
    client.post(reverse("web:public-complaint"), public_form())
    case = Case.objects.get()
    wrong = client.post(reverse("web:public-complaint-status"),
                        {"tracking_code": case.tracking_code, "secret": "AAAA-AAAA"})
    unknown = client.post(reverse("web:public-complaint-status"),
                          {"tracking_code": "ADU-ZZZZ-ZZZZ", "secret": "AAAA-AAAA"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    for _ in range(8):
        client.post(reverse("web:public-complaint-status"), {"tracking_code": case.tracking_code, "secret": "x"})
    limited = client.post(reverse("web:public-complaint-status"), {"tracking_code": case.tracking_code, "secret": "x"})
    assert limited.status_code == 429


def test_public_form_reports_field_errors_and_honeypot():
    client = Client()
    response = client.post(reverse("web:public-complaint"), {"complainant_name": ""})
    assert response.status_code == 422 and response.context["form"].errors
    assert client.post(reverse("web:public-complaint"), public_form(website="http://x")).status_code == 429
    assert not Case.objects.exists()


def test_inbox_colours_and_query_budget(unit_officer, make_case):
    today = dt.date.today()
    for offset in (-3, 2, 40):
        case = make_case()
        Case.objects.filter(pk=case.pk).update(deadline_on=today + dt.timedelta(days=offset))
    client = login(unit_officer)
    client.get(reverse("web:case-list"))  # first request of the session fills per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("web:case-list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert text.index('data-deadline="overdue"') < text.index('data-deadline="due_soon"') < \
        text.index('data-deadline="on_time"')
    budget = len(queries)
    for _ in range(5):
        make_case()
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("web:case-list"))
    assert len(more) == budget
    overdue = client.get(reverse("web:case-list"), {"deadline": "overdue", "state": "open"})
    assert overdue.content.decode().count("data-case=") == 1


def test_staff_intake_and_case_page_to_resolution(unit_officer, agency, p3mi_user):
    client = login(unit_officer, "en")
    response = client.post(reverse("web:case-create"), {**public_form(), "channel": "walk_in",
                                                        "procedural": "procedural"})
    assert response.status_code == 302, response.context["form"].errors
    case = Case.objects.get()
    detail = reverse("web:case-detail", args=[case.public_id])
    step = reverse("web:case-step", args=[case.public_id])
    assert client.post(step, {"to_state": "verifying", "expected_version": 1}).status_code == 302
    refused = client.post(step, {"to_state": "clarification", "question": "Mohon penjelasan"})
    assert refused.status_code == 422
    assert "The complaint&#x27;s documents are not marked complete." in refused.content.decode()
    from lindungi.cases import services

    services.case_update(actor=unit_officer, public_id=case.public_id,
                         data={"documents_complete": True, "agency": str(agency.public_id)})
    assert client.post(step, {"to_state": "clarification", "question": "Mohon penjelasan",
                              "addressed_to": "p3mi"}).status_code == 302
    company = login(p3mi_user)
    page = company.get(detail)
    assert page.status_code == 200 and "Ani Rahayu" not in page.content.decode()
    assert company.post(reverse("web:case-answer", args=[case.public_id]),
                        {"answer": "Gaji dibayar minggu ini"}).status_code == 302
    assert client.post(step, {"to_state": "mediation"}).status_code == 302
    assert client.post(step, {"to_state": "resolved", "mediation_outcome": "Dibayar",
                              "berita_acara_number": "BA/3/2026", "amount_settled": "1000"}).status_code == 302
    assert Case.objects.get().state == S.RESOLVED
    page = client.get(detail).content.decode()
    assert 'data-state="resolved"' in page and "Clarification answered" in page


def test_details_and_dispatch_forms(unit_officer, make_case):
    case = make_case()
    client = login(unit_officer)
    response = client.post(reverse("web:case-details", args=[case.public_id]),
                           {"documents_complete": "on", "expected_version": case.version, "reason": "lengkap"})
    assert response.status_code == 302 and Case.objects.get().documents_complete
    bad = client.post(reverse("web:case-dispatch", args=[case.public_id]), {"team": "", "place": "",
                                                                          "dispatched_at": "x"})
    assert bad.status_code == 422
    ok = client.post(reverse("web:case-dispatch", args=[case.public_id]), {
        "team": "TRC", "place": "Bandara Kualanamu", "dispatched_at": "2026-01-01T10:00"})
    assert ok.status_code == 302


def test_other_units_and_lookup_roles_get_404_or_403(make_case, checkpoint_officer, make_user):
    from lindungi.accounts.roles import Role
    from lindungi.reference.models import OrgUnit

    case = make_case()
    other = make_user(Role.UNIT_OFFICER, unit=OrgUnit.objects.get(code="BP3MI-JATIM"))
    assert login(other).get(reverse("web:case-detail", args=[case.public_id])).status_code == 404
    assert login(checkpoint_officer).get(reverse("web:case-list")).status_code == 403


def test_link_the_worker_to_a_scored_registry_match(unit_officer, make_case, make_person):
    person = make_person()
    typo = person.nik[:-1] + ("1" if person.nik[-1] != "1" else "2")
    case = make_case(worker_nik=typo, worker_name=person.full_name)
    client = login(unit_officer)
    page = client.get(reverse("web:case-detail", args=[case.public_id])).content.decode()
    assert 'data-testid="registry-candidates"' in page and person.nik in page
    response = client.post(reverse("web:case-link-person", args=[case.public_id]),
                           {"person": str(person.public_id), "expected_version": 1})
    assert response.status_code == 302 and Case.objects.get(pk=case.pk).person == person
