import uuid

from django.db import models


class TimeStamped(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class EffectiveDated(models.Model):
    """Reference rows that the law or the administration changes carry their validity period."""

    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    legal_basis = models.CharField(max_length=255, blank=True)

    class Meta:
        abstract = True

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class ClaimedByWorker(models.Model):
    """Background work (an import batch, an export job) claimed by one worker process at a time.

    The worker that starts it writes a fresh ``claim`` and keeps ``heartbeat_at`` current
    (``lindungi.common.workers.Heartbeat``); a row still "running" whose heartbeat is older than
    ``WORKER_STALE_SECONDS`` belongs to a dead worker and is taken over. Every write of the worker is
    fenced by its claim, so a worker that was taken over cannot write twice."""

    claim = models.CharField(max_length=32, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True
