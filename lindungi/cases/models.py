"""Complaints and cases: the coded complaint categories and the statutory deadlines as dated data,
holidays for counting working days, the case with its parties, clarification rounds, timeline and
rapid-reaction (TRC) dispatches. The lifecycle is in ``states.py``, the deadline arithmetic in
``rules.py``."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.cases.rules import CLOSURE_CODES, DAYS, MONTHS, WORKING_DAYS, DeadlineRuleFacts
from lindungi.cases.states import CaseState, ReferralKind
from lindungi.common.models import EffectiveDated, TimeStamped


class CaseCategory(EffectiveDated):
    """A complaint category of the published statistics (domain.md §4). Coded and versioned: a
    changed definition is a new row with the same code and the next version, the old one gets a
    ``valid_to``; cases keep the row they were filed under."""

    code = models.CharField(max_length=40)
    version = models.PositiveSmallIntegerField(default=1)
    name_id = models.CharField(_("name (Indonesian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code", "version"]
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="case_category_code_version")]

    def __str__(self) -> str:
        return f"{self.name_id} (v{self.version})"


class DeadlineRule(EffectiveDated):
    """A statutory deadline of the complaint procedure (Perban 6/2024 Pasal 30); see ``rules.py``."""

    class Unit(models.TextChoices):
        DAYS = DAYS, _("calendar days")
        WORKING_DAYS = WORKING_DAYS, _("working days")
        MONTHS = MONTHS, _("months")

    code = models.CharField(max_length=30, choices=[(c, c) for c in CLOSURE_CODES])
    amount = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=15, choices=Unit.choices)
    warn_days = models.PositiveSmallIntegerField(default=5, help_text=_("Warn the officer this many days before"))
    label_id = models.CharField(_("label (Indonesian)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)

    class Meta:
        ordering = ["code", "valid_from"]
        verbose_name = _("statutory deadline")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="deadline_rule_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.amount} {self.unit} ({self.legal_basis})"

    def facts(self) -> DeadlineRuleFacts:
        return DeadlineRuleFacts(code=self.code, amount=self.amount, unit=self.unit, warn_days=self.warn_days,
                                 legal_basis=self.legal_basis, label_id=self.label_id, label_en=self.label_en,
                                 valid_from=self.valid_from, valid_to=self.valid_to)


class Holiday(models.Model):
    """A day that is not a working day: a public holiday or collective leave (cuti bersama)."""

    class Kind(models.TextChoices):
        PUBLIC = "public", _("Public holiday")
        COLLECTIVE_LEAVE = "collective_leave", _("Collective leave (cuti bersama)")

    day = models.DateField(unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PUBLIC)
    source = models.CharField(max_length=60, blank=True, help_text=_("e.g. holidays 0.108, or SKB 3 Menteri"))

    class Meta:
        ordering = ["day"]
        verbose_name = _("holiday")

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    HOTLINE = "hotline", _("24-hour hotline / phone")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email")
    E_PENGADUAN = "e_pengaduan", _("e-Pengaduan (online form)")
    SOCIAL_MEDIA = "social_media", _("Social media")
    SMS = "sms", _("SMS / WhatsApp")
    FAX = "fax", _("Fax")
    OTHER = "other", _("Other")


class Procedural(models.TextChoices):
    PROCEDURAL = "procedural", _("Procedural")
    NON_PROCEDURAL = "non_procedural", _("Non-procedural")
    OTHER = "other", _("Other / unknown")


class ComplainantRelation(models.TextChoices):
    SELF = "self", _("The worker")
    FAMILY = "family", _("Family member")
    OTHER = "other", _("Other (community, NGO, employer)")


class CaseQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "CaseQuerySet":
        """A unit sees the cases assigned to it and those referred to it; a P3MI only the cases with
        a clarification request addressed to it; national roles all; lookup-only roles none."""
        from lindungi.accounts.scoping import scope_queryset

        return scope_queryset(
            self, actor, regency_field=None, agency_field=None,
            unit_filter=lambda unit_id: Q(unit_id=unit_id) | Q(referral_unit_id=unit_id),
            agency_filter=lambda agency_id: Q(Exists(ClarificationRound.objects.filter(
                case=OuterRef("pk"), agency_id=agency_id))),
            lookup_only_sees_all=False,
        )


class Case(TimeStamped):
    """One complaint and its handling. What the complainant typed is kept apart from what officers
    record; the public status page shows neither (only states, steps and deadlines)."""

    number = models.CharField(max_length=30, unique=True)
    tracking_code = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=128, help_text=_("Hash of the complainant's secret"))
    channel = models.CharField(max_length=20, choices=Channel.choices)
    procedural = models.CharField(max_length=20, choices=Procedural.choices, default=Procedural.OTHER)
    categories = models.ManyToManyField(CaseCategory, related_name="cases", blank=True)
    # The complainant and the worker as reported.
    complainant_name = models.CharField(max_length=150)
    complainant_relation = models.CharField(max_length=10, choices=ComplainantRelation.choices)
    complainant_phone = models.CharField(max_length=30, blank=True)
    complainant_email = models.CharField(max_length=150, blank=True)
    worker_name = models.CharField(max_length=150)
    worker_nik = models.CharField(max_length=16, blank=True)
    worker_passport = models.CharField(max_length=12, blank=True)
    summary = models.TextField(help_text=_("What happened, as reported"))
    demand = models.TextField(blank=True, help_text=_("What the complainant asks for"))
    amount_claimed = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, default="IDR")
    # Links, where known.
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="cases")
    placement = models.ForeignKey("placements.Placement", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="cases")
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="cases", verbose_name=_("P3MI"))
    employer = models.ForeignKey("agencies.ForeignParty", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    country = models.ForeignKey("reference.Country", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    regency = models.ForeignKey("reference.Regency", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text=_("The worker's home regency, as reported"))
    # Assignment.
    unit = models.ForeignKey("reference.OrgUnit", on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    # Lifecycle.
    state = models.CharField(max_length=20, choices=CaseState.choices, default=CaseState.REGISTERED)
    version = models.PositiveIntegerField(default=1)
    state_changed_at = models.DateTimeField(default=timezone.now)
    registered_on = models.DateField(default=timezone.localdate)
    documents_complete = models.BooleanField(default=False)
    unreachable_since = models.DateField(null=True, blank=True)
    told_unresolvable_on = models.DateField(null=True, blank=True)
    # The running deadline nearest in time (kept by the services; the inbox sorts and colours by it).
    deadline_on = models.DateField(null=True, blank=True)
    deadline_code = models.CharField(max_length=30, blank=True)
    # Mediation.
    mediation_outcome = models.TextField(blank=True)
    amount_settled = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True,
                                         help_text=_("Refunded or paid to the worker"))
    berita_acara_number = models.CharField(max_length=80, blank=True)
    # Referral.
    referral_kind = models.CharField(max_length=10, choices=ReferralKind.choices, blank=True)
    referral_unit = models.ForeignKey("reference.OrgUnit", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    referral_agency_name = models.CharField(max_length=150, blank=True)
    # Closure.
    closure_code = models.CharField(max_length=30, blank=True)
    closure_legal_basis = models.CharField(max_length=255, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_on", "-id"]
        verbose_name = _("case")
        indexes = [
            models.Index(fields=["unit", "state", "deadline_on"]),
            models.Index(fields=["state", "registered_on"]),
            models.Index(fields=["state", "unreachable_since"]),
            models.Index(fields=["state", "told_unresolvable_on"]),
            models.Index(fields=["referral_unit", "state"]),
            # The deadline command claims the cases it closes by their closure code, then reads them back.
            models.Index(fields=["closure_code", "state"], condition=~models.Q(closure_code=""),
                         name="case_closure_claimed"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=CaseState.values), name="case_state_known"),
            models.CheckConstraint(
                condition=~models.Q(state="closed_admin") | ~models.Q(closure_code=""),
                name="case_closed_has_legal_reason"),
        ]

    def __str__(self) -> str:
        return self.number


class ClarificationRound(models.Model):
    """A request for clarification (Surat Pernyataan Klarifikasi "Kesatu", "Kedua", …): to the P3MI,
    or to the complainant when the file lacks something. Due in 15 working days."""

    class AddressedTo(models.TextChoices):
        P3MI = "p3mi", _("P3MI")
        COMPLAINANT = "complainant", _("Complainant")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    addressed_to = models.CharField(max_length=12, choices=AddressedTo.choices, default=AddressedTo.P3MI)
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    question = models.TextField()
    requested_on = models.DateField()
    answered_on = models.DateField(null=True, blank=True)
    answer = models.TextField(blank=True)
    commitment = models.TextField(blank=True, help_text=_("What the P3MI commits to do"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="one_round_number_per_case"),
            models.CheckConstraint(condition=~models.Q(addressed_to="p3mi") | models.Q(agency__isnull=False),
                                   name="p3mi_round_has_agency"),
        ]
        indexes = [models.Index(fields=["answered_on", "requested_on"]), models.Index(fields=["agency", "case"])]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.number}"


class CaseEvent(models.Model):
    """The timeline: every step, deadline warning and closure, with who, why and through which door."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    code = models.CharField(max_length=30, blank=True, help_text=_("Deadline or closure code"))
    at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=10, blank=True)
    public = models.BooleanField(default=True, help_text=_("Shown (without the reason) on the public status page"))

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "action", "code"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class TrcDispatch(TimeStamped):
    """A dispatch of the rapid reaction team (Tim Reaksi Cepat) for a case or an interception."""

    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="dispatches")
    placement = models.ForeignKey("placements.Placement", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", help_text=_("An intercepted placement, when not a case"))
    unit = models.ForeignKey("reference.OrgUnit", on_delete=models.PROTECT, related_name="+")
    team = models.CharField(max_length=200, help_text=_("Team members or team name"))
    place = models.CharField(max_length=200)
    dispatched_at = models.DateTimeField()
    partner_agencies = models.CharField(max_length=255, blank=True, help_text=_("e.g. Polri, Imigrasi, TNI"))
    outcome = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-dispatched_at", "-id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(case__isnull=False) | models.Q(placement__isnull=False), name="dispatch_has_subject")]

    def __str__(self) -> str:
        return f"TRC {self.place} {self.dispatched_at:%Y-%m-%d}"


class PublicAttempt(models.Model):
    """Rate limiting of the public complaint desk: one row per submission or failed secret, keyed by
    a keyed hash of the client address (never the address itself) or of the tracking code."""

    bucket = models.CharField(max_length=20)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["bucket", "key", "at"])]

    def __str__(self) -> str:
        return f"{self.bucket} {self.at:%Y-%m-%d %H:%M}"
