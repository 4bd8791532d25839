"""A complaint from the public form to resolution in a real browser: a family member files it on a
360 px phone screen without an account, keeps the tracking code and secret; the unit officer finds it
in the inbox, takes it through verification, a clarification round, mediation and resolution; the
family then sees "resolved" on the public status page, and a wrong secret learns nothing.

``serialized_rollback``: see test_registry_flow.py.
"""

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 360, "height": 740}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_public_complaint_to_resolution(browser, live_server, page, login, make_user):
    from lindungi.accounts.roles import Role
    from lindungi.reference.models import OrgUnit

    make_user(Role.UNIT_OFFICER, username="petugas-jabar", unit=OrgUnit.objects.get(code="BP3MI-JABAR"))
    phone = browser.new_context(viewport=PHONE, base_url=live_server.url)
    phone.set_default_timeout(10_000)
    public = phone.new_page()
    public.goto("/pengaduan/")
    assert public.locator("html").get_attribute("lang") == "id"
    assert no_sideways_scroll(public)
    public.fill("input[name=complainant_name]", "Ani Rahayu")
    public.select_option("select[name=complainant_relation]", "family")
    public.fill("input[name=complainant_phone]", "081234567890")
    public.fill("input[name=worker_name]", "Siti Aminah")
    public.select_option("select[name=regency]", "3201")
    public.check("input[name=categories][value=gaji_tidak_dibayar]")
    public.fill("textarea[name=summary]", "Gaji tidak dibayar lima bulan.")
    public.click("[data-testid=submit-complaint]")
    code = public.locator("[data-testid=tracking-code]").inner_text().strip()
    secret = public.locator("[data-testid=secret]").inner_text().strip()
    assert re.fullmatch(r"ADU-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert no_sideways_scroll(public)

    login("petugas-jabar")
    page.goto("/cases/")
    page.click("[data-testid=case-inbox] li a")
    page.wait_for_url(re.compile(r"/cases/[0-9a-f-]{36}/$"))

    def step(to_state, **fields):
        form = page.locator(f"[data-step={to_state}] form")
        for name, value in fields.items():
            target = form.locator(f"[name={name}]")
            if target.evaluate("e => e.tagName") == "SELECT":
                target.select_option(value)
            else:
                target.fill(value)
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()

    step("verifying")
    assert page.locator("main [data-testid=state]").get_attribute("data-state") == "verifying"
    # Clarification is refused while the documents are not complete: every reason is shown.
    step("clarification", question="Kirim slip gaji")
    assert page.locator("[data-step=clarification] .reasons li").count() >= 1
    page.click("text=Rincian")
    page.check("input[name=documents_complete]")
    page.click("[data-testid=save-details]")
    step("clarification", question="Kirim slip gaji", addressed_to="complainant")
    assert page.locator("[data-round='1']").count() == 1
    page.fill("[data-testid=answer-form] textarea[name=answer]", "Slip gaji dikirim lewat WhatsApp")
    page.click("[data-testid=record-answer]")
    step("mediation")
    step("resolved", mediation_outcome="Majikan membayar gaji", berita_acara_number="BA/12/2026")
    assert page.locator("main [data-testid=state]").get_attribute("data-state") == "resolved"

    public.goto("/pengaduan/status/")
    public.fill("input[name=tracking_code]", code)
    public.fill("input[name=secret]", "ZZZZ-ZZZZ")
    public.click("[data-testid=track]")
    assert public.locator("[data-testid=public-status]").count() == 0
    public.fill("input[name=tracking_code]", code)
    public.fill("input[name=secret]", secret)
    public.click("[data-testid=track]")
    assert public.locator("[data-testid=state]").get_attribute("data-state") == "resolved"
    steps = public.locator("[data-testid=public-steps] li")
    assert steps.count() == 5
    text = public.locator("main").inner_text()
    assert "Ani Rahayu" not in text and "Slip gaji dikirim" not in text and "Majikan membayar" not in text
    assert no_sideways_scroll(public)
    phone.close()
