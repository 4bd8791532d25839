"""Floors of the API benchmarks: what an endpoint must do at least, without Lindungi.

**Lookup** (``/floor/lookup``, beside ``GET /api/v1/persons/lookup``).

One plain Django view (served with Django's default middleware, see ``settings_floor.py``) runs
one hand-written SQL statement and returns the same JSON fields as ``GET /api/v1/persons/lookup``:
the person by its unique NIK index, joined to the same tables the API answer needs (regency,
P3MI company, the record it was merged into, the current passport), and for a unit officer the
same coverage filter (the unit's regencies, directly or through a whole province, on today's
date). What it leaves out is Lindungi's overhead: django-ninja, the bearer-token check, the role and
permission check, building the scoped query, the access-log row and the response schema.

**Name search** (``/floor/search``, beside ``GET /api/v1/persons?q=``). The same plan in
hand-written SQL on the same covering token index: the rarest fragment (counted up to 200,000
index entries, as Lindungi does) drives a range scan, every other fragment is an ``EXISTS`` on the
person's own tokens, the unit officer's coverage filters the token rows, the page is ordered by
sort name, the total counted up to 10,000, then the 25 people of the page are read with their
regency. Left out: django-ninja, token check, permission check, the ORM, the access-log row.
"""

import json
import uuid

from django.db import connection
from django.http import Http404, JsonResponse
from django.urls import path
from django.utils import timezone

from lindungi.common.text import fold

LOOKUP_SQL = """
SELECT p.id, p.public_id, p.nik, p.full_name, p.sex, p.birth_date, p.birth_place, p.nik_warnings,
       r.code, r.name, a.public_id, a.legal_name, m.public_id,
       (SELECT pp.number FROM registry_passport pp
         WHERE pp.person_id = p.id AND pp.is_current ORDER BY pp.issue_date DESC LIMIT 1),
       (SELECT pp.expiry_date FROM registry_passport pp
         WHERE pp.person_id = p.id AND pp.is_current ORDER BY pp.issue_date DESC LIMIT 1)
  FROM registry_person p
  JOIN reference_regency r ON r.id = p.regency_id
  LEFT JOIN agencies_agency a ON a.id = p.agency_id
  LEFT JOIN registry_person m ON m.id = p.merged_into_id
 WHERE p.nik = %s"""
COVERED = """SELECT c.{column} FROM reference_unitcoverage c
        WHERE c.unit_id = %s AND c.{column} IS NOT NULL AND (c.valid_from IS NULL OR c.valid_from <= %s)
          AND (c.valid_to IS NULL OR c.valid_to >= %s)"""
# The unit's regencies, directly or through a whole province: two semi-joins, the shape PostgreSQL
# plans well (a join on "province matches OR regency matches" made it scan the token index instead).
UNIT_SCOPE_SQL = f"""
   AND p.regency_id IN (
       SELECT g.id FROM reference_regency g
        WHERE g.province_id IN ({COVERED.format(column="province_id")})
           OR g.id IN ({COVERED.format(column="regency_id")}))"""
KEYS = ("pk", "id", "nik", "full_name", "sex", "birth_date", "birth_place", "nik_warnings", "regency_code",
        "regency_name", "agency", "agency_name", "merged_into", "passport_number", "passport_expiry")


def _uuid(value) -> str | None:
    return None if value is None else str(value if isinstance(value, uuid.UUID) else uuid.UUID(value))


def _day(value) -> str | None:
    return None if value is None else value if isinstance(value, str) else value.isoformat()


def _unit_params(unit: str) -> list:
    today = timezone.localdate()
    return [int(unit), today, today] * 2


def lookup(request):
    """``?nik=`` (and ``&unit=<id>`` for a unit officer's scope) → the person or 404."""
    nik = request.GET.get("nik", "")
    unit = request.GET.get("unit")
    sql, params = LOOKUP_SQL, [nik]
    if unit:
        sql, params = sql + UNIT_SCOPE_SQL, [nik, *_unit_params(unit)]
    with connection.cursor() as cursor:
        cursor.execute(sql + " LIMIT 1", params)
        row = cursor.fetchone()
    if row is None:
        raise Http404
    found = dict(zip(KEYS, row, strict=True))
    del found["pk"]
    for key in ("id", "agency", "merged_into"):
        found[key] = _uuid(found[key])
    for key in ("birth_date", "passport_expiry"):
        found[key] = _day(found[key])
    if isinstance(found["nik_warnings"], str):
        found["nik_warnings"] = json.loads(found["nik_warnings"])
    return JsonResponse(found)


COUNT_LIMIT = 10_000
DRIVER_ESTIMATE_LIMIT = 200_000
PAGE_SIZE = 25
TOKEN_SCOPE_SQL = UNIT_SCOPE_SQL.replace("p.regency_id", "t.regency_id")
PEOPLE_SQL = """
SELECT p.id, p.public_id, p.nik, p.full_name, p.sex, p.birth_date, r.code, r.name, m.public_id
  FROM registry_person p
  JOIN reference_regency r ON r.id = p.regency_id
  LEFT JOIN registry_person m ON m.id = p.merged_into_id
 WHERE p.id IN ({})"""


def _matches(cursor, fragment: str) -> int:
    cursor.execute("SELECT COUNT(*) FROM (SELECT 1 FROM registry_personnametoken WHERE token >= %s AND token < %s"
                   " LIMIT %s) x", [fragment, fragment + "\uffff", DRIVER_ESTIMATE_LIMIT])
    return cursor.fetchone()[0]


def search(request):
    """``?q=`` name fragments (and ``&unit=<id>`` for a unit officer's scope) → page 1 and a total."""
    fragments = fold(request.GET.get("q", "")).split()
    if not fragments:
        return JsonResponse({"detail": "q"}, status=422)
    unit = request.GET.get("unit")
    with connection.cursor() as cursor:
        driver = fragments[0] if len(fragments) == 1 else min(fragments, key=lambda f: _matches(cursor, f))
        where, params = "t.token >= %s AND t.token < %s", [driver, driver + "\uffff"]
        if unit:
            where, params = where + TOKEN_SCOPE_SQL, [*params, *_unit_params(unit)]
        for fragment in fragments:
            if fragment is not driver:
                where += (" AND EXISTS (SELECT 1 FROM registry_personnametoken o WHERE o.person_id = t.person_id"
                          " AND o.token >= %s AND o.token < %s)")
                params += [fragment, fragment + "\uffff"]
        rows = f"SELECT DISTINCT t.sort_name, t.person_id FROM registry_personnametoken t WHERE {where}"
        cursor.execute(f"SELECT COUNT(*) FROM ({rows} LIMIT %s) x", [*params, COUNT_LIMIT + 1])
        total = cursor.fetchone()[0]
        cursor.execute(f"{rows} ORDER BY t.sort_name, t.person_id LIMIT %s", [*params, PAGE_SIZE])
        ids = [person_id for _sort, person_id in cursor.fetchall()]
        people = {}
        if ids:
            cursor.execute(PEOPLE_SQL.format(", ".join(["%s"] * len(ids))), ids)
            people = {row[0]: row for row in cursor.fetchall()}
    items = [{"id": _uuid(row[1]), "nik": row[2], "full_name": row[3], "sex": row[4], "birth_date": _day(row[5]),
              "regency_code": row[6], "regency_name": row[7], "merged_into": _uuid(row[8])}
             for row in (people[pk] for pk in ids if pk in people)]
    return JsonResponse({"items": items, "total": min(total, COUNT_LIMIT), "total_capped": total > COUNT_LIMIT,
                         "page": 1, "page_size": PAGE_SIZE})


urlpatterns = [path("floor/lookup", lookup), path("floor/search", search), path("login/", lambda r: JsonResponse({}))]
