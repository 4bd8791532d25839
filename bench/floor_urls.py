"""The floor of the lookup benchmark: what the partner lookup must do at least, without Lindungi.

One plain Django view (served with Django's default middleware, see ``settings_floor.py``) runs
one hand-written SQL statement and returns the same JSON fields as ``GET /api/v1/persons/lookup``:
the person by its unique NIK index, joined to the same tables the API answer needs (regency,
P3MI company, the record it was merged into, the current passport), and for a unit officer the
same coverage filter (the unit's regencies, directly or through a whole province, on today's
date). What it leaves out is Lindungi's overhead: django-ninja, the bearer-token check, the role and
permission check, building the scoped query, the access-log row and the response schema.
"""

import json
import uuid

from django.db import connection
from django.http import Http404, JsonResponse
from django.urls import path
from django.utils import timezone

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
UNIT_SCOPE_SQL = """
   AND p.regency_id IN (
       SELECT g.id FROM reference_regency g
         JOIN reference_unitcoverage c ON (c.province_id = g.province_id OR c.regency_id = g.id)
        WHERE c.unit_id = %s AND (c.valid_from IS NULL OR c.valid_from <= %s)
          AND (c.valid_to IS NULL OR c.valid_to >= %s))"""
KEYS = ("pk", "id", "nik", "full_name", "sex", "birth_date", "birth_place", "nik_warnings", "regency_code",
        "regency_name", "agency", "agency_name", "merged_into", "passport_number", "passport_expiry")


def _uuid(value) -> str | None:
    return None if value is None else str(value if isinstance(value, uuid.UUID) else uuid.UUID(value))


def _day(value) -> str | None:
    return None if value is None else value if isinstance(value, str) else value.isoformat()


def lookup(request):
    """``?nik=`` (and ``&unit=<id>`` for a unit officer's scope) → the person or 404."""
    nik = request.GET.get("nik", "")
    unit = request.GET.get("unit")
    sql, params = LOOKUP_SQL, [nik]
    if unit:
        today = timezone.localdate()
        sql, params = sql + UNIT_SCOPE_SQL, [nik, int(unit), today, today]
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


urlpatterns = [path("floor/lookup", lookup), path("login/", lambda r: JsonResponse({}))]
