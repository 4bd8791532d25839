"""Monthly editions: numbered, frozen against late data entry, revised with a reason and a list of
what changed; every table's total agrees with the others."""

import pytest

from lindungi.audit.models import AuditEvent
from lindungi.common.errors import NotFound, PermissionDenied, ValidationFailed
from lindungi.statistics import publication
from lindungi.statistics.models import Edition
from lindungi.statistics.tests.fixtures import at, reach

pytestmark = pytest.mark.django_db


@pytest.fixture
def departures(make_placement, make_person, other_regency):
    reach(make_placement(), "departed", at(2025, 1, 10))
    reach(make_placement(person=make_person(sex="M")), "departed", at(2025, 2, 3))
    reach(make_placement(person=make_person(regency_obj=other_regency)), "departed", at(2025, 3, 1))  # after Feb


def test_an_edition_is_numbered_and_its_tables_agree(admin_user, departures):
    edition = publication.edition_release(actor=admin_user, year=2025, month=2)
    assert (edition.number, edition.revises) == (1, None)
    totals = {name: table["total"] for name, table in edition.tables.items()}
    assert set(totals) == set(publication.TABLES) and set(totals.values()) == {2}
    months = {i["code"]: i["value"] for i in edition.tables["month"]["items"]}
    assert months == {"01": 1, "02": 1}
    regency = edition.tables["regency"]
    assert regency["threshold"] == 10 and all(i["value"] is None for i in regency["items"] if i["code"] == "3201")
    assert edition.definitions[0]["code"] == "PEN-BERANGKAT"
    assert AuditEvent.objects.filter(action="edition.release", object_id=edition.pk).exists()


def test_late_data_entry_leaves_an_edition_as_released_and_a_revision_shows_it(admin_user, departures,
                                                                               make_placement, make_person):
    first = publication.edition_release(actor=admin_user, year=2025, month=2)
    frozen = dict(first.tables)
    reach(make_placement(person=make_person(sex="M")), "departed", at(2025, 2, 20))  # entered late
    assert Edition.objects.get(pk=first.pk).tables == frozen
    with pytest.raises(ValidationFailed) as exc:
        publication.edition_release(actor=admin_user, year=2025, month=2)
    assert set(exc.value.fields) == {"reason"}
    revised = publication.edition_release(actor=admin_user, year=2025, month=2, reason="Data keberangkatan terlambat")
    assert (revised.number, revised.revises_id) == (2, first.pk)
    changes = publication.edition_changes(revised)
    assert {"table": "sex", "code": "M", "label": "M", "field": "value", "before": 1, "after": 2} in changes
    assert {"table": "month", "code": "", "label": "TOTAL", "field": "value", "before": 2, "after": 3} in changes
    assert publication.edition_changes(first) == []


def test_refuses_a_month_not_over_and_other_roles(admin_user, analyst):
    with pytest.raises(ValidationFailed) as exc:
        publication.edition_release(actor=admin_user, year=2100, month=12)
    assert set(exc.value.fields) == {"month"}
    with pytest.raises(PermissionDenied):
        publication.edition_release(actor=analyst, year=2025, month=1)
    with pytest.raises(NotFound):
        publication.edition_get("9")
