"""The public register: no sign-in. Anyone can check whether a placement company (P3MI) is licensed
and in good standing before dealing with it. Only public licence fields are returned."""

import datetime as dt

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from lindungi.agencies.models import AgencyStatus
from lindungi.agencies.selectors import agency_public_search
from lindungi.api.schemas import ERRORS, InputSchema, coded
from lindungi.common.errors import ValidationFailed

router = Router(tags=["public"])


class PublicAgencyOut(Schema):
    legal_name: str
    sip3mi_number: str
    status: coded(AgencyStatus)
    in_good_standing: bool
    standing_code: str
    standing_id: str
    standing_en: str
    suspended_from: dt.date | None
    suspended_until: dt.date | None
    suspension_scope: str = Field(description="'' (none), 'all' (all activity) or 'partial'")
    suspension_countries: list[str] = Field(description="ISO2 codes a partial suspension covers (empty: every country)")
    suspension_schemes: list[str] = Field(description="scheme codes a partial suspension covers (empty: every scheme)")
    licence_issued_on: dt.date
    licence_expires_on: dt.date | None
    head_office_regency_code: str
    head_office_regency_name: str
    head_office_province_name: str


class PublicAgencyPageOut(Schema):
    as_of: dt.date
    items: list[PublicAgencyOut]
    total: int
    page: int
    page_size: int


class PublicAgencyQuery(InputSchema):
    q: str = ""
    page: int = 1
    page_size: int = 20


@router.get("/agencies", auth=None, response={200: PublicAgencyPageOut, **ERRORS}, operation_id="public_agency_search")
def public_agency_search(request, query: Query[PublicAgencyQuery]):
    """Search the P3MI register by company name or SIP3MI number (at least 3 characters). Each result
    says, in Indonesian (`standing_id`) and English (`standing_en`), whether the company is licensed
    and in good standing today, suspended (and until when), or has had its licence revoked or expire.
    A suspension of part of the activity names its scope: the destination countries
    (`suspension_countries`) and/or schemes (`suspension_schemes`) it covers."""
    today = timezone.localdate()
    try:
        result = agency_public_search(query.q, limit=query.page_size, page=query.page, day=today)
    except ValidationFailed as exc:
        # The selector calls the page size "limit"; name the parameter the client actually sent.
        fields = {("page_size" if name == "limit" else name): msgs for name, msgs in exc.fields.items()}
        raise ValidationFailed.from_fields(fields) from None
    return {"as_of": today, "items": result.items, "total": result.total, "page": result.page,
            "page_size": result.page_size}
