"""Scope of the indicator table, achievement, and the public tables (suppressed below province)."""

from decimal import Decimal

import pytest

from lindungi.common.errors import NotFound, PermissionDenied, ValidationFailed
from lindungi.statistics import selectors
from lindungi.statistics.services import target_set
from lindungi.statistics.tests.fixtures import YEAR, at, reach

pytestmark = pytest.mark.django_db


def by_code(table):
    return {row.indicator.code: row for row in table["rows"]}


def test_achievement_is_realisation_over_target_in_percent():
    assert selectors.achievement(35945, 40586) == Decimal("88.6")
    assert selectors.achievement(5, 0) is None and selectors.achievement(5, None) is None


def test_national_roles_read_the_nation_and_any_unit(admin_user, analyst, hq, unit_jabar, make_placement,
                                                     make_person, other_regency):
    reach(make_placement(), "departed", at())
    reach(make_placement(person=make_person(regency_obj=other_regency)), "departed", at())
    target_set(actor=admin_user, indicator="PEN-BERANGKAT", year=YEAR, unit=hq.code, value=4,
               source_document="PK")
    national = by_code(selectors.realisation_for(analyst, year=YEAR))["PEN-BERANGKAT"]
    assert (national.target, national.realisation, national.achievement) == (4, 2, Decimal("50.0"))
    assert national.drill_down["query"] == {"reached": "departed", "reached_year": YEAR}
    west = selectors.realisation_for(analyst, year=YEAR, unit=unit_jabar.code)
    assert west["unit"] == unit_jabar and by_code(west)["PEN-BERANGKAT"].realisation == 1
    assert by_code(west)["PEN-BERANGKAT"].target is None  # the unit has no target of its own yet


def test_a_unit_officer_reads_its_own_unit_only(unit_officer, unit_jabar, unit_jatim, make_placement, make_person,
                                                other_regency):
    reach(make_placement(), "departed", at())
    reach(make_placement(person=make_person(regency_obj=other_regency)), "departed", at())
    own = selectors.realisation_for(unit_officer, year=YEAR)
    assert own["unit"] == unit_jabar and by_code(own)["PEN-BERANGKAT"].realisation == 1
    assert selectors.realisation_for(unit_officer, year=YEAR, unit=unit_jabar.code)["unit"] == unit_jabar
    with pytest.raises(NotFound):
        selectors.realisation_for(unit_officer, year=YEAR, unit=unit_jatim.code)
    assert selectors.units_for(unit_officer) == [unit_jabar]


def test_other_roles_may_not_read_statistics(p3mi_user, checkpoint_officer):
    for actor in (p3mi_user, checkpoint_officer):
        with pytest.raises(PermissionDenied):
            selectors.realisation_for(actor, year=YEAR)


def test_bad_year_is_refused(analyst):
    with pytest.raises(ValidationFailed) as exc:
        selectors.realisation_for(analyst, year="soon")
    assert set(exc.value.fields) == {"year"}


def test_public_breakdowns_above_province_level_are_not_suppressed(make_placement, make_person):
    for sex in ("F", "F", "M"):
        reach(make_placement(person=make_person(sex=sex)), "departed", at())
    table = selectors.public_placements(year=YEAR, by="sex")
    assert table["total"] == 3 and {i["code"]: i["value"] for i in table["items"]} == {"F": 2, "M": 1}
    province = selectors.public_placements(year=YEAR, by="province")
    assert [(i["code"], i["value"]) for i in province["items"]] == [("32", 3)]
    country = selectors.public_placements(year=YEAR, by="country")
    assert country["total"] == 3 and country["threshold"] is None


def test_public_regency_table_suppresses_small_cells_and_their_complements(make_placement, make_person):
    from lindungi.reference.models import Regency

    bogor, sukabumi = Regency.objects.get(code="3201"), Regency.objects.get(code="3202")
    for _ in range(3):
        reach(make_placement(person=make_person(regency_obj=bogor)), "departed", at())
    for _ in range(12):
        reach(make_placement(person=make_person(regency_obj=sukabumi, sex="M")), "departed", at())
    table = selectors.public_placements(year=YEAR, by="regency")
    rows = {i["code"]: i for i in table["items"]}
    assert rows["3201"]["female"] is None and rows["3201"]["value"] is None  # 3: primary
    assert rows["3202"]["male"] == 12 or rows["3202"]["male"] is None
    hidden = [(code, name) for code, row in rows.items() for name in ("female", "male", "value")
              if row[name] is None]
    assert len(hidden) >= 2  # never a lone blank beside a published total
    total = table["totals"][0]
    assert (total["code"], total["female"], total["male"], total["value"]) == ("32", 3, 12, 15)
    assert len(rows) == Regency.objects.filter(province__code="32", valid_to__isnull=True).count()
    csv = selectors.public_csv_rows(table)
    assert csv[0][:4] == ["province", "province_name", "regency", "regency_name"]
    assert ["32", total["label"], "", "TOTAL", 3, 12, 15] in csv


def test_public_table_refuses_an_unknown_breakdown():
    with pytest.raises(ValidationFailed) as exc:
        selectors.public_placements(year=YEAR, by="religion")
    assert set(exc.value.fields) == {"by"}


def test_the_table_shows_how_much_of_a_target_is_split_among_the_units(admin_user, analyst, hq, unit_jabar):
    target_set(actor=admin_user, indicator="KEPULANGAN", year=YEAR, unit=hq.code, value=100, source_document="PK")
    assert by_code(selectors.realisation_for(analyst, year=YEAR))["KEPULANGAN"].allocated is None
    target_set(actor=admin_user, indicator="KEPULANGAN", year=YEAR, unit=unit_jabar.code, value=60,
               source_document="PK")
    row = by_code(selectors.realisation_for(analyst, year=YEAR))["KEPULANGAN"]
    assert (row.target, row.allocated) == (100, 60)
