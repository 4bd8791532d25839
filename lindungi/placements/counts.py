"""Placements per (state, regency of the person, P3MI) and departures per (year, regency, P3MI),
kept by database triggers (``common.counters``). The dashboard and the pipeline board read sums over
these rows in the actor's scope instead of counting placements and transitions. A person who moves
to another regency, or a placement that changes P3MI, moves its counts with it."""

from lindungi.common.counters import Counter, Delta

PLACEMENT_COLUMNS = ("id", "person_id", "agency_id", "state")
TRANSITION_COLUMNS = ("id", "placement_id", "to_state", "at")
PERSON_COLUMNS = ("id", "regency_id", "agency_id", "merged_into_id")
COLUMNS = {"placements_placement": PLACEMENT_COLUMNS, "placements_placementtransition": TRANSITION_COLUMNS,
           "registry_person": PERSON_COLUMNS}

PERSON_REGENCY = "(SELECT p.regency_id FROM registry_person p WHERE p.id = r.person_id)"
AGENCY = "COALESCE(r.agency_id, 0)"
REGENCY_MOVED = "o.regency_id <> r.regency_id"
AGENCY_MOVED = "COALESCE(o.agency_id, 0) <> COALESCE(r.agency_id, 0)"


def year_of(vendor: str, column: str, time_zone: str, utc_offset_minutes: int) -> str:
    """The calendar year of a stored timestamp in the installation's time zone."""
    if vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {column} AT TIME ZONE '{time_zone}') AS INTEGER)"
    # SQLite stores UTC text; Indonesian zones keep one offset all year.
    return f"CAST(strftime('%Y', {column}, '{utc_offset_minutes:+d} minutes') AS INTEGER)"


def counters(vendor: str, time_zone: str, utc_offset_minutes: int) -> tuple[Counter, ...]:
    def year(column):
        return year_of(vendor, column, time_zone, utc_offset_minutes)

    state_keys = ("r.state", PERSON_REGENCY, AGENCY)
    # A person's placements, keyed with the regency of the person image ``r``.
    person_placements = ("pl.state", "r.regency_id", "COALESCE(pl.agency_id, 0)")
    placement_counter = Counter(
        table="placements_placementcount", key_columns=("state", "regency", "agency"),
        deltas=(
            Delta("placements_placement", "INSERT", +1, state_keys),
            Delta("placements_placement", "DELETE", -1, state_keys, rows="old"),
            Delta("placements_placement", "UPDATE", -1, state_keys, rows="old"),
            Delta("placements_placement", "UPDATE", +1, state_keys),
            Delta("registry_person", "UPDATE", -1, person_placements, f"pl.person_id = r.id AND {REGENCY_MOVED}",
                  rows="old", join=", placements_placement pl"),
            Delta("registry_person", "UPDATE", +1, person_placements, f"pl.person_id = r.id AND {REGENCY_MOVED}",
                  join=", placements_placement pl"),
        ),
    )
    departed = "r.to_state = 'departed'"
    transition_keys = (
        year("r.at"),
        "(SELECT p.regency_id FROM placements_placement pl JOIN registry_person p ON p.id = pl.person_id "
        "WHERE pl.id = r.placement_id)",
        "(SELECT COALESCE(pl.agency_id, 0) FROM placements_placement pl WHERE pl.id = r.placement_id)",
    )
    placement_departures = (year("t.at"), PERSON_REGENCY, AGENCY)
    person_departures = (year("t.at"), "r.regency_id", "COALESCE(pl.agency_id, 0)")
    departures = ", placements_placement pl, placements_placementtransition t"
    departures_of_person = "pl.person_id = r.id AND t.placement_id = pl.id AND t.to_state = 'departed'"
    departure_counter = Counter(
        table="placements_departurecount", key_columns=("year", "regency", "agency"),
        deltas=(
            Delta("placements_placementtransition", "INSERT", +1, transition_keys, departed),
            Delta("placements_placementtransition", "DELETE", -1, transition_keys, departed, rows="old"),
            Delta("placements_placementtransition", "UPDATE", -1, transition_keys, departed, rows="old"),
            Delta("placements_placementtransition", "UPDATE", +1, transition_keys, departed),
            Delta("placements_placement", "UPDATE", -1, placement_departures,
                  f"t.placement_id = r.id AND t.to_state = 'departed' AND {AGENCY_MOVED}", rows="old",
                  join=", placements_placementtransition t"),
            Delta("placements_placement", "UPDATE", +1, placement_departures,
                  f"t.placement_id = r.id AND t.to_state = 'departed' AND {AGENCY_MOVED}",
                  join=", placements_placementtransition t"),
            Delta("registry_person", "UPDATE", -1, person_departures, f"{departures_of_person} AND {REGENCY_MOVED}",
                  rows="old", join=departures),
            Delta("registry_person", "UPDATE", +1, person_departures, f"{departures_of_person} AND {REGENCY_MOVED}",
                  join=departures),
        ),
    )
    return placement_counter, departure_counter


def backfill(vendor: str, time_zone: str, utc_offset_minutes: int) -> list[str]:
    year = year_of(vendor, "t.at", time_zone, utc_offset_minutes)
    return [
        "INSERT INTO placements_placementcount (state, regency, agency, n) "
        "SELECT r.state, p.regency_id, COALESCE(r.agency_id, 0), COUNT(*) FROM placements_placement r "
        "JOIN registry_person p ON p.id = r.person_id GROUP BY r.state, p.regency_id, COALESCE(r.agency_id, 0)",
        f"INSERT INTO placements_departurecount (year, regency, agency, n) "
        f"SELECT {year}, p.regency_id, COALESCE(r.agency_id, 0), COUNT(*) FROM placements_placementtransition t "
        f"JOIN placements_placement r ON r.id = t.placement_id JOIN registry_person p ON p.id = r.person_id "
        f"WHERE t.to_state = 'departed' GROUP BY {year}, p.regency_id, COALESCE(r.agency_id, 0)",
    ]
