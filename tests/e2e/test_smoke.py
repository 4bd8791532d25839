import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_dashboard_and_switch_language(page, login, admin_user):
    page.goto("/")
    assert page.locator("[data-testid=check-agency]").is_visible()  # the public checks come first
    page.click("main .staff-entry a")
    assert "/login/" in page.url
    page.fill("input[name=username]", "admin-t")
    page.fill("input[name=password]", "salah-sandi")
    page.click("main button[type=submit]")
    page.wait_for_selector(".form-errors")
    login("admin-t")
    assert page.locator("h1").inner_text() == "Dasbor"
    page.click("[data-testid=lang-en]")
    page.wait_for_selector("h1:has-text('Dashboard')")
    page.click("[data-testid=lang-id]")
    page.wait_for_selector("h1:has-text('Dasbor')")
