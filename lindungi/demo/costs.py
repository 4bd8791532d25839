"""Demo placement costs: exchange rates (labelled as demo figures, not market data) and the cost
ledgers of some Hong Kong and Taiwan workers, recorded through the real service, so some are
within the rules and some raise overcharging flags (domain.md §3.4: Hong Kong workers charged
Rp28–48 million)."""

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

from lindungi.accounts.models import User
from lindungi.placements.models import Placement
from lindungi.supervision import services
from lindungi.supervision.models import CostEntry, ExchangeRate

DEMO_RATES = {"HKD": Decimal("2050"), "TWD": Decimal("495"), "MYR": Decimal("3550"), "SGD": Decimal("12100")}
SOURCE = "Kurs demo (bukan data pasar)"

# component, paid to, (low, high) in rupiah, financing
HONG_KONG_CHARGES = [
    ("placement_fee", "p3mi", (8_000_000, 15_000_000), "kur"),
    ("training", "lpk", (3_000_000, 7_000_000), "loan"),
    ("lodging", "lpk", (2_000_000, 5_500_000), "loan"),
    ("medical_check", "clinic", (700_000, 1_200_000), "cash"),
    ("passport", "broker", (300_000, 900_000), "cash"),
]
TAIWAN_FORMAL_CHARGES = [
    ("recruitment", "p3mi", (10_000_000, 16_000_000), "kur"),
    ("training", "lpk", (6_000_000, 9_000_000), "loan"),
    ("medical_check", "clinic", (800_000, 900_000), "cash"),
]


def ensure_rates(admin: User) -> None:
    day = dt.date.today().replace(month=1, day=1)
    for currency, rate in DEMO_RATES.items():
        if not ExchangeRate.objects.filter(currency=currency, on=day).exists():
            services.exchange_rate_record(actor=admin, data={"currency": currency, "rate_to_idr": rate, "on": day,
                                                             "source": SOURCE}, via="command")


def seed_costs(*, admin: User, count: int, rng: random.Random) -> Counter:
    """Ledgers for up to ``count`` workers bound for Hong Kong or Taiwan; returns entries by check result."""
    ensure_rates(admin)
    results: Counter = Counter()
    if CostEntry.objects.exists():
        return results
    placements = list(Placement.objects.filter(country__iso2__in=["HK", "TW"], migrated=False)
                      .select_related("country", "occupation", "person").order_by("id")[:count])
    today = dt.date.today()
    for placement in placements:
        hong_kong = placement.country.iso2 == "HK"
        if not hong_kong and placement.occupation.zero_cost:
            charges = HONG_KONG_CHARGES[:3]
        else:
            charges = HONG_KONG_CHARGES if hong_kong else TAIWAN_FORMAL_CHARGES
        paid_on = min(today, placement.created_at.date() + dt.timedelta(days=rng.randint(0, 20)))
        for component, paid_to, (low, high), financing in charges:
            if rng.random() < 0.25:
                continue
            amount = Decimal(rng.randrange(low, high, 50_000))
            data = {"component": component, "amount": amount, "currency": "IDR", "paid_on": paid_on,
                    "paid_to_kind": paid_to, "financing": financing, "source": rng.choice(["verification", "opp"])}
            if hong_kong and component == "placement_fee" and rng.random() < 0.4:
                data.update(amount=(amount / DEMO_RATES["HKD"]).quantize(Decimal("1")), currency="HKD",
                            paid_to_kind="other", paid_to_name="Agensi di Hong Kong", component="foreign_agency_fee")
            entry = services.cost_entry_record(actor=admin, person_public_id=placement.person.public_id,
                                               data={**data, "placement": str(placement.public_id)}, via="command")
            results[entry.check_result] += 1
    return results
