from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChainedRow(models.Model):
    """A row of a hash chain (see ``lindungi.audit.chain``): its place in the chain, the previous
    row's hash and its own hash over a canonical serialisation of its fields and ``prev_hash``. Rows
    are appended only through ``chain.append``, which serialises writers on the chain head."""

    seq = models.BigIntegerField(null=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


class AuditEvent(ChainedRow):
    """A business write: who did what to which record, when, why, with old and new values."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    changes = models.JSONField(default=dict, blank=True, help_text=_("{field: [old, new]}"))
    reason = models.TextField(blank=True)
    via = models.CharField(max_length=10, blank=True, help_text=_("web, api, import, command"))

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class AccessLog(ChainedRow):
    """Who saw or exported personal data. One row per person shown by a response (a list page, a
    detail, a lookup, an export, a download), naming the person in ``person_id``; a response that
    showed nobody (a lookup that found no one, an empty list) leaves one row without a person."""

    class Kind(models.TextChoices):
        VIEW = "view", _("Viewed")
        LOOKUP = "lookup", _("Looked up")
        EXPORT = "export", _("Exported")
        DOWNLOAD = "download", _("Downloaded")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField(null=True, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True, help_text=_("The person whose data was shown"))
    route = models.CharField(max_length=120, blank=True, help_text=_("The URL pattern that answered"))
    via = models.CharField(max_length=10, blank=True)
    detail = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            models.Index(fields=["person_id", "at"]),
            models.Index(fields=["actor", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.object_type}#{self.object_id}"


class ChainHead(models.Model):
    """The head of each hash chain: the last sequence number and hash. One row per chain; appending
    locks it (``SELECT … FOR UPDATE``), so concurrent writers queue instead of forking the chain."""

    chain = models.CharField(max_length=20, primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.chain} #{self.seq} {self.hash[:12]}"
