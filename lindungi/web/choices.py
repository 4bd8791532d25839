"""Choice lists for the web forms, built once here from scoped selectors: an actor is only offered
what they may see, and every form labels a region, a country or a company the same way."""

from django.utils import translation

from lindungi.accounts.roles import Role
from lindungi.agencies import selectors as agency_selectors
from lindungi.agencies.models import ForeignParty
from lindungi.cases import selectors as case_selectors
from lindungi.placements import selectors as placement_selectors
from lindungi.reference import selectors as reference_selectors

BLANK = [("", "—")]


def lang() -> str:
    return "en" if (translation.get_language() or "id").lower().startswith("en") else "id"


def localized(obj, base: str = "name") -> str:
    """``name_id`` or ``name_en`` (``title_…`` with ``base="title"``) in the current language."""
    return getattr(obj, f"{base}_{lang()}")


def province_choices() -> list[tuple[str, str]]:
    return [(p.code, f"{p.code} {p.name}") for p in reference_selectors.current_provinces()]


def regencies_for(actor=None):
    """Regencies in use today; for a unit officer only those the unit covers."""
    unit_id = actor.unit_id if actor is not None and actor.role == Role.UNIT_OFFICER else None
    return reference_selectors.current_regencies(unit_id=unit_id)


def regency_choices(actor=None) -> list[tuple[str, str]]:
    return [(r.code, f"{r.dotted_code} {r.name}") for r in regencies_for(actor)]


def grouped_regency_choices(actor=None, *, extra=None) -> list:
    """Regencies grouped by province, for a <select> with optgroups; ``extra`` keeps a record's
    current (perhaps retired or out-of-coverage) regency choosable."""
    groups: dict[str, list] = {}
    regencies = list(regencies_for(actor))
    if extra is not None and all(r.pk != extra.pk for r in regencies):
        regencies.append(extra)
    for r in regencies:
        groups.setdefault(f"{r.province.code} {r.province.name}", []).append((r.code, f"{r.dotted_code} {r.name}"))
    return BLANK + sorted(groups.items())


def country_choices() -> list[tuple[str, str]]:
    rows = [(c.iso2, f"{localized(c)} ({c.iso2})") for c in reference_selectors.countries()]
    return sorted(rows, key=lambda row: row[1])


def occupation_choices() -> list[tuple[str, str]]:
    return [(o.isco_code, f"{o.isco_code} {localized(o, 'title')}") for o in reference_selectors.occupations()]


def unit_choices() -> list[tuple[str, str]]:
    return [(unit.code, f"{unit.code} {unit.name}") for unit in reference_selectors.org_units()]


def indicator_choices() -> list[tuple[str, str]]:
    from lindungi.statistics import selectors as statistics_selectors

    return [(i.code, f"{i.code} {statistics_selectors.indicator_name(i)}") for i in statistics_selectors.indicators()]


def statistics_unit_choices(actor) -> list[tuple[str, str]]:
    """The units whose figures the actor may read (raises for roles that may read none)."""
    from lindungi.reference.models import OrgUnit
    from lindungi.statistics import selectors as statistics_selectors

    return [(unit.code, f"{unit.code} {unit.name}") for unit in statistics_selectors.units_for(actor)
            if unit.kind != OrgUnit.Kind.HQ]


def agency_choices(actor) -> list[tuple[str, str]]:
    return agency_selectors.agency_names_for(actor)


def employer_choices(actor, *, role: str = ForeignParty.Role.EMPLOYER) -> list:
    """Foreign employers (or agencies) grouped by country, for a <select> with optgroups."""
    groups: dict[str, list] = {}
    parties = sorted(agency_selectors.foreign_party_filtered_for(actor, role=role),
                     key=lambda party: (localized(party.country), party.name))
    for party in parties:
        label = party.name
        if role == ForeignParty.Role.EMPLOYER:
            label = f"{party.name} · {party.get_legal_type_display()}"
        groups.setdefault(f"{localized(party.country)} ({party.country.iso2})", []).append(
            (str(party.public_id), label))
    return list(groups.items())


def village_choices(regency_code: str) -> list:
    """The villages of a regency grouped by district, for choosing a village by name."""
    groups: dict[str, list] = {}
    for village in reference_selectors.villages_of(regency_code):
        groups.setdefault(village.district_name, []).append((village.code, village.name))
    return list(groups.items())


def case_category_choices() -> list[tuple[str, str]]:
    return [(c.code, localized(c)) for c in case_selectors.category_choices()]


def scheme_choices() -> list[tuple[str, str]]:
    return [(s.code, localized(s)) for s in placement_selectors.scheme_list()]


def sanction_ground_choices() -> list[tuple[str, str]]:
    return [(g.code, f"{g.code} — {localized(g, 'title')}") for g in agency_selectors.sanction_grounds_on()]
