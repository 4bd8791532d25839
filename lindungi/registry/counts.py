"""People on record per (regency, P3MI), kept by database triggers (``common.counters``): the
dashboard's "people on record" is a sum over these rows in the actor's scope."""

from lindungi.common.counters import Counter, Delta

ACTIVE = "r.merged_into_id IS NULL"
KEYS = ("r.regency_id", "COALESCE(r.agency_id, 0)")
PERSON_COLUMNS = ("id", "regency_id", "agency_id", "merged_into_id")

PERSON_COUNTER = Counter(
    table="registry_personcount", key_columns=("regency", "agency"),
    deltas=(
        Delta("registry_person", "INSERT", +1, KEYS, ACTIVE),
        Delta("registry_person", "DELETE", -1, KEYS, ACTIVE, rows="old"),
        Delta("registry_person", "UPDATE", -1, KEYS, ACTIVE, rows="old"),
        Delta("registry_person", "UPDATE", +1, KEYS, ACTIVE),
    ),
)
COUNTERS = (PERSON_COUNTER,)
COLUMNS = {"registry_person": PERSON_COLUMNS}
BACKFILL = [
    "INSERT INTO registry_personcount (regency, agency, n) SELECT r.regency_id, COALESCE(r.agency_id, 0), COUNT(*) "
    "FROM registry_person r WHERE r.merged_into_id IS NULL GROUP BY r.regency_id, COALESCE(r.agency_id, 0)",
]
