"""Fixtures for supporting institutions: ``make_institution`` registers one through the service."""

import datetime as dt

import pytest
from django.utils import timezone

from lindungi.institutions import services

TODAY = timezone.localdate()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@pytest.fixture
def make_institution(admin_user):
    counter = iter(range(1, 10_000))

    def make(kind="medical_centre", *, name=None, regency="3201", valid_from=None, valid_until=None, actor=None):
        n = next(counter)
        return services.institution_create(actor=actor or admin_user, data={
            "name": name or f"Klinik Sehat {n}", "kind": kind, "registration_number": f"REG-{kind[:3]}-{n}",
            "regency": regency, "valid_from": valid_from or days(-400), "valid_until": valid_until,
            "accreditation_grade": "A", "accreditation_body": "KARS", "accreditation_number": f"KARS/{n}",
        }, via="test")

    return make
