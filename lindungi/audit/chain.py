"""Hash chains over the audit trail and the access log.

Each chained row stores its place in its chain (``seq``), the hash of the row before it
(``prev_hash``; the first row's is ``GENESIS``) and its own hash: SHA-256 over a canonical
serialisation of its fields and ``prev_hash`` (``digest``). Editing a row changes its hash; deleting
one leaves a gap in ``seq`` and a ``prev_hash`` that points at nothing; a row inserted behind the
application's back has no place in the chain, or a hash that does not follow from its
predecessor. ``verify`` walks a chain and names each such row (``manage.py verify_audit``).

``append`` is the only writer. It locks the chain heads (``ChainHead``, ``SELECT … FOR UPDATE`` on
PostgreSQL; SQLite's write transactions are already serial), so two requests writing at once queue
rather than both chaining onto the same predecessor. It runs inside the caller's transaction: the
rows commit or roll back with the business write or the response they record. Both heads are locked
together, in a fixed order, so a transaction that writes to both chains cannot deadlock another.
"""

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from lindungi.audit.models import AccessLog, AuditEvent, ChainHead

GENESIS = "0" * 64
AUDIT = "audit"
ACCESS = "access"
CHAINS = {AUDIT: AuditEvent, ACCESS: AccessLog}
# The fields each chain signs, in order (besides seq and prev_hash).
SIGNED = {
    AUDIT: ("at", "actor_id", "action", "object_type", "object_id", "changes", "reason", "via"),
    ACCESS: ("at", "actor_id", "kind", "object_type", "object_id", "person_id", "route", "via", "detail"),
}


def normalise_json(value):
    """What a JSON column gives back for ``value`` (tuples become lists, dates strings), so the hash
    computed before the insert is the hash recomputed after a read."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _canonical_value(value):
    if hasattr(value, "astimezone"):  # an aware datetime: UTC with microseconds, as both databases keep it
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def digest(chain: str, row) -> str:
    payload = [chain, row.seq, row.prev_hash] + [_canonical_value(getattr(row, name)) for name in SIGNED[chain]]
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


def _lock_heads() -> dict[str, ChainHead]:
    heads = {head.chain: head for head in ChainHead.objects.select_for_update().order_by("chain")}
    if len(heads) < len(CHAINS):  # a new or emptied database: create the missing heads, in name order
        ChainHead.objects.bulk_create([ChainHead(chain=name, hash=GENESIS) for name in sorted(CHAINS)
                                       if name not in heads], ignore_conflicts=True)
        heads = {head.chain: head for head in ChainHead.objects.select_for_update().order_by("chain")}
    return heads


def link(chain: str, rows: Sequence[models.Model], *, seq: int, prev: str) -> tuple[int, str]:
    """Give each row its place after (seq, prev); returns the new head."""
    for row in rows:
        seq += 1
        row.seq, row.prev_hash = seq, prev
        row.hash = prev = digest(chain, row)
    return seq, prev


def append(chain: str, rows: Sequence[models.Model]) -> None:
    """Chain and insert ``rows`` (unsaved instances of the chain's model) in one statement."""
    if not rows:
        return
    # No savepoint of its own: a failure here must undo the caller's write anyway.
    with transaction.atomic(savepoint=False):
        head = _lock_heads()[chain]
        head.seq, head.hash = link(chain, rows, seq=head.seq, prev=head.hash)
        CHAINS[chain].objects.bulk_create(rows)
        ChainHead.objects.filter(chain=chain).update(seq=head.seq, hash=head.hash)


@dataclass(frozen=True)
class Problem:
    chain: str
    kind: str  # edited, deleted, inserted
    row_id: int | None
    seq: int | None
    message: str

    def __str__(self) -> str:
        return f"[{self.chain}] {self.kind}: {self.message}"


def verify(chain: str, *, chunk_size: int = 5000, using: str = "default") -> Iterator[Problem]:
    """Walk a chain in order and yield every edited, deleted or inserted row (of the database
    ``using``: the restore drill verifies a restored copy)."""
    model = CHAINS[chain]
    for row_id in model.objects.using(using).filter(seq__isnull=True).values_list("pk", flat=True).order_by("pk"):
        yield Problem(chain, "inserted", row_id, None, f"row id {row_id} is not in the chain (written around it)")
    expected, prev = 1, GENESIS
    rows = model.objects.using(using).filter(seq__isnull=False).order_by("seq")
    for row in rows.iterator(chunk_size=chunk_size):
        if row.seq > expected:
            missing = f"seq {expected}" if row.seq == expected + 1 else f"seq {expected}–{row.seq - 1}"
            yield Problem(chain, "deleted", row.pk, row.seq,
                          f"{row.seq - expected} row(s) missing before row id {row.pk} ({missing})")
        elif row.prev_hash != prev:
            yield Problem(chain, "inserted", row.pk, row.seq,
                          f"row id {row.pk} (seq {row.seq}) does not follow from its predecessor "
                          "(inserted, or its predecessor replaced)")
        if digest(chain, row) != row.hash:
            yield Problem(chain, "edited", row.pk, row.seq, f"row id {row.pk} (seq {row.seq}) was changed after it "
                          "was written (its hash does not match its content)")
        expected, prev = row.seq + 1, row.hash
    head = ChainHead.objects.using(using).filter(chain=chain).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if expected - 1 < head_seq:
        yield Problem(chain, "deleted", None, head_seq,
                      f"{head_seq - expected + 1} row(s) missing at the end (the head is at seq {head_seq}, "
                      f"the last row at seq {expected - 1})")
    elif expected - 1 > head_seq:
        yield Problem(chain, "inserted", None, expected - 1,
                      f"row(s) after the head (seq {head_seq}) up to seq {expected - 1} were not written by the "
                      "application")
    elif prev != head_hash:
        yield Problem(chain, "edited", None, head_seq, "the last row's hash differs from the chain head's")


def head_of(chain: str) -> tuple[int, str]:
    head = ChainHead.objects.filter(chain=chain).first()
    return (head.seq, head.hash) if head else (0, GENESIS)
