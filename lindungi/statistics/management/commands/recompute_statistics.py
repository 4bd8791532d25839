"""Recount the maintained counts the statistics read (placements per state, departures per year)
from the records and compare them with what the database triggers kept.

    manage.py recompute_statistics           # report; exit 1 when anything disagrees
    manage.py recompute_statistics --repair  # rebuild the counts from scratch, then check again
"""

from django.core.management.base import BaseCommand, CommandError

from lindungi.placements import recount


class Command(BaseCommand):
    help = "Recount the maintained statistics counts from the records; --repair rebuilds them."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="rebuild the counts from the records")

    def handle(self, *args, repair=False, **options):
        if repair:
            recount.rebuild()
            self.stdout.write("Counts rebuilt from the records.")
        wrong = recount.differences()
        for table, key, kept, counted in wrong[:50]:
            self.stdout.write(f"{table} {key}: maintained {kept}, recounted {counted}")
        if wrong:
            raise CommandError(f"{len(wrong)} count(s) disagree with the records; run with --repair.")
        totals = {table: sum(rows.values()) for table, rows in recount.recounted().items()}
        self.stdout.write(self.style.SUCCESS(
            "Maintained counts agree with the records: " + ", ".join(f"{t} {n}" for t, n in totals.items())))
