from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.common.models import TimeStamped


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

    def standing_on(self, day) -> tuple[bool, str]:
        from lindungi.agencies.rules import standing_on

        return standing_on(self, day)


class AgencyStatusChange(models.Model):
    """Full licence-status history: every suspension, lifting and revocation with its decree."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="status_history")
    status = models.CharField(max_length=10, choices=AgencyStatus.choices)
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)
    decree_number = models.CharField(_("decree number"), max_length=120, blank=True)
    reason = models.TextField()
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
