"""From a new person to "ready to depart" following only what the page offers: the person is
registered (the NIK fills sex, birth date and regency), a placement is started from the person's
page, and from then on every move is either a blocking reason's own link (to the form that fixes
it) or the next step's button. Every click and every choice in a list is counted; typing is not.
The count is quoted in docs/ui.md ("Clicks from registration to departure").

One account with every permission (the central administrator) takes all the steps, so the count is
the journey's, not one role's: in practice the P3MI and the unit officer share it.

``serialized_rollback``: see test_registry_flow.py.
"""

# ruff: noqa: F811 - the placement fixtures are imported into this module and used as arguments

import re
from datetime import date

import pytest

from lindungi.placements.tests.fixtures import make_employer, make_job_order  # noqa: F401
from lindungi.registry.nik import nik_for
from tests.e2e.test_placement_flow import DETAIL_URL, DOCUMENTS, day
from tests.e2e.waiting import wait_until

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MAIN_PATH = ["registered", "verified", "selected", "agreement_signed", "documents_verified", "orientation_done",
             "ready_to_depart"]
FIELDS_OF = {kind: fields for needed in DOCUMENTS.values() for kind, fields in needed}
# The most the journey may take (measured: 35; about 47 before the blocking reasons had links): a new
# required choice or a lost link shows here.
CLICK_BUDGET = 35


class Counter:
    def __init__(self, page):
        self.page, self.clicks, self.log = page, 0, []

    def click(self, selector: str, what: str):
        self.clicks += 1
        self.log.append(what)
        self.page.locator(selector).first.click()

    def choose(self, selector: str, value: str, what: str):
        self.clicks += 1
        self.log.append(what)
        self.page.select_option(selector, value)


def state_of(page) -> str:
    return page.locator("main [data-testid=state]").get_attribute("data-state")


def test_registration_to_ready_to_depart_by_the_offered_links(page, login, admin_user, make_job_order):
    from lindungi.placements.models import Placement

    job_order, sip2mi = make_job_order()  # verified, with an SIP2MI (Taiwan, caregiver)
    page.on("dialog", lambda d: d.accept())
    login("admin-t")
    count = Counter(page)

    # 1. Register the person, in one pass.
    page.goto("/persons/")
    count.click("main a[href='/persons/new/']", "register a person")
    nik = nik_for(regency_code="3201", district="01", birth_date=date(1997, 3, 9), sex="F", sequence=311)
    page.locator("#id_nik").press_sequentially(nik, delay=5)
    wait_until(page, "document.querySelector('#id_birth_date').value === '1997-03-09'")
    page.fill("#id_full_name", "Rahmawati Kusuma")
    page.fill("#id_birth_place", "Bogor")
    page.fill("#id_address", "Jl. Pajajaran 12, Bogor")
    count.choose("#id_education", "sma", "education")
    count.choose("#id_marital_status", "single", "marital status")
    count.click("#person-form button[type=submit]", "register")
    page.wait_for_url(re.compile(r"/persons/[0-9a-f-]{36}/$"))

    # 2. Start the placement from the person's page.
    count.click("main [data-testid=start-placement]", "start a placement")
    page.wait_for_url("**/placements/new/**")
    count.choose("#id_scheme", "p_to_p", "scheme")
    count.choose("#id_job_order", str(job_order.public_id), "job order")
    count.choose("#id_sip2mi", str(sip2mi.public_id), "SIP2MI")
    page.fill("#id_contract_start", day(60))
    page.fill("#id_contract_end", day(790))
    count.click("#placement-form button[type=submit]", "register placement")
    page.wait_for_url(DETAIL_URL)
    placement_url = page.url

    # 3. Only the offered links and the next step's button, until ready to depart.
    for _move in range(40):
        state = state_of(page)
        if state == "ready_to_depart":
            break
        step = f"main [data-step={MAIN_PATH[MAIN_PATH.index(state) + 1]}]"
        fixes = page.locator(f"{step} [data-testid=fix]")
        if fixes.count() == 0:
            to_state = page.locator(step).get_attribute("data-step")
            count.click(f"{step} [data-testid=step-{to_state}]", f"step: {to_state}")
            page.locator(f"main [data-testid=state][data-state={to_state}]").wait_for()
            continue
        href = fixes.first.get_attribute("href")
        count.click(f"{step} [data-testid=fix]", f"fix: {href.split('/')[-1]}")
        if "add=passport" in href:  # the registry's passport first, then back to the placement
            page.fill("#id_passport-number", "C7766554")
            page.fill("#id_passport-issuing_office", "Kantor Imigrasi Bogor")
            page.fill("#id_passport-issue_date", day(-20))
            page.fill("#id_passport-expiry_date", day(5 * 365))
            count.click("#passports form button[type=submit]", "add passport")
        else:
            kind = re.search(r"kind=(\w+)", href).group(1)
            assert page.locator("main #checklist-form select[name=kind]").input_value() == kind
            for name, value in FIELDS_OF[kind].items():
                page.fill(f"main #id_{kind}_{name}", value)
            count.click("main #checklist-form button[type=submit]", f"record {kind}")
        page.wait_for_url(re.compile(re.escape(placement_url.split("?")[0]) + r"(\?.*)?$"))
    assert state_of(page) == "ready_to_depart", count.log
    assert Placement.objects.get().state == "ready_to_depart"
    assert count.clicks <= CLICK_BUDGET, count.log
    print(f"\nclicks from registration to ready to depart: {count.clicks}\n" + "\n".join(count.log))
