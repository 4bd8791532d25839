from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.common.models import ClaimedByWorker, TimeStamped


class ExportJob(TimeStamped, ClaimedByWorker):
    """A list of personal data written to a file in the background (``lindungi.exports.tasks``).

    The file holds exactly what its creator could see when it was generated; it is kept until
    ``expires_at`` and can be downloaded by its creator (and central administrators)."""

    class Kind(models.TextChoices):
        PERSONS = "persons", _("People")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSONS)
    format = models.CharField(max_length=4, choices=Format.choices, default=Format.CSV)
    filters = models.JSONField(default=dict, blank=True, help_text=_("Search filters, as given to the selector"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    row_count = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    via = models.CharField(max_length=10, blank=True, default="web", help_text=_("web or api"))
    language = models.CharField(max_length=10, blank=True, help_text=_("Language of the column headers"))
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(help_text=_("The file is deleted after this time"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "created_at"]), models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.format} {self.public_id}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_downloadable(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file) and not self.is_expired

    @property
    def filters_text(self) -> str:
        """``q=siti, province=32`` or ``-``: the same wording as the access log."""
        return ", ".join(f"{k}={v}" for k, v in (self.filters or {}).items() if v) or "-"

    @property
    def download_name(self) -> str:
        return f"lindungi-{self.kind}-{timezone.localtime(self.created_at):%Y%m%d-%H%M}.{self.format}"
