"""Supporting institutions (lembaga pendukung penempatan) and what they certify about a person.

The register holds the training centres (LPK / BLK), medical check centres (sarana kesehatan), competency
certification bodies (LSP) and language test providers (EPS-TOPIK, JFT, JLPT) with their licence,
accreditation and standing. Standing is dated (``InstitutionStatusChange`` keeps every suspension,
reinstatement and revocation with its dates), so ``rules.standing_on`` answers for any past day, which
is what a checklist item dated last month needs.

Against a person: training enrolments, certificates (competency, language, training) and medical
results. They are personal data and are read only through ``visible_to``, which is the registry's
scope of the person they belong to.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.common.models import TimeStamped


class InstitutionKind(models.TextChoices):
    TRAINING_CENTRE = "training_centre", _("Training centre (LPK / BLK)")
    MEDICAL_CENTRE = "medical_centre", _("Medical check centre (sarana kesehatan)")
    CERTIFICATION_BODY = "certification_body", _("Competency certification body (LSP)")
    LANGUAGE_TEST = "language_test", _("Language test provider (EPS-TOPIK, JFT, JLPT)")


class InstitutionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


class InstitutionQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "InstitutionQuerySet":
        """The register is not personal data: every active staff account reads all of it (P3MI staff
        need it to name the centre that examined or trained their candidates). Anyone else: nothing."""
        if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
            return self.none()
        return self

    def writable_by(self, actor) -> "InstitutionQuerySet":
        """Administrators edit every institution; unit officers those in their unit's regencies."""
        from lindungi.accounts.scoping import scope_queryset

        return scope_queryset(self, actor, regency_field="regency", agency_field=None)


class Institution(TimeStamped):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices, db_index=True)
    registration_number = models.CharField(_("registration / licence number"), max_length=80)
    regency = models.ForeignKey("reference.Regency", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("regency/city"))
    address = models.CharField(_("address"), max_length=255, blank=True)
    accreditation_grade = models.CharField(_("accreditation grade"), max_length=20, blank=True)
    accreditation_body = models.CharField(_("accreditation body"), max_length=120, blank=True)
    accreditation_number = models.CharField(_("accreditation number"), max_length=80, blank=True)
    valid_from = models.DateField(_("licence valid from"))
    valid_until = models.DateField(_("licence valid until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=InstitutionStatus.choices,
                              default=InstitutionStatus.ACTIVE, db_index=True)
    suspended_from = models.DateField(null=True, blank=True)
    suspended_until = models.DateField(null=True, blank=True)
    revoked_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("supporting institution")
        indexes = [models.Index(fields=["kind", "name"]), models.Index(fields=["regency", "name"])]
        constraints = [
            models.UniqueConstraint(fields=["kind", "registration_number"], name="institution_number_per_kind"),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="institution_validity_in_order"),
            models.CheckConstraint(
                condition=models.Q(suspended_until__isnull=True) | models.Q(suspended_from__isnull=False)
                & models.Q(suspended_until__gte=models.F("suspended_from")),
                name="institution_suspension_in_order"),
            models.CheckConstraint(
                condition=~models.Q(status="revoked") | models.Q(revoked_on__isnull=False),
                name="institution_revoked_has_date"),
        ]

    def __str__(self) -> str:
        return self.name


class InstitutionStatusChange(models.Model):
    """One dated period of the standing history: a suspension (``effective_until`` empty while it
    lasts; set to the day before reinstatement), a reinstatement, or a revocation (final)."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="status_history")
    status = models.CharField(max_length=10, choices=InstitutionStatus.choices)
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)
    decree_number = models.CharField(_("decree number"), max_length=120, blank=True)
    reason = models.TextField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_until__isnull=True)
                | models.Q(effective_until__gte=models.F("effective_from")),
                name="institution_period_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.institution_id}: {self.status} from {self.effective_from}"


class PersonRecordQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "PersonRecordQuerySet":
        """Rows of the people the actor sees (the registry's scoping, not a copy of it)."""
        from lindungi.registry.models import Person

        return self.filter(person__in=Person.objects.visible_to(actor).values("id"))


class TrainingEnrolment(TimeStamped):
    class Result(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled (in progress)")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="training_enrolments")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="enrolments")
    programme = models.CharField(_("programme"), max_length=200)
    hours = models.PositiveIntegerField(_("lesson hours"), null=True, blank=True)
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, default=Result.ENROLLED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    objects = PersonRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-start_on", "-id"]
        verbose_name = _("training enrolment")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__isnull=True) | models.Q(end_on__gte=models.F("start_on")),
                name="enrolment_dates_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} ({self.start_on})"


class CertificateKind(models.TextChoices):
    COMPETENCY = "competency", _("Competency")
    LANGUAGE = "language", _("Language")
    TRAINING = "training", _("Training")


class Certificate(TimeStamped):
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="certificates")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="certificates")
    kind = models.CharField(_("kind"), max_length=12, choices=CertificateKind.choices)
    number = models.CharField(_("certificate number"), max_length=80)
    title = models.CharField(_("scheme or test"), max_length=200, blank=True,
                             help_text=_("e.g. Caregiver (SKKNI), EPS-TOPIK, JFT-Basic"))
    occupation = models.ForeignKey("reference.Occupation", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("occupation"))
    level = models.CharField(_("level"), max_length=40, blank=True)
    score = models.PositiveIntegerField(_("score"), null=True, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    objects = PersonRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("certificate")
        indexes = [models.Index(fields=["person", "kind", "occupation"])]
        constraints = [
            models.UniqueConstraint(fields=["institution", "kind", "number"], name="certificate_number_per_issuer"),
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=models.F("issued_on")),
                name="certificate_dates_in_order"),
            models.CheckConstraint(
                condition=~models.Q(kind="competency") | models.Q(occupation__isnull=False),
                name="competency_certificate_has_occupation"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class MedicalResult(TimeStamped):
    class Result(models.TextChoices):
        FIT = "fit", _("Fit")
        UNFIT = "unfit", _("Unfit")

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="medical_results")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="medical_results")
    examined_on = models.DateField(_("examined on"))
    result = models.CharField(_("result"), max_length=5, choices=Result.choices)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    reference_number = models.CharField(_("certificate number"), max_length=80, blank=True)
    examiner = models.CharField(_("examining doctor"), max_length=150, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    objects = PersonRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-examined_on", "-id"]
        verbose_name = _("medical result")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("examined_on")),
                name="medical_result_dates_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.result} ({self.examined_on})"
