"""Verify a departure credential offline, with nothing but the published key set and a revocation
list file (as a checkpoint does when the server cannot be reached)::

    manage.py verify_credential LDC1.… --keys credential-keys.json --revocations revocations.json \
        [--nik 3201…] [--passport C1234567] [--on 2026-12-04]

``credential-keys.json`` is ``GET /api/v1/public/credential-keys``; ``revocations.json`` is
``GET /api/v1/credential-revocations``. Exit status 0 when the credential is valid, 1 when it is not
(every problem printed), 2 when a file cannot be used. Reads no database.
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from lindungi.departures import credentials


class Command(BaseCommand):
    help = "Verify a departure credential offline with a key-set file and a revocation-list file."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("token")
        parser.add_argument("--keys", required=True, help="key-set JSON (GET /api/v1/public/credential-keys)")
        parser.add_argument("--revocations", help="signed revocation list JSON (GET /api/v1/credential-revocations)")
        parser.add_argument("--nik", default="")
        parser.add_argument("--passport", default="")
        parser.add_argument("--on", default="", help="the day to verify for (default today)")
        parser.add_argument("--language", default="id", choices=("id", "en"))

    def handle(self, *args, **options):
        try:
            keys = credentials.keys_from_set(_load(options["keys"]))
            revoked, issued_at = (credentials.verify_revocation_list(_load(options["revocations"]), keys)
                                  if options["revocations"] else (frozenset(), None))
            day = date.fromisoformat(options["on"]) if options["on"] else date.today()
        except (credentials.CredentialError, ValueError, OSError) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        result = credentials.verify(options["token"], keys=keys, revoked=revoked, today=day, nik=options["nik"],
                                    passport=options["passport"])
        lang = options["language"]
        if issued_at is not None:
            self.stdout.write(f"revocation list: {issued_at.isoformat()} ({len(revoked)} revoked)")
        else:
            self.stdout.write("revocation list: none given (revocations not checked)")
        if result.claims is not None:
            c = result.claims
            self.stdout.write(f"credential {c.cid}: passport {c.passport}, destination {c.destination}, "
                              f"P3MI {c.p3mi or '-'}, valid until {c.valid_until.isoformat()}, key {c.kid}")
        if result.valid:
            self.stdout.write(self.style.SUCCESS("VALID"))
            return
        for problem in result.problems:
            self.stdout.write(f"- {problem.code}: {problem.message(lang)}")
        raise CommandError("NOT VALID", returncode=1)


def _load(path: str):
    with open(path, encoding="utf-8") as handle:
        try:
            return json.load(handle)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not JSON ({exc})") from exc
