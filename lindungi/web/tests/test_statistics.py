"""The statistics dashboard and the public open-data page."""

import pytest
from django.test import Client
from django.urls import reverse

from lindungi.statistics.services import target_set
from lindungi.statistics.tests.fixtures import YEAR, at, reach

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_dashboard_shows_target_realisation_achievement_and_links_to_the_records(admin_user, hq, make_placement):
    placement = make_placement()
    reach(placement, "departed", at())
    target_set(actor=admin_user, indicator="PEN-BERANGKAT", year=YEAR, unit=hq.code, value=4, source_document="PK")
    response = signed_in(admin_user).get(f"/statistik/?year={YEAR}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-indicator="PEN-BERANGKAT"' in html and "25,0%" in html  # Indonesian decimal comma
    link = f'{reverse("web:placement-list")}?reached=departed&amp;reached_year={YEAR}'
    assert link in html
    records = signed_in(admin_user).get(f"/placements/?reached=departed&reached_year={YEAR}")
    assert records.status_code == 200 and records.context["page"].total == 1
    assert signed_in(admin_user).get(f"/placements/?reached=departed&reached_year={YEAR + 1}").context[
        "page"].total == 0


def test_unit_officer_sees_its_unit_and_not_another(unit_officer, unit_jatim):
    client = signed_in(unit_officer)
    response = client.get("/statistik/")
    assert response.status_code == 200 and "BP3MI Test Jawa Barat" in response.content.decode()
    assert client.get(f"/statistik/?unit={unit_jatim.code}").status_code == 400  # not among its choices


def test_p3mi_staff_get_403_and_visitors_sign_in(p3mi_user):
    assert signed_in(p3mi_user).get("/statistik/").status_code == 403
    assert Client().get("/statistik/").status_code == 302


def test_bad_year_is_a_400_with_a_message(analyst):
    assert signed_in(analyst).get("/statistik/?year=1800").status_code == 400


def test_public_page_shows_suppressed_regency_table_and_a_csv_link(make_placement, make_person):
    for _ in range(2):
        reach(make_placement(person=make_person()), "departed", at())
    response = Client().get(f"/statistik/publik/?year={YEAR}&by=regency")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<abbr" in html and f"/api/v1/public/statistics/placements?year={YEAR}&amp;by=regency&amp;format=csv" in html
    province = Client().get(f"/statistik/publik/?year={YEAR}")
    assert province.status_code == 200 and '<strong data-testid="total">2</strong>' in province.content.decode()
    assert Client().get("/statistik/publik/?by=religion").status_code == 400


def test_public_page_runs_a_fixed_number_of_queries(make_placement, make_person, django_assert_max_num_queries):
    reach(make_placement(), "departed", at())
    Client().get(f"/statistik/publik/?year={YEAR}&by=regency")
    with django_assert_max_num_queries(4):
        Client().get(f"/statistik/publik/?year={YEAR}&by=regency")
    for _ in range(3):
        reach(make_placement(person=make_person()), "departed", at())
    with django_assert_max_num_queries(4):
        Client().get(f"/statistik/publik/?year={YEAR}&by=regency")


def test_editions_are_listed_released_by_an_administrator_and_shown_to_anyone(admin_user, analyst, make_placement,
                                                                               make_person):
    reach(make_placement(), "departed", at(2025, 1, 5))
    admin = signed_in(admin_user)
    assert signed_in(analyst).post("/statistik/publikasi/terbitkan/", {"year": 2025, "month": 1}).status_code == 403
    response = admin.post("/statistik/publikasi/terbitkan/", {"year": 2025, "month": 1})
    assert response.status_code == 302 and response["Location"] == "/statistik/publikasi/1/"
    again = admin.post("/statistik/publikasi/terbitkan/", {"year": 2025, "month": 1})
    assert again.status_code == 422 and "reason" in again.context["form"].errors
    reach(make_placement(person=make_person()), "departed", at(2025, 1, 9))
    admin.post("/statistik/publikasi/terbitkan/", {"year": 2025, "month": 1, "reason": "Entri terlambat"})
    listing = Client().get("/statistik/publikasi/")
    assert listing.status_code == 200 and 'action="/statistik/publikasi/terbitkan/"' not in listing.content.decode()
    assert 'action="/statistik/publikasi/terbitkan/"' in admin.get("/statistik/publikasi/").content.decode()
    revised = Client().get("/statistik/publikasi/2/")
    html = revised.content.decode()
    assert revised.status_code == 200 and 'data-testid="changes"' in html and "Entri terlambat" in html
    assert Client().get("/statistik/publikasi/1/").context["tables"][0]["table"]["total"] == 1
    assert Client().get("/statistik/publikasi/99/").status_code == 404


def test_a_unit_figure_drills_down_to_that_unit_s_records(analyst, unit_jabar, make_placement, make_person,
                                                          other_regency):
    reach(make_placement(), "departed", at())
    reach(make_placement(person=make_person(regency_obj=other_regency)), "departed", at())
    client = signed_in(analyst)
    html = client.get(f"/statistik/?year={YEAR}&unit={unit_jabar.code}").content.decode()
    link = f'{reverse("web:placement-list")}?reached=departed&amp;reached_year={YEAR}&amp;unit={unit_jabar.code}'
    assert link in html
    listed = client.get(link.replace("&amp;", "&"))
    assert listed.status_code == 200 and listed.context["page"].total == 1
    assert client.get(f"/placements/?reached=departed&reached_year={YEAR}").context["page"].total == 2


def test_an_administrator_sets_targets_from_the_dashboard_with_errors_on_the_fields(admin_user, analyst, hq,
                                                                                      unit_jabar):
    client = signed_in(admin_user)
    page = client.get(f"/statistik/?year={YEAR}")
    assert 'data-testid="target-form"' in page.content.decode()
    assert 'data-testid="target-form"' not in signed_in(analyst).get("/statistik/").content.decode()
    form = {"target-indicator": "PEN-BERANGKAT", "target-year": YEAR, "target-month": 0, "target-unit": hq.code,
            "target-version": "planned", "target-value": 100, "target-source_document": "PK 2025"}
    saved = client.post("/statistik/target/", form)
    assert saved.status_code == 302 and saved["Location"] == f"/statistik/?year={YEAR}"
    over = client.post("/statistik/target/", {**form, "target-unit": unit_jabar.code, "target-value": 150})
    assert over.status_code == 422 and over.context["target_form"].errors["value"]
    blank = client.post("/statistik/target/", {**form, "target-source_document": ""})
    assert blank.status_code == 422 and "source_document" in blank.context["target_form"].errors
    assert signed_in(analyst).post("/statistik/target/", form).status_code == 403
    client.post("/statistik/target/", {**form, "target-unit": unit_jabar.code, "target-value": 40})
    html = client.get(f"/statistik/?year={YEAR}").content.decode()
    assert "PK 2025" in html and 'data-testid="split">40' in html
