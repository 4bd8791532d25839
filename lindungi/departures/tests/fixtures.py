"""Fixtures for departures: a checkpoint post with an officer assigned to it, and a placement
walked to ``ready_to_depart`` with a complete checklist (placements' ``advance``)."""

import datetime as dt

import pytest
from django.utils import timezone

from lindungi.accounts.roles import Role
from lindungi.departures.models import CheckpointPost, PostAssignment
from lindungi.placements.states import PlacementState as S
from lindungi.placements.tests.fixtures import advance

TODAY = timezone.localdate()


@pytest.fixture
def post_soetta(db):
    return CheckpointPost.objects.create(code="TPI-CGK-T", name="Bandara Soekarno-Hatta (test)",
                                         kind=CheckpointPost.Kind.AIRPORT)


@pytest.fixture
def post_officer(make_user, post_soetta):
    """A checkpoint officer assigned to the Soekarno-Hatta post."""
    officer = make_user(Role.CHECKPOINT, username="tpi-officer-t")
    PostAssignment.objects.create(user=officer, post=post_soetta)
    return officer


@pytest.fixture
def ready_placement(make_placement, unit_officer, p3mi_user, post_officer):
    """A P to P placement to Taiwan, ready to depart, with every checklist item valid."""
    return advance(make_placement(), S.READY_TO_DEPART, officer=unit_officer, agency_actor=p3mi_user)


@pytest.fixture
def check_data():
    def make(placement=None, **overrides):
        data = {"identifier": placement.person.nik if placement is not None else "3201014107990001",
                "destination": "TW", "flight": "CI 762", "travel_date": TODAY.isoformat()}
        data.update(overrides)
        return data

    return make


def in_days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@pytest.fixture(autouse=True)
def _forget_posts():
    """Officers' posts are remembered per process; user ids are reused between tests."""
    from lindungi.departures import selectors

    selectors._posts.clear()
    yield
    selectors._posts.clear()
