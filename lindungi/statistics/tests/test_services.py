"""Targets: every bad field at once, splits that may not exceed their parent, versions, audit."""

import pytest

from lindungi.audit.models import AuditEvent
from lindungi.common.errors import PermissionDenied, ValidationFailed
from lindungi.statistics import selectors
from lindungi.statistics.models import Indicator, Target
from lindungi.statistics.services import target_set
from lindungi.statistics.tests.fixtures import YEAR

pytestmark = pytest.mark.django_db
CODE = "PEN-BERANGKAT"


def put(actor, unit, value, **extra):
    return target_set(actor=actor, indicator=CODE, year=YEAR, unit=unit.code, value=value,
                      source_document=extra.pop("source_document", "PK 2025"), **extra)


def test_sets_and_corrects_a_target_with_an_audit_event(admin_user, hq):
    target = put(admin_user, hq, 1000)
    assert (target.value, target.version, target.month) == (1000, "planned", 0)
    put(admin_user, hq, 1200, reason="typo")
    assert Target.objects.get(pk=target.pk).value == 1200
    events = list(AuditEvent.objects.filter(action="target.set", object_id=target.pk).order_by("id"))
    assert events[0].changes["value"] == [None, 1000]
    assert events[1].changes["value"] == [1000, 1200] and events[1].reason == "typo"


def test_every_bad_field_is_reported_at_once(admin_user):
    with pytest.raises(ValidationFailed) as exc:
        target_set(actor=admin_user, indicator="NOPE", year=1900, month=13, unit="NOWHERE", version="political",
                   value=-1, source_document="")
    assert set(exc.value.fields) == {"indicator", "year", "month", "unit", "version", "value", "source_document"}
    assert Target.objects.count() == 0


def test_only_administrators_set_targets(analyst, unit_officer, hq):
    for actor in (analyst, unit_officer):
        with pytest.raises(PermissionDenied):
            put(actor, hq, 10)


def test_unit_targets_may_not_add_up_to_more_than_the_national_target(admin_user, hq, unit_jabar, unit_jatim):
    put(admin_user, hq, 100)
    put(admin_user, unit_jabar, 60)
    with pytest.raises(ValidationFailed) as exc:
        put(admin_user, unit_jatim, 41)
    assert "41" not in exc.value.fields["value"][0] and "101" in exc.value.fields["value"][0]
    put(admin_user, unit_jatim, 40)
    split = selectors.target_split(indicator=Indicator.objects.get(code=CODE), year=YEAR, unit=hq)
    assert (split["target"], split["allocated"], split["unallocated"], split["adds_up"]) == (100, 100, 0, True)


def test_a_national_target_may_not_fall_below_what_the_units_hold(admin_user, hq, unit_jabar):
    put(admin_user, unit_jabar, 60)  # a unit target before the national one: nothing to exceed yet
    with pytest.raises(ValidationFailed) as exc:
        put(admin_user, hq, 50)
    assert "60" in exc.value.fields["value"][0]
    put(admin_user, hq, 80)
    split = selectors.target_split(indicator=Indicator.objects.get(code=CODE), year=YEAR, unit=hq)
    assert split["adds_up"] is False and split["unallocated"] == 20


def test_a_revision_replaces_the_plan_in_splits_and_keeps_it_on_record(admin_user, hq, unit_jabar):
    put(admin_user, hq, 100)
    put(admin_user, unit_jabar, 90)
    with pytest.raises(ValidationFailed):
        put(admin_user, hq, 80, version="revised", source_document="PK revisi")
    put(admin_user, unit_jabar, 70, version="revised", source_document="PK revisi")
    put(admin_user, hq, 80, version="revised", source_document="PK revisi")
    effective = selectors.effective_targets(year=YEAR, unit_ids=[hq.pk, unit_jabar.pk])
    indicator = Indicator.objects.get(code=CODE)
    assert effective[(indicator.pk, hq.pk)].value == 80 and effective[(indicator.pk, unit_jabar.pk)].value == 70
    assert Target.objects.filter(version="planned").count() == 2


def test_monthly_targets_split_separately_from_yearly_ones(admin_user, hq, unit_jabar):
    put(admin_user, hq, 100)
    put(admin_user, hq, 5, month=1)
    with pytest.raises(ValidationFailed):
        put(admin_user, unit_jabar, 6, month=1)
    put(admin_user, unit_jabar, 90)
