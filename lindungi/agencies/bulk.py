"""Registering many foreign employers and agencies at once (file imports, migrations), beside the
single-record ``services.foreign_party_create`` and with its rules: the same validation
(``services._validate_foreign_party``), the same rows and the same ``foreign_party.create`` audit
event for every party, written a chunk at a time.

What differs is what a file needs and a form does not: a party already on record is not a new row
but ``existing`` (re-importing a file is safe). A party is the same as one on record (or earlier in
the batch) when it has the same role and country and either the same registration number or, without
one, the same normalised name (case, punctuation and spacing ignored).

Call inside a transaction (the importer's chunk transaction); nothing is written for a refused row.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lindungi.accounts.permissions import require_perm
from lindungi.agencies.models import ForeignParty
from lindungi.agencies.perms import AGENCY_WRITE
from lindungi.agencies.services import _foreign_party_fields, _validate_foreign_party, foreign_party_snapshot
from lindungi.audit.services import audit_rows, diff
from lindungi.common.errors import ValidationFailed

CREATED, EXISTING, REFUSED = "created", "existing", "refused"


def normalised_name(name: str) -> str:
    """Case, punctuation and spacing ignored: ``Chen  Mei-Ling`` = ``chen mei ling``."""
    return " ".join(re.sub(r"[\W_]+", " ", (name or "").casefold()).split())


def normalised_number(number: str) -> str:
    return re.sub(r"[\W_]+", "", (number or "").upper())


def party_keys(role: str, country_id: int, name: str, registration_number: str) -> list[tuple]:
    """The identities a party is found by: its registration number when it has one, and its name."""
    keys = []
    number = normalised_number(registration_number)
    if number:
        keys.append((role, country_id, "reg", number))
    keys.append((role, country_id, "name", normalised_name(name)))
    return keys


@dataclass
class PartyRow:
    """One party as ``foreign_party_create`` takes it; ``line`` identifies the row to the caller."""

    line: int
    data: dict[str, Any]


@dataclass
class PartyResult:
    line: int
    status: str  # created / existing / refused
    fields: dict[str, list[str]] = field(default_factory=dict)
    party_id: int | None = None


class ForeignPartyBulk:
    """What one batch loads once (the identities of every party on record) and remembers across its
    calls (the parties it created)."""

    def __init__(self, *, actor, via: str = "import"):
        require_perm(actor, AGENCY_WRITE)
        self.actor = actor
        self.via = via
        self.known: dict[tuple, int] = {}
        for pk, role, country_id, name, number in ForeignParty.objects.values_list(
                "id", "role", "country_id", "name", "registration_number").iterator(chunk_size=5000):
            for key in party_keys(role, country_id, name, number):
                self.known.setdefault(key, pk)

    def find(self, keys: list[tuple]) -> int | None:
        """A registration number decides when both sides have one; the name otherwise."""
        if keys[0][2] == "reg":
            if keys[0] in self.known:
                return self.known[keys[0]]
        return self.known.get(keys[-1])


def foreign_party_bulk_create(*, actor, rows: Iterable[PartyRow], bulk: ForeignPartyBulk) -> list[PartyResult]:
    """Register ``rows``; one result per row, in order."""
    if bulk.actor != actor:
        raise ValueError("bulk state belongs to another actor")
    results: list[PartyResult] = []
    fresh: list[tuple[PartyResult, ForeignParty, list[tuple]]] = []
    pending: list[tuple[PartyResult, list[tuple]]] = []
    for row in rows:
        try:
            clean, country = _validate_foreign_party(row.data)
        except ValidationFailed as exc:
            results.append(PartyResult(row.line, REFUSED, exc.fields))
            continue
        keys = party_keys(clean["role"], country.pk, clean["name"], clean["registration_number"])
        found = bulk.find(keys)
        if found is not None:
            results.append(PartyResult(row.line, EXISTING, party_id=found))
            if found == -1:  # created earlier in this call: its id is known after the insert
                pending.append((results[-1], keys))
            continue
        party = ForeignParty(country=country, **_foreign_party_fields(clean))
        result = PartyResult(row.line, CREATED)
        results.append(result)
        fresh.append((result, party, keys))
        for key in keys:  # a repeat later in the batch is the same party
            bulk.known.setdefault(key, -1)
    if fresh:
        created = ForeignParty.objects.bulk_create([party for _r, party, _k in fresh])
        audit = audit_rows(actor=actor, action="foreign_party.create", object_type="foreignparty", via=bulk.via)
        for (result, _party, keys), party in zip(fresh, created, strict=True):
            result.party_id = party.pk
            for key in keys:
                if bulk.known.get(key) == -1:
                    bulk.known[key] = party.pk
            audit.add(object_id=party.pk, changes=diff({}, foreign_party_snapshot(party)))
        audit.write()
    for result, keys in pending:
        result.party_id = bulk.find(keys)
    return results
