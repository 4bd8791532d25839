"""Start signing departure credentials with a new Ed25519 key. The previous key stops signing and
stays published until every credential it signed has expired. Run it on a schedule (e.g. monthly)
or at once if a key may have leaked (then also revoke what it signed)."""

from django.core.management.base import BaseCommand, CommandError

from lindungi.accounts.models import User
from lindungi.departures import services


class Command(BaseCommand):
    help = "Rotate the departure-credential signing key."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username of the administrator doing it (audited)")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user {options['user']!r}")
        key = services.credential_key_rotate(actor=user, via="command")
        self.stdout.write(self.style.SUCCESS(f"new signing key {key.kid}"))
