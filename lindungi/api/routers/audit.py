"""The access log for auditors: search it by account, person, days and route, and the "who saw this
record" report of one person. Both need ``audit.view`` (P3MI staff, checkpoint officers and partner
clients get 403); a unit officer sees only rows about people in the unit's coverage. Reading the log
is itself logged."""

from datetime import datetime
from uuid import UUID

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from lindungi.api.schemas import ERRORS, InputSchema
from lindungi.registry import access

router = Router(tags=["audit"])


class AccessLogFilter(InputSchema):
    user: str = Field("", description="username of the account that saw the data")
    person: str = Field("", description="the person: public id or 16-digit NIK")
    since: str = Field("", description="first day, YYYY-MM-DD (local time)")
    until: str = Field("", description="last day, YYYY-MM-DD (inclusive)")
    route: str = Field("", description="the route starts with this, e.g. /api/v1/persons")
    kind: str = Field("", description="view, lookup, export or download")
    page: int = 1
    page_size: int = 50


class AccessLogRowOut(Schema):
    at: datetime
    user: str | None = Field(None, description="username; null for the system")
    kind: str
    object_type: str = Field(..., description="what was opened: person, person_list, placement, exportjob, …")
    person: UUID | None = Field(None, description="the person shown; null when nobody was found or shown, or when "
                                                  "the person is outside your scope")
    person_name: str | None = None
    route: str
    via: str
    detail: str


class AccessPageOut(Schema):
    items: list[AccessLogRowOut]
    total: int
    page: int
    page_size: int


class AccessReportOut(Schema):
    person: UUID
    full_name: str
    generated_at: datetime
    truncated: bool
    items: list[AccessLogRowOut]


def _access_out(row, person=None) -> dict:
    return {
        "at": timezone.localtime(row.at), "user": row.actor.username if row.actor_id else None, "kind": row.kind,
        "object_type": row.object_type, "person": person.public_id if person else None,
        "person_name": person.full_name if person else None, "route": row.route, "via": row.via,
        "detail": row.detail,
    }


@router.get("/access-log", response={200: AccessPageOut, **ERRORS}, operation_id="access_log_search")
def access_log_search(request, filters: Query[AccessLogFilter]):
    """Who saw personal data, newest first. Every bad filter is reported at once (422)."""
    result = access.access_log_page_for(request.user, via="api", **filters.dict())
    page, people = result["page"], result["people"]
    return {"items": [_access_out(row, people.get(row.person_id)) for row in page.items], "total": page.total,
            "page": page.page, "page_size": page.page_size}


@router.get("/access-log/persons/{public_id}", response={200: AccessReportOut, **ERRORS},
            operation_id="access_log_person_report")
def access_log_person_report(request, public_id: UUID):
    """Every access to one person's record (the report a worker can be given)."""
    report = access.person_access_report_for(request.user, public_id, via="api")
    person = report["person"]
    return {"person": person.public_id, "full_name": person.full_name, "generated_at": report["generated_at"],
            "truncated": report["truncated"], "items": [_access_out(row, person) for row in report["rows"]]}
