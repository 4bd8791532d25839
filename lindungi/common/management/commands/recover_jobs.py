"""Hand background work whose worker died back to the queue (see ``lindungi.common.workers``).

Run it beside the worker, e.g. ``manage.py recover_jobs --every 20`` (a process supervisor keeps it
running), or once a minute from cron without ``--every``: a killed worker's import or export is then
taken over within a minute (heartbeat older than ``WORKER_STALE_SECONDS``, plus the sweep interval)."""

import time

from django.core.management.base import BaseCommand
from django.db import connections

from lindungi.common.workers import recover_stale_work


class Command(BaseCommand):
    help = "Requeue imports and exports whose worker stopped beating its heartbeat."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="sweep every N seconds until stopped")

    def handle(self, *args, every=0, **options):
        while True:
            for kind, ids in recover_stale_work().items():
                if ids:
                    self.stdout.write(f"{kind}: taken over {', '.join(map(str, ids))}")
            if every <= 0:
                return
            connections.close_all()
            time.sleep(every)
