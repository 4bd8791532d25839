"""A placement taken from registration to returnee entirely through the browser forms, by the
roles that may take each step; refusals list every unmet condition; documents are recorded and
voided through the page."""

# ruff: noqa: F811 - the placement fixtures are imported into this module and used as arguments

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from lindungi.accounts.roles import Role
from lindungi.placements import selectors
from lindungi.placements.models import ChecklistItem, Placement, PlacementTransition
from lindungi.placements.states import PlacementState as S
from lindungi.placements.tests.fixtures import (
    TODAY,
    advance,
)

pytestmark = pytest.mark.django_db

FAR = (TODAY + dt.timedelta(days=1200)).isoformat()


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def login(user, language: str = "") -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


# The documents each step needs, as an officer types them into the per-document form.
DOCUMENTS = {
    S.AGREEMENT_SIGNED: [
        {"kind": "placement_agreement", "reference_number": "PP-001", "issued_on": day(-3),
         "witnessed_by": "Disnaker Kab. Bogor"},
    ],
    S.DOCUMENTS_VERIFIED: [
        {"kind": "medical_fitness", "reference_number": "MCU-77", "issued_on": day(-5), "sarkes": "RS Sehat"},
        {"kind": "passport"},  # the current passport on the person's record
        {"kind": "competency_certificate", "reference_number": "KOMP-9", "issued_on": day(-30)},
        {"kind": "bpjs_membership", "reference_number": "BPJS-1", "issued_on": day(-2), "valid_until": FAR,
         "programmes": ["jkk", "jkm"]},
        {"kind": "work_visa", "reference_number": "VISA-TW-1", "issued_on": day(-4), "valid_until": FAR},
        {"kind": "employment_contract", "reference_number": "PK-55", "issued_on": day(-6), "valid_until": FAR,
         "verified_on": day(-1)},
    ],
    S.ORIENTATION_DONE: [{"kind": "opp_attendance", "reference_number": "OPP-3", "issued_on": day(-1)}],
    S.READY_TO_DEPART: [{"kind": "epmi_card", "reference_number": "EPMI-8", "issued_on": day(-1),
                         "valid_until": FAR}],
}
PATH = [S.VERIFIED, S.SELECTED, S.AGREEMENT_SIGNED, S.DOCUMENTS_VERIFIED, S.ORIENTATION_DONE, S.READY_TO_DEPART,
        S.DEPARTED, S.WORKING_ABROAD, S.RETURNED, S.RETURNEE]


def take_step(client, placement, to_state, reason="", search=""):
    """Open the page, check the step's button is there, press it. ``search``: the key of the search a
    checkpoint officer found the placement by (``?search=``)."""
    placement.refresh_from_db()
    query = {"search": search} if search else {}
    page = client.get(reverse("web:placement-detail", args=[placement.public_id]), query)
    assert page.status_code == 200
    assert f'data-testid="step-{to_state}"' in page.content.decode(), to_state
    return client.post(reverse("web:placement-transition", args=[placement.public_id]),
                       {"to_state": to_state, "expected_version": placement.version, "reason": reason, **query})


def checkpoint_search(client, placement) -> str:
    """A checkpoint officer looks the worker up by NIK on the placement list; returns the search key."""
    response = client.post(reverse("web:placement-list"), {"nik": placement.person.nik})
    assert response.status_code == 303
    return response["Location"].split("search=", 1)[1]


def record_documents(client, placement, to_state):
    for fields in DOCUMENTS.get(to_state, []):
        response = client.post(reverse("web:placement-checklist-add", args=[placement.public_id]), fields)
        assert response.status_code == 302, (fields["kind"], response.context and
                                             response.context["checklist_form"].errors)


def test_admin_takes_a_placement_from_registration_to_returnee_in_the_browser(admin_user, make_placement):
    placement = make_placement()
    client = login(admin_user)
    for to_state in PATH:
        record_documents(client, placement, to_state)
        response = take_step(client, placement, to_state)
        assert response.status_code == 302, (to_state, response.context and response.context["refused"])
        placement.refresh_from_db()
        assert placement.state == to_state
    assert ChecklistItem.objects.filter(placement=placement).count() == 9
    transitions = list(PlacementTransition.objects.filter(placement=placement).order_by("at", "id"))
    assert [t.to_state for t in transitions] == PATH
    assert all(t.via == "web" and t.actor == admin_user for t in transitions)
    page = client.get(reverse("web:placement-detail", args=[placement.public_id]))
    html = page.content.decode()
    assert page.context["steps"] == [] and not page.context["can_record"]
    assert html.count("<li data-to=") == len(PATH)  # the timeline
    assert admin_user.username in html
    item = placement.checklist_items.get(kind="employment_contract")
    assert item.details == {"verified_on": day(-1)} and item.reference_number == "PK-55"
    assert placement.checklist_items.get(kind="bpjs_membership").details == {"programmes": ["jkk", "jkm"]}
    assert placement.checklist_items.get(kind="medical_fitness").details == {"sarkes": "RS Sehat"}


def test_each_role_takes_its_own_steps_in_the_browser(admin_user, unit_officer, p3mi_user, make_user,
                                                      make_placement, make_person, agency):
    checkpoint = make_user(Role.CHECKPOINT, username="cp-journey")
    placement = make_placement(person=make_person(agency=agency))
    officer, company, border = login(unit_officer), login(p3mi_user), login(checkpoint)
    who = {S.VERIFIED: officer, S.SELECTED: company, S.AGREEMENT_SIGNED: company, S.DOCUMENTS_VERIFIED: officer,
           S.ORIENTATION_DONE: officer, S.READY_TO_DEPART: officer, S.DEPARTED: border,
           S.WORKING_ABROAD: officer, S.RETURNED: officer, S.RETURNEE: officer}
    for to_state in PATH:
        record_documents(officer if who[to_state] is border else who[to_state], placement, to_state)
        if to_state == S.VERIFIED:
            # P3MI staff see the step with its conditions but no button, and may not take it.
            page = company.get(reverse("web:placement-detail", args=[placement.public_id]))
            assert 'data-step="verified"' in page.content.decode()
            assert 'data-testid="step-verified"' not in page.content.decode()
            forbidden = company.post(reverse("web:placement-transition", args=[placement.public_id]),
                                     {"to_state": S.VERIFIED, "expected_version": placement.version})
            assert forbidden.status_code == 403
        if who[to_state] is border:
            # By id alone the placement does not exist for a checkpoint officer; found by NIK it does.
            url = reverse("web:placement-detail", args=[placement.public_id])
            assert border.get(url).status_code == 404
            response = take_step(border, placement, to_state, search=checkpoint_search(border, placement))
        else:
            response = take_step(who[to_state], placement, to_state)
        assert response.status_code == 302, to_state
    placement.refresh_from_db()
    assert placement.state == S.RETURNEE
    actors = dict(PlacementTransition.objects.filter(placement=placement).values_list("to_state", "actor__role"))
    assert actors[S.SELECTED] == Role.P3MI_STAFF and actors[S.DEPARTED] == Role.CHECKPOINT
    assert actors[S.VERIFIED] == Role.UNIT_OFFICER and actors[S.RETURNEE] == Role.UNIT_OFFICER


def test_refused_step_renders_422_with_every_unmet_condition(admin_user, make_placement):
    placement = advance(make_placement(contract=False), S.AGREEMENT_SIGNED, officer=admin_user)
    expected = next(s for s in selectors.placement_next_steps(admin_user, placement)
                    if s["to_state"] == S.DOCUMENTS_VERIFIED)["unmet"]
    assert len(expected) == 7  # contract dates and six documents
    url = reverse("web:placement-transition", args=[placement.public_id])

    page = login(admin_user).get(reverse("web:placement-detail", args=[placement.public_id]))
    for unmet in expected:  # shown before trying, in Indonesian by default
        assert unmet.message_id in page.content.decode()

    refused = login(admin_user).post(url, {"to_state": S.DOCUMENTS_VERIFIED, "expected_version": placement.version})
    assert refused.status_code == 422
    html = refused.content.decode()
    assert 'data-testid="refused"' in html
    assert [r["text"] for r in refused.context["refused"]] == [u.message_id for u in expected]
    for unmet in expected:
        assert unmet.message_id in html

    english = login(admin_user, "en").post(url, {"to_state": S.DOCUMENTS_VERIFIED,
                                                  "expected_version": placement.version})
    assert english.status_code == 422
    assert [r["text"] for r in english.context["refused"]] == [u.message_en for u in expected]
    assert all(u.message_en in english.content.decode() for u in expected)
    assert Placement.objects.get(pk=placement.pk).state == S.AGREEMENT_SIGNED


def test_step_needing_a_reason_and_a_step_that_does_not_exist(admin_user, make_placement):
    placement = make_placement()
    client = login(admin_user)
    url = reverse("web:placement-transition", args=[placement.public_id])
    page = client.get(reverse("web:placement-detail", args=[placement.public_id]))
    withdraw = next(s for s in page.context["steps"] if s["to_state"] == S.WITHDRAWN)
    assert withdraw["needs_reason"] and not withdraw["primary"]
    assert "data-confirm=" in page.content.decode()
    no_reason = client.post(url, {"to_state": S.WITHDRAWN, "expected_version": 1})
    assert no_reason.status_code == 422 and "reason" in no_reason.context["transition_form"].errors
    attempted = next(s for s in no_reason.context["steps"] if s["to_state"] == S.WITHDRAWN)
    assert attempted["errors"]
    jump = client.post(url, {"to_state": S.DEPARTED, "expected_version": 1})
    assert jump.status_code == 422 and jump.context["transition_form"].non_field_errors()
    assert jump.context["transition_form"].non_field_errors()[0] in jump.content.decode()
    done = client.post(url, {"to_state": S.WITHDRAWN, "expected_version": 1, "reason": "Found a job at home"})
    assert done.status_code == 302
    timeline = client.get(reverse("web:placement-detail", args=[placement.public_id])).content.decode()
    assert "Found a job at home" in timeline


def test_record_form_per_kind_and_void_with_reason(admin_user, make_placement):
    placement = make_placement()
    client = login(admin_user)
    detail_url = reverse("web:placement-detail", args=[placement.public_id])
    page = client.get(detail_url, {"kind": "employment_contract"})
    form = page.context["checklist_form"]
    assert form.kind == "employment_contract" and form.fields["verified_on"].required
    assert "witnessed_by" not in form.fields
    passport_form = client.get(detail_url, {"kind": "passport"}).context["checklist_form"]
    assert list(passport_form.fields) == ["kind", "reference_number"]
    swapped = client.get(detail_url, {"kind": "work_visa"}, HTTP_HX_REQUEST="true")
    assert swapped.status_code == 200 and 'id="checklist-form"' in swapped.content.decode()

    add_url = reverse("web:placement-checklist-add", args=[placement.public_id])
    missing = client.post(add_url, {"kind": "employment_contract", "issued_on": day(-2)})
    assert missing.status_code == 422 and "verified_on" in missing.context["checklist_form"].errors
    future = client.post(add_url, {"kind": "medical_fitness", "issued_on": day(3)})
    assert future.status_code == 422 and "issued_on" in future.context["checklist_form"].errors
    assert client.post(add_url, {"kind": "medical_fitness", "issued_on": day(-5),
                                 "reference_number": "MCU-1"}).status_code == 302
    item = placement.checklist_items.get(kind="medical_fitness")
    page = client.get(detail_url).content.decode()
    void_url = reverse("web:placement-checklist-void", args=[placement.public_id, item.pk])
    assert void_url in page and 'data-kind="medical_fitness" data-status="ok"' in page

    no_reason = client.post(void_url, {"reason": ""})
    assert no_reason.status_code == 422 and no_reason.context["void_item_id"] == item.pk
    assert client.post(void_url, {"reason": "Pregnancy found at the second check"}).status_code == 302
    item.refresh_from_db()
    assert item.voided_on == TODAY and item.void_reason == "Pregnancy found at the second check"
    page = client.get(detail_url).content.decode()
    assert 'data-kind="medical_fitness" data-status="missing"' in page
    assert "Pregnancy found at the second check" in page
    twice = client.post(void_url, {"reason": "again"})
    assert twice.status_code == 409


def test_other_company_cannot_open_or_change_a_placement(make_user, other_agency, make_placement):
    placement = make_placement()
    stranger = login(make_user(Role.P3MI_STAFF, username="p3mi-other", agency=other_agency))
    assert stranger.get(reverse("web:placement-detail", args=[placement.public_id])).status_code == 404
    assert stranger.post(reverse("web:placement-transition", args=[placement.public_id]),
                         {"to_state": S.WITHDRAWN, "reason": "x"}).status_code == 404
    assert stranger.post(reverse("web:placement-checklist-add", args=[placement.public_id]),
                         {"kind": "medical_fitness", "issued_on": day(-1)}).status_code == 404
    board = stranger.get(reverse("web:placement-list"))
    assert board.context["page"].total == 0
    placement.refresh_from_db()
    assert placement.state == S.REGISTERED and not placement.checklist_items.exists()
