"""The API contract: 401 with a challenge for a missing or bad token (never a CSRF 403), unknown query
parameters refused, every bad field of a body reported at once, and coded fields declared as enums."""

import json

import pytest
from django.test import Client

from lindungi.registry.tests.factories import person_data

pytestmark = pytest.mark.django_db


def post_json(client, url, body, method="post"):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


# --- authentication ---------------------------------------------------------------------------------

@pytest.mark.parametrize("method, url", [
    ("get", "/api/v1/persons"), ("post", "/api/v1/persons"), ("post", "/api/v1/persons/lookup"),
    ("patch", "/api/v1/persons/00000000-0000-0000-0000-000000000000"), ("post", "/api/v1/exports"),
])
def test_missing_token_is_401_with_a_bearer_challenge(method, url):
    response = post_json(Client(), url, {"nik": "3201016104950001"}, method=method)
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == 'Bearer realm="lindungi"'
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("method", ["get", "post"])
def test_bad_token_is_401_invalid_token(method):
    client = Client(HTTP_AUTHORIZATION="Bearer lnd_not-a-real-token")
    response = post_json(client, "/api/v1/persons", person_data(), method=method)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="lindungi", error="invalid_token"'
    assert response.json()["code"] == "invalid_token"


def test_signed_in_browser_session_still_needs_csrf_for_writes(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert client.get("/api/v1/persons").status_code == 200
    response = post_json(client, "/api/v1/persons", person_data())
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"


# --- query parameters -------------------------------------------------------------------------------

@pytest.mark.parametrize("url, unknown", [
    ("/api/v1/placements?sex=F", ["sex"]),
    ("/api/v1/placements?sector=informal&state=registered", ["sector"]),
    ("/api/v1/persons?q=siti&colour=red&size=2", ["colour", "size"]),
    ("/api/v1/reference/countries?q=tw", ["q"]),
    ("/api/v1/public/agencies?q=bahari&format=xml", ["format"]),
])
def test_unknown_query_parameters_are_422_naming_them(admin_user, api_client_for, url, unknown):
    response = api_client_for(admin_user).get(url)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error" and sorted(body["fields"]) == unknown
    assert "Unknown parameter" in body["fields"][unknown[0]][0]


def test_declared_parameters_pass(admin_user, api_client_for):
    client = api_client_for(admin_user)
    assert client.get("/api/v1/placements?state=registered&page=1&page_size=10").status_code == 200
    assert client.get("/api/v1/persons?q=siti&sex=F&province=32").status_code == 200


# --- every bad field at once -----------------------------------------------------------------------

def test_type_and_value_errors_are_reported_together(admin_user, api_client_for):
    body = person_data(nik="123", sex="X", marital_status="complicated")
    body["birth_date"] = 19950421        # a number where text belongs: a type error
    body["full_name"] = ["Siti"]          # another
    response = post_json(api_client_for(admin_user), "/api/v1/persons", body)
    assert response.status_code == 422
    fields = response.json()["fields"]
    assert {"birth_date", "full_name", "nik", "sex", "marital_status"} <= set(fields), fields
    assert "This field is required." not in fields["birth_date"]  # the type error, not a missing field


def test_patch_reports_type_and_value_errors_together(admin_user, api_client_for):
    from lindungi.registry.tests.factories import make_person

    person = make_person(admin_user)
    response = post_json(api_client_for(admin_user), f"/api/v1/persons/{person.public_id}",
                         {"phone": 812345, "sex": "X", "education": "phd"}, method="patch")
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"phone", "sex", "education"}


# --- enums ------------------------------------------------------------------------------------------

def schema_property(schema, name, prop):
    node = schema["components"]["schemas"][name]["properties"][prop]
    return next((option for option in node.get("anyOf", [node]) if "enum" in option), node)


@pytest.mark.parametrize("component, prop, must_hold", [
    ("PersonIn", "sex", {"M", "F"}), ("PersonIn", "education", {"none", "sd", "s3"}),
    ("PersonIn", "marital_status", {"single", "widowed"}), ("PersonIn", "religion", {"islam"}),
    ("PersonPatch", "sex", {"M", "F"}), ("ContactIn", "relationship", {"spouse", "other"}),
    ("PersonSummaryOut", "sex", {"M", "F"}), ("PersonOut", "education", {"sma"}),
    ("PlacementIn", "scheme", {"p_to_p", "g_to_g_korea"}), ("PlacementIn", "sector", {"formal", "informal"}),
    ("PlacementOut", "state", {"registered", "departed"}), ("PlacementOut", "scheme", {"p_to_p"}),
    ("TransitionIn", "to_state", {"departed"}), ("ChecklistItemIn", "kind", {"medical_fitness", "passport"}),
    ("ChecklistStatusOut", "status", {"ok", "expired"}), ("ExportIn", "format", {"csv", "xlsx"}),
    ("JobOrderOut", "status", {"verified"}), ("AgencyListItemOut", "status", {"active"}),
])
def test_coded_fields_are_enums_in_the_openapi_schema(client, component, prop, must_hold):
    schema = client.get("/api/v1/openapi.json").json()
    assert must_hold <= set(schema_property(schema, component, prop)["enum"])


def test_query_filters_are_enums_too(client):
    schema = client.get("/api/v1/openapi.json").json()
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/placements"]["get"]["parameters"]}
    assert {"", "registered"} <= set(params["state"]["enum"]) and "p_to_p" in params["scheme"]["enum"]


def test_scheme_enum_matches_the_scheme_table():
    from lindungi.api.routers.placements import SCHEME_CODES
    from lindungi.placements.selectors import scheme_list

    assert sorted(SCHEME_CODES) == sorted(s.code for s in scheme_list())


# --- schema components ------------------------------------------------------------------------------

def test_every_schema_class_has_its_own_component_name():
    """The OpenAPI document names each body and answer after its class; two classes of one name
    collide and the document shows one shape for both (the job-order verification body was published
    as the credential check's ``{token}``, the licence revocation without its decree)."""
    import importlib
    import inspect
    import pkgutil
    from collections import defaultdict

    from pydantic import BaseModel

    import lindungi.api.routers as routers

    modules = [importlib.import_module("lindungi.api.schemas")] + [
        importlib.import_module(f"lindungi.api.routers.{m.name}") for m in pkgutil.iter_modules(routers.__path__)]
    by_name = defaultdict(set)
    for module in modules:
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, BaseModel) and obj.__module__ == module.__name__:
                by_name[obj.__name__].add(obj.__module__)
    assert {name: sorted(found) for name, found in by_name.items() if len(found) > 1} == {}


@pytest.mark.parametrize("path, method, required", [
    ("/api/v1/job-orders/{public_id}/verify", "post", {"verified_on", "verification_reference"}),
    ("/api/v1/agencies/{public_id}/revoke", "post", {"decree_number", "reason"}),
    ("/api/v1/job-orders/permits/{public_id}/revoke", "post", {"reason"}),
    ("/api/v1/credentials/verify", "post", {"token"}),
])
def test_request_bodies_are_published_with_their_own_fields(client, path, method, required):
    schema = client.get("/api/v1/openapi.json").json()
    ref = schema["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert set(schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["required"]) == required
