"""An overcharge, end to end in the browser: an officer records what a Hong Kong worker paid, the
ledger flags it against the rules, one escalation opens a complaint and a sanction finding, the
finding is taken to a suspension with its letter, and the public licence lookup shows the company
suspended in the same minute."""

# ruff: noqa: F811 - the placement fixtures are imported into this module and used as arguments

import re
import time

import pytest
from django.utils import timezone

from lindungi.placements.tests.fixtures import make_employer, make_job_order, make_placement  # noqa: F401
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_from_a_ledger_entry_to_a_suspension_on_the_public_lookup(new_page, admin_user, hk_placement):
    started = time.monotonic()
    agency, person = hk_placement.agency, hk_placement.person
    today = timezone.localdate().isoformat()
    page = new_page(width=1366, height=900)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, "admin-t")
    page.click("[data-testid=lang-en]")
    page.wait_for_selector("html[lang=en]")

    # 1. The worker says they paid a placement fee of Rp12,500,000 to the P3MI.
    page.goto(f"/persons/{person.public_id}/costs/")
    page.locator("details", has=page.locator("[data-testid=cost-form]")).locator("summary").click()
    form = page.locator("[data-testid=cost-form]")
    form.locator("select[name=component]").select_option("placement_fee")
    form.locator("input[name=amount]").fill("12500000")
    form.locator("input[name=currency]").fill("IDR")
    form.locator("input[name=paid_on]").fill(today)
    form.locator("select[name=paid_to_kind]").select_option("p3mi")
    form.locator("input[name=paid_to_name]").fill(agency.legal_name)
    form.locator("select[name=financing]").select_option("cash")
    form.locator("select[name=placement]").select_option(str(hk_placement.public_id))
    form.locator("button[type=submit]").click()
    totals = page.locator("[data-testid=cost-totals]")
    totals.wait_for()
    assert "12,500,000" in totals.inner_text() and "(1 flag" in totals.inner_text()

    # 2. From the flag, one escalation: a complaint and a sanction finding.
    page.goto("/overcharge-flags/")
    page.locator("[data-testid=overcharge-flags] [data-testid=escalate]").first.click()
    page.locator("[data-testid=escalate-form] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/cases/[0-9a-f-]{36}/$"))  # the complaint, opened
    page.goto("/overcharge-flags/")
    page.locator("[data-testid=flag-sanction]").first.click()
    page.wait_for_url(re.compile(r"/sanctions/[0-9a-f-]{36}/$"))
    assert agency.legal_name in page.locator("main").inner_text()

    # 3. The finding becomes a suspension of all activity, with its decision letter.
    suspend = page.locator("details", has=page.locator("#id_suspend_letter_number"))
    suspend.locator("summary").click()
    page.fill("#id_suspend_letter_number", "KEP.21/DJ-PPMI/2026")
    page.fill("#id_suspend_letter_date", today)
    page.fill("#id_suspend_reason", "Membebankan biaya penempatan kepada PMI tujuan Hong Kong")
    page.fill("#id_suspend_suspended_from", today)
    page.check("#id_suspend_confirm")
    suspend.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=sanction-scope]").count() == 1

    # 4. The public lookup, without signing in, shows it at once.
    public = new_page(width=360, height=800)
    public.goto(f"/public/agencies/?q={agency.sip3mi_number}")
    row = public.locator("#public-results tbody tr").filter(has_text=agency.sip3mi_number)
    row.wait_for()
    badge = row.locator("span.badge")
    assert "badge-warn" in badge.get_attribute("class").split() and badge.inner_text().startswith("✗")
    assert time.monotonic() - started < 60, "the public lookup must show the suspension in the same minute"
