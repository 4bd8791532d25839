"""Data scoping as users meet it in the browser: a P3MI sees only its own people, and a checkpoint
officer may look people up by NIK or passport only."""

import re
from datetime import date

import pytest

from lindungi.registry.nik import mask

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_p3mi_sees_only_its_own_people(page, login, admin_user, p3mi_user, other_agency):
    from lindungi.registry.tests.factories import make_person

    ours = make_person(admin_user, full_name="Ani Lestari", agency_public_id=str(p3mi_user.agency.public_id))
    theirs = make_person(admin_user, full_name="Dewi Kartika", birth_date=date(1988, 11, 3),
                         agency_public_id=str(other_agency.public_id))
    unattached = make_person(admin_user, full_name="Sri Mulyani", birth_date=date(1990, 1, 9))

    login("p3mi-t")
    page.goto("/persons/")
    table = page.locator("#person-results table")
    table.wait_for()
    niks = page.locator("#person-results tbody tr td.mono").all_inner_texts()
    assert niks == [mask(ours.nik)]  # P3MI staff see NIKs masked in lists
    assert theirs.full_name not in table.inner_text()

    # Searching by the other company's person's NIK or name finds nothing either.
    page.locator("#id_q").press_sequentially(theirs.nik[:10], delay=20)
    page.wait_for_url(re.compile(r"/persons/\?search="))  # htmx pushed the search's key, not the NIK
    assert theirs.nik[:10] not in page.url
    page.locator("#person-results table").wait_for(state="detached")
    assert page.locator("#person-results tbody tr").count() == 0

    # Their own person's page opens; another company's person, or one with no company, is a 404.
    response = page.goto(f"/persons/{ours.public_id}/")
    assert response.status == 200
    assert page.locator("main h1 small.mono").inner_text() == ours.nik
    for person in (theirs, unattached):
        response = page.goto(f"/persons/{person.public_id}/")
        assert response.status == 404, person
        body = page.content()
        assert person.nik not in body and person.full_name not in body


def test_checkpoint_officer_looks_up_by_nik_only(page, login, admin_user, checkpoint_officer):
    from lindungi.registry.tests.factories import make_person

    person = make_person(admin_user, full_name="Yuliana Safitri", birth_date=date(1997, 3, 14))

    login("checkpoint-t")
    page.goto("/persons/")
    search = page.locator("main input[name=q]")
    assert page.locator("#person-results table").count() == 0  # nothing listed before asking

    # A name is refused with an explanation (not an error page), and nobody is listed.
    search.press_sequentially("Yuliana", delay=20)
    notice = page.locator("#person-results .warning-box[role=alert]")
    notice.wait_for()
    assert notice.inner_text().strip()
    assert page.locator("#person-results table").count() == 0
    assert person.nik not in page.locator("#person-results").inner_text()

    # The exact NIK finds the person; the name is shown but not linked (no browsing by id).
    search.fill("")
    search.press_sequentially(person.nik, delay=20)
    row = page.locator("#person-results tbody tr")
    row.wait_for()
    assert row.count() == 1
    assert row.locator("td.mono").inner_text() == mask(person.nik)
    assert person.nik not in page.url
    assert "Yuliana Safitri" in row.inner_text()
    assert row.locator("a").count() == 0
    assert page.locator("#person-results .warning-box").count() == 0
