from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.common.models import EffectiveDated, TimeStamped


class AgencyStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


class AgencyQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "AgencyQuerySet":
        """Licence data is public, so every staff role reads every company, except P3MI staff,
        who see only their own company in the staff screens. The public register is separate."""
        from lindungi.accounts.roles import Role
        from lindungi.accounts.scoping import scope_queryset

        if actor is not None and getattr(actor, "is_authenticated", False) and actor.role == Role.UNIT_OFFICER:
            return self if actor.is_active else self.none()
        return scope_queryset(self, actor, regency_field=None, agency_field="pk")


class Agency(TimeStamped):
    """A P3MI: a licensed Indonesian placement company (PT) holding an SIP3MI."""

    legal_name = models.CharField(_("legal name"), max_length=200)
    sip3mi_number = models.CharField(_("SIP3MI number"), max_length=60, unique=True)
    licence_issued_on = models.DateField(_("licence issued on"))
    licence_expires_on = models.DateField(_("licence expires on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=AgencyStatus.choices, default=AgencyStatus.ACTIVE)
    suspended_from = models.DateField(null=True, blank=True)
    suspended_until = models.DateField(null=True, blank=True)
    # The scope of the suspension in force: ISO2 country codes and scheme codes; empty lists mean
    # every country and every scheme (a suspension of all activity).
    suspension_countries = models.JSONField(default=list, blank=True)
    suspension_schemes = models.JSONField(default=list, blank=True)
    head_office_regency = models.ForeignKey(
        "reference.Regency", on_delete=models.PROTECT, related_name="+", verbose_name=_("head office regency")
    )
    head_office_address = models.CharField(_("head office address"), max_length=255, blank=True)
    paid_up_capital = models.DecimalField(_("paid-up capital (Rp)"), max_digits=18, decimal_places=2, default=0)
    deposit_bank = models.CharField(_("deposit bank"), max_length=100, blank=True)
    deposit_amount = models.DecimalField(_("deposit amount (Rp)"), max_digits=18, decimal_places=2, default=0)
    deposit_holder = models.CharField(_("deposit holder"), max_length=200, blank=True)
    deposit_reference = models.CharField(_("deposit bilyet number"), max_length=60, blank=True)
    responsible_officer = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["legal_name"]
        verbose_name = _("P3MI")
        verbose_name_plural = _("P3MI")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(licence_expires_on__isnull=True)
                | models.Q(licence_expires_on__gte=models.F("licence_issued_on")),
                name="agency_licence_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(suspended_until__isnull=True)
                | models.Q(suspended_until__gte=models.F("suspended_from")),
                name="agency_suspension_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name

    def standing_on(self, day, *, country: str | None = None, scheme: str | None = None) -> tuple[bool, str]:
        from lindungi.agencies.rules import standing_on

        return standing_on(self, day, country=country, scheme=scheme)


class AgencyStatusChange(models.Model):
    """Full licence-status history: every suspension, lifting and revocation with its decree."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="status_history")
    status = models.CharField(max_length=10, choices=AgencyStatus.choices)
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)
    decree_number = models.CharField(_("decree number"), max_length=120, blank=True)
    reason = models.TextField()
    # The sanction whose step made this change (none for registration).
    sanction = models.ForeignKey("Sanction", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    scope_countries = models.JSONField(default=list, blank=True)
    scope_schemes = models.JSONField(default=list, blank=True)
    actor = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.status} from {self.effective_from}"


class Branch(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="branches")
    regency = models.ForeignKey("reference.Regency", on_delete=models.PROTECT, related_name="+")
    address = models.CharField(max_length=255, blank=True)
    registered_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["regency__code"]
        constraints = [models.UniqueConstraint(fields=["agency", "regency"], name="one_branch_per_regency")]

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.regency_id}"


class ForeignPartyQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "ForeignPartyQuerySet":
        """Foreign employers and agencies are shared by every placement: every staff role reads all
        of them (P3MI staff need them to place workers). Anyone else sees nothing."""
        from lindungi.accounts.roles import Role
        from lindungi.accounts.scoping import scope_queryset

        if actor is not None and getattr(actor, "is_authenticated", False) and actor.role in (
            Role.UNIT_OFFICER, Role.P3MI_STAFF,
        ):
            return self if actor.is_active else self.none()
        return scope_queryset(self, actor, regency_field=None, agency_field=None)


class ForeignParty(TimeStamped):
    """A foreign employer or placement agency."""

    class Role(models.TextChoices):
        EMPLOYER = "employer", _("Employer")
        AGENCY = "agency", _("Foreign agency")

    class LegalType(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual (perseorangan)")
        LEGAL_ENTITY = "legal_entity", _("Legal entity (badan hukum)")
        GOVERNMENT = "government", _("Government body")

    role = models.CharField(max_length=10, choices=Role.choices)
    legal_type = models.CharField(max_length=15, choices=LegalType.choices)
    name = models.CharField(max_length=200)
    name_local = models.CharField(_("name in local script"), max_length=200, blank=True)
    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+")
    address = models.CharField(max_length=255, blank=True)
    registration_number = models.CharField(max_length=80, blank=True)
    blacklisted_from = models.DateField(null=True, blank=True)
    blacklisted_until = models.DateField(null=True, blank=True)

    objects = ForeignPartyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("foreign party")
        verbose_name_plural = _("foreign parties")

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------------------------
# Sanctions (Permen P2MI 4/2025) and deposit drawdowns (Permen P2MI 31/2025 Pasal 23)
# ---------------------------------------------------------------------------------------------


class SanctionGround(EffectiveDated):
    """A coded ground for an administrative sanction, as the regulation words it, with the steps it
    allows (``sanction_states.SANCTION_STEPS``). Data: a new regulation adds rows with a new
    ``valid_from`` instead of editing old ones; a sanction keeps the ground it was opened under."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    title_id = models.CharField(_("title (Indonesian)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255)
    allowed_steps = models.JSONField(_("sanction steps this ground allows"), default=list, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.title_id}"


class SanctionQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "SanctionQuerySet":
        """Central staff and unit officers see every sanction; P3MI staff only their own company's;
        the lookup-only roles none."""
        from lindungi.accounts.roles import Role
        from lindungi.accounts.scoping import scope_queryset

        if actor is not None and getattr(actor, "is_authenticated", False) and actor.role == Role.UNIT_OFFICER:
            return self if actor.is_active else self.none()
        return scope_queryset(self, actor, regency_field=None, agency_field="agency_id", lookup_only_sees_all=False)


class Sanction(TimeStamped):
    """An administrative sanction case against a P3MI, from the finding to its outcome.

    The lifecycle is ``sanction_states``; ``sanction_step`` moves it with compare-and-set on
    (state, version). The suspension in force is copied onto the agency (status, dates, scope), so
    ``rules.standing_on`` stays a pure function of the agency row."""

    class SourceKind(models.TextChoices):
        CASE = "case", _("Complaint case")
        INSPECTION = "inspection", _("Inspection")
        COST_FLAG = "cost_flag", _("Cost ledger flag (overcharging)")
        DECISION = "decision", _("Decree recorded directly")
        OTHER = "other", _("Other source")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="sanctions")
    ground = models.ForeignKey(SanctionGround, on_delete=models.PROTECT, related_name="sanctions")
    state = models.CharField(_("state"), max_length=20, default="finding")
    version = models.PositiveIntegerField(default=1)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    source_kind = models.CharField(_("source"), max_length=12, choices=SourceKind.choices)
    source_reference = models.CharField(_("source reference"), max_length=200, blank=True)
    summary = models.TextField(_("summary of the finding"))
    opened_on = models.DateField(_("opened on"))
    opened_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    clarification_rounds = models.PositiveSmallIntegerField(default=0)
    clarification_due = models.DateField(_("clarification due"), null=True, blank=True)
    # The suspension this sanction imposed (empty lists: all activity).
    suspended_from = models.DateField(null=True, blank=True)
    suspended_until = models.DateField(null=True, blank=True)
    suspension_countries = models.JSONField(default=list, blank=True)
    suspension_schemes = models.JSONField(default=list, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    objects = SanctionQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["agency", "state"], name="sanction_agency_state")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(suspended_until__isnull=True)
                | models.Q(suspended_until__gte=models.F("suspended_from")),
                name="sanction_suspension_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.ground_id} ({self.state})"


class SanctionStep(models.Model):
    """One decision on a sanction: the step, the letter that carries it, who decided and why."""

    sanction = models.ForeignKey(Sanction, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    letter_number = models.CharField(_("letter number"), max_length=120, blank=True)
    letter_date = models.DateField(_("letter date"), null=True, blank=True)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.sanction_id}: {self.step}"


class DepositRule(EffectiveDated):
    """Dated rules of the deposit: the days a P3MI has to top its deposit back up after a drawdown."""

    top_up_days = models.PositiveSmallIntegerField(_("days to top up the deposit"))
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-valid_from", "-id"]

    def __str__(self) -> str:
        return f"{self.top_up_days} days from {self.valid_from}"


class DepositDrawdownQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "DepositDrawdownQuerySet":
        from lindungi.accounts.roles import Role
        from lindungi.accounts.scoping import scope_queryset

        if actor is not None and getattr(actor, "is_authenticated", False) and actor.role == Role.UNIT_OFFICER:
            return self if actor.is_active else self.none()
        return scope_queryset(self, actor, regency_field=None, agency_field="agency_id", lookup_only_sees_all=False)


class DepositDrawdown(TimeStamped):
    """A request to draw on a P3MI's deposit because it failed to resolve cases (Permen P2MI 31/2025
    Pasal 23): requested → approved / rejected → paid (payouts per worker, the balance after them and
    the obligation to top the deposit up by a deadline)."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        PAID = "paid", _("Paid out")

    class Proposer(models.TextChoices):
        PERWAKILAN = "perwakilan", _("Indonesian mission / KDEI")
        MINISTRY = "ministry", _("Ministry or agency")
        DISNAKER = "disnaker", _("Disnaker")
        P3MI = "p3mi", _("The P3MI itself (giving up its licence)")
        DG = "dg", _("Director-General of Protection")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="drawdowns")
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    proposed_by = models.CharField(_("proposed by"), max_length=12, choices=Proposer.choices)
    case_references = models.JSONField(_("unresolved case references"), default=list)
    amount_requested = models.DecimalField(_("amount requested (Rp)"), max_digits=18, decimal_places=2)
    reason = models.TextField()
    requested_on = models.DateField()
    requested_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    letter_number = models.CharField(max_length=120, blank=True)
    decision_reason = models.TextField(blank=True)
    paid_on = models.DateField(null=True, blank=True)
    balance_after = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    top_up_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    top_up_due = models.DateField(null=True, blank=True)
    top_up_legal_basis = models.CharField(max_length=255, blank=True)

    objects = DepositDrawdownQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_on", "-id"]

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.amount_requested} ({self.state})"


class DepositPayout(models.Model):
    drawdown = models.ForeignKey(DepositDrawdown, on_delete=models.CASCADE, related_name="payouts")
    person_reference = models.CharField(_("worker reference"), max_length=120)
    amount = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="deposit_payout_positive")]

    def __str__(self) -> str:
        return f"{self.person_reference}: {self.amount}"
