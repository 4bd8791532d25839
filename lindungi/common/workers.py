"""Recovery of background work whose worker died (killed, out of memory, machine restarted).

A worker claims a row (``ClaimedByWorker``) with a fresh token and beats a heartbeat while it works
(``Heartbeat``: every ``WORKER_HEARTBEAT_SECONDS`` from a side thread, and at each committed chunk).
``recover_stale_work`` (run every few seconds by ``manage.py recover_jobs --every 20`` beside the
worker) hands each running row whose heartbeat is older than ``WORKER_STALE_SECONDS`` back to the
queue; the apps that own such rows register how (``register_recoverer``). The kernel knows no app.
"""

import logging
import secrets
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connections
from django.db.models import Q
from django.utils import timezone

from lindungi.common.errors import Conflict

logger = logging.getLogger(__name__)

_recoverers: dict[str, Callable[[], list[int]]] = {}


class ClaimLost(Conflict):
    """Another worker took this work over: stop without writing anything more."""


def new_claim() -> str:
    return secrets.token_hex(16)


def stale_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(seconds=settings.WORKER_STALE_SECONDS)


def stale_running(now: datetime | None = None) -> Q:
    """Rows whose worker stopped beating (or never beat, for rows from before heartbeats)."""
    cutoff = stale_cutoff(now)
    return Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, updated_at__lt=cutoff)


def register_recoverer(name: str, recover: Callable[[], list[int]]) -> None:
    _recoverers[name] = recover


def recover_stale_work() -> dict[str, list[int]]:
    """Requeue every stale row of every registered kind; returns the ids taken over, by kind."""
    return {name: recover() for name, recover in sorted(_recoverers.items())}


class Heartbeat:
    """Beats ``heartbeat_at`` of one claimed row every ``WORKER_HEARTBEAT_SECONDS`` while the block
    runs (a side thread with its own connection), so a long step between chunks (reading a large
    workbook) does not look like a dead worker."""

    def __init__(self, model, pk: int, claim: str):
        self.model, self.pk, self.claim = model, pk, claim
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name=f"heartbeat-{model.__name__}-{pk}")

    def _run(self) -> None:
        interval = settings.WORKER_HEARTBEAT_SECONDS
        try:
            while not self.stop.wait(interval):
                try:
                    self.model.objects.filter(pk=self.pk, claim=self.claim).update(heartbeat_at=timezone.now())
                except Exception:  # a busy database: try again at the next beat
                    logger.warning("heartbeat of %s %s failed", self.model.__name__, self.pk, exc_info=True)
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=5)
        return False
