"""Fixtures for the agencies tests (the project-wide ones live in /conftest.py)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def agency_values(today):
    """Valid keyword arguments for ``agency_create`` (plain values only)."""
    return {
        "legal_name": "PT Bina Tenaga Mandiri",
        "sip3mi_number": "KEP.123/PPTKIS/2025",
        "licence_issued_on": today - dt.timedelta(days=100),
        "licence_expires_on": today + dt.timedelta(days=5 * 365),
        "head_office_regency_code": "3201",
        "head_office_address": "Jl. Raya Cibinong No. 1",
        "paid_up_capital": 5_000_000_000,
        "deposit_bank": "Bank Negara Indonesia",
        "deposit_amount": 1_500_000_000,
        "deposit_holder": "Menteri P2MI q.q. PT Bina Tenaga Mandiri",
        "email": "info@bina.example.id",
    }


@pytest.fixture
def web_client_for():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def sanction_officer(make_user):
    """Administrators are the role that holds agency.sanction."""
    from lindungi.accounts.roles import Role

    return make_user(Role.ADMIN, username="sanction-t")


@pytest.fixture
def foreign_employer(admin_user):
    from lindungi.agencies.services import foreign_party_create

    return foreign_party_create(
        actor=admin_user, role="employer", legal_type="legal_entity", name="Sunrise Electronics Sdn Bhd",
        country_iso2="MY", address="Penang", registration_number="201901000123", via="test",
    )
