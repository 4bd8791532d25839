"""Shared builders for the registry web tests (no tests here)."""

from datetime import date

from django.conf import settings
from django.test import Client

from lindungi.registry import services
from lindungi.registry.nik import nik_for


def person_data(*, name="Siti Aminah", regency_code="3201", birth=date(1995, 4, 21), sex="F", seq=1, **extra):
    return {
        "nik": nik_for(regency_code=regency_code, district="01", birth_date=birth, sex=sex, sequence=seq),
        "full_name": name, "sex": sex, "birth_date": birth.isoformat(), "birth_place": "Bogor",
        "address": "Jl. Raya Pajajaran No. 1", "regency_code": regency_code, "education": "sma",
        "marital_status": "single", **extra,
    }


def make_person(actor, *, agency=None, passport=None, **kw):
    person, _matches = services.person_create(
        actor=actor, data=person_data(**kw), passport=passport,
        agency_public_id=str(agency.public_id) if agency else None, via="web",
    )
    return person


def client_for(user, language="en") -> Client:
    """A logged-in client; English by default so assertions can read labels."""
    client = Client()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client



def post_search(client, url, data, **extra):
    """Submit a list's search form as the browser does (POST, then follow the 303 to ``?search=``)."""
    return client.post(url, data, follow=True, **extra)
