"""Who saw whose personal data: the auditor's search of the access log and the per-person report
("who saw this record") a worker can be given. Both need ``audit.view``; a unit officer sees only the
rows about people in the unit's coverage. Both show personal data themselves, so they are logged."""

import datetime as dt
from collections.abc import Iterable
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.models import User
from lindungi.accounts.permissions import require_perm
from lindungi.accounts.perms import AUDIT_VIEW
from lindungi.audit.models import AccessLog
from lindungi.audit.selectors import access_log_search
from lindungi.audit.services import access_log
from lindungi.common.inputs import Errors, add_error, date_field, parse_public_id, raise_if_errors, text_field
from lindungi.common.pagination import paginate
from lindungi.registry.models import Person
from lindungi.registry.selectors import NIK_RE, person_get_for

REPORT_MAX_ROWS = 20_000


def _require_audit(actor) -> None:
    require_perm(actor, AUDIT_VIEW, _("You are not allowed to read the access log."))


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _person_filter(actor, value: str, errors: Errors) -> Person | None:
    if not value:
        return None
    public_id = parse_public_id(value)
    people = Person.objects.visible_to(actor)
    if public_id is not None:
        person = people.filter(public_id=public_id).first()
    elif NIK_RE.match(value):
        person = people.filter(nik=value).first()
    else:
        add_error(errors, "person", _("Enter a person's id or a 16-digit NIK."))
        return None
    if person is None:
        add_error(errors, "person", _("No person with this id or NIK in your scope."))
    return person


def access_log_page_for(actor, *, user: str = "", person: str = "", since="", until="", route: str = "",
                        kind: str = "", page: int = 1, page_size: int = 50, via: str = "web") -> dict:
    """One page of the access log, newest first, filtered by account (username), person (public id or
    NIK), day range (``since`` and ``until`` inclusive, local days), route (a prefix of the URL pattern)
    and kind. Every bad filter is reported at once (422). Returns the page, the people its rows name
    (those the actor may see) and the filters as understood."""
    _require_audit(actor)
    errors: Errors = {}
    username = text_field(user, "user", errors, max_length=150)
    account = User.objects.filter(username=username).first() if username else None
    if username and account is None:
        add_error(errors, "user", _("No account with this username."))
    subject = _person_filter(actor, text_field(person, "person", errors, max_length=64), errors)
    first, last = date_field(since, "since", errors), date_field(until, "until", errors)
    if first and last and first > last:
        add_error(errors, "until", _("The end date is before the start date."))
    route = text_field(route, "route", errors, max_length=120)
    kind = text_field(kind, "kind", errors)
    if kind and kind not in AccessLog.Kind.values:
        add_error(errors, "kind", _("Choose one of: %(k)s.") % {"k": ", ".join(AccessLog.Kind.values)})
    raise_if_errors(errors)
    rows = access_log_search(
        actor_id=account.pk if account else None, person_id=subject.pk if subject else None,
        since=_day_start(first) if first else None, until=_day_start(last + dt.timedelta(days=1)) if last else None,
        route=route, kind=kind,
        person_ids=None if actor.is_national else Person.objects.visible_to(actor).values("id"),
    )
    result = paginate(rows, page=page, page_size=page_size)
    people = Person.objects.visible_to(actor).in_bulk({row.person_id for row in result.items if row.person_id})
    access_log(actor=actor, kind=AccessLog.Kind.VIEW, object_type="access_log", persons=list(people), via=via,
               detail=f"access log page {result.page}")
    return {"page": result, "people": people, "account": account, "person": subject}


def person_access_report_for(actor, public_id, *, via: str = "web") -> dict:
    """Who saw one person's record: every access-log row naming the person, newest first, with the
    account's role and unit or company (at most ``REPORT_MAX_ROWS``)."""
    _require_audit(actor)
    person = person_get_for(actor, public_id, via=via)
    rows = list(access_log_search(person_id=person.pk)
                .select_related("actor__unit", "actor__agency")[:REPORT_MAX_ROWS])
    return {"person": person, "rows": rows, "generated_at": timezone.now(), "truncated": len(rows) >= REPORT_MAX_ROWS}


def report_row(row: AccessLog) -> list[str]:
    """One line of the report: when, who, role, unit or company, what, route, how."""
    who = row.actor
    return [
        timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S"),
        (who.get_full_name() or who.username) if who else _("(system)"),
        str(who.get_role_display()) if who else "",
        str(who.unit or who.agency or "") if who else "",
        str(row.get_kind_display()),
        row.route,
        row.via,
    ]


def report_headers() -> list[str]:
    return [_("When"), _("Who"), _("Role"), _("Unit or company"), _("What"), _("Page or API route"), _("Channel")]


def write_report_xlsx(report: dict, out: IO[bytes]) -> None:
    """The report as a workbook: a heading naming the person, then one line per access."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    sheet = workbook.add_worksheet(_("Access")[:31])
    bold = workbook.add_format({"bold": True})
    person = report["person"]
    sheet.write_string(0, 0, _("Who saw this record"), bold)
    sheet.write_string(1, 0, f"{person.full_name} · NIK {person.nik}")
    sheet.write_string(2, 0, _("Generated %(at)s") % {
        "at": timezone.localtime(report["generated_at"]).strftime("%Y-%m-%d %H:%M")})
    _write_rows(sheet, 4, [report_headers()], bold)
    _write_rows(sheet, 5, (report_row(row) for row in report["rows"]))
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 6, 24)
    workbook.close()


def _write_rows(sheet, first: int, rows: Iterable[list[str]], style=None) -> None:
    for n, values in enumerate(rows):
        for col, value in enumerate(values):
            sheet.write_string(first + n, col, value, style)
