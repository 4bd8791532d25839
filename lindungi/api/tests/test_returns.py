import datetime as dt

import pytest
from django.utils import timezone

from lindungi.placements.states import PlacementState as PS
from lindungi.placements.tests.fixtures import advance

pytestmark = pytest.mark.django_db


def test_sick_arrival_through_the_api_moves_the_placement(api_client_for, unit_officer, make_placement,
                                                          checkpoint_officer, make_case):
    placement = advance(make_placement(), PS.WORKING_ABROAD, officer=unit_officer, checkpoint=checkpoint_officer)
    case = make_case(placement=str(placement.public_id))
    client = api_client_for(unit_officer)
    response = client.post("/api/v1/returns", content_type="application/json", data={
        "kind": "sick", "arrived_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "entry_point_kind": "airport", "entry_point": "Juanda", "hospital": "RSUD Dr. Soetomo",
        "placement": str(placement.public_id), "case": str(case.public_id)})
    assert response.status_code == 201, response.json()
    assert response.json()["placement_moved_to"] == "repatriated"
    board = client.get("/api/v1/returns", {"entry_point": "Juanda"}).json()
    assert board["total"] == 1
    detail = client.get(f"/api/v1/cases/{case.public_id}").json()
    assert "arrival" in [e["action"] for e in detail["timeline"]]


def test_bad_arrival_is_422(api_client_for, unit_officer):
    response = api_client_for(unit_officer).post("/api/v1/returns", content_type="application/json", data={
        "kind": "remains", "arrived_at": "2026-01-01T10:00:00+07:00", "entry_point_kind": "airport",
        "entry_point": "Kualanamu", "full_name": "Almarhumah"})
    assert response.status_code == 422 and "cargo_airway_bill" in response.json()["fields"]
