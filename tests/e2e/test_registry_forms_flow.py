"""Registering on a phone in one pass: the NIK fills sex, birth date and regency as it is typed, the
village is then chosen by name, the duplicate check runs by itself, and a refused submit lists every
error at the top, focused.

``serialized_rollback``: see test_registry_flow.py.
"""

from datetime import date

import pytest

from lindungi.registry.nik import nik_for
from tests.e2e.conftest import sign_in
from tests.e2e.waiting import wait_until

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_nik_fills_the_form_duplicates_show_by_themselves_and_errors_come_at_once(new_page, unit_officer, admin_user):
    from lindungi.reference.models import Regency, Village
    from lindungi.registry.tests.factories import make_person

    Village.objects.create(code="3201011001", regency=Regency.objects.get(code="3201"), district_name="Cibinong",
                           name="Pakansari")
    twin = make_person(admin_user, full_name="Wulandari Pertiwi", birth_date=date(1996, 8, 17))
    page = sign_in(new_page(width=360, height=800), "officer-t")
    page.goto("/persons/new/")
    nik = nik_for(regency_code="3201", district="01", birth_date=date(1996, 8, 17), sex="F", sequence=77)
    page.locator("#id_nik").press_sequentially(nik, delay=10)
    wait_until(page, "document.querySelector('#id_birth_date').value === '1996-08-17'")
    assert page.locator("#id_sex").input_value() == "F"
    assert page.locator("#id_regency_code").input_value() == "3201"
    assert "1996-08-17" in page.locator("#nik-facts").inner_text()
    village = page.locator("#village-field select[name=village_code]")  # the regency's villages, by name
    village.wait_for()
    village.select_option(label="Pakansari")

    page.fill("#id_full_name", "Wulandari Pertiwi")
    page.locator("#id_full_name").blur()  # change: the check runs without the button
    match = page.locator("#duplicate-check a", has_text="Wulandari Pertiwi")
    match.wait_for()
    assert str(twin.public_id) in match.get_attribute("href")

    page.click("main button[type=submit]")  # birth place, address, education, marital status missing
    summary = page.locator("[data-testid=error-summary]")
    summary.wait_for()
    assert page.evaluate("document.activeElement.dataset.testid") == "error-summary"
    for name in ("birth_place", "address", "education", "marital_status"):
        assert summary.locator(f"a[href='#id_{name}']").count() == 1, name
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
