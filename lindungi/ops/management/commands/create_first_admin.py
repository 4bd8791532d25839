"""Create the first central administrator without a prompt, for deploy scripts and configuration
management. The password comes from ``--password-file`` or the environment (``FIRST_ADMIN_PASSWORD``
or ``FIRST_ADMIN_PASSWORD_FILE``), never from the command line, so it stays out of the process list
and the shell history. Refuses while a central administrator exists, unless ``--force``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.env import env_str
from lindungi.accounts.services import administrator_first
from lindungi.common.errors import Conflict, ValidationFailed


class Command(BaseCommand):
    help = "Create the first central administrator (non-interactive; audited)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--password-file", help="file holding the password (else FIRST_ADMIN_PASSWORD[_FILE])")
        parser.add_argument("--force", action="store_true", help="create it even if an administrator exists")

    def handle(self, *args, username, password_file=None, force=False, **options):
        if password_file:
            try:
                password = Path(password_file).read_text().strip()
            except OSError as exc:
                raise CommandError(f"{password_file}: {exc.strerror}") from exc
        else:
            password = env_str("FIRST_ADMIN_PASSWORD")
        try:
            user = administrator_first(username=username, password=password, force=force)
        except Conflict as exc:
            raise CommandError(exc.message) from exc
        except ValidationFailed as exc:
            details = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.fields.items())
            raise CommandError(details or exc.message) from exc
        self.stdout.write(f"Central administrator {user.username} created.")
