from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.common.models import TimeStamped


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    SD = "sd", _("Primary (SD)")
    SMP = "smp", _("Junior secondary (SMP/SLTP)")
    SMA = "sma", _("Senior secondary (SMA/SMK/SLTA)")
    DIPLOMA = "diploma", _("Diploma (D1–D4)")
    S1 = "s1", _("Bachelor (S1)")
    S2 = "s2", _("Master (S2)")
    S3 = "s3", _("Doctorate (S3)")


EDUCATION_RANK = {value: rank for rank, value in enumerate(Education.values)}


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Not married")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


# A fact the old system did not record: only historical imports store it (new registrations must
# give every fact). Not a member of the enums above, so no form, API input or eligibility rule
# offers or accepts it; ``education_rank`` ranks it below every level.
UNKNOWN = "unknown"
EDUCATION_CHOICES = [*Education.choices, (UNKNOWN, _("Unknown"))]
MARITAL_CHOICES = [*MaritalStatus.choices, (UNKNOWN, _("Unknown"))]


class Religion(models.TextChoices):
    ISLAM = "islam", _("Islam")
    PROTESTANT = "protestant", _("Christian (Protestant)")
    CATHOLIC = "catholic", _("Catholic")
    HINDU = "hindu", _("Hindu")
    BUDDHIST = "buddhist", _("Buddhist")
    CONFUCIAN = "confucian", _("Confucian")
    BELIEF = "belief", _("Indigenous belief (kepercayaan)")


class PersonQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "PersonQuerySet":
        from lindungi.registry.scoping import person_scope_filter

        return person_scope_filter(self, actor)

    def active(self) -> "PersonQuerySet":
        return self.filter(merged_into__isnull=True)


class Person(TimeStamped):
    """A CPMI or PMI. One record per NIK; a merged duplicate keeps its row and points to the survivor."""

    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    name_key = models.CharField(max_length=150, db_index=True, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), db_index=True)
    # Empty only for people migrated without it (historical imports): shown as unknown.
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    # Indexed through the (regency, birth_date) index below; single-column FK indexes on this table
    # cost every bulk import and answer no query, so they are left out where nothing reads them.
    regency = models.ForeignKey(
        "reference.Regency", on_delete=models.PROTECT, related_name="+", verbose_name=_("regency/city"),
        db_index=False,
    )
    village = models.ForeignKey(
        "reference.Village", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("village"), db_index=False,
    )
    village_name = models.CharField(_("village (desa/kelurahan)"), max_length=100, blank=True)
    education = models.CharField(_("education"), max_length=10, choices=EDUCATION_CHOICES)
    marital_status = models.CharField(_("marital status"), max_length=10, choices=MARITAL_CHOICES)
    religion = models.CharField(_("religion"), max_length=12, choices=Religion.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="persons",
        verbose_name=_("P3MI"), help_text=_("The placement company handling this candidate"),
    )
    nik_warnings = models.JSONField(default=list, blank=True, help_text=_("Accepted mismatches with the NIK"))
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged")
    import_batch = models.ForeignKey("imports.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", db_index=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   db_index=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name = _("person")
        indexes = [
            models.Index(fields=["regency", "birth_date"]),
            # The person list's order, unfiltered and for a P3MI (the scoping filter first).
            models.Index(fields=["full_name", "id"], name="registry_person_by_name"),
            models.Index(fields=["agency", "full_name", "id"], name="registry_person_agency_name"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.nik})"

    # Set by the list selectors (``registry.selectors.as_listed``) for a role that sees NIKs masked.
    nik_masked = False

    @property
    def nik_display(self) -> str:
        """The NIK as this record is being shown: masked in a list for roles without
        ``person.view_full_nik``, whole everywhere else."""
        from lindungi.registry.nik import mask

        return mask(self.nik) if self.nik_masked else self.nik

    @property
    def nik_warning_texts(self) -> list[str]:
        from lindungi.registry.nik import warning_texts

        return warning_texts(self.nik_warnings)


class PersonNameToken(models.Model):
    """One row per distinct folded name word of an active (not merged) person.

    Name search runs on this table alone: a fragment is an indexed range scan on ``token``, the
    page order comes from ``sort_name`` and the scope filter from ``regency`` and ``agency``, all
    in one covering index, so a broad fragment over millions of people never touches the person
    rows until the 25 on the page are known. The copies are rewritten by the registry services
    whenever the name, region or company of a person changes, and removed when the person is
    merged into another."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_tokens", db_index=False)
    token = models.CharField(max_length=60)
    sort_name = models.CharField(max_length=150, default="")
    regency = models.ForeignKey("reference.Regency", null=True, on_delete=models.CASCADE, related_name="+",
                                db_index=False)
    agency = models.ForeignKey("agencies.Agency", null=True, on_delete=models.CASCADE, related_name="+",
                               db_index=False)

    class Meta:
        indexes = [
            models.Index(fields=["token", "sort_name", "person", "regency", "agency"], name="registry_token_search"),
            # Checks "does this person also have a word starting with …" without reading the table.
            models.Index(fields=["person", "token"], name="registry_token_by_person"),
        ]

    def __str__(self) -> str:
        return self.token


def token_rows_for(*, person_id: int, full_name: str, regency_id: int | None, agency_id: int | None) -> list[dict]:
    """Column values of a person's name-token rows (used by the services and the importer)."""
    from lindungi.common.text import search_tokens

    sort_name = full_name.lower()[:150]
    return [{"person_id": person_id, "token": token[:60], "sort_name": sort_name, "regency_id": regency_id,
             "agency_id": agency_id} for token in search_tokens(full_name)]


class Passport(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="passports")
    number = models.CharField(_("passport number"), max_length=9, unique=True)
    issuing_office = models.CharField(_("issuing office"), max_length=100)
    issue_date = models.DateField(_("issue date"))
    expiry_date = models.DateField(_("expiry date"))
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(expiry_date__gt=models.F("issue_date")),
                                   name="passport_expiry_after_issue"),
        ]

    def __str__(self) -> str:
        return self.number


class FamilyContact(models.Model):
    class Relationship(models.TextChoices):
        SPOUSE = "spouse", _("Spouse")
        PARENT = "parent", _("Parent")
        CHILD = "child", _("Child")
        SIBLING = "sibling", _("Sibling")
        GUARDIAN = "guardian", _("Guardian")
        OTHER = "other", _("Other")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=150)
    relationship = models.CharField(_("relationship"), max_length=10, choices=Relationship.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_heir = models.BooleanField(_("heir (ahli waris)"), default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"


class DuplicateCandidate(models.Model):
    """A scored pair of records that may be one person. ``person_a`` always has the lower id."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        SAME = "same", _("Same person (merged)")
        DIFFERENT = "different", _("Different people")

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()
    reasons = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="one_candidate_per_pair"),
            models.CheckConstraint(condition=models.Q(person_a__lt=models.F("person_b")), name="pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id} ~ {self.person_b_id} ({self.score})"


class CountQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "CountQuerySet":
        from lindungi.accounts.scoping import scope_queryset

        return scope_queryset(self, actor, regency_field="regency", agency_field="agency")


class ScopedCount(models.Model):
    """A count kept by database triggers (``common.counters``) per regency and P3MI (0 = none), the
    two things scoping filters on; never written by the application."""

    regency = models.IntegerField()
    agency = models.IntegerField()
    n = models.BigIntegerField(default=0)

    objects = CountQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.regency}/{self.agency}: {self.n}"


class PersonCount(ScopedCount):
    """People on record (not merged away) per regency and P3MI (``registry/counts.py``)."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=["regency", "agency"], name="registry_personcount_key")]
