"""The monthly publication: the standard tables of departures from 1 January to the end of a month,
released as a numbered edition that never changes. Late data entry changes the records, not a
released edition; to publish it, release a revised edition of the same period, which records why,
and whose differences from the edition it revises are listed cell by cell."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import require_perm
from lindungi.audit.services import audit_record
from lindungi.common.errors import NotFound
from lindungi.common.inputs import add_error, clean_text, int_field, raise_if_errors
from lindungi.statistics import selectors
from lindungi.statistics.models import Edition
from lindungi.statistics.perms import PUBLISH
from lindungi.statistics.realisation import Period

# The standard tables, in the order they are printed.
TABLES = ("month", "scheme", "sector", "country", "occupation", "province", "sex", "education", "regency")
COUNT_FIELDS = ("value", "female", "male")


def publication_tables(*, year: int, month: int) -> dict[str, dict]:
    """Every standard table for 1 January to the end of ``month`` of ``year``, computed now."""
    start = Period(year=year).bounds()[0]
    end = Period(year=year, month=month).bounds()[1]
    return {name: selectors.placement_table(start=start, end=end, by=name) for name in TABLES}


def edition_release(*, actor, year, month, reason: str = "", via: str = "") -> Edition:
    """Release the next numbered edition for a month that is over. A second edition of the same
    month revises the latest one and needs a reason."""
    require_perm(actor, PUBLISH, _("You are not allowed to release editions."))
    errors: dict = {}
    year = int_field(year, "year", errors, minimum=selectors.MIN_YEAR, maximum=selectors.MAX_YEAR)
    month = int_field(month, "month", errors, minimum=1, maximum=12)
    reason = clean_text(reason)
    if year and month and Period(year=year, month=month).bounds()[1] > timezone.now():
        add_error(errors, "month", _("The month is not over yet."))
    raise_if_errors(errors)
    with transaction.atomic():
        latest = Edition.objects.select_for_update().order_by("-number").first()
        previous = Edition.objects.filter(year=year, month=month).order_by("-number").first()
        if previous is not None and not reason:
            add_error(errors, "reason", _("Edition %(n)s already covers this month: say why it is revised.") % {
                "n": previous.number})
        raise_if_errors(errors)
        definitions = [{"code": i.code, "name_id": i.name_id, "name_en": i.name_en, "definition_id": i.definition_id,
                        "definition_en": i.definition_en, "date_basis": i.date_basis}
                       for i in selectors.indicators() if i.rule == "departures"]
        edition = Edition.objects.create(
            number=(latest.number if latest else 0) + 1, year=year, month=month, released_at=timezone.now(),
            released_by=actor, revises=previous, reason=reason, definitions=definitions,
            tables=publication_tables(year=year, month=month))
        audit_record(actor=actor, action="edition.release", obj=edition, reason=reason, via=via, changes={
            "number": [None, edition.number], "period": [None, f"{year}-{month:02d}"],
            "revises": [None, previous.number if previous else None]})
    return edition


def edition_list() -> list[Edition]:
    return list(Edition.objects.select_related("revises").order_by("-number"))


def edition_get(number) -> Edition:
    edition = Edition.objects.select_related("revises").filter(number=number).first() if str(number).isdigit() \
        else None
    if edition is None:
        raise NotFound(_("No such edition."))
    return edition


def _cells(table: dict) -> dict[tuple[str, str], dict]:
    rows = {("item", item["code"]): item for item in table["items"]}
    rows.update({("total", t["code"]): t for t in table.get("totals", [])})
    rows[("total", "")] = {"code": "", "label": "TOTAL", "value": table["total"]}
    return rows


def edition_changes(edition: Edition) -> list[dict]:
    """What changed from the edition this one revises: one entry per cell that differs (a suppressed
    cell is None), in table order."""
    if edition.revises is None:
        return []
    out = []
    for name in TABLES:
        before = _cells(edition.revises.tables.get(name, {"items": [], "total": 0}))
        after = _cells(edition.tables.get(name, {"items": [], "total": 0}))
        for key in sorted(set(before) | set(after)):
            old, new = before.get(key, {}), after.get(key, {})
            for field in COUNT_FIELDS:
                if field not in old and field not in new:
                    continue
                if old.get(field) != new.get(field):
                    out.append({"table": name, "code": key[1], "label": (new or old).get("label", ""),
                                "field": field, "before": old.get(field), "after": new.get(field)})
    return out
