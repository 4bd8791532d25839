"""Fixtures for supervision: a Hong Kong domestic worker placed by ``agency``, a Taiwan factory
worker, and exchange rates."""

import datetime as dt
from decimal import Decimal

import pytest

from lindungi.supervision.models import ExchangeRate


@pytest.fixture
def rates(db):
    """HK$1 = Rp2,000 from 2023, Rp2,100 from 2025; NT$1 = Rp500 (figures for tests, not market data)."""
    return [
        ExchangeRate.objects.create(currency="HKD", rate_to_idr=Decimal("2000"), on=dt.date(2023, 1, 1),
                                    source="test"),
        ExchangeRate.objects.create(currency="HKD", rate_to_idr=Decimal("2100"), on=dt.date(2025, 1, 1),
                                    source="test"),
        ExchangeRate.objects.create(currency="TWD", rate_to_idr=Decimal("500"), on=dt.date(2012, 1, 1),
                                    source="test"),
    ]


@pytest.fixture
def hk_placement(make_person, make_job_order, make_placement, agency, regency):
    """A domestic housekeeper (ISCO 5152, a zero-cost occupation) for Hong Kong, placed by ``agency``."""
    person = make_person(agency=agency, regency_obj=regency)
    person.phone = "081234567890"
    person.save(update_fields=["phone"])
    job_order, permit = make_job_order(iso2="HK", occupation="5152", agency_obj=agency)
    return make_placement(person=person, job_order=job_order, sip2mi=permit)


@pytest.fixture
def tw_factory_placement(make_person, make_job_order, make_placement, agency, regency):
    """A Taiwan factory worker (ISCO 8211, outside the zero-cost group), placed by ``agency``."""
    person = make_person(agency=agency, regency_obj=regency)
    job_order, permit = make_job_order(iso2="TW", occupation="8211", agency_obj=agency)
    return make_placement(person=person, job_order=job_order, sip2mi=permit)


@pytest.fixture
def other_placement(make_person, make_job_order, make_placement, other_agency, other_regency):
    """A Hong Kong placement of another P3MI, for a worker from Jawa Timur (outside the Jawa Barat unit)."""
    person = make_person(agency=other_agency, regency_obj=other_regency)
    job_order, permit = make_job_order(iso2="HK", occupation="5152", agency_obj=other_agency)
    return make_placement(person=person, job_order=job_order, sip2mi=permit)
