"""Builders for the role × route matrix (no tests here): every route of the URL configuration, a
world with records in and out of each role's scope, and a request per route, role and scope."""

import datetime as dt
import json
import re
from functools import cache

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ("anonymous", "admin", "analyst", "unit_officer", "p3mi_staff", "checkpoint", "partner_api")
# Django's admin site has its own permission system (staff flags); only its entry page is in the matrix.
ADMIN_PREFIX = "admin/"
_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}" if namespace else pattern.name


def web_routes() -> dict[str, str]:
    """URL name -> route, for every page outside the API and the admin site (plus the admin's index)."""
    routes = {}
    for route, name in _walk(get_resolver().url_patterns):
        if route.startswith("api/"):
            continue
        if route.startswith(ADMIN_PREFIX) and name != "admin:index":
            continue
        routes[name] = route
    return routes


@cache
def openapi_schema() -> dict:
    from lindungi.api.urls import api

    return api.get_openapi_schema()


def api_operations() -> dict[str, tuple[str, str]]:
    """"METHOD /path" -> (method, path template) for every operation in the OpenAPI schema."""
    operations = {}
    for path, methods in openapi_schema()["paths"].items():
        for method in methods:
            operations[f"{method.upper()} {path}"] = (method.upper(), path)
    return operations


def fill(route: str, values: dict[str, str]) -> str:
    """A route (``persons/<uuid:public_id>/``) or API path (``/persons/{public_id}``) with its parameters
    replaced from ``values``; ``public_id`` is looked up by the route's first segment."""
    def value(name: str) -> str:
        return str(values[name])

    route = _PARAM.sub(lambda m: value(m.group("name")), route)
    return re.sub(r"\{(\w+)\}", lambda m: value(m.group(1)), route)


def client_for(world, role: str, *, api: bool) -> Client:
    user = world["users"].get(role)
    if user is None:
        return Client(raise_request_exception=False)
    if api:
        from lindungi.accounts.services import api_token_issue

        _, raw = api_token_issue(user=user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", raise_request_exception=False)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def send(client: Client, method: str, url: str, *, api: bool, body: dict | None = None) -> int:
    """One request inside a savepoint that is rolled back, so no request changes what the next sees."""
    from django.db import transaction

    with transaction.atomic():
        if method == "GET":
            status = client.get(url).status_code
        elif api:
            status = client.generic(method, url, data=json.dumps(body or {}),
                                    content_type="application/json").status_code
        else:
            status = client.post(url, {}).status_code
        transaction.set_rollback(True)
    return status


def sample_body(operation: dict, schema: dict) -> dict:
    """A JSON body of the right shape for an operation (every required field with a value of its type,
    the first of an enum), so the request passes type validation and reaches the permission check."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return {}

    def resolve(node):
        while "$ref" in node:
            node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
        return node

    def value(node):
        node = resolve(node)
        if "anyOf" in node:
            return value(next(n for n in node["anyOf"] if resolve(n).get("type") != "null"))
        if "enum" in node:
            return node["enum"][0] or node["enum"][-1]
        kind, fmt = node.get("type"), node.get("format")
        if kind == "object" and "properties" in node:
            return {name: value(prop) for name, prop in node["properties"].items() if name in node.get("required", [])}
        typed = {"integer": 1, "number": 1, "boolean": False, "array": [], "object": {}}
        if kind in typed:  # an empty list or False is a value of its type, not a missing one
            return typed[kind]
        return {"uuid": "00000000-0000-0000-0000-000000000000", "date": "2000-01-01",
                "date-time": "2000-01-01T00:00:00Z"}.get(fmt, "x")

    return value(content["schema"])


class Clients:
    """One signed-in client per role and adapter, made once (a token or a session each)."""

    def __init__(self, world):
        self.world, self.made = world, {}

    def get(self, role: str, *, api: bool) -> Client:
        key = (role, api)
        if key not in self.made:
            self.made[key] = client_for(self.world, role, api=api)
        return self.made[key]


def build_world(make_user, unit_jabar, agency, other_agency, make_person, make_job_order, make_placement,
                admin_user, regency, other_regency):
    """Records in the scope of the unit officer (Jawa Barat) and the P3MI staff (``agency``), and the
    same kinds out of it (Jawa Timur, ``other_agency``)."""
    from lindungi.accounts.roles import Role
    from lindungi.agencies import services as agency_services
    from lindungi.exports import services as export_services
    from lindungi.imports import services as import_services
    from lindungi.imports.tests.helpers import csv_bytes, mixed_rows, upload
    from lindungi.placements.tests.fixtures import record
    from lindungi.registry import services as registry_services
    from lindungi.registry.models import DuplicateCandidate

    users = {
        "admin": admin_user,
        "analyst": make_user(Role.ANALYST, username="m-analyst"),
        "unit_officer": make_user(Role.UNIT_OFFICER, username="m-unit", unit=unit_jabar),
        "p3mi_staff": make_user(Role.P3MI_STAFF, username="m-p3mi", agency=agency),
        "checkpoint": make_user(Role.CHECKPOINT, username="m-checkpoint"),
        "partner_api": make_user(Role.PARTNER_API, username="m-partner"),
    }
    person_in = make_person(agency=agency, regency_obj=regency, birth_date=dt.date(1996, 5, 1))
    person_out = make_person(agency=other_agency, regency_obj=other_regency, birth_date=dt.date(1991, 7, 9))
    candidates = {}
    for scope, person, region, company in (("in", person_in, regency, agency),
                                           ("out", person_out, other_regency, other_agency)):
        twin, _matches = registry_services.person_create(actor=admin_user, data={
            "nik": person.nik[:12] + "9999", "full_name": "Siti Aminah", "sex": person.sex,
            "birth_date": person.birth_date.isoformat(), "birth_place": person.birth_place,
            "address": person.address, "regency_code": region.code, "education": person.education,
            "marital_status": person.marital_status}, agency_public_id=str(company.public_id), via="test")
        pair = [person, twin]
        candidates[scope] = DuplicateCandidate.objects.get(person_a__in=pair, person_b__in=pair)
    contact_in = registry_services.contact_add(actor=admin_user, public_id=person_in.public_id, data={
        "name": "Ibu Sari", "relationship": "parent", "phone": "081234567890"}, via="test")
    job_in, permit_in = make_job_order(agency_obj=agency)
    job_out, permit_out = make_job_order(agency_obj=other_agency)
    placement_in = make_placement(person=person_in, job_order=job_in, sip2mi=permit_in)
    placement_out = make_placement(person=person_out, job_order=job_out, sip2mi=permit_out)
    item_in = record(admin_user, placement_in, "medical_fitness")
    branch_in = agency_services.branch_add(actor=admin_user, agency_public_id=agency.public_id,
                                           regency_code="3201", address="Jl. Raya 1", via="test")
    foreign = agency_services.foreign_party_create(
        actor=admin_user, role="employer", legal_type="legal_entity", name="Matrix Employer Sdn Bhd",
        country_iso2="MY", address="Penang", registration_number="M-1", via="test")
    from lindungi.institutions import services as institution_services

    institutions = {scope: institution_services.institution_create(actor=admin_user, data={
        "name": f"Klinik Matrix {scope}", "kind": "medical_centre", "registration_number": f"M-{scope}",
        "regency": region.code, "valid_from": "2024-01-01"}, via="test")
        for scope, region in (("in", regency), ("out", other_regency))}
    batch = import_services.import_batch_create(actor=admin_user, uploaded_file=upload(csv_bytes(mixed_rows())))
    export = export_services.export_request(actor=admin_user, filters={"q": "zzz"}, via="test")
    mapping = import_services.value_mapping_save(actor=admin_user, kind="country", source="Malaysia Barat",
                                                 target="MY", via="test")
    from lindungi.statistics.publication import edition_release

    edition = edition_release(actor=admin_user, year=2025, month=1)
    common = {"number": edition.number, "contact_id": contact_in.pk, "branch_id": branch_in.pk, "item_id": item_in.pk,
              "token_id": 999999, "fmt": "csv", "mapping_id": mapping.pk,
              "public_id_imports": batch.public_id, "public_id_exports": export.public_id,
              "public_id_foreign-parties": foreign.public_id}
    scopes = {
        "in": {**common, "persons": person_in, "agencies": agency, "placements": placement_in, "job-orders": job_in,
               "institutions": institutions["in"],
               "permit_id": permit_in.public_id, "candidate_id": candidates["in"].pk},
        "out": {**common, "persons": person_out, "agencies": other_agency, "placements": placement_out,
                "institutions": institutions["out"],
                "job-orders": job_out, "permit_id": permit_out.public_id, "candidate_id": candidates["out"].pk},
    }
    world = {"users": users, "scopes": scopes}
    _cases_departures_returns(
        world, make_user=make_user, make_person=make_person, make_placement=make_placement, admin_user=admin_user,
        agency=agency, other_agency=other_agency, regency=regency, other_regency=other_regency,
        jobs={"in": (job_in, permit_in), "out": (job_out, permit_out)},
        placements={"in": placement_in, "out": placement_out}, persons={"in": person_in, "out": person_out})
    _supervision(world, admin_user=admin_user, placements={"in": placement_in, "out": placement_out})
    return world


def _supervision(world, *, admin_user, placements):
    """A cost entry over the rule (so with an overcharging flag) for the placement in and out of scope."""
    from lindungi.supervision import services as supervision_services

    for scope, placement in placements.items():
        entry = supervision_services.cost_entry_record(actor=admin_user, person_public_id=placement.person.public_id,
                                                       data={"component": "placement_fee", "amount": "5000000",
                                                             "paid_to_kind": "p3mi", "paid_on": "2025-01-10",
                                                             "financing": "cash", "source": "verification"})
        world["scopes"][scope].update({"costs": entry, "overcharge-flags": entry.flag})


def _cases_departures_returns(world, *, make_user, make_person, make_placement, admin_user, agency, other_agency,
                              regency, other_regency, jobs, placements, persons):
    """Records of the domains added after the registry and placements, each in and out of scope: cases
    (with a clarification round addressed to the company, so the P3MI sees its own), arrivals,
    placements ready to depart with their departure credentials, departure checks and interceptions
    (``in`` at the checkpoint officer's own post, ``out`` at another), watch-list entries and accounts
    with an API token each."""
    from lindungi.accounts.roles import Role
    from lindungi.accounts.services import api_token_issue
    from lindungi.cases import services as case_services
    from lindungi.cases.states import CaseState
    from lindungi.cases.tests.fixtures import COMPLAINT, walk
    from lindungi.departures import services as departure_services
    from lindungi.placements.states import PlacementState
    from lindungi.placements.tests.fixtures import advance
    from lindungi.reference.models import OrgUnit, Province, UnitCoverage
    from lindungi.returns import services as return_services

    users, scopes = world["users"], world["scopes"]
    unit_jatim = OrgUnit.objects.create(code="M-JATIM", name="BP3MI Matrix Jawa Timur", kind=OrgUnit.Kind.BP3MI)
    UnitCoverage.objects.create(unit=unit_jatim, province=Province.objects.get(code="35"))
    companies = {"in": agency, "out": other_agency}

    # Cases: the unit officer's own (in), another unit's (out); each waits for its company's answer.
    case_in = case_services.case_create(actor=users["unit_officer"], data={**COMPLAINT, "channel": "walk_in"}).case
    case_out = case_services.case_create(actor=admin_user, data={
        **COMPLAINT, "channel": "hotline", "regency": other_regency.code, "unit": unit_jatim.code}).case
    case_in = walk(case_in, CaseState.CLARIFICATION, officer=users["unit_officer"], agency=agency)
    case_out = walk(case_out, CaseState.CLARIFICATION, officer=admin_user, agency=other_agency)

    # Arrivals received by each unit, of a placement of each company (not abroad: nothing moves).
    arrival = {"kind": "contract_completed", "entry_point_kind": "airport", "entry_point": "Soekarno-Hatta T3",
               "arrived_at": (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).isoformat()}
    arrival_in = return_services.arrival_record(actor=users["unit_officer"], data={
        **arrival, "placement": str(placements["in"].public_id)})
    arrival_out = return_services.arrival_record(actor=admin_user, data={
        **arrival, "unit": unit_jatim.code, "placement": str(placements["out"].public_id)})

    # Checkpoint posts: the officer's own, and another.
    post_in = departure_services.checkpoint_post_ensure(actor=admin_user, code="M-TPI-IN", name="Matrix post",
                                                        kind="airport")
    post_out = departure_services.checkpoint_post_ensure(actor=admin_user, code="M-TPI-OUT", name="Other post",
                                                         kind="seaport")
    departure_services.post_assign(actor=admin_user, username=users["checkpoint"].username, post_code=post_in.code)

    for scope, region, post, recorder in (("in", regency, post_in, users["checkpoint"]),
                                          ("out", other_regency, post_out, admin_user)):
        job_order, permit = jobs[scope]
        ready = advance(make_placement(person=make_person(agency=companies[scope], regency_obj=region),
                                       job_order=job_order, sip2mi=permit),
                        PlacementState.READY_TO_DEPART, officer=admin_user)
        check, _created = departure_services.departure_check_record(actor=recorder, data={
            "identifier": ready.person.nik, "destination": ready.country.iso2, "flight": "CI 762",
            "travel_date": dt.date.today().isoformat(), "post": post.code})
        interception = departure_services.interception_record(actor=recorder, data={
            "travellers": [{"full_name": persons[scope].full_name, "nik": persons[scope].nik}],
            "destination": "MY", "declared_purpose": "tourism", "outcome": "postponed", "post": post.code})[0]
        entry = departure_services.watchlist_add(actor=recorder, data={
            "kind": "recruiter", "full_name": f"Calo {scope}", "nik": f"35010101019{'0' if scope == 'in' else '1'}0001",
            "reason": "Sponsor of repeat non-procedural departures",
            "valid_until": (dt.date.today() + dt.timedelta(days=365)).isoformat()})
        account = make_user(Role.P3MI_STAFF, username=f"m-account-{scope}", agency=companies[scope])
        token, _raw = api_token_issue(user=account, via="test")
        scopes[scope].update({
            "cases": case_in if scope == "in" else case_out, "returns": arrival_in if scope == "in" else arrival_out,
            "departure-checks": check, "checks": check, "interceptions": interception, "watchlist": entry,
            "placements_ready": ready, "user_id": account.pk, "account_token_id": token.pk,
        })
    for scope in scopes.values():
        scope["tracking_code"] = case_in.tracking_code

    # Sanctions and deposit drawdowns: against the P3MI staff's company (in) and another (out).
    from lindungi.agencies import services as agency_services

    for scope, company in companies.items():
        scopes[scope]["sanctions"] = agency_services.sanction_open(
            actor=admin_user, agency_public_id=company.public_id, ground_code="p9_no_opp", source_kind="case",
            source_reference=f"PGD/{scope}", summary="Matrix finding")
        scopes[scope]["drawdown_id"] = agency_services.drawdown_request(
            actor=admin_user, agency_public_id=company.public_id, proposed_by="dg", case_references=["PGD/1"],
            amount_requested="1000", reason="Matrix drawdown").public_id


FAMILIES = ("persons", "agencies", "placements", "job-orders", "imports", "exports", "foreign-parties", "cases",
            "returns", "departure-checks", "checks", "interceptions", "watchlist", "costs", "overcharge-flags",
            "institutions", "sanctions")


def values_for(world, scope: str, route: str) -> dict:
    """The parameter values of ``route`` in ``scope``: its ``public_id`` is the record named by the
    segment before it (``persons/<uuid:public_id>/`` a person, ``permits/{public_id}`` a permit; a
    placement's ``credential`` a placement ready to depart, which has one). An account's tokens are
    the account's own (``token_id`` elsewhere names no token)."""
    values = dict(world["scopes"][scope])
    segments = route.replace("api/v1/", "").strip("/").split("/")
    owner = next((segments[i - 1] for i, s in enumerate(segments) if "public_id" in s and i > 0), "")
    if owner == "permits":
        values["public_id"] = values["permit_id"]
    elif owner in ("imports", "exports", "foreign-parties"):
        values["public_id"] = values[f"public_id_{owner}"]
    elif owner == "placements" and "credential" in segments:
        values["public_id"] = values["placements_ready"].public_id
    elif owner:
        values["public_id"] = values[owner].public_id
    if segments[0] == "accounts":
        values["token_id"] = values["account_token_id"]
    return values
