"""Placements: the rules (schemes, destination rules) as editable data, job orders and SIP2MI
recruitment permits, and each person's placement with its dated readiness checklist and its
transition history. The lifecycle itself is in ``states.py``; the checklist logic in ``checklist.py``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.agencies.models import ForeignParty
from lindungi.common.models import EffectiveDated, TimeStamped
from lindungi.placements.checklist import ChecklistKind
from lindungi.placements.states import CLOSED, PlacementState, SchemeFacts
from lindungi.registry.models import Education, ScopedCount

# ---------------------------------------------------------------------------------------------
# Rules as data
# ---------------------------------------------------------------------------------------------


class Scheme(EffectiveDated):
    """A placement scheme (P to P, G to G, …) and the eligibility rules that come with it.

    One row per scheme code; ``valid_from``/``valid_to`` say when the scheme is open for new
    placements, ``legal_basis`` where its rules come from. Edit the rules in the admin.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=18)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    min_education = models.CharField(_("minimum education"), max_length=10, choices=Education.choices, blank=True)
    required_items = models.JSONField(
        _("required checklist items"), default=list, blank=True,
        help_text=_("Checklist kinds a placement under this scheme must hold, "
                    "e.g. [\"medical_fitness\", \"passport\"]"),
    )
    requires_p3mi = models.BooleanField(_("requires a P3MI"), default=True)
    requires_job_order = models.BooleanField(_("requires a verified job order"), default=True)
    requires_sip2mi = models.BooleanField(_("requires an SIP2MI"), default=True)
    employer_legal_types = models.JSONField(
        _("allowed employer legal types"), default=list, blank=True,
        help_text=_("Empty: any. E.g. [\"legal_entity\"] for the perseorangan scheme"),
    )
    countries = models.JSONField(
        _("destination countries"), default=list, blank=True,
        help_text=_("ISO2 codes of the only countries this scheme places to; empty: any, e.g. [\"KR\"] for EPS"))
    excluded_countries = models.JSONField(
        _("countries not served"), default=list, blank=True,
        help_text=_("ISO2 codes this scheme does not place to (served by a scheme of their own), e.g. [\"KR\"]"))
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("placement scheme")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_age__isnull=True) | models.Q(max_age__gte=models.F("min_age")),
                name="scheme_age_range_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name_id

    def clean(self) -> None:
        errors = {}
        unknown = [k for k in (self.required_items or []) if k not in ChecklistKind.values]
        if not isinstance(self.required_items, list) or unknown:
            errors["required_items"] = _("Unknown checklist kinds: %(k)s. Allowed: %(a)s.") % {
                "k": ", ".join(map(str, unknown)) or "-", "a": ", ".join(ChecklistKind.values)}
        bad_types = [t for t in (self.employer_legal_types or []) if t not in ForeignParty.LegalType.values]
        if not isinstance(self.employer_legal_types, list) or bad_types:
            errors["employer_legal_types"] = _("Allowed values: %(a)s.") % {
                "a": ", ".join(ForeignParty.LegalType.values)}
        for name in ("countries", "excluded_countries"):
            codes = getattr(self, name)
            if not isinstance(codes, list) or any(not (isinstance(c, str) and len(c) == 2 and c.isupper())
                                                  for c in codes):
                errors[name] = _("A list of two-letter ISO codes in capitals, e.g. [\"KR\"].")
        if errors:
            raise ValidationError(errors)

    def facts(self, language: str = "id") -> SchemeFacts:
        return SchemeFacts(
            code=self.code, name=self.name_en if language.startswith("en") else self.name_id,
            min_age=self.min_age, max_age=self.max_age, min_education=self.min_education,
            required_items=frozenset(self.required_items or []), requires_p3mi=self.requires_p3mi,
            requires_job_order=self.requires_job_order, requires_sip2mi=self.requires_sip2mi,
            employer_legal_types=frozenset(self.employer_legal_types or []),
        )


class DestinationRule(EffectiveDated):
    """Whether placement to a country is open or closed, optionally only for one occupation, for
    household (domestic) jobs, or for one employer type — a moratorium is a closed row.

    A closed row is lifted for a placement by an open row that also matches and is more specific
    (see ``states.destination_blocks``)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed (moratorium)")

    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices)
    occupation = models.ForeignKey("reference.Occupation", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", help_text=_("Empty: every occupation"))
    domestic_workers_only = models.BooleanField(
        default=False, help_text=_("Applies only to household (domestic worker) occupations"))
    employer_legal_type = models.CharField(
        max_length=15, choices=ForeignParty.LegalType.choices, blank=True, help_text=_("Empty: any employer"))
    note_id = models.CharField(_("note (Indonesian)"), max_length=255, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=255, blank=True)

    class Meta:
        ordering = ["country__iso2", "valid_from", "id"]
        verbose_name = _("destination rule")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="destination_rule_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.status} {self.legal_basis}"


# ---------------------------------------------------------------------------------------------
# Job orders and SIP2MI
# ---------------------------------------------------------------------------------------------


class JobOrderQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "JobOrderQuerySet":
        """National roles and unit officers read every job order (they are not personal data);
        P3MI staff only their own company's."""
        from lindungi.accounts.roles import Role
        from lindungi.accounts.scoping import scope_queryset

        if actor is not None and getattr(actor, "is_authenticated", False) and actor.role == Role.UNIT_OFFICER:
            return self if actor.is_active else self.none()
        return scope_queryset(self, actor, regency_field=None, agency_field="agency")


class JobOrder(TimeStamped):
    """A demand letter from a foreign employer/agency to a P3MI, verified by the Perwakilan RI."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Awaiting verification")
        VERIFIED = "verified", _("Verified by the Perwakilan")
        REJECTED = "rejected", _("Rejected")

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="job_orders",
                               verbose_name=_("P3MI"))
    employer = models.ForeignKey("agencies.ForeignParty", on_delete=models.PROTECT, related_name="job_orders",
                                 limit_choices_to={"role": "employer"}, verbose_name=_("employer"))
    foreign_agency = models.ForeignKey("agencies.ForeignParty", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="agency_job_orders", limit_choices_to={"role": "agency"},
                                       verbose_name=_("foreign agency"))
    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+")
    position_title = models.CharField(_("position"), max_length=150)
    occupation = models.ForeignKey("reference.Occupation", on_delete=models.PROTECT, related_name="+")
    headcount_male = models.PositiveIntegerField(default=0)
    headcount_female = models.PositiveIntegerField(default=0)
    headcount_any = models.PositiveIntegerField(default=0)
    salary_amount = models.DecimalField(max_digits=12, decimal_places=2)
    salary_currency = models.CharField(max_length=3)
    contract_months = models.PositiveSmallIntegerField()
    accommodation = models.CharField(max_length=255, blank=True)
    destination_permit_number = models.CharField(
        _("destination-country permit"), max_length=80, blank=True,
        help_text=_("e.g. the Taiwan CLA recruitment permit number"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    verified_on = models.DateField(null=True, blank=True)
    verification_reference = models.CharField(max_length=120, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    rejection_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    objects = JobOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("job order")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(headcount_male__gt=0) | models.Q(headcount_female__gt=0)
                | models.Q(headcount_any__gt=0),
                name="job_order_headcount_positive",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="verified") | models.Q(verified_on__isnull=False),
                name="job_order_verified_has_date",
            ),
            models.CheckConstraint(condition=models.Q(contract_months__gt=0), name="job_order_contract_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.position_title} — {self.employer}"

    @property
    def headcount_total(self) -> int:
        return self.headcount_male + self.headcount_female + self.headcount_any


class Sip2mi(TimeStamped):
    """Surat Izin Perekrutan PMI: permission to recruit up to ``quota`` workers for a job order."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        REVOKED = "revoked", _("Revoked")

    number = models.CharField(_("SIP2MI number"), max_length=80, unique=True)
    job_order = models.ForeignKey(JobOrder, on_delete=models.PROTECT, related_name="permits")
    quota = models.PositiveIntegerField()
    used = models.PositiveIntegerField(default=0)
    valid_from = models.DateField()
    valid_until = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    revoked_on = models.DateField(null=True, blank=True)
    revoke_reason = models.TextField(blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("SIP2MI")
        verbose_name_plural = _("SIP2MI")
        constraints = [
            models.CheckConstraint(condition=models.Q(used__lte=models.F("quota")), name="sip2mi_used_within_quota"),
            models.CheckConstraint(condition=models.Q(quota__gt=0), name="sip2mi_quota_positive"),
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("valid_from")),
                                   name="sip2mi_dates_in_order"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def remaining(self) -> int:
        return max(0, self.quota - self.used)


# ---------------------------------------------------------------------------------------------
# Placements
# ---------------------------------------------------------------------------------------------


class PlacementQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "PlacementQuerySet":
        from lindungi.accounts.scoping import scope_queryset

        return scope_queryset(self, actor, regency_field="person__regency", agency_field="agency")


class Sector(models.TextChoices):
    FORMAL = "formal", _("Formal")
    INFORMAL = "informal", _("Informal (household)")


class Placement(TimeStamped):
    """One placement of one person: from registration for a job abroad to return."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="placements")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="placements")
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="placements", verbose_name=_("P3MI"))
    job_order = models.ForeignKey(JobOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="placements")
    sip2mi = models.ForeignKey(Sip2mi, null=True, blank=True, on_delete=models.PROTECT, related_name="placements",
                               verbose_name=_("SIP2MI"))
    employer = models.ForeignKey("agencies.ForeignParty", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="placements", limit_choices_to={"role": "employer"})
    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+")
    occupation = models.ForeignKey("reference.Occupation", on_delete=models.PROTECT, related_name="+")
    sector = models.CharField(max_length=10, choices=Sector.choices)
    contract_start = models.DateField(null=True, blank=True)
    contract_end = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=30, choices=PlacementState.choices, default=PlacementState.REGISTERED,
                             db_index=True)
    version = models.PositiveIntegerField(default=1, help_text=_("Raised by every change; compare-and-set"))
    state_changed_at = models.DateTimeField(default=timezone.now)
    quota_held = models.BooleanField(default=False, help_text=_("Holds one unit of its SIP2MI quota"))
    migrated = models.BooleanField(default=False, help_text=_("Imported from a historical system"))
    import_batch = models.ForeignKey(
        "imports.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The historical import that migrated it (the reconciliation report counts by it)"))
    legacy_id = models.CharField(
        _("legacy id"), max_length=64, null=True, blank=True,
        help_text=_("The record's id in the system it was imported from; unique when present"))
    unit = models.ForeignKey("reference.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("placement")
        indexes = [
            models.Index(fields=["state", "country"]),
            models.Index(fields=["agency", "state"]),
            # The pipeline board's order, unfiltered, per state and for a P3MI.
            models.Index(fields=["state_changed_at", "id"], name="placement_board_order"),
            models.Index(fields=["state", "state_changed_at", "id"], name="placement_board_state"),
            models.Index(fields=["agency", "state_changed_at", "id"], name="placement_board_agency"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=PlacementState.values), name="placement_state_known"),
            models.CheckConstraint(
                condition=models.Q(contract_end__isnull=True) | models.Q(contract_start__isnull=True)
                | models.Q(contract_end__gt=models.F("contract_start")),
                name="placement_contract_dates_in_order",
            ),
            models.UniqueConstraint(
                fields=["person"], condition=~models.Q(state__in=sorted(CLOSED)) & models.Q(migrated=False),
                name="one_open_placement_per_person",
            ),
            models.UniqueConstraint(fields=["legacy_id"], condition=models.Q(legacy_id__isnull=False),
                                    name="placement_legacy_id_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.country} ({self.state})"


class ChecklistItem(models.Model):
    """A dated readiness document of a placement. Items are never edited: a newer item replaces an
    older one, and a wrong or invalidated one is voided with a reason."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="checklist_items")
    kind = models.CharField(max_length=30, choices=ChecklistKind.choices)
    reference_number = models.CharField(max_length=120, blank=True)
    issued_on = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    voided_on = models.DateField(null=True, blank=True)
    void_reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-issued_on", "-id"]
        verbose_name = _("checklist item")
        indexes = [models.Index(fields=["placement", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("issued_on")),
                name="checklist_valid_after_issue",
            ),
            models.CheckConstraint(
                condition=models.Q(voided_on__isnull=True) | ~models.Q(void_reason=""),
                name="checklist_void_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference_number} ({self.issued_on})"


class PlacementTransition(models.Model):
    """The timeline: one row per state change, with who, why and through which door."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=30, choices=PlacementState.choices)
    to_state = models.CharField(max_length=30, choices=PlacementState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    via = models.CharField(max_length=10, blank=True)
    version = models.PositiveIntegerField(help_text=_("The placement's version after this change"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("placement transition")
        constraints = [
            models.UniqueConstraint(fields=["placement", "version"], name="one_transition_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class PlacementCount(ScopedCount):
    """Placements per state, regency of the person and P3MI (``placements/counts.py``)."""

    state = models.CharField(max_length=30)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["state", "regency", "agency"],
                                               name="placements_placementcount_key")]


class DepartureCount(ScopedCount):
    """Departures (transitions to ``departed``) per calendar year in the installation's time zone,
    regency of the person and P3MI (``placements/counts.py``)."""

    year = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "regency", "agency"],
                                               name="placements_departurecount_key")]
