import datetime as dt

import pytest
from django.utils import timezone

from lindungi.accounts.roles import Role
from lindungi.audit.models import AuditEvent
from lindungi.cases.models import CaseEvent
from lindungi.common.errors import PermissionDenied, ValidationFailed
from lindungi.placements.models import PlacementTransition
from lindungi.placements.states import PlacementState as PS
from lindungi.placements.tests.fixtures import advance
from lindungi.returns import selectors, services
from lindungi.returns.models import Arrival

pytestmark = pytest.mark.django_db

NOW = (timezone.now() - dt.timedelta(hours=2)).isoformat()


def arrival(**extra):
    return {"kind": "contract_completed", "entry_point_kind": "airport", "entry_point": "Soekarno-Hatta T3",
            "arrived_at": NOW, **extra}


@pytest.fixture
def abroad(make_placement, unit_officer, checkpoint_officer):
    placement = make_placement()
    return advance(placement, PS.WORKING_ABROAD, officer=unit_officer, checkpoint=checkpoint_officer)


def test_sick_worker_arrival_moves_the_placement_and_shows_on_the_case(abroad, unit_officer, make_case):
    case = make_case(placement=str(abroad.public_id))
    record = services.arrival_record(actor=unit_officer, data=arrival(
        kind="sick", hospital="RS Polri Kramat Jati", hospital_referral_number="RJK/11", reasons=["illness"],
        placement=str(abroad.public_id), case=str(case.public_id), handover_to="hospital"))
    assert record.person == abroad.person and record.placement_moved_to == PS.REPATRIATED
    abroad.refresh_from_db()
    assert abroad.state == PS.REPATRIATED
    transition = PlacementTransition.objects.filter(placement=abroad).last()
    assert transition.to_state == PS.REPATRIATED and "Soekarno-Hatta T3" in transition.reason
    assert CaseEvent.objects.filter(case=case, action="arrival").exists()
    assert AuditEvent.objects.filter(action="arrival.create", object_id=record.pk).exists()
    assert selectors.arrivals_for_case(unit_officer, case) == [record]


@pytest.mark.parametrize(("kind", "state", "extra"), [
    ("contract_completed", PS.RETURNED, {}), ("deported", PS.DEPORTED, {"splp_number": "SPLP/KJRI-KK/1"}),
    ("remains", PS.DECEASED, {"cargo_airway_bill": "126-12345675", "cause_of_death": "sakit jantung"}),
])
def test_each_arrival_type_moves_the_placement_through_the_transition_service(abroad, unit_officer, kind, state,
                                                                              extra):
    services.arrival_record(actor=unit_officer, data=arrival(kind=kind, placement=str(abroad.public_id), **extra))
    abroad.refresh_from_db()
    assert abroad.state == state


def test_family_arrival_does_not_move_the_placement(abroad, unit_officer):
    services.arrival_record(actor=unit_officer, data=arrival(kind="family", full_name="Anak PMI",
                                                            placement=str(abroad.public_id)))
    abroad.refresh_from_db()
    assert abroad.state == PS.WORKING_ABROAD


def test_bad_input_names_every_field_and_writes_nothing(unit_officer):
    with pytest.raises(ValidationFailed) as exc:
        services.arrival_record(actor=unit_officer, data={
            "kind": "sick", "entry_point_kind": "moon", "arrived_at": "soon", "reasons": ["bored"],
            "shelter_from": "2026-01-05", "shelter_to": "2026-01-01"})
    assert {"entry_point_kind", "entry_point", "arrived_at", "reasons", "hospital", "shelter_to"} <= \
        set(exc.value.fields)
    with pytest.raises(ValidationFailed) as exc:
        services.arrival_record(actor=unit_officer, data=arrival(kind="remains", full_name="X"))
    assert set(exc.value.fields) == {"cargo_airway_bill"}
    assert not Arrival.objects.exists()


def test_an_out_of_scope_placement_is_a_field_error(unit_officer, make_user, abroad):
    from lindungi.reference.models import OrgUnit

    other = make_user(Role.UNIT_OFFICER, unit=OrgUnit.objects.get(code="BP3MI-JATIM"))
    with pytest.raises(ValidationFailed) as exc:
        services.arrival_record(actor=other, data=arrival(placement=str(abroad.public_id), full_name="x"))
    assert set(exc.value.fields) == {"placement"}


def test_scoping_and_permissions(unit_officer, make_user, analyst, p3mi_user, checkpoint_officer):
    from lindungi.reference.models import OrgUnit

    record = services.arrival_record(actor=unit_officer, data=arrival(kind="deported", full_name="Budi"))
    other = make_user(Role.UNIT_OFFICER, unit=OrgUnit.objects.get(code="BP3MI-JATIM"))
    assert [a.pk for a in selectors.arrival_list_for(unit_officer).items] == [record.pk]
    assert selectors.arrival_list_for(other).items == []
    assert [a.pk for a in selectors.arrival_list_for(analyst).items] == [record.pk]
    assert selectors.arrival_list_for(p3mi_user).items == []
    with pytest.raises(PermissionDenied):
        selectors.arrival_list_for(checkpoint_officer)
    with pytest.raises(PermissionDenied):
        services.arrival_record(actor=analyst, data=arrival(full_name="x"))
    board = selectors.arrival_list_for(unit_officer, entry_point="soekarno-hatta t3")
    assert board.total == 1
