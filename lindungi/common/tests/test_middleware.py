import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_page_with_null_character_in_query_is_a_400_not_a_500(admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.get("/persons/", {"q": "si\x00ti"})
    assert response.status_code == 400
    assert b"q:" in response.content


def test_api_with_null_character_in_query_is_json_422(admin_user, api_client_for):
    response = api_client_for(admin_user).get("/api/v1/persons", {"q": "a\x00"})
    assert response.status_code == 422 and response.json()["fields"] == {"q": ["Null characters are not allowed."]}


def test_form_post_with_null_character(admin_user):
    from lindungi.registry.models import Person

    client = Client()
    client.force_login(admin_user)
    # multipart forms: Django's form fields refuse NUL characters themselves
    assert client.post("/persons/new/", {"full_name": "Siti\x00"}).status_code == 422
    # urlencoded forms: refused by the middleware before the view
    response = client.post("/persons/new/", "full_name=Siti%00", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert not Person.objects.exists()
