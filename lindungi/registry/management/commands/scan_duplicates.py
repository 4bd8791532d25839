import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from lindungi.accounts.models import User
from lindungi.registry.models import Person
from lindungi.registry.services import duplicate_scan


class Command(BaseCommand):
    help = (
        "Queue duplicate candidates for review. By default only people who share a normalised name and a "
        "birth date with someone else are scanned (fast, catches re-keyed records); --all scans everyone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", default="admin", help="username recorded as the actor")
        parser.add_argument("--all", action="store_true", help="scan every active person (slow on millions)")

    def handle(self, *args, **opts):
        actor = User.objects.filter(username=opts["user"]).first()
        if actor is None:
            raise CommandError(f"Unknown user {opts['user']}")
        people = Person.objects.active()
        if not opts["all"]:
            clashes = (people.values("name_key", "birth_date").annotate(n=Count("id")).filter(n__gt=1)
                       .values_list("name_key", "birth_date"))
            ids = []
            for key, born in clashes.iterator():
                ids.extend(people.filter(name_key=key, birth_date=born).values_list("id", flat=True))
            people = people.filter(id__in=ids)
        total = people.count()
        started, flagged = time.monotonic(), 0
        for done, person in enumerate(people.select_related("regency").iterator(chunk_size=500), start=1):
            flagged += len(duplicate_scan(person=person, actor=actor, via="command"))
            if done % 200 == 0 or done == total:
                sys.stderr.write(f"\r  scanned {done:,}/{total:,}")
        sys.stderr.write("\n")
        self.stdout.write(f"Scanned {total:,} people in {time.monotonic() - started:.1f} s; {flagged} match(es).")
