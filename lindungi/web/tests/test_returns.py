import pytest
from django.test import Client
from django.urls import reverse

from lindungi.returns.models import Arrival

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_record_an_arrival_and_see_it_on_the_board(unit_officer):
    client = login(unit_officer)
    assert client.get(reverse("web:arrival-create")).status_code == 200
    bad = client.post(reverse("web:arrival-create"), {"kind": "sick", "arrived_at": "2026-01-01T10:00",
                                                      "entry_point_kind": "airport", "entry_point": "Juanda",
                                                      "full_name": "Sri"})
    assert bad.status_code == 422 and "hospital" in bad.context["form"].errors
    ok = client.post(reverse("web:arrival-create"), {"kind": "deported", "arrived_at": "2026-01-01T10:00",
                                                     "entry_point_kind": "seaport", "entry_point": "Tunon Taka",
                                                     "full_name": "Sri", "reasons": ["overstay"],
                                                     "splp_number": "SPLP/1"})
    assert ok.status_code == 302 and Arrival.objects.get().reasons == ["overstay"]
    board = client.get(reverse("web:arrival-board"), {"entry_point": "Tunon Taka"})
    assert board.status_code == 200 and 'data-kind="deported"' in board.content.decode()


def test_board_needs_the_permission(checkpoint_officer):
    assert login(checkpoint_officer).get(reverse("web:arrival-board")).status_code == 403
