import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_out_of_scope_page_is_a_friendly_404_in_the_layout(p3mi_user):
    client = Client()
    client.force_login(p3mi_user)
    response = client.get("/persons/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'lang="id"' in body and "Lindungi" in body and "/logout/" in body


def test_forbidden_page_is_in_the_layout(analyst):
    client = Client()
    client.force_login(analyst)
    response = client.get("/persons/new/")
    assert response.status_code == 403
    assert "Lindungi" in response.content.decode()
