"""Registry in the browser: register a person (with a NIK mistake first), live-search the list,
open the record, read its change history, edit the phone with a reason.

``serialized_rollback``: a transactional test flushes every table afterwards, including the reference
data loaded by migration (regencies, units...); restoring it keeps each test independent.
"""

import re
from datetime import date

import pytest

from lindungi.registry.nik import nik_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NIK = nik_for(regency_code="3201", district="01", birth_date=date(1996, 8, 17), sex="F", sequence=7)
DETAIL_URL = re.compile(r"/persons/[0-9a-f-]{36}/$")


def history_rows(page):
    return page.locator("main details.card table.history tbody tr")


def test_register_search_open_and_edit_a_person(page, login, unit_officer, admin_user):
    from lindungi.registry.models import Person
    from lindungi.registry.tests.factories import make_person

    # Someone already on record, so the live search has something to filter out.
    other = make_person(admin_user, full_name="Bambang Wibowo", sex="M", birth_date=date(1980, 6, 9))

    login("officer-t")
    page.click("[data-testid=lang-en]")  # assert English text whatever catalogue is installed
    page.wait_for_selector("html[lang=en]")

    # 1. Register with a 15-digit NIK: the error sits on the NIK field and nothing is saved.
    page.goto("/persons/new/")
    page.fill("#id_nik", NIK[:15])
    page.fill("#id_full_name", "Wulandari Pertiwi")
    page.select_option("#id_sex", "F")
    page.fill("#id_birth_date", "1996-08-17")
    page.fill("#id_birth_place", "Bogor")
    page.select_option("#id_regency_code", "3201")
    page.fill("#id_address", "Kp. Cibeureum RT 02/03")
    page.select_option("#id_education", "sma")
    page.select_option("#id_marital_status", "single")
    page.fill("#id_phone", "081211112222")
    page.click("#person-form button[type=submit]")

    error = page.locator("#id_nik-error")
    error.wait_for()
    assert error.inner_text().strip()
    # The message is inside the NIK field's own label, next to the input.
    assert page.locator("label[for=id_nik] #id_nik-error").count() == 1
    assert page.locator("label[for=id_nik] input#id_nik").get_attribute("aria-invalid") == "true"
    assert page.url.endswith("/persons/new/")
    assert page.input_value("#id_full_name") == "Wulandari Pertiwi"  # the rest of the form is kept
    assert not Person.objects.filter(full_name="Wulandari Pertiwi").exists()

    # 2. Fix the NIK: redirected to the new record, which shows the NIK.
    page.fill("#id_nik", NIK)
    page.click("#person-form button[type=submit]")
    page.wait_for_url(DETAIL_URL)
    assert page.locator("main h1 small.mono").inner_text() == NIK
    person = Person.objects.get(nik=NIK)
    assert page.url.endswith(f"/persons/{person.public_id}/")

    # 3. Live search: typing a name fragment filters the list through htmx, without a page load.
    page.goto("/persons/")
    results = page.locator("#person-results tbody tr")
    assert results.filter(has_text=other.nik).count() == 1
    page.evaluate("window.__samePage = true")
    page.locator("#id_q").press_sequentially("wulan", delay=40)
    page.wait_for_url(re.compile(r"/persons/\?search="))  # the search's key is pushed, never its text
    results.filter(has_text=other.nik).wait_for(state="detached")
    assert results.count() == 1
    assert results.first.locator("td.mono").inner_text() == NIK
    assert page.evaluate("window.__samePage === true"), "the page was reloaded instead of swapped by htmx"

    # 4. Open the record from the results: the history lists the registration.
    results.first.get_by_role("link", name="Wulandari Pertiwi").click()
    page.wait_for_url(f"**/persons/{person.public_id}/")
    rows = history_rows(page)
    assert rows.count() == 1
    assert "Registered" in rows.first.inner_text()
    assert "officer-t" in rows.first.inner_text()

    # 5. Edit the phone with a reason: back on the record, the history shows the change.
    page.click(f"main .page-head a[href='/persons/{person.public_id}/edit/']")  # role=button link
    page.wait_for_url(f"**/persons/{person.public_id}/edit/")
    page.fill("#id_phone", "085799998888")
    page.fill("#id_reason", "Nomor HP baru dari keluarga")
    page.click("#person-form button[type=submit]")
    page.wait_for_url(f"**/persons/{person.public_id}/")
    assert rows.count() == 2
    newest = rows.first
    assert "Changed" in newest.inner_text()
    assert newest.locator("del").inner_text() == "081211112222"
    assert "085799998888" in newest.locator("ul.changes").inner_text()
    assert newest.locator("td").last.inner_text() == "Nomor HP baru dari keluarga"
    person.refresh_from_db()
    assert person.phone == "085799998888"
