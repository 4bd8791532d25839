"""Shared fixtures: one user per role, each with a scope, and a small geography.

Reference data (provinces, regencies, countries, occupations, units) is loaded by migration, so
every test database already holds it; fixtures here only pick rows from it.
"""

import pytest
from django.utils import translation

from lindungi.accounts.roles import Role

# Fixtures shared across test packages (an adapter's tests use its domain's fixtures).
pytest_plugins = [
    "lindungi.agencies.tests.fixtures",
    "lindungi.cases.tests.fixtures",
    "lindungi.exports.tests.fixtures",
    "lindungi.institutions.tests.fixtures",
    "lindungi.placements.tests.fixtures",
    "lindungi.departures.tests.fixtures",
    "lindungi.statistics.tests.fixtures",
    "lindungi.supervision.tests.fixtures",
]


@pytest.fixture(autouse=True)
def english_messages():
    """Service-level tests read messages in English; pages and the API pick their own language per
    request (Indonesian by default), which tests of those check explicitly."""
    with translation.override("en"):
        yield


def _reseed_reference_data() -> None:
    """Data migrations again: a transactional test empties every table when it ends."""
    import importlib

    from django.apps import apps

    from lindungi.reference.loading import load_all

    load_all(lambda name: apps.get_model("reference", name), villages=False)
    importlib.import_module("lindungi.placements.migrations.0002_seed_rules").seed(apps, None)
    importlib.import_module("lindungi.placements.migrations.0005_scheme_countries").seed(apps, None)
    importlib.import_module("lindungi.cases.seed").seed(apps, None)
    importlib.import_module("lindungi.statistics.migrations.0002_seed_indicators").seed(apps, None)
    importlib.import_module("lindungi.supervision.seed").seed(apps, None)
    from lindungi.agencies.sanction_seed import seed as seed_sanction_grounds

    seed_sanction_grounds(apps.get_model("agencies", "SanctionGround"), apps.get_model("agencies", "DepositRule"))


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        yield
        return
    request.getfixturevalue("transactional_db")
    from lindungi.reference.models import Province

    if not Province.objects.exists():
        _reseed_reference_data()
    yield


@pytest.fixture
def regency(db):
    from lindungi.reference.models import Regency

    return Regency.objects.get(code="3201")  # Kabupaten Bogor, Jawa Barat


@pytest.fixture
def other_regency(db):
    from lindungi.reference.models import Regency

    return Regency.objects.get(code="3501")  # Kabupaten Pacitan, Jawa Timur


@pytest.fixture
def unit_jabar(db):
    """A unit covering exactly Jawa Barat, built here so tests do not depend on seeded coverage."""
    from lindungi.reference.models import OrgUnit, Province, UnitCoverage

    unit = OrgUnit.objects.create(code="TEST-JABAR", name="BP3MI Test Jawa Barat", kind=OrgUnit.Kind.BP3MI)
    UnitCoverage.objects.create(unit=unit, province=Province.objects.get(code="32"))
    return unit


@pytest.fixture
def make_user(db):
    from lindungi.accounts.models import User

    def make(role=Role.ADMIN, username=None, **extra):
        username = username or f"{role}-{User.objects.count() + 1}"
        return User.objects.create_user(username=username, password="rahasia-123", role=role, **extra)

    return make


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.ADMIN, username="admin-t", is_staff=True, is_superuser=True)


@pytest.fixture
def analyst(make_user):
    return make_user(Role.ANALYST, username="analyst-t")


@pytest.fixture
def unit_officer(make_user, unit_jabar):
    return make_user(Role.UNIT_OFFICER, username="officer-t", unit=unit_jabar)


@pytest.fixture
def agency(db, regency):
    from lindungi.agencies.tests.factories import AgencyFactory

    return AgencyFactory(head_office_regency=regency)


@pytest.fixture
def other_agency(db, other_regency):
    from lindungi.agencies.tests.factories import AgencyFactory

    return AgencyFactory(head_office_regency=other_regency)


@pytest.fixture
def p3mi_user(make_user, agency):
    return make_user(Role.P3MI_STAFF, username="p3mi-t", agency=agency)


@pytest.fixture
def checkpoint_officer(make_user):
    return make_user(Role.CHECKPOINT, username="checkpoint-t")


@pytest.fixture
def partner_client(make_user):
    return make_user(Role.PARTNER_API, username="partner-t")


@pytest.fixture
def api_client_for():
    """A Django test client that sends a fresh bearer token for the given user."""
    from django.test import Client

    from lindungi.accounts.services import api_token_issue

    def make(user, language="en"):
        _, raw = api_token_issue(user=user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE=language)

    return make
