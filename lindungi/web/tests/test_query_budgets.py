"""Every staff list and dashboard page runs a fixed number of queries, whatever the number of
records: the budget holds with a few records and still holds, with the very same count, after many
more people, placements, departures, job orders and agencies are added."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lindungi.agencies.tests.factories import AgencyFactory
from lindungi.placements.states import PlacementState as S
from lindungi.placements.tests.fixtures import advance
from lindungi.registry.models import DuplicateCandidate

pytestmark = pytest.mark.django_db

# page -> the most queries it may run (session, user, the page's reads, and for pages showing people
# the chained access-log rows: lock the chain head, insert, move the head).
BUDGETS = {
    "/": 7,
    "/persons/": 9,
    "/persons/?page=2&page_size=2": 9,
    "/persons/?sex=F": 9,
    "/persons/?q=siti+ami": 12,
    "/placements/": 11,
    "/placements/?state=working_abroad": 11,
    "/job-orders/": 7,
    "/agencies/": 5,
    "/foreign-parties/": 5,
    "/duplicates/": 7,
    "/imports/": 4,
    "/imports/mappings/": 5,
    "/exports/": 4,
    "/statistik/": 15,  # the table, the split among child units, and the target form (administrators)
}
# Pages a role may not open.
FORBIDDEN = {"p3mi": {"/duplicates/", "/statistik/", "/imports/mappings/"}, "officer": {"/imports/mappings/"}}


@pytest.fixture
def grow(admin_user, make_placement, make_person, make_job_order, agency, other_regency):
    """Adds ``n`` of everything a list shows: people (some in another province), placements in
    several states, a departure, a job order with its permit, a P3MI and a duplicate pair."""

    def add(n: int) -> None:
        for i in range(n):
            person = make_person(agency=agency if i % 2 else None,
                                 regency_obj=other_regency if i % 3 == 0 else None)
            other = make_person(agency=agency)
            DuplicateCandidate.objects.create(person_a=min(person, other, key=lambda p: p.pk),
                                              person_b=max(person, other, key=lambda p: p.pk), score=70,
                                              reasons=["+40 same name"])
            job_order, sip2mi = make_job_order(agency_obj=agency)
            placement = make_placement(person=person, job_order=job_order, sip2mi=sip2mi)
            if i % 2 == 0:
                advance(placement, S.WORKING_ABROAD, officer=admin_user)
            AgencyFactory(head_office_regency=other_regency)

    return add


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


@pytest.mark.parametrize("role", ["admin", "officer", "p3mi"])
def test_every_staff_page_runs_a_fixed_number_of_queries(role, admin_user, unit_officer, p3mi_user, grow,
                                                         django_assert_max_num_queries):
    actor = {"admin": admin_user, "officer": unit_officer, "p3mi": p3mi_user}[role]
    client = Client()
    client.force_login(actor)
    pages = [url for url in BUDGETS if url not in FORBIDDEN.get(role, set())]
    grow(2)
    before = {}
    for url in pages:
        client.get(url)  # warm: session and per-process caches
        with django_assert_max_num_queries(BUDGETS[url]):
            before[url] = _queries(client, url)
    grow(4)
    after = {url: _queries(client, url) for url in pages}
    assert after == before


def test_dashboard_counts_do_not_read_placements_or_people(admin_user, grow):
    """The dashboard's figures come from the maintained counts: no query counts people,
    placements or transitions row by row."""
    grow(2)
    client = Client()
    client.force_login(admin_user)
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    counting = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    for sql in counting:
        assert "placements_placementtransition" not in sql
        assert not ("FROM \"registry_person\"" in sql and "registry_duplicatecandidate" not in sql), sql


def test_departures_of_last_year_are_not_this_years(admin_user, grow):
    grow(1)
    from lindungi.placements.models import PlacementTransition

    PlacementTransition.objects.filter(to_state=S.DEPARTED).update(at=dt.datetime(2020, 6, 1, tzinfo=dt.UTC))
    client = Client()
    client.force_login(admin_user)
    assert client.get("/").context["summary"]["placements"]["departed_this_year"] == 0
