"""Create the first central administrator of an installation; prints a one-time temporary password.
Further accounts are created in the application (web: /accounts/, API: POST /api/v1/users)."""

from django.core.management.base import BaseCommand, CommandError

from lindungi.accounts.services import administrator_bootstrap
from lindungi.common.errors import ValidationFailed


class Command(BaseCommand):
    help = "Create a central administrator with a temporary password (changed at the first sign-in)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            user, temporary = administrator_bootstrap(username=username)
        except ValidationFailed as exc:
            raise CommandError(exc.message)
        self.stdout.write(f"Central administrator {user.username} created. Temporary password: {temporary}")
