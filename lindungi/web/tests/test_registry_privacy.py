"""The web search forms never put a NIK or passport number in an address, and lists and exports mask
NIKs for roles without ``person.view_full_nik``."""

from urllib.parse import urlparse

import pytest
from django.urls import reverse

from lindungi.registry.nik import mask
from lindungi.web.tests.test_registry_helpers import client_for, make_person, post_search

pytestmark = pytest.mark.django_db

LIST = reverse("web:person-list")


def test_search_form_posts_and_redirects_to_an_address_without_the_nik(admin_user):
    siti = make_person(admin_user, name="Siti Aminah")
    client = client_for(admin_user)
    response = client.post(LIST, {"q": siti.nik})
    assert response.status_code == 303
    location = response["Location"]
    assert siti.nik not in location and urlparse(location).query.startswith("search=")
    page = client.get(location)
    assert "Siti Aminah" in page.content.decode()
    # Export links carry the search key, not the NIK, and export the same list.
    assert f'{reverse("web:person-export-csv")}?search=' in page.content.decode()
    export = client.get(reverse("web:person-export-csv") + "?" + urlparse(location).query)
    assert siti.nik in b"".join(export.streaming_content).decode("utf-8-sig")


def test_a_search_key_means_nothing_in_another_session(admin_user, make_user):
    from lindungi.accounts.roles import Role

    siti = make_person(admin_user, name="Siti Aminah")
    location = client_for(admin_user).post(LIST, {"q": siti.nik})["Location"]
    other = client_for(make_user(Role.ADMIN, username="admin-2"))
    assert other.get(location).context["form"]["q"].value() in (None, "")  # an unfiltered list, not the search


def test_htmx_search_pushes_the_search_address(admin_user):
    siti = make_person(admin_user, name="Siti Aminah")
    response = post_search(client_for(admin_user), LIST, {"q": siti.nik}, HTTP_HX_REQUEST="true")
    assert "Siti Aminah" in response.content.decode() and "<html" not in response.content.decode()
    assert response["HX-Push-Url"].startswith(f"{LIST}?search=") and siti.nik not in response["HX-Push-Url"]


@pytest.mark.parametrize("query", [{"q": "3201016104950001"}, {"q": "C1234567"}, {"nik": "3201016104950001"}])
def test_identifier_typed_into_the_address_is_refused(admin_user, query):
    make_person(admin_user, name="Siti Aminah")
    response = client_for(admin_user).get(LIST, query)
    assert response.status_code == 400
    body = response.content.decode()
    assert "not accepted in the address" in body and "Siti Aminah" not in body


def test_placement_filter_refuses_a_nik_in_the_address(admin_user, make_placement):
    placement = make_placement()
    client = client_for(admin_user)
    assert client.get(reverse("web:placement-list"), {"nik": placement.person.nik}).status_code == 400
    found = post_search(client, reverse("web:placement-list"), {"q": placement.person.nik})
    assert found.context["page"].total == 1


def test_lists_and_exports_mask_nik_for_p3mi_staff(admin_user, p3mi_user, agency):
    siti = make_person(admin_user, name="Siti Aminah", agency=agency)
    client = client_for(p3mi_user)
    body = client.get(LIST, {"q": "siti"}).content.decode()
    assert mask(siti.nik) in body and siti.nik not in body
    export = b"".join(client.get(reverse("web:person-export-csv"), {"q": "siti"}).streaming_content)
    assert mask(siti.nik) in export.decode("utf-8-sig") and siti.nik not in export.decode("utf-8-sig")
    # Their own candidate's page shows the whole NIK.
    assert siti.nik in client.get(reverse("web:person-detail", args=[siti.public_id])).content.decode()


def test_unit_officers_see_whole_niks_in_lists(admin_user, unit_officer):
    siti = make_person(admin_user, name="Siti Aminah")
    assert siti.nik in client_for(unit_officer).get(LIST, {"q": "siti"}).content.decode()
