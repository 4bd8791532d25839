from django.core.management.base import BaseCommand

from lindungi.accounts.models import User
from lindungi.demo.seed import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **opts):
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for username, _role, _unit, _first, _last in DEMO_USERS:
            user = User.objects.filter(username=username).select_related("unit", "agency").first()
            if user is None:
                continue
            if user.is_lookup_only:
                scope = "cari per NIK/paspor saja (lookup by NIK/passport only)"
            else:
                scope = user.unit.name if user.unit_id else (user.agency.legal_name if user.agency_id else "nasional")
            self.stdout.write(f"  {username:<20} {user.get_role_display():<32} {scope}")
        self.stdout.write("")
