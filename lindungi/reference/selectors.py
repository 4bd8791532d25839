"""Reads of reference data. Reference rows are not personal data and not scoped: any signed-in user
may read them, so these selectors take no actor and write no access log."""

from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from lindungi.reference.models import Country, Occupation, OrgUnit, Province, Regency, UnitCoverage, Village


def valid_on(day: date | None = None) -> Q:
    """Rows of an ``EffectiveDated`` model valid on ``day`` (today by default); both ends inclusive."""
    day = day or date.today()
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def _valid(queryset: QuerySet, on: date | None) -> QuerySet:
    return queryset.filter(valid_on(on))


def regency_codes_ever_valid() -> dict[str, Regency]:
    """Every regency code that was valid at some time, by digits. Small (~540 rows)."""
    return {r.code: r for r in Regency.objects.select_related("province")}


def regency_ids_covered_by(unit_id: int, *, on: date | None = None) -> QuerySet:
    """Regency ids a unit covers today, directly or through a whole province."""
    day = on or date.today()
    active = UnitCoverage.objects.filter(unit_id=unit_id).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
    province_ids = active.filter(province__isnull=False).values("province_id")
    regency_ids = active.filter(regency__isnull=False).values("regency_id")
    return Regency.objects.filter(Q(province_id__in=province_ids) | Q(id__in=regency_ids)).values("id")


def current_provinces(*, on: date | None = None) -> QuerySet:
    return _valid(Province.objects.all(), on).order_by("code")


def current_regencies(*, province: str | None = None, unit_id: int | None = None, on: date | None = None) -> QuerySet:
    """Regencies/cities valid today (514 as shipped), ordered by code, optionally of one province
    (code "32" or "32.") or only those a unit covers."""
    queryset = _valid(Regency.objects.select_related("province"), on).order_by("code")
    if province:
        queryset = queryset.filter(province__code=province.replace(".", "").strip())
    if unit_id:
        queryset = queryset.filter(id__in=regency_ids_covered_by(unit_id, on=on))
    return queryset


def regency_search(
    q: str = "", limit: int = 20, *, province: str | None = None, include_retired: bool = False
) -> list[Regency]:
    """Regencies whose code starts with ``q`` (dotted or not) or whose name contains it.

    Current codes only unless ``include_retired``: a retired code still appears on old NIKs, so lookups
    that validate a NIK use ``regency_codes_ever_valid`` instead.
    """
    if include_retired:
        queryset = Regency.objects.select_related("province", "successor")
        if province:
            queryset = queryset.filter(province__code=province.replace(".", "").strip())
    else:
        queryset = current_regencies(province=province).select_related("successor")
    term = (q or "").strip()
    if term:
        code = term.replace(".", "").replace(" ", "")
        match = Q(name__icontains=term)
        if code.isdigit():
            match |= Q(code__startswith=code)
        queryset = queryset.filter(match)
    return list(queryset.order_by("code")[: max(0, limit)])


def countries(*, on: date | None = None) -> QuerySet:
    return _valid(Country.objects.all(), on).order_by("name_id")


def occupations(
    *, zero_cost: bool | None = None, domestic_worker: bool | None = None, on: date | None = None
) -> QuerySet:
    queryset = _valid(Occupation.objects.all(), on)
    if zero_cost is not None:
        queryset = queryset.filter(zero_cost=zero_cost)
    if domestic_worker is not None:
        queryset = queryset.filter(domestic_worker=domestic_worker)
    return queryset.order_by("isco_code")


def org_units(*, kind: str | None = None, on: date | None = None) -> QuerySet:
    """Units valid today with their current coverage prefetched as ``current_coverage``."""
    coverage = _valid(UnitCoverage.objects.select_related("province", "regency"), on).order_by("id")
    queryset = _valid(OrgUnit.objects.select_related("parent", "seat"), on).prefetch_related(
        Prefetch("coverage", queryset=coverage, to_attr="current_coverage")
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("code")


def villages_of(regency_code: str) -> QuerySet:
    """Villages (desa/kelurahan) of one regency/city by district and name; empty when the villages
    were not loaded (``load_reference_data --villages``) or the code is unknown."""
    code = (regency_code or "").replace(".", "").strip()
    if not code.isdigit():
        return Village.objects.none()
    return Village.objects.filter(regency__code=code).order_by("district_name", "name")


def country_by_iso2(iso2: str) -> Country | None:
    return Country.objects.filter(iso2=iso2.upper()).first()


def regency_by_code(code: str) -> Regency | None:
    return Regency.objects.filter(code=code.replace(".", "").strip()).first()


def org_unit_by_code(code: str) -> OrgUnit | None:
    return OrgUnit.objects.filter(code=code.strip().upper()).first() if code.strip() else None
