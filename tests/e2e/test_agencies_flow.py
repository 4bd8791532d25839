"""P3MI companies in the browser: the public register (no sign-in) shows a suspended company as not
in good standing; an admin suspends a company from its page (confirm dialog) and the status history
records it."""

import re

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_public_register_shows_a_suspended_company_as_not_in_good_standing(page, admin_user):
    from lindungi.agencies import services
    from lindungi.agencies.tests.factories import AgencyFactory

    suspended = AgencyFactory(legal_name="PT Bahari Tenaga Mandiri")
    good = AgencyFactory(legal_name="PT Bahari Karya Utama")
    AgencyFactory(legal_name="PT Nusantara Jaya")
    services.agency_suspend(actor=admin_user, public_id=suspended.public_id, suspended_from=timezone.localdate(),
                            decree_number="KEP.12/2025", reason="Penempatan non-prosedural")

    page.goto("/public/agencies/")
    assert "/login/" not in page.url  # public: no sign-in asked
    page.evaluate("window.__samePage = true")
    page.locator("main input[type=search][name=q]").press_sequentially("bahari", delay=30)
    page.wait_for_url(re.compile(r"/public/agencies/\?q=bahari"))
    rows = page.locator("#public-results tbody tr")
    rows.first.wait_for()
    assert rows.count() == 2  # "PT Nusantara Jaya" does not match
    assert page.evaluate("window.__samePage === true"), "the results were not swapped in by htmx"

    bad_row = rows.filter(has_text=suspended.sip3mi_number)
    badge = bad_row.locator("span.badge")
    assert "badge-warn" in badge.get_attribute("class").split()
    assert badge.inner_text().startswith("✗")
    good_badge = rows.filter(has_text=good.sip3mi_number).locator("span.badge")
    assert "badge-ok" in good_badge.get_attribute("class").split()
    assert good_badge.inner_text().startswith("✓")
    # The public page never shows the deposit or capital.
    assert "1500000000" not in page.content() and "1.500.000.000" not in page.content()


def test_admin_suspends_a_company_from_its_page(page, login, admin_user, agency):
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    login("admin-t")
    page.goto(f"/agencies/{agency.public_id}/")
    assert page.locator("main p.standing.standing-ok").count() == 1

    # Open "Suspend licence" and fill the decree (start today, no end date).
    action = f"/agencies/{agency.public_id}/suspend/"
    suspend_form = page.locator(f"main form[action='{action}']")
    page.locator(f"main details:has(> form[action='{action}']) > summary").click()
    today = timezone.localdate()
    suspend_form.locator("input[name=suspend-suspended_from]").fill(today.isoformat())
    suspend_form.locator("input[name=suspend-decree_number]").fill("KEP.77/BP2MI/2025")
    suspend_form.locator("textarea[name=suspend-reason]").fill("Menahan dokumen pekerja")
    suspend_form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/agencies/{agency.public_id}/")
    page.locator("main p.standing.standing-warn").wait_for()
    assert len(dialogs) == 1 and agency.legal_name in dialogs[0]

    history = page.locator("main section").first.locator("tbody tr")
    entry = history.filter(has_text="KEP.77/BP2MI/2025")
    assert entry.count() == 1
    assert entry.locator("span.badge-suspended").count() == 1
    assert "Menahan dokumen pekerja" in entry.inner_text()
    assert "admin-t" in entry.inner_text()
    agency.refresh_from_db()
    assert agency.status == "suspended" and agency.suspended_from == today
