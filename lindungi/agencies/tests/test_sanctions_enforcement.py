"""A partial suspension blocks exactly what it covers, from its first to its last day inclusive:
in the placement guards, in the departure verdict and in the public register."""

import datetime as dt

import pytest
from django.urls import reverse

from lindungi.agencies import selectors, services
from lindungi.departures import services as departure_services
from lindungi.departures.tests.fixtures import TODAY, in_days
from lindungi.placements import selectors as placement_selectors
from lindungi.placements import states

FIRST, LAST = in_days(2), in_days(5)
DAYS = [(in_days(1), True), (FIRST, False), (LAST, False), (in_days(6), True)]


def _suspend(admin_user, agency, **scope):
    sanction = services.sanction_open(actor=admin_user, agency_public_id=agency.public_id, ground_code="p9_no_opp",
                                      source_kind="inspection", source_reference="LHP/2026/3", summary="OPP")
    return services.sanction_step(actor=admin_user, public_id=sanction.public_id, step="suspend",
                                  expected_version=1, letter_number="KEP.7/2026", letter_date=TODAY,
                                  reason="Tidak mendaftarkan OPP", suspended_from=FIRST, suspended_until=LAST,
                                  **scope)


def _agency_guard(placement, day):
    placement.refresh_from_db()
    return states.guard_agency(placement_selectors.transition_context(placement, on=day))


@pytest.mark.parametrize("scope", [{"countries": ["TW"]}, {"schemes": ["p_to_p"]}, {}])
def test_placement_guard_exact_days(admin_user, ready_placement, scope):
    _suspend(admin_user, ready_placement.agency, **scope)
    for day, allowed in DAYS:
        assert (_agency_guard(ready_placement, day) == []) is allowed, day


def test_other_country_and_other_scheme_not_blocked(admin_user, ready_placement, make_job_order, make_placement):
    _suspend(admin_user, ready_placement.agency, countries=["TW"], schemes=["p_to_p"])
    job_order, sip2mi = make_job_order(iso2="MY")
    to_malaysia = make_placement(job_order=job_order, sip2mi=sip2mi)
    assert _agency_guard(to_malaysia, FIRST) == []
    assert _agency_guard(ready_placement, FIRST)[0].code == "agency_not_in_good_standing"
    # The same partial suspension with only a country other than Taiwan leaves Taiwan open.
    good, reason = placement_selectors.agency_standing(ready_placement.agency, FIRST, country="TW", scheme="g_to_g")
    assert (good, reason) == (True, "partially_suspended")


def test_departure_verdict_exact_days(admin_user, post_officer, ready_placement, check_data):
    _suspend(admin_user, ready_placement.agency, countries=["TW"])
    for day, allowed in DAYS:
        check, _ = departure_services.departure_check_record(
            actor=post_officer, data=check_data(ready_placement, travel_date=day.isoformat()))
        codes = [r["code"] for r in check.reasons]
        assert ("agency_not_in_good_standing" not in codes) is allowed, (day, codes)


def test_departure_verdict_ignores_a_suspension_of_another_country(admin_user, post_officer, ready_placement,
                                                                   check_data):
    _suspend(admin_user, ready_placement.agency, countries=["HK", "SG"])
    check, _ = departure_services.departure_check_record(
        actor=post_officer, data=check_data(ready_placement, travel_date=FIRST.isoformat()))
    assert check.verdict == "cleared"


def test_public_lookup_shows_scope_on_exact_days(admin_user, agency, client):
    _suspend(admin_user, agency, countries=["TW"])
    q = agency.sip3mi_number
    before = selectors.agency_public_search(q, day=in_days(1)).items[0]
    first = selectors.agency_public_search(q, day=FIRST).items[0]
    last = selectors.agency_public_search(q, day=LAST).items[0]
    after = selectors.agency_public_search(q, day=in_days(6)).items[0]
    assert before["standing_code"] == "suspension_scheduled" and before["suspension_scope"] == "partial"
    assert first["standing_code"] == last["standing_code"] == "partially_suspended"
    assert first["suspension_countries"] == ["TW"] and first["suspended_until"] == LAST
    assert "TW" in first["standing_id"] and "sebagian" in first["standing_id"]
    assert after["standing_code"] == "suspension_ended" and after["suspension_scope"] == ""

    response = client.get("/api/v1/public/agencies", {"q": q})
    item = response.json()["items"][0]
    assert item["suspension_scope"] == "partial" and item["suspension_countries"] == ["TW"]
    assert item["suspended_from"] == FIRST.isoformat()

    html = client.get(reverse("web:public-agencies"), {"q": q}).content.decode()
    assert 'data-testid="suspension-scope"' in html and "TW" in html


def test_public_lookup_full_suspension_today(admin_user, agency, client):
    sanction = services.sanction_open(actor=admin_user, agency_public_id=agency.public_id, ground_code="p9_no_sip2mi",
                                      source_kind="case", source_reference="PGD/1", summary="x")
    services.sanction_step(actor=admin_user, public_id=sanction.public_id, step="suspend", expected_version=1,
                           letter_number="K/1", letter_date=TODAY, reason="x", suspended_from=TODAY,
                           suspended_until=TODAY + dt.timedelta(days=90))
    item = client.get("/api/v1/public/agencies", {"q": agency.sip3mi_number}).json()["items"][0]
    assert (item["in_good_standing"], item["standing_code"], item["suspension_scope"]) == (False, "suspended", "all")
