"""The checkpoint desk: one field, a large verdict with every reason, the departure button, the
trip kept between checks, Indonesian by default; today's checks at the post."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from lindungi.departures.models import DepartureCheck
from lindungi.placements.states import PlacementState as S

pytestmark = pytest.mark.django_db


def login(user, language="id") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


def test_desk_clears_then_records_departure(post_officer, ready_placement, check_data):
    client = login(post_officer)
    page = client.get(reverse("web:departure-desk"))
    assert page.status_code == 200 and b'name="identifier"' in page.content
    response = client.post(reverse("web:departure-desk"), check_data(ready_placement))
    html = response.content.decode()
    assert response.status_code == 200 and "BOLEH BERANGKAT" in html and ready_placement.person.full_name in html
    check = DepartureCheck.objects.get()
    done = client.post(reverse("web:departure-check-depart", args=[check.public_id]), HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and "Keberangkatan dicatat." in done.content.decode()
    ready_placement.refresh_from_db()
    assert ready_placement.state == S.DEPARTED


def test_desk_lists_every_reason_and_keeps_the_trip(post_officer, make_placement, check_data):
    client = login(post_officer, "en")
    response = client.post(reverse("web:departure-desk"), check_data(make_placement(), destination="MY"),
                           HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "NOT CLEARED" in html and 'data-code="placement_not_ready"' in html
    assert 'data-code="destination_mismatch"' in html and "<html" not in html
    again = client.get(reverse("web:departure-desk")).content.decode()
    assert 'value="CI 762"' in again


def test_desk_bad_identifier_is_a_field_error(post_officer, check_data):
    response = login(post_officer, "en").post(reverse("web:departure-desk"), check_data(identifier="1234"))
    assert response.status_code == 422 and "16 digits" in response.content.decode()
    assert not DepartureCheck.objects.exists()


def test_desk_is_for_checkpoint_roles_only(analyst, unit_officer):
    assert login(analyst).get(reverse("web:departure-desk")).status_code == 403
    assert login(unit_officer).get(reverse("web:departure-desk")).status_code == 403


def test_todays_checks_at_the_post(post_officer, check_data, analyst):
    client = login(post_officer)
    client.post(reverse("web:departure-desk"), check_data())
    page = client.get(reverse("web:departure-check-list")).content.decode()
    assert "3201014107990001" in page
    check = DepartureCheck.objects.get()
    assert login(analyst).get(reverse("web:departure-check-detail", args=[check.public_id])).status_code == 200


def test_watch_list_add_review_remove(post_officer):
    from lindungi.departures.models import WatchlistEntry
    from lindungi.departures.tests.fixtures import in_days

    client = login(post_officer)
    bad = client.post(reverse("web:watchlist-list"), {"kind": "recruiter", "full_name": "Calo", "reason": "x",
                                                      "valid_until": in_days(30).isoformat()})
    assert bad.status_code == 422 and not WatchlistEntry.objects.exists()
    response = client.post(reverse("web:watchlist-list"), {
        "kind": "recruiter", "full_name": "Calo", "passport_number": "b1234567", "reason": "Sponsor rombongan",
        "valid_until": in_days(30).isoformat()})
    entry = WatchlistEntry.objects.get()
    assert response.status_code == 302 and entry.passport_number == "B1234567"
    assert "Calo" in client.get(reverse("web:watchlist-list")).content.decode()
    url = reverse("web:watchlist-detail", args=[entry.public_id])
    assert client.post(url, {"action": "review", "note": "masih berlaku"}).status_code == 302
    assert client.post(url, {"action": "remove", "reason": ""}).status_code == 422
    assert client.post(url, {"action": "remove", "reason": "keliru"}).status_code == 302
    entry.refresh_from_db()
    assert entry.reviewed_by == post_officer and entry.removed_at is not None


def test_interception_from_a_not_cleared_check(post_officer, check_data):
    from lindungi.departures.models import Interception

    client = login(post_officer)
    client.post(reverse("web:departure-desk"), check_data(identifier="C7654321", destination="KH"))
    check = DepartureCheck.objects.get()
    form = client.get(reverse("web:interception-create"), {"check": check.public_id}).content.decode()
    assert 'value="C7654321"' in form
    response = client.post(reverse("web:interception-create"), {
        "full_name": "Rina", "passport_number": "C7654321", "destination": "KH", "flight": "QZ 7712",
        "declared_purpose": "tourism", "outcome": "handed_to_bp2mi", "transit_countries": "MY",
        "companion_1_name": "Dewi", "companion_1_id": "3201014107990001", "departure_check": str(check.public_id)})
    assert response.status_code == 302, response.content.decode()[:2000]
    first, second = Interception.objects.order_by("id")
    assert first.departure_check == check and second.nik == "3201014107990001" and first.group_ref == second.group_ref
    detail = client.get(response["Location"]).content.decode()
    assert "Dewi" in detail
    bad = client.post(reverse("web:interception-create"), {"full_name": "X", "destination": "KH",
                                                           "declared_purpose": "tourism", "outcome": "postponed"})
    assert bad.status_code == 422
    assert "16" in bad.content.decode() or "NIK" in bad.content.decode()
    assert client.get(reverse("web:interception-list")).status_code == 200


def test_printable_credential_card(unit_officer, ready_placement):
    client = login(unit_officer)
    detail = client.get(reverse("web:placement-detail", args=[ready_placement.public_id])).content.decode()
    assert reverse("web:placement-credential", args=[ready_placement.public_id]) in detail
    card = client.get(reverse("web:placement-credential", args=[ready_placement.public_id]))
    html = card.content.decode()
    assert card.status_code == 200 and "<svg" in html and "LDC1." in html and ready_placement.person.full_name in html


def test_checkpoint_officer_opens_a_card_only_from_a_search_by_nik(post_officer, ready_placement):
    from lindungi.web.tests.test_placements_journey import checkpoint_search

    client = login(post_officer)
    card = reverse("web:placement-credential", args=[ready_placement.public_id])
    assert client.get(card).status_code == 404  # by the placement's id alone
    search = checkpoint_search(client, ready_placement)
    detail = client.get(reverse("web:placement-detail", args=[ready_placement.public_id]), {"search": search})
    assert f"{card}?search={search}" in detail.content.decode()
    assert client.get(card, {"search": search}).status_code == 200


def test_watch_list_entries_are_added_only_by_those_who_manage_it(analyst):
    from lindungi.departures.models import WatchlistEntry
    from lindungi.departures.tests.fixtures import in_days

    response = login(analyst).post(reverse("web:watchlist-list"), {
        "kind": "recruiter", "full_name": "Calo", "passport_number": "B1234567", "reason": "Sponsor rombongan",
        "valid_until": in_days(30).isoformat()})
    assert response.status_code == 403 and not WatchlistEntry.objects.exists()


def test_desk_carries_the_offline_verifier(post_officer):
    client = login(post_officer)
    page = client.get(reverse("web:departure-desk")).content.decode()
    assert 'id="desk-texts"' in page and "credential_bad_signature" in page and "desk.js" in page
    assert "daftar pencabutan berumur" in page
    worker = client.get(reverse("web:departure-desk-sw"))
    assert worker.status_code == 200 and worker["Content-Type"].startswith("application/javascript")
    assert worker["Service-Worker-Allowed"] == "/departures/" and "/departures/desk/" in worker.content.decode()
