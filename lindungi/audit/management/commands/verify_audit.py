"""Check the hash chains of the audit trail and the access log.

Exit status 0 when both chains are intact; otherwise every edited, deleted or inserted row is
listed and the status is 1. The heads printed at the end can be recorded outside the database
(a ticket, a signed e-mail), so that a later run can show the chain was not rewritten wholesale.
"""

from django.core.management.base import BaseCommand, CommandError

from lindungi.audit import chain


class Command(BaseCommand):
    help = "Verify the hash chains of the audit trail and the access log; list edited, deleted or inserted rows."

    def add_arguments(self, parser):
        parser.add_argument("--chain", choices=sorted(chain.CHAINS), action="append",
                            help="only this chain (default: both)")

    def handle(self, *args, chain_names=None, **options):
        names = options.get("chain") or sorted(chain.CHAINS)
        problems = 0
        for name in names:
            for problem in chain.verify(name):
                problems += 1
                self.stdout.write(str(problem))
            seq, head = chain.head_of(name)
            self.stdout.write(f"{name}: {seq} rows, head {head}")
        if problems:
            raise CommandError(f"{problems} problem(s) found in the audit chains.")
        self.stdout.write(self.style.SUCCESS("The audit trail and the access log are intact."))
