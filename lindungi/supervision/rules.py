"""Which cost rule applies, and by how much a charge goes over it. Pure Python, no database.

A rule matches a cost when each of its criteria is empty or equal to the cost's: destination,
occupation (one ISCO code, or the Perban 9/2020 zero-cost group, or the occupations outside it),
scheme, component; and the paid date lies in its validity period. Of the matching rules the most
specific wins: a destination outweighs everything else (a Kepka for Hong Kong overrides the
national Perban), then a single occupation over a group, then a scheme. Between equally specific
rules the one in force latest wins (a new regulation replaces the old one without editing it),
then the newest row.

Amounts are compared in rupiah. A charge is over by what it adds beyond the rule's maximum,
counting what the worker already paid for the same component under the same rule: two passport
payments of Rp200,000 against a Rp255,000 cap leave the second one over by Rp145,000.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class RuleFacts:
    id: int
    component: str
    country: str | None  # ISO2
    occupation: str | None  # ISCO code
    occupation_group: str  # "", "zero_cost", "other"
    scheme: str | None
    payer: str
    max_worker_amount: Decimal
    currency: str
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass(frozen=True)
class CostFacts:
    component: str
    country: str | None
    occupation: str | None
    zero_cost: bool | None  # None: occupation unknown
    scheme: str | None
    paid_on: dt.date


def matches(rule: RuleFacts, cost: CostFacts) -> bool:
    if rule.component != cost.component:
        return False
    if rule.valid_from is not None and cost.paid_on < rule.valid_from:
        return False
    if rule.valid_to is not None and cost.paid_on > rule.valid_to:
        return False
    if rule.country is not None and rule.country != cost.country:
        return False
    if rule.scheme is not None and rule.scheme != cost.scheme:
        return False
    if rule.occupation is not None:
        return rule.occupation == cost.occupation
    if rule.occupation_group == "zero_cost":
        return cost.zero_cost is True
    if rule.occupation_group == "other":
        return cost.zero_cost is False
    return True


def specificity(rule: RuleFacts) -> tuple:
    occupation = 2 if rule.occupation is not None else (1 if rule.occupation_group else 0)
    return (rule.country is not None, occupation, rule.scheme is not None, rule.valid_from or dt.date.min, rule.id)


def pick(rules: list[RuleFacts], cost: CostFacts) -> RuleFacts | None:
    """The rule in force for ``cost`` (None when no rule covers it)."""
    found = [rule for rule in rules if matches(rule, cost)]
    return max(found, key=specificity) if found else None


def to_idr(amount: Decimal, rate: Decimal) -> Decimal:
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Verdict:
    allowed_idr: Decimal  # what the rule still allowed before this charge
    amount_over: Decimal

    @property
    def over(self) -> bool:
        return self.amount_over > 0


def judge(*, charged_idr: Decimal, max_idr: Decimal, already_paid_idr: Decimal = Decimal(0)) -> Verdict:
    """How much of a charge (in rupiah) goes beyond the rule's maximum, after what was already paid
    for the same component under the same rule."""
    allowed = max(Decimal(0), max_idr - already_paid_idr)
    return Verdict(allowed_idr=allowed, amount_over=max(Decimal(0), charged_idr - allowed))
