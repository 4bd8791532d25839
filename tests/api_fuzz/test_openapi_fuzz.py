"""Property-based fuzzing of the whole JSON API from its own OpenAPI schema (schemathesis, in process).

Every operation is called with generated valid and invalid input as a central administrator; whatever
the input, the API must answer with a 4xx ``{code, message, fields}`` and never a server error.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from config.wsgi import application

MAX_EXAMPLES = int(os.environ.get("LINDUNGI_FUZZ_EXAMPLES", "12"))

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def bearer(db, admin_user):
    from lindungi.accounts.services import api_token_issue

    _, raw = api_token_issue(user=admin_user)
    return {"Authorization": f"Bearer {raw}", "Accept-Language": "en"}


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """The WSGI handler closes "old" connections around each request; inside the test's transaction
    that would roll it back. Django's test client disconnects the same signals."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_answers_with_a_server_error(case, bearer):
    case.call_and_validate(headers=bearer, checks=CHECKS)
