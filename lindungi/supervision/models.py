"""P3MI supervision: what a worker may be charged (cost rules as dated data), what each worker
actually paid (the cost ledger) and where the two disagree (overcharging flags).

A ``CostRule`` says, for a destination, an occupation (or the Perban 9/2020 "zero-cost" group),
a scheme and a cost component, who pays and how much a worker may be charged at most. Every field
left empty means "any"; the rule that applies to a cost is the most specific one in force on the
day it was paid (``rules.pick``). A ``CostEntry`` is one payment; it is checked once, when it is
recorded, against the rule in force on its paid date, and an ``OverchargeFlag`` keeps the rule,
the amount over and the exchange rates used, so a later change of rule never rewrites a finding.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindungi.common.models import EffectiveDated, TimeStamped

MONEY = {"max_digits": 18, "decimal_places": 2}
RATE = {"max_digits": 18, "decimal_places": 6}


class Payer(models.TextChoices):
    EMPLOYER = "employer", _("Employer")
    WORKER = "worker", _("Worker")
    GOVERNMENT = "government", _("Government")


class OccupationGroup(models.TextChoices):
    ANY = "", _("Any occupation")
    ZERO_COST = "zero_cost", _("The ten zero-cost occupations (Perban 9/2020)")
    OTHER = "other", _("Occupations outside the zero-cost group")


class CostComponent(EffectiveDated):
    """A cost component of a placement (passport, visa, medical check, training, airfare …)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("cost component")

    def __str__(self) -> str:
        return self.name_id


class CostRule(EffectiveDated):
    """Who pays one cost component, and the most a worker may be charged for it. Empty criteria
    match anything; see ``rules.specificity`` for which rule wins when several match."""

    country = models.ForeignKey("reference.Country", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text=_("Empty: every destination"))
    occupation = models.ForeignKey("reference.Occupation", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", help_text=_("Empty: see the occupation group"))
    occupation_group = models.CharField(max_length=10, choices=OccupationGroup.choices, blank=True,
                                        help_text=_("Used when no single occupation is given"))
    scheme = models.ForeignKey("placements.Scheme", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", help_text=_("Empty: every scheme"))
    component = models.ForeignKey(CostComponent, on_delete=models.PROTECT, related_name="rules")
    payer = models.CharField(_("who pays"), max_length=12, choices=Payer.choices)
    max_worker_amount = models.DecimalField(_("most a worker may be charged"), **MONEY)
    currency = models.CharField(max_length=3, default="IDR")
    note = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["component__sort", "component__code", "-valid_from", "id"]
        verbose_name = _("cost rule")
        indexes = [models.Index(fields=["component", "country"])]
        constraints = [
            models.CheckConstraint(condition=Q(max_worker_amount__gte=0), name="cost_rule_amount_not_negative"),
            models.CheckConstraint(condition=Q(occupation__isnull=True) | Q(occupation_group=""),
                                   name="cost_rule_occupation_or_group"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True)
                                   | Q(valid_to__gte=models.F("valid_from")), name="cost_rule_dates_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.component_id} {self.country_id or '*'} {self.legal_basis}"


class ExchangeRate(models.Model):
    """How many rupiah one unit of a currency was worth on a day, and where that figure comes from."""

    currency = models.CharField(max_length=3)
    rate_to_idr = models.DecimalField(**RATE)
    on = models.DateField()
    source = models.CharField(max_length=255)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["currency", "-on"]
        verbose_name = _("exchange rate")
        constraints = [
            models.UniqueConstraint(fields=["currency", "on"], name="exchange_rate_one_per_day"),
            models.CheckConstraint(condition=Q(rate_to_idr__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.rate_to_idr} ({self.on})"


def _own_placements(agency_id: int) -> Q:
    from lindungi.placements.models import Placement

    return Q(person_id__in=Placement.objects.filter(agency_id=agency_id).values("person_id"))


class CostEntryQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "CostEntryQuerySet":
        """National roles all; a unit the workers from its coverage; a P3MI the workers it places
        (any of their placements is its own); lookup-only roles none."""
        from lindungi.accounts.scoping import scope_queryset

        return scope_queryset(self, actor, regency_field="person__regency", agency_field=None,
                              agency_filter=_own_placements, lookup_only_sees_all=False)


class PaidTo(models.TextChoices):
    P3MI = "p3mi", _("P3MI")
    LPK = "lpk", _("Training centre (LPK)")
    CLINIC = "clinic", _("Clinic")
    BROKER = "broker", _("Broker or sponsor")
    OTHER = "other", _("Other")


class Financing(models.TextChoices):
    CASH = "cash", _("Cash")
    LOAN = "loan", _("Loan")
    KUR = "kur", _("KUR placement loan")
    SALARY_DEDUCTION = "salary_deduction", _("Salary deduction")


class EntrySource(models.TextChoices):
    P3MI = "p3mi", _("Entered by the P3MI")
    VERIFICATION = "verification", _("Officer at document verification")
    OPP = "opp", _("Officer at pre-departure orientation (OPP)")
    DEPARTURE = "departure", _("Officer at departure")
    COMPLAINT = "complaint", _("From a complaint")


class Confirmation(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Not yet confirmed by the worker")
    CONFIRMED = "confirmed", _("Confirmed by the worker")
    DISPUTED = "disputed", _("Disputed by the worker")


class CheckResult(models.TextChoices):
    WITHIN = "within", _("Within the rule")
    OVER = "over", _("Over the rule")
    NO_RULE = "no_rule", _("No rule for this cost")


class CostEntry(TimeStamped):
    """One cost a worker paid, with the result of its check against the rule of its paid date."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    placement = models.ForeignKey("placements.Placement", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    component = models.ForeignKey(CostComponent, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    amount_idr = models.DecimalField(_("amount in rupiah"), **MONEY)
    paid_to_kind = models.CharField(max_length=10, choices=PaidTo.choices)
    paid_to_name = models.CharField(max_length=150, blank=True)
    paid_on = models.DateField()
    financing = models.CharField(max_length=20, choices=Financing.choices)
    receipt = models.FileField(upload_to="receipts/%Y/%m/", blank=True)
    source = models.CharField(max_length=15, choices=EntrySource.choices)
    confirmation = models.CharField(max_length=12, choices=Confirmation.choices, default=Confirmation.UNCONFIRMED)
    confirmation_note = models.TextField(blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    rule = models.ForeignKey(CostRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             help_text=_("The rule in force on the paid date when the entry was checked"))
    check_result = models.CharField(max_length=10, choices=CheckResult.choices)
    note = models.TextField(blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    objects = CostEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("cost entry")
        verbose_name_plural = _("cost entries")
        indexes = [models.Index(fields=["person", "component"]), models.Index(fields=["person", "paid_on", "id"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="cost_entry_amount_positive"),
            models.CheckConstraint(condition=~Q(confirmation="disputed") | ~Q(confirmation_note=""),
                                   name="cost_entry_dispute_has_note"),
        ]

    def __str__(self) -> str:
        return f"{self.component_id} {self.amount} {self.currency} ({self.paid_on})"


class OverchargeFlagQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "OverchargeFlagQuerySet":
        from lindungi.accounts.scoping import scope_queryset

        return scope_queryset(self, actor, regency_field="entry__person__regency", agency_field=None,
                              agency_filter=lambda agency_id: Q(agency_id=agency_id), lookup_only_sees_all=False)


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ESCALATED = "escalated", _("Escalated")


class SanctionState(models.TextChoices):
    NONE = "", _("Not escalated")
    OPENED = "opened", _("Sanction finding opened")
    PENDING = "pending", _("Sanction finding pending (sanctions not available)")
    NO_P3MI = "no_p3mi", _("No P3MI to sanction")


class OverchargeFlag(TimeStamped):
    """A cost charged over what the rule in force on its paid date allowed. Amounts are in rupiah;
    ``rate`` and ``rule_rate`` are the rupiah value of one unit of the entry's and the rule's
    currency used for the comparison (1 for rupiah)."""

    entry = models.OneToOneField(CostEntry, on_delete=models.PROTECT, related_name="flag")
    rule = models.ForeignKey(CostRule, on_delete=models.PROTECT, related_name="+")
    component = models.ForeignKey(CostComponent, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("P3MI"))
    charged_idr = models.DecimalField(**MONEY)
    allowed_idr = models.DecimalField(_("still allowed under the rule"), **MONEY)
    amount_over = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, default="IDR")
    rate = models.DecimalField(**RATE)
    rate_on = models.DateField(null=True, blank=True)
    rate_source = models.CharField(max_length=255, blank=True)
    rule_rate = models.DecimalField(**RATE)
    status = models.CharField(max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN, db_index=True)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sanction_state = models.CharField(max_length=10, choices=SanctionState.choices, blank=True)
    sanction_reference = models.CharField(max_length=64, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    objects = OverchargeFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("overcharging flag")
        indexes = [models.Index(fields=["status", "created_at", "id"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount_over__gt=0), name="overcharge_flag_amount_positive"),
            models.CheckConstraint(condition=~Q(status="escalated") | Q(case__isnull=False),
                                   name="overcharge_flag_escalated_has_case"),
        ]

    def __str__(self) -> str:
        return f"{self.component_id} +{self.amount_over} {self.currency}"
