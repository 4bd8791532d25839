"""Rule resolution: the pure table (``rules``) and every seeded rule as the database resolves it."""

import datetime as dt
from decimal import Decimal

import pytest

from lindungi.supervision import rules, seed, selectors

D = dt.date
DAY = dt.date(2024, 3, 1)


def facts(component, *, country="HK", occupation="5152", zero_cost=True, scheme="p_to_p", on=DAY):
    return rules.CostFacts(component=component, country=country, occupation=occupation, zero_cost=zero_cost,
                           scheme=scheme, paid_on=on)


def rule(id, **kw):
    base = {"component": "passport", "country": None, "occupation": None, "occupation_group": "", "scheme": None,
            "payer": "worker", "max_worker_amount": Decimal(100), "currency": "IDR", "valid_from": None,
            "valid_to": None}
    return rules.RuleFacts(id=id, **{**base, **kw})


class TestPick:
    def test_country_beats_occupation_group_and_scheme(self):
        general = rule(1, occupation_group="zero_cost", scheme="p_to_p")
        hong_kong = rule(2, country="HK")
        assert rules.pick([general, hong_kong], facts("passport")).id == 2

    def test_single_occupation_beats_group(self):
        group = rule(1, occupation_group="zero_cost")
        single = rule(2, occupation="5152")
        assert rules.pick([group, single], facts("passport")).id == 2

    def test_later_rule_wins_between_equals_from_its_first_day(self):
        old = rule(1, valid_from=D(2020, 1, 1))
        new = rule(2, valid_from=D(2024, 1, 1))
        assert rules.pick([old, new], facts("passport", on=D(2023, 12, 31))).id == 1
        assert rules.pick([old, new], facts("passport", on=D(2024, 1, 1))).id == 2

    def test_groups_are_disjoint_and_unknown_occupation_matches_neither(self):
        zero, other = rule(1, occupation_group="zero_cost"), rule(2, occupation_group="other")
        assert rules.pick([zero, other], facts("passport", zero_cost=False)).id == 2
        assert rules.pick([zero, other], facts("passport", zero_cost=None)) is None

    def test_dates_component_and_scheme_must_match(self):
        assert rules.pick([rule(1, valid_to=D(2020, 1, 1))], facts("passport")) is None
        assert rules.pick([rule(1, component="visa")], facts("passport")) is None
        assert rules.pick([rule(1, scheme="g_to_g")], facts("passport")) is None

    def test_judge_counts_what_was_already_paid(self):
        assert rules.judge(charged_idr=Decimal(200_000), max_idr=Decimal(255_000)).amount_over == 0
        second = rules.judge(charged_idr=Decimal(200_000), max_idr=Decimal(255_000),
                             already_paid_idr=Decimal(200_000))
        assert (second.allowed_idr, second.amount_over) == (Decimal(55_000), Decimal(145_000))

    def test_conversion_rounds_to_the_cent(self):
        assert rules.to_idr(Decimal("1.005"), Decimal("1")) == Decimal("1.01")
        assert rules.to_idr(Decimal("2000"), Decimal("2100.5")) == Decimal("4201000.00")


def _facts_for_row(row) -> rules.CostFacts:
    """A cost the seeded row is meant for, paid on its first day: the Perban's zero-cost rows are
    checked for Malaysia (no destination rule there), the Kepka for a Hong Kong factory worker."""
    zero_cost = row["occupation_group"] != "other"
    if row["occupation_group"] == "":
        zero_cost = False
    return rules.CostFacts(component=row["component"], country=row["country"] or "MY",
                           occupation="5152" if zero_cost else "8211", zero_cost=zero_cost, scheme="p_to_p",
                           paid_on=row["valid_from"])


@pytest.mark.django_db
@pytest.mark.parametrize("row", seed.rule_rows(), ids=lambda r: f"{r['legal_basis'][:14]}-{r['component']}")
def test_each_seeded_rule_resolves_on_its_first_day(row):
    found = selectors.rule_in_force(_facts_for_row(row))
    assert found is not None
    assert (found.legal_basis, found.payer, found.max_worker_amount, found.currency) == (
        row["legal_basis"], row["payer"], row["max_worker_amount"], "IDR")


@pytest.mark.django_db
class TestSeededTimeline:
    """One Hong Kong housekeeper's placement fee and lodging across the regulations."""

    @pytest.mark.parametrize(("component", "on", "basis", "amount"), [
        ("placement_fee", D(2013, 6, 1), seed.KEPMEN_98_2012, 4_114_000),
        ("placement_fee", D(2016, 6, 1), seed.PERMENAKER_22_2014, 0),
        ("lodging", D(2016, 6, 1), seed.PERMENAKER_22_2014, 5_500_000),
        ("lodging", D(2021, 7, 14), seed.PERMENAKER_22_2014, 5_500_000),
        ("lodging", D(2021, 7, 15), seed.PERBAN_9_2020, 0),
        ("lodging", D(2024, 1, 1), seed.KEPKA_260_2022, 0),
    ])
    def test_hong_kong(self, component, on, basis, amount):
        found = selectors.rule_in_force(facts(component, on=on))
        assert (found.legal_basis, found.max_worker_amount) == (basis, amount)

    def test_taiwan_formal_table_and_perban_for_caregivers(self):
        formal = selectors.rule_in_force(facts("recruitment", country="TW", occupation="8211", zero_cost=False))
        assert (formal.legal_basis, formal.max_worker_amount) == (seed.KEPMEN_295_2013, 13_150_000)
        caregiver = selectors.rule_in_force(facts("airfare", country="TW", occupation="5322"))
        assert caregiver.legal_basis == seed.PERBAN_9_2020
        # Perban 9/2020 says nothing of "recruitment and promotion", and the 2013 table is for formal jobs.
        assert selectors.rule_in_force(facts("recruitment", country="TW", occupation="5322")) is None

    def test_no_rule_before_any_table(self):
        assert selectors.rule_in_force(facts("airfare", country="TW", occupation="8211", zero_cost=False,
                                             on=D(2012, 6, 1))) is None
        assert selectors.rule_in_force(facts("passport", country="MY", on=D(2021, 7, 14))) is None

    def test_the_seeded_tables_add_up_to_their_published_totals(self):
        assert sum(seed.HONG_KONG_2012.values()) == 14_780_400
        assert sum(v for k, v in seed.HONG_KONG_2012.items() if k != "placement_fee") == 10_666_400
        assert sum(seed.TAIWAN_FORMAL_2013.values()) == 34_218_100
