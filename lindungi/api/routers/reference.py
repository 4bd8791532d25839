"""Reference data, read-only, for any signed-in user (the API's default authentication applies)."""

from datetime import date

from ninja import Query, Router, Schema

from lindungi.api.schemas import ERRORS, InputSchema, coded
from lindungi.reference import selectors
from lindungi.reference.models import OrgUnit, Regency

router = Router(tags=["reference"])


class ProvinceOut(Schema):
    code: str
    name: str
    valid_from: date | None
    valid_to: date | None
    legal_basis: str


class RegencyOut(Schema):
    code: str
    dotted_code: str
    name: str
    kind: coded(Regency.Kind)
    province_code: str
    valid_from: date | None
    valid_to: date | None
    successor_code: str | None
    legal_basis: str

    @staticmethod
    def resolve_province_code(obj) -> str:
        return obj.province.code

    @staticmethod
    def resolve_successor_code(obj) -> str | None:
        return obj.successor.code if obj.successor_id else None


class CountryOut(Schema):
    iso2: str
    iso3: str
    name_id: str
    name_en: str


class OccupationOut(Schema):
    isco_code: str
    title_id: str
    title_en: str
    zero_cost: bool
    domestic_worker: bool


class UnitOut(Schema):
    code: str
    name: str
    kind: coded(OrgUnit.Kind)
    parent_code: str | None
    seat_code: str | None
    province_codes: list[str]
    regency_codes: list[str]

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_seat_code(obj) -> str | None:
        return obj.seat.code if obj.seat_id else None

    @staticmethod
    def resolve_province_codes(obj) -> list[str]:
        return [c.province.code for c in obj.current_coverage if c.province_id]

    @staticmethod
    def resolve_regency_codes(obj) -> list[str]:
        return [c.regency.code for c in obj.current_coverage if c.regency_id]


class RegencyFilter(InputSchema):
    province: str | None = None
    q: str = ""
    include_retired: bool = False
    limit: int = 600


class OccupationFilter(InputSchema):
    zero_cost: bool | None = None
    domestic_worker: bool | None = None


@router.get("/provinces", response={200: list[ProvinceOut], **ERRORS}, operation_id="reference_provinces_list")
def provinces_list(request):
    """Provinces valid today, by Kemendagri code."""
    return list(selectors.current_provinces())


@router.get("/regencies", response={200: list[RegencyOut], **ERRORS}, operation_id="reference_regencies_list")
def regencies_list(request, filters: Query[RegencyFilter]):
    """Regencies/cities valid today, optionally of one province (`province=32`) and matching `q` (code
    prefix such as `32.01`, or part of the name). `include_retired=true` adds codes retired by a split,
    each with its successor."""
    return selectors.regency_search(
        filters.q,
        min(max(filters.limit, 0), 1000),
        province=filters.province,
        include_retired=filters.include_retired,
    )


@router.get("/countries", response={200: list[CountryOut], **ERRORS}, operation_id="reference_countries_list")
def countries_list(request):
    """ISO 3166-1 countries with Indonesian and English names, ordered by Indonesian name."""
    return list(selectors.countries())


@router.get("/occupations", response={200: list[OccupationOut], **ERRORS}, operation_id="reference_occupations_list")
def occupations_list(request, filters: Query[OccupationFilter]):
    """ISCO-08 unit groups; `zero_cost=true` gives the jobs whose placement costs the worker may not bear
    (Perban BP2MI 9/2020)."""
    return list(selectors.occupations(zero_cost=filters.zero_cost, domestic_worker=filters.domestic_worker))


@router.get("/units", response={200: list[UnitOut], **ERRORS}, operation_id="reference_units_list")
def units_list(request):
    """Organisational units valid today (headquarters, BP3MI, P4MI posts, LTSA offices) with the
    provinces and regencies each currently covers."""
    return list(selectors.org_units())
