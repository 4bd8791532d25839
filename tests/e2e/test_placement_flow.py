"""Placements in the browser: start a P to P placement from the person page, see a refused step list
every unmet condition, record the documents through the checklist form, and walk the main path to
returnee with the step buttons; then the pipeline board, its country filter, and a side step that
asks for a confirmation and a reason.

``serialized_rollback``: see test_registry_flow.py.
"""

# ruff: noqa: F811 - the placement fixtures are imported into this module and used as arguments

import datetime as dt
import re

import pytest

from lindungi.placements.tests.fixtures import (
    TODAY,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DETAIL_URL = re.compile(r"/placements/[0-9a-f-]{36}/$")
FAR = (TODAY + dt.timedelta(days=1200)).isoformat()


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


# What the officer types for each document, per step that needs it (field name -> value).
DOCUMENTS = {
    "agreement_signed": [
        ("placement_agreement", {"reference_number": "PP-001", "issued_on": day(-3),
                                 "witnessed_by": "Disnaker Kab. Bogor"}),
    ],
    "documents_verified": [
        ("medical_fitness", {"reference_number": "MCU-77", "issued_on": day(-5), "sarkes": "RS Sehat"}),
        ("passport", {}),  # empty: the current passport on the person's record
        ("competency_certificate", {"reference_number": "KOMP-9", "issued_on": day(-30)}),
        ("bpjs_membership", {"reference_number": "BPJS-1", "issued_on": day(-2), "valid_until": FAR}),
        ("work_visa", {"reference_number": "VISA-TW-1", "issued_on": day(-4), "valid_until": FAR}),
        ("employment_contract", {"reference_number": "PK-55", "issued_on": day(-6), "valid_until": FAR,
                                 "verified_on": day(-1)}),
    ],
    "orientation_done": [("opp_attendance", {"reference_number": "OPP-3", "issued_on": day(-1)})],
    "ready_to_depart": [("epmi_card", {"reference_number": "EPMI-8", "issued_on": day(-1), "valid_until": FAR})],
}
PATH = ["verified", "selected", "agreement_signed", "documents_verified", "orientation_done", "ready_to_depart",
        "departed", "working_abroad", "returned", "returnee"]


def english(page):
    page.click("[data-testid=lang-en]")
    page.wait_for_selector("html[lang=en]")


def state_of(page) -> str:
    return page.locator("main [data-testid=state]").get_attribute("data-state")


def wait_for_state(page, state: str):
    page.locator(f"main [data-testid=state][data-state={state}]").wait_for()


def record_document(page, kind: str, fields: dict):
    """Pick the kind (htmx swaps the form for that document's fields), fill it, submit."""
    form = page.locator("main #checklist-form")
    page.evaluate("document.getElementById('checklist-form').dataset.stale = '1'")
    form.locator("select[name=kind]").select_option(kind)
    page.locator("main #checklist-form:not([data-stale])").wait_for()  # the swapped-in form
    assert form.locator("select[name=kind]").input_value() == kind
    for name, value in fields.items():
        page.fill(f"main #id_{kind}_{name}", value)
    if kind == "bpjs_membership":  # JKK and JKM come ticked
        assert form.locator("input[name=programmes][value=jkk]").is_checked()
        assert form.locator("input[name=programmes][value=jkm]").is_checked()
    form.locator("button[type=submit]").click()
    # Redirected back to the placement page, where the document now counts (a medical certificate
    # is "expiring soon" within 30 days of its 3 months).
    badge = f"main [data-testid=checklist] [data-kind={kind}]"
    page.locator(f"{badge}[data-status=ok], {badge}[data-status=expiring_soon]").wait_for()
    assert re.search(DETAIL_URL, page.url), page.url


def take_step(page, to_state: str):
    button = page.locator(f"main [data-testid=step-{to_state}]")
    assert button.count() == 1, to_state
    button.click()
    wait_for_state(page, to_state)
    assert re.search(DETAIL_URL, page.url), page.url


def test_start_a_placement_and_walk_it_to_returnee(page, login, admin_user, make_person, make_job_order):
    from lindungi.placements.models import Placement

    person = make_person()  # 25 years old, SMA, with a passport valid five years
    job_order, sip2mi = make_job_order()  # verified, with an SIP2MI (Taiwan, caregiver)
    page.on("dialog", lambda d: d.accept())

    login("admin-t")
    english(page)

    # 1. From the person page (the placements section loads by htmx), start a placement.
    page.goto(f"/persons/{person.public_id}/")
    page.click("main [data-testid=start-placement]")
    page.wait_for_url(f"**/placements/new/?person={person.public_id}")
    assert person.nik in page.locator("main #placement-form").inner_text()

    page.select_option("#id_scheme", "p_to_p")
    page.select_option("#id_job_order", str(job_order.public_id))
    page.select_option("#id_sip2mi", str(sip2mi.public_id))
    page.fill("#id_contract_start", day(60))
    page.fill("#id_contract_end", day(790))
    page.click("#placement-form button[type=submit]")
    page.wait_for_url(DETAIL_URL)
    placement = Placement.objects.get(person=person)
    assert page.url.endswith(f"/placements/{placement.public_id}/")
    assert state_of(page) == "registered"
    assert "The placement has been registered." in page.locator("main .messages").inner_text()
    assert "Will block selection" not in page.locator("main").inner_text()  # eligible: no warnings
    facts = page.locator("main dl.facts").inner_text()
    assert sip2mi.number in facts and job_order.agency.legal_name in facts and "Caregiver" in facts

    # 2. Along the main path: record what each step needs, press its button, check the state.
    for to_state in PATH:
        if to_state == "documents_verified":
            # Try it before any document is on record: refused, with every missing document listed.
            step = page.locator("main [data-step=documents_verified]")
            assert "6 conditions unmet" in step.inner_text()
            step.locator("[data-testid=step-documents_verified]").click()
            refused = page.locator("main [data-testid=refused]")
            refused.wait_for()
            text = refused.inner_text()
            assert "Cannot move to “Documents verified” yet." in text
            assert refused.locator("li").count() == 6
            for needed in ("medical fitness certificate", "passport", "competency certificate",
                           "BPJS Ketenagakerjaan membership", "work visa", "verified employment contract"):
                assert needed in text, needed
            assert state_of(page) == "agreement_signed"
        for kind, fields in DOCUMENTS.get(to_state, []):
            record_document(page, kind, fields)
        take_step(page, to_state)
        timeline = page.locator("main [data-testid=timeline] li[data-to]")
        assert [timeline.nth(i).get_attribute("data-to") for i in range(timeline.count())] == \
            PATH[: PATH.index(to_state) + 1]

    # 3. Closed: no more steps, no record form; the timeline lists every step and who took it.
    main = page.locator("main")
    assert "This placement is closed; no further steps." in main.inner_text()
    assert page.locator("main #checklist-form").count() == 0
    timeline = page.locator("main [data-testid=timeline]")
    assert timeline.locator("li").count() == len(PATH) + 1  # + "Registered"
    assert "Returnee (purna)" in timeline.inner_text() and "admin-t" in timeline.inner_text()
    placement.refresh_from_db()
    assert placement.state == "returnee"
    assert placement.checklist_items.count() == 9
    assert placement.checklist_items.get(kind="employment_contract").details == {"verified_on": day(-1)}
    assert placement.checklist_items.get(kind="bpjs_membership").details == {"programmes": ["jkk", "jkm"]}


def test_pipeline_board_filter_and_a_side_step_with_a_reason(page, login, admin_user, make_person,
                                                            make_placement):
    taiwan = make_placement(person=make_person())  # P to P, Taiwan
    korea = make_placement(person=make_person(), scheme="g_to_g_korea", country="KR", occupation="8160")
    page.on("dialog", lambda d: d.accept())

    login("admin-t")
    english(page)

    # 1. The board counts both under "Registered"; the table lists both.
    page.goto("/placements/")
    board = page.locator("main [data-testid=pipeline]")
    assert board.locator("a[data-state=registered] .big").inner_text() == "2"
    assert board.locator("a[data-state=withdrawn] .big").inner_text() == "0"
    rows = page.locator("main #placement-results tbody tr")
    assert rows.count() == 2

    # 2. Filtering by destination narrows the list (htmx, posted; the search key is pushed). The form's
    # hx-trigger="change from:find select" only listens to the first select (scheme), so changing the
    # country alone does not refresh the list: press "Filter".
    page.evaluate("window.__samePage = true")
    page.select_option("main select[name=country]", "KR")
    page.click("main form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"/placements/\?search="))  # the filters are posted; their key is pushed
    rows.filter(has_text=taiwan.person.full_name).wait_for(state="detached")
    assert rows.count() == 1
    assert korea.person.full_name in rows.first.inner_text()
    assert "Korea" in rows.first.inner_text()
    assert board.locator("a[data-state=registered] .big").inner_text() == "1"
    assert page.evaluate("window.__samePage === true"), "the page was reloaded instead of swapped by htmx"

    # 3. Withdraw the Korea placement: a side step behind a confirmation, which needs a reason.
    rows.first.get_by_role("link", name=korea.person.full_name).click()
    page.wait_for_url(re.compile(rf"/placements/{korea.public_id}/(\?search=[\w-]+)?$"))  # the search's key
    page.click("main #next-steps details summary")
    withdraw = page.locator("main [data-step=withdrawn]")
    assert "reason required" in withdraw.inner_text()
    withdraw.locator("[data-testid=step-withdrawn]").click()  # no reason: refused on the field
    page.locator("main [data-step=withdrawn] .field-error").wait_for()
    assert state_of(page) == "registered"
    page.locator("main [data-step=withdrawn] textarea[name=reason]").fill("Found a job at home")
    page.locator("main [data-testid=step-withdrawn]").click()
    wait_for_state(page, "withdrawn")
    assert "Found a job at home" in page.locator("main [data-testid=timeline]").inner_text()

    # 4. Back on the unfiltered board: the Korea placement is now under "Withdrawn".
    page.goto("/placements/")
    assert board.locator("a[data-state=registered] .big").inner_text() == "1"
    assert board.locator("a[data-state=withdrawn] .big").inner_text() == "1"
    board.locator("a[data-state=withdrawn]").click()
    page.wait_for_url(re.compile(r"state=withdrawn"))
    page.locator("main #placement-results tbody tr").filter(has_text=taiwan.person.full_name) \
        .wait_for(state="detached")
    assert rows.count() == 1 and korea.person.full_name in rows.first.inner_text()


def test_the_permit_list_narrows_to_the_chosen_job_order(page, login, admin_user, make_person, make_job_order):
    person = make_person()
    taiwan, taiwan_permit = make_job_order()
    hong_kong, hong_kong_permit = make_job_order(iso2="HK")
    login("admin-t")
    page.goto(f"/placements/new/?person={person.public_id}")

    def offered() -> list[str]:
        return page.evaluate("() => [...document.querySelectorAll('#id_sip2mi option')]"
                             ".filter(o => o.value && !o.hidden && !o.disabled).map(o => o.value)")

    assert set(offered()) == {str(taiwan_permit.public_id), str(hong_kong_permit.public_id)}
    page.select_option("#id_job_order", str(hong_kong.public_id))
    assert offered() == [str(hong_kong_permit.public_id)]
    assert page.input_value("#id_sip2mi") == str(hong_kong_permit.public_id)  # the only one: chosen
    page.select_option("#id_job_order", "")
    assert len(offered()) == 2
    # A permit chosen first brings its job order with it.
    page.select_option("#id_sip2mi", str(taiwan_permit.public_id))
    assert page.input_value("#id_job_order") == str(taiwan.public_id)
