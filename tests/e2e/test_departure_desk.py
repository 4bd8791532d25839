"""The checkpoint desk in the browser: a cleared check online; then with the browser offline the
desk verifies a departure credential itself (WebCrypto Ed25519, cached keys and revocation list),
queues the check, and uploads it once when the network returns.

``serialized_rollback``: see test_registry_flow.py.
"""

import pytest

from lindungi.departures.models import DepartureCheck, DepartureCredential
from tests.e2e.a11y import describe, serious_violations
from tests.e2e.waiting import wait_until

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def fill_trip(page, destination="TW", flight="CI 762"):
    if not page.is_visible("#desk [name=flight]"):
        page.click("#desk details.desk-trip summary")
    page.select_option("#desk [name=destination]", destination)
    page.fill("#desk [name=flight]", flight)


def test_desk_online_then_offline_with_a_credential(page, login, post_officer, ready_placement):
    login(post_officer.username)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/departures/desk/")
    fill_trip(page)
    page.fill("#desk [name=identifier]", ready_placement.person.nik)
    page.click("#desk .desk-submit")
    page.wait_for_selector("[data-testid=verdict].verdict-ok")
    assert "BOLEH BERANGKAT" in page.inner_text("[data-testid=verdict]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not (found := serious_violations(page)), describe(found)

    # The desk has fetched the keys and a signed revocation list while online.
    wait_until(page, "localStorage.getItem('lindungi.desk.crl') !== null")
    token = DepartureCredential.objects.get().token

    # The service worker controls the desk: with the network gone the page still opens.
    wait_until(page, "navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("#desk [name=identifier]")
    fill_trip(page)
    page.fill("#desk [name=identifier]", token)
    page.click("#desk .desk-submit")
    verdict = page.wait_for_selector("[data-testid=offline-verdict]")
    assert "BOLEH BERANGKAT" in verdict.inner_text()
    assert page.get_attribute("[data-testid=offline-status]", "data-queued") == "1"
    assert "berumur 0 menit" in page.inner_text("[data-testid=offline-status]")  # the age of the revocation list

    forged = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")
    page.fill("#desk [name=identifier]", forged)
    page.click("#desk .desk-submit")
    page.wait_for_selector("#desk-offline-verdict [data-code=credential_bad_signature]")
    assert DepartureCheck.objects.count() == 1  # nothing reached the server

    page.context.set_offline(False)
    wait_until(page, "JSON.parse(localStorage.getItem('lindungi.desk.queue') || '[]').length === 0")
    uploaded = DepartureCheck.objects.exclude(client_ref=None)
    assert uploaded.count() == 1 and uploaded.get().verdict == "cleared"

    # Uploading the same check again (a retry after a lost answer) records nothing new.
    page.evaluate("""(entry) => {
        localStorage.setItem('lindungi.desk.queue', JSON.stringify([entry]));
        return window.lindungiDesk.upload();
    }""", {"client_ref": str(uploaded.get().client_ref), "identifier": token, "destination": "TW",
           "flight": "CI 762", "travel_date": ""})
    wait_until(page, "JSON.parse(localStorage.getItem('lindungi.desk.queue') || '[]').length === 0")
    assert DepartureCheck.objects.exclude(client_ref=None).count() == 1
