import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_language_switch_to_english(admin_user):
    client = Client()
    client.force_login(admin_user)
    body = client.get(reverse("web:person-list")).content.decode()
    assert '<html lang="id"' in body  # Bahasa Indonesia is the default
    resp = client.post("/i18n/setlang/", {"language": "en", "next": reverse("web:person-list")})
    assert resp.status_code == 302
    body = client.get(reverse("web:person-list")).content.decode()
    assert '<html lang="en"' in body
    assert "People (CPMI/PMI)" in body and "Register a person" in body
    body = client.get(reverse("web:person-create")).content.decode()
    assert "Check for duplicates" in body and "Date of birth" in body
