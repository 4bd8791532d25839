"""Placement figures on the dashboard, through the scoped selectors."""

# ruff: noqa: F811 - the placement fixtures are imported into this module and used as arguments

import pytest
from django.test import Client
from django.urls import reverse

from lindungi.accounts.roles import Role
from lindungi.placements.states import PlacementState as S
from lindungi.placements.tests.fixtures import (
    advance,
)

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def stage_counts(response) -> dict:
    return {s["key"]: s["count"] for s in response.context["summary"]["placements"]["stages"]}


def test_dashboard_shows_pipeline_and_departures_in_scope(admin_user, p3mi_user, other_agency, make_user,
                                                          make_placement, make_job_order):
    make_placement()
    advance(make_placement(), S.VERIFIED, officer=admin_user)
    advance(make_placement(), S.WORKING_ABROAD, officer=admin_user)
    job_order, sip2mi = make_job_order(agency_obj=other_agency)
    advance(make_placement(job_order=job_order, sip2mi=sip2mi), S.DEPARTED, officer=admin_user)

    response = login(admin_user).get(reverse("web:dashboard"))
    assert response.status_code == 200
    figures = response.context["summary"]["placements"]
    assert figures["total"] == 4 and figures["in_preparation"] == 2 and figures["abroad"] == 2
    assert figures["departed_this_year"] == 2
    counts = stage_counts(response)
    assert counts["registered"] == 1 and counts["verified"] == 1 and counts["abroad"] == 2
    html = response.content.decode()
    assert f'{reverse("web:placement-list")}?state=verified' in html
    assert 'data-testid="departed-this-year">2<' in html

    own = login(p3mi_user).get(reverse("web:dashboard")).context["summary"]["placements"]
    assert own["total"] == 3 and own["departed_this_year"] == 1  # not the other company's

    checkpoint = login(make_user(Role.CHECKPOINT, username="cp-dash")).get(reverse("web:dashboard"))
    assert checkpoint.status_code == 200 and checkpoint.context["summary"]["placements"] is None
    assert 'data-testid="dashboard-placements"' not in checkpoint.content.decode()


def test_p3mi_staff_see_their_own_company_not_register_counts(p3mi_user, agency):
    from django.test import Client

    client = Client()
    client.force_login(p3mi_user)
    html = client.get("/").content.decode()
    card = html[html.index('data-testid="own-company"'):]
    card = card[:card.index("</article>")]
    assert agency.legal_name in card and agency.sip3mi_number in card and "badge-ok" in card
    assert "P3MI not in good standing" not in html and "P3MI yang tidak dalam keadaan baik" not in html
