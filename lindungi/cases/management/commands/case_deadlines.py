"""Apply the statutory deadlines of the complaint procedure (Perban 6/2024 Pasal 30) to every open
case: warn before a deadline, close administratively with the legal reason once it has passed.
Run it daily (cron or a systemd timer), e.g. ``manage.py case_deadlines`` at 01:00."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from lindungi.cases.services import case_deadlines_apply


class Command(BaseCommand):
    help = "Warn about and close cases whose statutory deadlines pass (Perban 6/2024 Pasal 30)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="evaluate as of this day (YYYY-MM-DD); default today")
        parser.add_argument("--no-warn", action="store_true", help="close only, write no warnings")

    def handle(self, *args, **options):
        day = None
        if options["date"]:
            day = parse_date(options["date"])
            if day is None:
                raise CommandError("--date must be YYYY-MM-DD")
        run = case_deadlines_apply(today=day, warn=not options["no_warn"])
        for code in sorted(set(run.closed) | set(run.warned)):
            self.stdout.write(f"{code}: closed {run.closed.get(code, 0)}, warned {run.warned.get(code, 0)}")
        self.stdout.write(f"total closed {sum(run.closed.values())}, warned {sum(run.warned.values())}")
