"""Scoped reads of statistics: the indicator table of a unit (target, realisation, achievement), the
targets and their splits, and the public (suppressed) tables.

Scope: central administrators and analysts read the nation and every unit; a unit officer reads
its own unit only (another unit's figures answer 404, like a record out of scope); other roles
may not read statistics at all (403). The public tables need no sign-in and hold counts only."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import require_perm
from lindungi.accounts.roles import NATIONAL_ROLES, Role
from lindungi.common.errors import NotFound
from lindungi.common.inputs import add_error, clean_text, int_field, raise_if_errors
from lindungi.common.replica import reporting
from lindungi.placements.selectors import reached_breakdown
from lindungi.placements.states import PlacementState
from lindungi.reference.models import OrgUnit
from lindungi.reference.selectors import current_regencies, org_units
from lindungi.statistics import realisation
from lindungi.statistics.models import Indicator, Target
from lindungi.statistics.perms import STATISTICS_VIEW
from lindungi.statistics.suppression import suppress

MIN_YEAR, MAX_YEAR = 2000, 2100
THRESHOLD = 10  # published counts from 1 to 9 below province level are suppressed
PUBLIC_BREAKDOWNS = ("province", "regency", "country", "scheme", "sex", "sector", "occupation", "education",
                     "month")
SUPPRESSED_BREAKDOWNS = ("regency",)  # below province level


def national_unit() -> OrgUnit | None:
    """The headquarters unit, which holds the national targets."""
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.HQ).order_by("code").first()


def indicators(*, on=None) -> list[Indicator]:
    day = on or timezone.localdate()
    return [i for i in Indicator.objects.order_by("sort_order", "code") if i.is_valid_on(day)]


def indicator_name(indicator: Indicator) -> str:
    return indicator.name_en if (get_language() or "id").startswith("en") else indicator.name_id


def indicator_definition(indicator: Indicator) -> str:
    return indicator.definition_en if (get_language() or "id").startswith("en") else indicator.definition_id


def clean_year(value, errors, *, name: str = "year") -> int | None:
    return int_field(value, name, errors, minimum=MIN_YEAR, maximum=MAX_YEAR,
                     default=timezone.localdate().year)


def units_for(actor) -> list[OrgUnit]:
    """The units whose figures the actor may read (the national unit first for national roles)."""
    require_perm(actor, STATISTICS_VIEW, _("You are not allowed to view statistics."))
    if actor.role in NATIONAL_ROLES:
        return sorted(org_units(), key=lambda u: (u.kind != OrgUnit.Kind.HQ, u.code))
    if actor.role == Role.UNIT_OFFICER and actor.unit_id:
        return list(OrgUnit.objects.filter(pk=actor.unit_id))
    return []


def unit_for(actor, code: str = "") -> OrgUnit | None:
    """The unit a figure is for: ``code`` if the actor may read it, the actor's own unit, or None
    (the nation) for national roles. A unit out of the actor's scope is ``NotFound``."""
    require_perm(actor, STATISTICS_VIEW, _("You are not allowed to view statistics."))
    code = clean_text(code).upper()
    if actor.role in NATIONAL_ROLES:
        if not code:
            return None
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            raise NotFound(_("No such unit."))
        return None if unit.kind == OrgUnit.Kind.HQ else unit
    if actor.role == Role.UNIT_OFFICER and actor.unit_id:
        unit = OrgUnit.objects.get(pk=actor.unit_id)
        if code and code != unit.code:
            raise NotFound(_("No such unit."))
        return unit
    raise NotFound(_("No such unit."))


def effective_targets(*, year: int, month: int = 0, unit_ids) -> dict[tuple[int, int], Target]:
    """(indicator id, unit id) -> the target that counts: revised if there is one, else planned."""
    out: dict[tuple[int, int], Target] = {}
    rows = Target.objects.filter(year=year, month=month, unit_id__in=list(unit_ids)).order_by("version")
    for target in rows:  # "planned" sorts before "revised": a revision overwrites its plan
        out[(target.indicator_id, target.unit_id)] = target
    return out


def achievement(realised: int, target: int | None) -> Decimal | None:
    """Realisation as a percentage of the target, one decimal; None without a (non-zero) target."""
    if not target:
        return None
    return (Decimal(realised) * 100 / Decimal(target)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Row:
    indicator: Indicator
    name: str
    definition: str
    target: int | None
    target_version: str
    source_document: str
    realisation: int
    achievement: Decimal | None
    drill_down: dict | None
    allocated: int | None = None  # the sum of the child units' targets, when any has one


@reporting
def realisation_for(actor, *, year=None, unit: str = "") -> dict:
    """The indicator table of one unit (or the nation) for one year."""
    errors: dict = {}
    year = clean_year(year, errors)
    raise_if_errors(errors)
    scope_unit = unit_for(actor, unit)
    holder = scope_unit or national_unit()
    period = realisation.Period(year=year)
    children = [c.pk for c in children_of(holder)] if holder else []
    targets = effective_targets(year=year, unit_ids=([holder.pk] if holder else []) + children)
    rows = []
    for indicator in indicators():
        target = targets.get((indicator.pk, holder.pk)) if holder else None
        parts = [targets[(indicator.pk, c)].value for c in children if (indicator.pk, c) in targets]
        realised = realisation.count(indicator, period=period, unit=scope_unit)
        rows.append(Row(
            indicator=indicator, name=indicator_name(indicator), definition=indicator_definition(indicator),
            target=target.value if target else None, target_version=target.version if target else "",
            source_document=target.source_document if target else "", realisation=realised,
            achievement=achievement(realised, target.value if target else None),
            drill_down=realisation.drill_down(indicator, period=period, unit=scope_unit),
            allocated=sum(parts) if parts else None,
        ))
    return {"year": year, "unit": scope_unit, "rows": rows}


@dataclass
class ReportRow:
    indicator: Indicator
    name: str
    target: int | None  # the year's target in force (revised over planned)
    month: int  # realisation in the report's month
    to_date: int  # realisation from 1 January to the end of the report's month
    achievement: Decimal | None  # to_date as a percentage of the year's target


@reporting
def monthly_report_for(actor, *, year=None, month=None, unit: str = "") -> dict:
    """The monthly performance report of one unit (or the nation): per indicator, the year's target,
    the month's realisation, the realisation from January to the end of the month and the
    achievement so far. The month must have begun."""
    errors: dict = {}
    today = timezone.localdate()
    year = clean_year(year, errors)
    month = int_field(month, "month", errors, minimum=1, maximum=12, default=today.month if year == today.year else 12)
    raise_if_errors(errors)
    if (year, month) > (today.year, today.month):
        add_error(errors, "month", _("The month has not begun yet."))
        raise_if_errors(errors)
    scope_unit = unit_for(actor, unit)
    holder = scope_unit or national_unit()
    targets = effective_targets(year=year, unit_ids=[holder.pk] if holder else [])
    rows = []
    for indicator in indicators():
        by_month = [realisation.count(indicator, period=realisation.Period(year=year, month=m), unit=scope_unit)
                    for m in range(1, month + 1)]
        target = targets.get((indicator.pk, holder.pk)) if holder else None
        rows.append(ReportRow(
            indicator=indicator, name=indicator_name(indicator), target=target.value if target else None,
            month=by_month[-1], to_date=sum(by_month),
            achievement=achievement(sum(by_month), target.value if target else None)))
    return {"year": year, "month": month, "unit": scope_unit, "rows": rows, "generated_at": timezone.now()}


def monthly_report_table(report: dict) -> tuple[list[str], list[list]]:
    """The report as a header and rows of plain values (for XLSX, CSV and the PDF's table)."""
    headers = [_("Code"), _("Indicator"), _("Target %(year)s") % {"year": report["year"]},
               _("Realisation in the month"), _("Realisation to date"), _("Achievement to date (%)")]
    rows = [[r.indicator.code, r.name, r.target, r.month, r.to_date,
             float(r.achievement) if r.achievement is not None else None] for r in report["rows"]]
    return headers, rows


def children_of(unit: OrgUnit) -> QuerySet:
    """The units a target of ``unit`` is split among: its children, and for headquarters also the
    units without a parent."""
    qs = OrgUnit.objects.filter(parent=unit)
    if unit.kind == OrgUnit.Kind.HQ:
        qs = qs | OrgUnit.objects.filter(parent__isnull=True).exclude(pk=unit.pk)
    return qs


def parent_of(unit: OrgUnit) -> OrgUnit | None:
    if unit.parent_id:
        return unit.parent
    if unit.kind == OrgUnit.Kind.HQ:
        return None
    return national_unit()


def target_split(*, indicator: Indicator, year: int, month: int = 0, unit: OrgUnit) -> dict:
    """How ``unit``'s target is split among its child units: the target, the sum of the children's
    targets, what is left to allocate and whether the split adds up exactly."""
    children = list(children_of(unit))
    targets = effective_targets(year=year, month=month, unit_ids=[unit.pk] + [c.pk for c in children])
    own = targets.get((indicator.pk, unit.pk))
    parts = [(c, targets[(indicator.pk, c.pk)]) for c in children if (indicator.pk, c.pk) in targets]
    allocated = sum(t.value for _c, t in parts)
    total = own.value if own else None
    return {"unit": unit, "target": total, "allocated": allocated,
            "unallocated": None if total is None else total - allocated,
            "adds_up": total is not None and allocated == total,
            "parts": [{"unit": c, "target": t.value, "version": t.version} for c, t in parts]}


def target_list_for(actor, *, year=None) -> list[Target]:
    """Every target of the year the actor may read (all for national roles, its unit's otherwise)."""
    errors: dict = {}
    year = clean_year(year, errors)
    raise_if_errors(errors)
    units = units_for(actor)
    qs = Target.objects.filter(year=year).select_related("indicator", "unit")
    if actor.role not in NATIONAL_ROLES:
        qs = qs.filter(unit__in=units)
    return list(qs.order_by("indicator__sort_order", "month", "unit__code", "version"))


# ---------------------------------------------------------------------------------------------
# Public tables
# ---------------------------------------------------------------------------------------------

SEXES = (("F", "female"), ("M", "male"))


def _public_args(year, by) -> tuple[int, str]:
    errors: dict = {}
    year = clean_year(year, errors)
    by = clean_text(by) or "province"
    if by not in PUBLIC_BREAKDOWNS:
        add_error(errors, "by", _("Choose one of: %(c)s.") % {"c": ", ".join(PUBLIC_BREAKDOWNS)})
    raise_if_errors(errors)
    return year, by


def public_placements(*, year=None, by: str = "province") -> dict:
    """Departures in ``year`` by one breakdown, for anyone. Below province level (``regency``) the
    table is regency × sex within each province, with complementary suppression: ``None`` is a
    suppressed count."""
    year, by = _public_args(year, by)
    start, end = realisation.Period(year=year).bounds()
    return {"year": year, **placement_table(start=start, end=end, by=by)}


@reporting
def placement_table(*, start, end, by: str) -> dict:
    """Departures with ``start <= at < end`` by one breakdown: ``by``, ``threshold`` (None when not
    suppressed), ``total``, ``items`` and, below province level, the province ``totals``."""
    departed = PlacementState.DEPARTED
    if by not in SUPPRESSED_BREAKDOWNS:
        rows = reached_breakdown(to_state=departed, start=start, end=end, by=(by,))
        items = [{"code": r[by].zfill(2) if by == "month" else r[by], "label": r[f"{by}_label"], "value": r["n"]}
                 for r in rows]
        return {"by": by, "threshold": None, "total": sum(r["n"] for r in rows), "items": items, "totals": []}
    rows = reached_breakdown(to_state=departed, start=start, end=end, by=("province", "regency", "sex"))
    provinces: dict[str, dict] = {}
    present = {r["province"] for r in rows}
    # Every regency of a province in the table, zeros included: a zero can then be the complement
    # of a lone small count (a province with one regency in the table could not be protected).
    for regency in current_regencies().values("code", "name", "province__code", "province__name"):
        if regency["province__code"] in present:
            province = provinces.setdefault(regency["province__code"],
                                            {"label": regency["province__name"], "regencies": {}})
            province["regencies"][regency["code"]] = {"label": regency["name"], "F": 0, "M": 0}
    for r in rows:
        province = provinces.setdefault(r["province"], {"label": r["province_label"], "regencies": {}})
        regency = province["regencies"].setdefault(r["regency"], {"label": r["regency_label"], "F": 0, "M": 0})
        regency[r["sex"]] = regency.get(r["sex"], 0) + r["n"]
    items, totals = [], []
    for code, province in sorted(provinces.items()):
        regencies = sorted(province["regencies"].items())
        grid = [[reg[sex] for sex, _name in SEXES] for _c, reg in regencies]
        hidden = suppress(grid, threshold=THRESHOLD, row_totals=True)
        width = len(SEXES)
        for i, (reg_code, reg) in enumerate(regencies):
            item = {"province": code, "province_label": province["label"], "code": reg_code, "label": reg["label"]}
            for j, (_sex, name) in enumerate(SEXES):
                item[name] = None if (i, j) in hidden.cells else grid[i][j]
            item["value"] = None if (i, width) in hidden.cells else sum(grid[i])
            items.append(item)
        column = {name: sum(row[j] for row in grid) for j, (_sex, name) in enumerate(SEXES)}
        totals.append({"code": code, "label": province["label"], **column, "value": sum(column.values())})
    return {"by": by, "threshold": THRESHOLD, "total": sum(t["value"] for t in totals), "items": items,
            "totals": totals}


def public_csv_rows(table: dict) -> list[list]:
    """The public table as CSV rows (header first); a suppressed count is an empty cell."""
    def cell(value):
        return "" if value is None else value

    if table["by"] in SUPPRESSED_BREAKDOWNS:
        out = [["province", "province_name", "regency", "regency_name", "female", "male", "total"]]
        out += [[i["province"], i["province_label"], i["code"], i["label"], cell(i["female"]), cell(i["male"]),
                 cell(i["value"])] for i in table["items"]]
        out += [[t["code"], t["label"], "", "TOTAL", t["female"], t["male"], t["value"]] for t in table["totals"]]
        return out
    return [[table["by"], "name", "total"]] + [[i["code"], i["label"], i["value"]] for i in table["items"]] + [
        ["", "TOTAL", table["total"]]]

