"""``placement_bulk_create`` against ``placement_register_with_items`` row by row: for the same rows,
the same placements, checklist items, transition rows and audit events, and the same refusals
(the same exception class with the same fields)."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindungi.audit.models import AuditEvent
from lindungi.common.errors import DomainError
from lindungi.common.tests.parity import from_the_same_start
from lindungi.placements import services
from lindungi.placements.bulk import (
    CREATED,
    REFUSED,
    MigratedRow,
    PlacementBulk,
    PlacementRow,
    placement_bulk_create,
    placement_bulk_migrate,
)
from lindungi.placements.checklist import ChecklistKind as K
from lindungi.placements.models import ChecklistItem, Placement, PlacementTransition
from lindungi.placements.tests.fixtures import TODAY, years_ago

_IGNORED = {"id", "public_id", "created_at", "updated_at", "state_changed_at", "recorded_at", "at"}
_ACTIONS = ("placement.created", "placement.checklist_recorded", "placement.transition")


def _plain(row: dict, person_of: dict) -> tuple:
    if "placement_id" in row:
        row = dict(row, placement_id=person_of[row["placement_id"]])
    return tuple(sorted((k, str(v)) for k, v in row.items() if k not in _IGNORED))


def stored() -> dict:
    """What the writes left, each placement named by its person (one new placement per person)."""
    person_of = dict(Placement.objects.values_list("id", "person_id"))
    return {
        "placements": sorted(_plain(r, person_of) for r in Placement.objects.values()),
        "items": sorted(_plain(r, person_of) for r in ChecklistItem.objects.values()),
        "transitions": sorted(_plain(r, person_of) for r in PlacementTransition.objects.values()),
        "audit": sorted((a.action, person_of[a.object_id], a.actor_id, a.via, a.reason, str(a.changes))
                        for a in AuditEvent.objects.filter(action__in=_ACTIONS)),
    }


def refusal(exc: DomainError) -> tuple:
    return type(exc).__name__, exc.fields


def through_services(actor, rows):
    refused = {}
    for row in rows:
        try:
            services.placement_register_with_items(actor=actor, data=row.data, items=row.items, via="import")
        except DomainError as exc:
            refused[row.line] = refusal(exc)
    return stored(), refused


def through_bulk(actor, rows):
    results = placement_bulk_create(actor=actor, rows=rows, bulk=PlacementBulk(actor=actor, via="import"))
    return stored(), {r.line: refusal(r.error) for r in results if r.status == REFUSED}


def both_ways(actor, rows):
    return from_the_same_start(through_services, through_bulk, actor=actor, rows=rows)


def item(kind, **over):
    data = {"issued_on": TODAY - dt.timedelta(days=5), "reference_number": f"{kind}-1", "details": {}}
    if kind == K.PLACEMENT_AGREEMENT:
        data["details"] = {"witnessed_by": "Disnaker Kab. Bogor"}
    if kind == K.EMPLOYMENT_CONTRACT:
        data["details"] = {"verified_on": (TODAY - dt.timedelta(days=3)).isoformat()}
    if kind == K.PASSPORT:
        data = {"reference_number": ""}
    data.update(over)
    return kind, data


def contract(**data):
    return {"contract_start": TODAY + dt.timedelta(days=60), "contract_end": TODAY + dt.timedelta(days=790), **data}


def test_same_rows_audit_and_refusals(admin_user, make_person, make_job_order, make_placement):
    job_order, sip2mi = make_job_order()
    p2p = {"scheme": "p_to_p", "job_order": str(job_order.public_id), "sip2mi": str(sip2mi.public_id)}
    korea = {"scheme": "g_to_g_korea", "country": "KR", "occupation": "8160"}
    people = [make_person() for _ in range(8)]
    busy = make_person()
    make_placement(person=busy, **korea)
    old = make_person(birth_date=years_ago(60))

    def pid(person):
        return str(person.public_id)

    rows = [
        PlacementRow(2, contract(person=pid(people[0]), **p2p),
                     [item(K.MEDICAL_FITNESS), item(K.PASSPORT), item(K.PLACEMENT_AGREEMENT)]),
        PlacementRow(3, contract(person=pid(people[1]), **korea), [item(K.BPJS_MEMBERSHIP)]),
        PlacementRow(4, contract(person="not-an-id", **korea)),
        PlacementRow(5, contract(person=pid(people[2]), scheme="nope", country="KR", occupation="8160")),
        PlacementRow(6, contract(person=pid(busy), **korea)),                      # placement in progress
        PlacementRow(7, contract(person=pid(people[1]), **korea)),                 # repeats line 3's person
        PlacementRow(8, contract(person=pid(old), **korea)),                       # too old for the scheme
        PlacementRow(9, contract(person=pid(people[3]), **korea),
                     [item(K.MEDICAL_FITNESS), item(K.PLACEMENT_AGREEMENT, details={})]),
        PlacementRow(10, contract(person=pid(people[4]), **korea), [item(K.PASSPORT, reference_number="X9999999")]),
        PlacementRow(11, contract(person=pid(people[5]), **korea, contract_end=TODAY)),
        PlacementRow(12, contract(person=pid(people[6]), **korea), [("no_such_kind", {})]),
        PlacementRow(13, contract(person=pid(people[7]), **korea),
                     [item(K.MEDICAL_FITNESS, issued_on=TODAY + dt.timedelta(days=3), valid_until="x")]),
    ]
    (single, single_refused), (bulk, bulk_refused) = both_ways(admin_user, rows)
    assert bulk == single
    assert bulk_refused == single_refused
    assert set(bulk_refused) == {4, 5, 6, 7, 8, 9, 10, 11, 12, 13}
    assert bulk_refused[6][0] == "Conflict" and bulk_refused[8][0] == "TransitionRefused"
    assert "placement_agreement.details.witnessed_by" in bulk_refused[9][1]
    assert len(bulk["placements"]) == 2 + 1 and len(bulk["items"]) == 4
    assert sum(1 for a in bulk["audit"] if a[0] == "placement.checklist_recorded") == 4


def test_scope_of_a_company_and_a_unit(p3mi_user, unit_officer, make_person, make_job_order, other_regency, agency):
    job_order, sip2mi = make_job_order()
    outside = make_person(regency_obj=other_regency)
    own = make_person(agency=agency)
    rows = [PlacementRow(line, contract(person=str(p.public_id), scheme="p_to_p", job_order=str(job_order.public_id),
                                        sip2mi=str(sip2mi.public_id)), [item(K.MEDICAL_FITNESS)])
            for line, p in enumerate((outside, own, make_person()), start=2)]
    for actor in (p3mi_user, unit_officer):
        (single, single_refused), (bulk, bulk_refused) = both_ways(actor, rows)
        assert bulk == single and bulk_refused == single_refused
        assert set(single_refused) == ({2, 4} if actor == p3mi_user else {2})  # P3MI: its own people only


def test_one_query_budget_per_chunk_not_per_row(admin_user, make_person, make_job_order, django_assert_max_num_queries):
    job_order, sip2mi = make_job_order(quota=50, headcount=50)
    people = [make_person() for _ in range(30)]
    rows = [PlacementRow(i, contract(person=str(p.public_id), scheme="p_to_p", job_order=str(job_order.public_id),
                                     sip2mi=str(sip2mi.public_id)),
                         [item(K.MEDICAL_FITNESS), item(K.PASSPORT), item(K.BPJS_MEMBERSHIP)])
            for i, p in enumerate(people)]
    bulk = PlacementBulk(actor=admin_user)
    with django_assert_max_num_queries(26):
        results = placement_bulk_create(actor=admin_user, rows=rows, bulk=bulk)
    assert {r.status for r in results} == {CREATED}
    assert ChecklistItem.objects.count() == 90


_KOREA = {"scheme": "g_to_g_korea", "country": "KR", "occupation": "8160"}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_generated_rows_give_the_same_result_both_ways(admin_user, make_person, make_job_order, data):
    if not hasattr(make_person, "pool"):
        job_order, sip2mi = make_job_order()
        make_person.pool = {
            "people": [str(make_person(birth_date=years_ago(age), education=edu).public_id)
                       for age, edu in ((25, "sma"), (30, "sd"), (45, "smp"), (19, "s1"))] + ["bogus"],
            "p2p": {"scheme": "p_to_p", "job_order": str(job_order.public_id), "sip2mi": str(sip2mi.public_id)},
        }
    pool = make_person.pool
    kinds = st.sampled_from([K.MEDICAL_FITNESS, K.PASSPORT, K.PLACEMENT_AGREEMENT, K.EMPLOYMENT_CONTRACT,
                             K.BPJS_MEMBERSHIP, K.WORK_VISA])
    rows = []
    for line in range(2, 2 + data.draw(st.integers(1, 5))):
        base = data.draw(st.sampled_from([pool["p2p"], _KOREA, {"scheme": "ssw_japan", "country": "JP",
                                                                 "occupation": "5322"}]))
        fields = contract(person=data.draw(st.sampled_from(pool["people"])), **base)
        if data.draw(st.booleans()):
            fields["contract_end"] = data.draw(st.sampled_from([TODAY, "2020-13-01", None]))
        items = [item(kind, **data.draw(st.sampled_from([{}, {"details": {}}, {"issued_on": "bad"},
                                                          {"valid_until": TODAY - dt.timedelta(days=30)}])))
                 for kind in data.draw(st.lists(kinds, max_size=3))]
        rows.append(PlacementRow(line, fields, items))
    (single, single_refused), (bulk, bulk_refused) = both_ways(admin_user, rows)
    assert bulk == single
    assert bulk_refused == single_refused


def _migrated(line, person, state="returned", **over):
    from lindungi.placements.models import Scheme
    from lindungi.reference.models import Country, Occupation

    values = {"scheme": Scheme.objects.get(code="g_to_g_korea"), "agency": None, "job_order": None, "sip2mi": None,
              "employer": None, "country": Country.objects.get(iso2="KR"),
              "occupation": Occupation.objects.get(isco_code="8160"), "sector": "", "unit": None,
              "contract_start": years_ago(3), "contract_end": years_ago(1)}
    history = {"state": state, "state_date": years_ago(1), "departed_on": years_ago(3, days=5),
               "returned_on": years_ago(1, days=2)}
    items = [(K.MEDICAL_FITNESS, {"issued_on": years_ago(3, days=40), "valid_until": None,
                                  "reference_number": "MCU-1", "details": {}})]
    row = dict(line=line, person_id=person.pk, values=values, history=history, items=items,
               legacy_id=f"OLD-{line}", reason=f"migrated, line {line}")
    row.update(over)
    return MigratedRow(**row)


def test_migrate_keeps_state_dates_and_writes_timeline_and_audit(admin_user, make_person):
    from lindungi.registry.models import Person

    good, merged_away, young, other = make_person(), make_person(), make_person(birth_date=years_ago(20)), make_person()
    Person.objects.filter(pk=merged_away.pk).update(merged_into=good)
    other_passport = other.passports.get().number
    rows = [
        _migrated(2, good),
        _migrated(3, merged_away),
        _migrated(4, young),  # recorded state dated before the person's birth (below)
        _migrated(5, other, items=[(K.PASSPORT, {"issued_on": None, "valid_until": None,
                                                 "reference_number": good.passports.get().number, "details": {}})]),
        _migrated(6, other, items=[(K.PASSPORT, {"issued_on": None, "valid_until": None,
                                                 "reference_number": other_passport, "details": {}})],
                  legacy_id="OLD-6b"),
    ]
    rows[2].history["state_date"] = years_ago(25)
    results = placement_bulk_migrate(actor=admin_user, rows=rows)
    assert [r.status for r in results] == [CREATED, REFUSED, REFUSED, REFUSED, CREATED]
    assert set(results[1].error.fields) == {"person"} and set(results[2].error.fields) >= {"state_date"}
    assert set(results[3].error.fields) == {"passport.reference_number"}

    placement = Placement.objects.get(pk=results[0].placement_id)
    assert (placement.state, placement.migrated, placement.quota_held) == ("returned", True, False)
    assert placement.version == 3
    steps = list(placement.transitions.order_by("version").values_list("from_state", "to_state", "version", "via"))
    assert steps == [("registered", "departed", 2, "migration"), ("departed", "returned", 3, "migration")]
    events = AuditEvent.objects.filter(object_type="placement", object_id=placement.pk)
    assert sorted(e.action for e in events) == ["placement.checklist_recorded", "placement.created",
                                                "placement.transition", "placement.transition"]
    assert {e.reason for e in events} == {"migrated, line 2"}
    moves = {tuple(e.changes["state"]) for e in events if e.action == "placement.transition"}
    assert moves == {("registered", "departed"), ("departed", "returned")}
    item = placement.checklist_items.get()
    assert item.details == {"migrated": True, "result": "fit"} and item.valid_until is not None
    passport_item = ChecklistItem.objects.get(placement_id=results[4].placement_id)
    assert passport_item.reference_number == other_passport and passport_item.valid_until is not None
