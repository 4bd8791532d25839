import csv
import random
import sys
import tempfile
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

from lindungi.accounts.models import User
from lindungi.accounts.roles import Role
from lindungi.cases.models import Case
from lindungi.demo.cases import seed_arrivals, seed_cases
from lindungi.demo.costs import seed_costs
from lindungi.demo.departures import seed_departures
from lindungi.demo.generator import COLUMNS, PersonRowGenerator
from lindungi.demo.institutions import seed_institutions
from lindungi.demo.placements import seed_placements
from lindungi.demo.seed import DEMO_PASSWORD, bootstrap_admin, ensure_users, seed_agencies
from lindungi.placements.models import Placement
from lindungi.reference.models import Regency
from lindungi.registry.models import Person


def progress(done: int, total: int, label: str) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    sys.stderr.write(f"\r  {label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
    if done >= total:
        sys.stderr.write("\n")


class Command(BaseCommand):
    help = ("Generate a realistic synthetic population (users for every role, P3MI, people, job orders with SIP2MI "
            "and placements at every stage) for demos and benchmarks.")

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=2000)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when people are already on record")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--placement-share", type=float, default=0.6,
                            help="share of the people who get a placement (default %(default)s; 0: none)")

    def handle(self, *args, **opts):
        rng = random.Random(opts["seed"])
        admin = bootstrap_admin()
        agencies = seed_agencies(admin, rng=rng)
        ensure_users(agencies[0])
        if opts["if_empty"] and Person.objects.exists():
            if not Case.objects.exists():
                self._protection(admin, rng, persons=Person.objects.count())
            if opts["placement_share"] > 0 and not Placement.objects.exists():
                # A database seeded before placements existed: add them to the people on record.
                states = seed_placements(admin=admin, share=min(1.0, opts["placement_share"]), rng=rng,
                                         stdout=self.stdout, stderr=self.stderr)
                self.stdout.write(self.style.SUCCESS(f"Demo placements added: {sum(states.values()):,}."))
                return
            self.stdout.write("People already on record: demo data left as it is.")
            return
        staff = []
        for n, agency in enumerate([a for a in agencies if a.status == "active"][:12]):
            username = "p3mi.demo" if n == 0 else f"p3mi.staf{n:02d}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, role=Role.P3MI_STAFF, agency=agency, first_name="Staf",
                            last_name=agency.legal_name[:100])
                user.set_password(DEMO_PASSWORD)
                user.save()
            staff.append(user.username)
        regencies: dict[str, list[str]] = {}
        for code in Regency.objects.filter(valid_to__isnull=True).values_list("code", flat=True):
            regencies.setdefault(code[:2], []).append(code)
        generator = PersonRowGenerator(regencies, seed=opts["seed"])
        total = opts["persons"]
        with tempfile.TemporaryDirectory() as tmp:
            owners = [*staff, "admin"]
            with ExitStack() as stack:
                writers = {}
                for username in owners:
                    handle = stack.enter_context(open(Path(tmp) / f"{username}.csv", "w", newline="", encoding="utf-8"))
                    writers[username] = csv.DictWriter(handle, fieldnames=COLUMNS)
                    writers[username].writeheader()
                for done, row in enumerate(generator.rows(total), start=1):
                    owner = rng.choice(staff) if rng.random() < 0.75 else "admin"
                    writers[owner].writerow(row)
                    if done % 1000 == 0 or done == total:
                        progress(done, total, "generating people")
            for username in owners:
                call_command("import_persons", str(Path(tmp) / f"{username}.csv"), user=username, stdout=self.stdout)
        call_command("scan_duplicates", user="admin", stdout=self.stdout)
        states = Counter()
        if opts["placement_share"] > 0:
            states = seed_placements(admin=admin, share=min(1.0, opts["placement_share"]), rng=rng,
                                     stdout=self.stdout, stderr=self.stderr)
        departures = seed_departures(admin=admin, rng=rng)
        skills = seed_institutions(admin=admin, rng=rng)
        self.stdout.write(f"Demo supporting institutions and records: {skills}.")
        self._protection(admin, rng, persons=total)
        summary = ", ".join(f"{state} {count:,}" for state, count in states.most_common())
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {Person.objects.count():,} people, {sum(states.values()):,} placements"
            + (f" ({summary})." if summary else ".")
            + (f" Departure checks: {', '.join(f'{k} {v:,}' for k, v in departures.most_common())}." if departures
               else "")))

    def _protection(self, admin, rng, *, persons: int) -> None:
        """Complaints, TRC dispatches and arrivals in the published proportions."""
        officers = list(User.objects.filter(username__in=["petugas.jabar", "petugas.jatim"]).order_by("username"))
        cases = seed_cases(officers=officers, admin=admin, count=max(12, persons // 40), rng=rng)
        arrivals = seed_arrivals(admin=admin, count=max(10, persons // 25), rng=rng)
        self.stdout.write(f"Demo complaints: {sum(cases.values()):,} ({cases}); arrivals: {sum(arrivals.values()):,}.")
        costs = seed_costs(admin=admin, count=max(10, persons // 50), rng=rng)
        self.stdout.write(f"Demo placement costs: {sum(costs.values()):,} ({dict(costs)}).")
