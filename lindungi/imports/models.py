from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.common.models import ClaimedByWorker, TimeStamped


class ImportBatch(TimeStamped, ClaimedByWorker):
    class Kind(models.TextChoices):
        PERSONS = "persons", _("People")
        PLACEMENTS = "placements", _("Placements")
        FOREIGN_PARTIES = "foreign_parties", _("Foreign employers and agencies")
        AGENCIES = "agencies", _("P3MI (with licence history)")
        USERS = "users", _("User accounts")

    class Mode(models.TextChoices):
        """Placements: ``new`` placements start at the beginning of the lifecycle through the normal
        services; ``historical`` records are migrated in the state they were recorded in. People:
        empty (new registrations) or ``historical`` (facts the old system lacks are stored as unknown,
        region codes valid on the record's date are kept)."""

        NEW = "new", _("New")
        HISTORICAL = "historical", _("Historical (migration)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    mode = models.CharField(max_length=12, choices=Mode.choices, blank=True,
                            help_text=_("Placements: new or historical; people: empty or historical"))
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    file_path = models.CharField(max_length=500, blank=True, help_text=_("Server-side path for command imports"))
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    via = models.CharField(max_length=10, blank=True, default="web", help_text=_("web, api or command"))
    language = models.CharField(max_length=10, blank=True, help_text=_("Language of the row error messages"))
    expected_rows = models.PositiveIntegerField(
        default=0, help_text=_("Data rows estimated when the file was received, for the progress bar")
    )
    total_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    existing_rows = models.PositiveIntegerField(
        default=0, help_text=_("Already on record (people: NIK registered; placements: imported before): skipped"))
    error_rows = models.PositiveIntegerField(default=0)
    last_line_done = models.PositiveIntegerField(default=0, help_text=_("Resume point after an interruption"))
    message = models.TextField(blank=True)
    mapping_counts = models.JSONField(
        default=dict, blank=True,
        help_text=_("Mapping table entries applied: \"kind: source → target\" → rows"))
    source_counts = models.JSONField(
        default=dict, blank=True,
        help_text=_("Historical placements: rows of the file by year, scheme, country, province and sex, counted "
                    "while importing (the reconciliation report)"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"

    @property
    def kind_label(self) -> str:
        """"People", "Placements (new)", "Placements (historical)", "People (historical)"…"""
        if self.kind == self.Kind.PLACEMENTS:
            return str(_("Placements (historical)") if self.mode == self.Mode.HISTORICAL else _("Placements (new)"))
        if self.kind == self.Kind.PERSONS and self.mode == self.Mode.HISTORICAL:
            return str(_("People (historical)"))
        return str(self.get_kind_display())

    @property
    def processed_rows(self) -> int:
        return self.imported_rows + self.existing_rows + self.error_rows

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def progress_percent(self) -> int:
        """Share of the file done, from the resume point and the row estimate (header is line 1)."""
        if self.status == self.Status.DONE:
            return 100
        if not self.expected_rows:
            return 0
        return max(0, min(99, int(100 * max(0, self.last_line_done - 1) / self.expected_rows)))


class ImportRowError(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="errors")
    line = models.PositiveIntegerField()
    field = models.CharField(max_length=60)
    message = models.CharField(max_length=500)
    value = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["line", "id"]
        indexes = [models.Index(fields=["batch", "line"])]

    def __str__(self) -> str:
        return f"{self.line} {self.field}: {self.message}"


class ValueMapping(TimeStamped):
    """A value of the old system and the code it stands for here (``Occupation label → ISCO-08``,
    ``retired regency code → current code``, ``scheme label → scheme code``, ``country name → ISO2``).
    The imports consult it before they validate a value. Edited by central administrators through
    ``imports.services.value_mapping_save`` / ``value_mapping_delete`` (web page and /admin/, audited)."""

    class Kind(models.TextChoices):
        OCCUPATION = "occupation", _("Occupation → ISCO-08 code")
        REGENCY = "regency", _("Regency/city code → current code")
        SCHEME = "scheme", _("Scheme label → scheme code")
        COUNTRY = "country", _("Country name → ISO2 code")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    source = models.CharField(_("value in the old system"), max_length=200)
    source_key = models.CharField(max_length=200, editable=False,
                                  help_text=_("The source, case, punctuation and spacing ignored"))
    target = models.CharField(_("code in Lindungi"), max_length=20)
    note = models.CharField(max_length=255, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["kind", "source_key"]
        constraints = [models.UniqueConstraint(fields=["kind", "source_key"], name="imports_mapping_once")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.source} → {self.target}"
