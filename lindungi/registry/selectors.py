"""Scoped reads of the people registry. Detail reads and lookups write the access log."""

import re
import threading
from dataclasses import replace

from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import has_perm, require_perm
from lindungi.accounts.perms import AUDIT_VIEW
from lindungi.accounts.scoping import scope_queryset
from lindungi.audit.models import AccessLog, AuditEvent
from lindungi.audit.services import access_log
from lindungi.common.errors import NotFound, PermissionDenied, ValidationFailed
from lindungi.common.inputs import is_public_id
from lindungi.common.pagination import Page, paginate
from lindungi.common.text import fold
from lindungi.registry import duplicates
from lindungi.registry.models import DuplicateCandidate, Passport, Person, PersonCount, PersonNameToken
from lindungi.registry.nik import IDENTIFIER_FILTERS
from lindungi.registry.nik import mask as mask_nik
from lindungi.registry.perms import PERSON_MERGE, PERSON_VIEW, PERSON_VIEW_FULL_NIK

NIK_RE = re.compile(r"^\d{16}$")
PASSPORT_QUERY_RE = re.compile(r"^[A-Za-z](?=[A-Za-z]*\d)[A-Za-z0-9]{6,8}$")  # a letter, then digits somewhere


def person_search_queryset(actor, *, q: str = "", nik: str = "", passport: str = "", regency: str = "",
                           province: str = "", sex: str = "", agency: str = "",
                           include_merged: bool = False) -> QuerySet:
    """The filtered, scoped queryset behind lists, exports and the API."""
    require_perm(actor, PERSON_VIEW, _("You are not allowed to view people."))
    q, nik, passport = q.strip(), nik.strip(), passport.strip().upper()
    if actor.is_lookup_only and not (nik or passport or NIK_RE.match(q) or PASSPORT_QUERY_RE.match(q)):
        raise PermissionDenied(_("Your role may look people up by NIK or passport number only."))
    qs = Person.objects.visible_to(actor)
    if not include_merged:
        qs = qs.active()
    if nik:
        qs = qs.filter(nik=nik)
    if passport:
        qs = qs.filter(passports__number=passport)
    if q:
        if NIK_RE.match(q):
            qs = qs.filter(nik=q)
        elif actor.is_lookup_only:
            qs = qs.filter(passports__number=q.upper())
        elif q.isdigit():
            qs = qs.filter(nik__startswith=q)
        else:
            tokens = fold(q).split()
            if not tokens:
                raise ValidationFailed.from_fields({"q": _("Enter a name, NIK or passport number.")})
            name_match = Q()
            for token in tokens:
                name_match &= Q(pk__in=PersonNameToken.objects.filter(
                    token__gte=token, token__lt=token + "\uffff").values("person_id"))
            if PASSPORT_QUERY_RE.match(q):
                name_match |= Q(passports__number=q.upper())
            qs = qs.filter(name_match)
    if regency:
        qs = qs.filter(regency__code=regency.replace(".", ""))
    if province:
        qs = qs.filter(regency__province__code=province)
    if sex:
        qs = qs.filter(sex=sex)
    if agency:
        qs = qs.filter(agency__public_id=agency) if is_public_id(agency) else qs.none()
    return qs.select_related("regency", "regency__province", "agency").order_by("full_name", "id")


# Totals above this are reported as "more than" rather than counted exactly.
COUNT_LIMIT = 10_000
# Counting index entries up to this many picks the rarest fragment of a multi-word search cheaply.
DRIVER_ESTIMATE_LIMIT = 200_000


def _name_only_fragments(filters: dict) -> list[str] | None:
    """The name fragments when a list request can be answered from the token table alone."""
    q = (filters.get("q") or "").strip()
    if not q or any(ch.isdigit() for ch in q) or filters.get("nik") or filters.get("passport") \
            or filters.get("sex") or filters.get("include_merged"):
        return None
    return fold(q).split() or None


def _name_search_page(actor, fragments: list[str], *, regency: str = "", province: str = "", agency: str = "",
                      page: int, page_size: int, **_ignored) -> Page:
    """Name search on the token table: scoped with the same ``scope_queryset`` as every read, ordered
    and paged on its covering index; only the people on the page are then loaded."""
    def matching(fragment: str) -> QuerySet:
        return PersonNameToken.objects.filter(token__gte=fragment, token__lt=fragment + "\uffff")

    # The rarest fragment drives the scan; each other fragment is checked per person (a few rows).
    driver = fragments[0] if len(fragments) == 1 else min(
        fragments, key=lambda fragment: matching(fragment)[:DRIVER_ESTIMATE_LIMIT].count())
    rows = scope_queryset(matching(driver), actor, regency_field="regency", agency_field="agency")
    for fragment in fragments:
        if fragment is not driver:
            rows = rows.filter(Exists(matching(fragment).filter(person_id=OuterRef("person_id"))))
    if regency:
        rows = rows.filter(regency__code=regency.replace(".", ""))
    if province:
        rows = rows.filter(regency__province__code=province)
    if agency:
        rows = rows.filter(agency__public_id=agency) if is_public_id(agency) else rows.none()
    ordered = rows.values("sort_name", "person_id").distinct().order_by("sort_name", "person_id")
    result = paginate(ordered, page=page, page_size=page_size, count_limit=COUNT_LIMIT)
    people = (Person.objects.select_related("regency", "regency__province", "agency")
              .in_bulk([row["person_id"] for row in result.items]))
    items = [people[row["person_id"]] for row in result.items if row["person_id"] in people]
    return replace(result, items=items)


def person_list_for(actor, *, page: int = 1, page_size: int = 25, via: str = "web", **filters) -> Page:
    qs = person_search_queryset(actor, **filters)  # validates and scopes every kind of request
    fragments = _name_only_fragments(filters)
    if fragments:
        result = _name_search_page(actor, fragments, page=page, page_size=page_size, **filters)
    elif not any(filters.values()) and not actor.is_lookup_only:
        # The whole list in scope: its size is the trigger-maintained count, reported as a count
        # stopped at COUNT_LIMIT would be.
        total = _people_in_scope(actor)
        result = paginate(qs, page=page, page_size=page_size, total=min(total, COUNT_LIMIT))
        result = replace(result, total_capped=total > COUNT_LIMIT)
    else:
        result = paginate(qs, page=page, page_size=page_size, count_limit=COUNT_LIMIT)
    access_log(actor=actor, kind=AccessLog.Kind.LOOKUP if actor.is_lookup_only else AccessLog.Kind.VIEW,
               object_type="person_list", persons=[person.pk for person in result.items], via=via,
               detail=f"{result.total} result(s) for {described_filters(filters)}")
    return replace(result, items=list(as_listed(actor, result.items)))


def nik_masked_for(actor) -> bool:
    """Whether lists and exports show this actor NIKs masked (``3201••••••••0001``)."""
    return not has_perm(actor, PERSON_VIEW_FULL_NIK)


def as_listed(actor, people):
    """The people of a list or export as the actor may see them there: NIKs masked for roles without
    ``person.view_full_nik`` (``Person.nik_display``). Lazy, so an export streams."""
    masked = nik_masked_for(actor)
    for person in people:
        person.nik_masked = masked
        yield person


def mask_identifier(value: str) -> str:
    """An identifier as it may be written to a log: a NIK as lists mask it, a passport number or any
    other text with digits reduced to its first two and last two characters."""
    value = value.strip()
    if NIK_RE.match(value):
        return mask_nik(value)
    if any(ch.isdigit() for ch in value):
        return value[:2] + "•" * max(len(value) - 4, 1) + value[-2:] if len(value) > 4 else "•" * len(value)
    return value


def described_filters(filters: dict) -> dict:
    """The filters of a search as the access log records them: never a whole NIK or passport number."""
    return {name: mask_identifier(str(value)) if name in IDENTIFIER_FILTERS else value
            for name, value in filters.items() if value}


def with_details(people: QuerySet) -> QuerySet:
    """People with what a detail view shows: region, village, company, merge target, passports, family."""
    return (people.select_related("regency", "regency__province", "village", "agency", "merged_into")
            .prefetch_related("passports", "contacts"))


def _people_in_scope(actor) -> int:
    """People on record (not merged away) the actor sees: a sum over the trigger-maintained counts
    per (regency, P3MI) in scope, whatever the size of the registry."""
    return PersonCount.objects.visible_to(actor).aggregate(total=Sum("n"))["total"] or 0


# The dashboard counts pending duplicate pairs up to this many ("more than 1,000").
DUPLICATES_COUNT_LIMIT = 1_000


def registry_summary_for(actor) -> dict:
    """Dashboard figures of the registry in the actor's scope: people on record and duplicate pairs
    waiting for review (counted up to ``DUPLICATES_COUNT_LIMIT``)."""
    require_perm(actor, PERSON_VIEW, _("You are not allowed to view people."))
    if actor.is_lookup_only:
        raise PermissionDenied(_("Your role may look people up by NIK or passport number only."))
    people = Person.objects.visible_to(actor).active()
    pending = DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.PENDING,
                                                person_a__in=people.values("id"))
    pending_count = pending[:DUPLICATES_COUNT_LIMIT + 1].count()
    return {
        # Trigger-maintained counts per (regency, P3MI): a sum over a few hundred rows in scope.
        "persons": _people_in_scope(actor),
        "duplicates_pending": min(pending_count, DUPLICATES_COUNT_LIMIT),
        "duplicates_pending_capped": pending_count > DUPLICATES_COUNT_LIMIT,
    }


def person_get_for(actor, public_id, *, via: str = "web", log: bool = True) -> Person:
    require_perm(actor, PERSON_VIEW, _("You are not allowed to view people."))
    if not is_public_id(public_id):
        raise NotFound(_("Person not found."))
    person = with_details(Person.objects.visible_to(actor).filter(public_id=public_id)).first()
    if person is None:
        raise NotFound(_("Person not found."))
    if actor.is_lookup_only:
        # Lookup-only roles reach a record by identifier (person_lookup), never by browsing ids.
        raise NotFound(_("Person not found."))
    if log:
        access_log(actor=actor, kind=AccessLog.Kind.VIEW, object_type="person", object_id=person.pk,
                   persons=[person.pk], via=via)
    return person


# Columns of the lookup answer: output key -> ORM path.
LOOKUP_COLUMNS = {
    "pk": "id", "id": "public_id", "nik": "nik", "full_name": "full_name", "sex": "sex",
    "birth_date": "birth_date", "birth_place": "birth_place", "nik_warnings": "nik_warnings",
    "regency_code": "regency__code", "regency_name": "regency__name", "agency": "agency__public_id",
    "agency_name": "agency__legal_name", "merged_into": "merged_into__public_id",
    "passport_number": "passport_number", "passport_expiry": "passport_expiry",
}
_SENTINEL = "\x00lookup-key\x00"
_prepared = threading.local()


def _lookup_queryset(actor, *, by: str, value: str) -> QuerySet:
    current = Passport.objects.filter(person=OuterRef("pk"), is_current=True).order_by("-issue_date")
    qs = (Person.objects.visible_to(actor).order_by()
          .annotate(passport_number=Subquery(current.values("number")[:1]),
                    passport_expiry=Subquery(current.values("expiry_date")[:1])))
    if by == "nik":
        qs = qs.filter(nik=value)
    else:
        qs = qs.filter(pk__in=Passport.objects.filter(number=value).values("person_id"))
    return qs.values(*LOOKUP_COLUMNS.values())[:1]


def _run_prepared_lookup(actor, *, by: str, value: str) -> dict | None:
    """Runs the scoped lookup query compiled once per scope and day, then cached per connection.

    The query is built with the same ``visible_to(actor)`` scoping as every other read; only its
    SQL text is reused, with the identifier swapped in as a parameter. Compiling the ORM query
    cost more than running it on this hot path."""
    connection = connections[Person.objects.db]
    key = (by, actor.role, actor.unit_id, actor.agency_id, timezone.localdate(), id(connection))
    cache = getattr(_prepared, "statements", None)
    if cache is None:
        cache = _prepared.statements = {}
    entry = cache.get(key)
    if entry is None:
        compiler = _lookup_queryset(actor, by=by, value=_SENTINEL).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        if params.count(_SENTINEL) != 1:  # a scope whose SQL cannot be reused safely: run it plainly
            row = _lookup_queryset(actor, by=by, value=value).first()
            return None if row is None else dict(zip(LOOKUP_COLUMNS, row.values(), strict=True))
        converters = compiler.get_converters([item[0] for item in compiler.select[: compiler.col_count]])
        entry = cache[key] = (compiler, sql, list(params), params.index(_SENTINEL), converters)
    compiler, sql, params, position, converters = entry
    params = list(params)
    params[position] = value
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    (row,) = compiler.apply_converters([row], converters) if converters else [row]
    return dict(zip(LOOKUP_COLUMNS, row, strict=True))


def person_lookup(actor, *, nik: str = "", passport: str = "", via: str = "api") -> dict:
    """Exact lookup by NIK or passport number, for every role that may view people: identity, region,
    P3MI and current passport in one query (the partner and checkpoint hot path). Logged."""
    require_perm(actor, PERSON_VIEW, _("You are not allowed to view people."))
    nik, passport = nik.strip(), passport.strip().upper()
    if not nik and not passport:
        raise ValidationFailed.from_fields({"nik": _("Give a NIK or a passport number.")})
    if nik and not NIK_RE.match(nik):
        raise ValidationFailed.from_fields({"nik": _("NIK must be exactly 16 digits.")})
    found = _run_prepared_lookup(actor, by="nik" if nik else "passport", value=nik or passport)
    # A miss is logged too: who asked about an identifier matters even when nobody was found.
    access_log(actor=actor, kind=AccessLog.Kind.LOOKUP, object_type="person",
               object_id=found["pk"] if found else None, persons=[found["pk"]] if found else [], via=via,
               detail=(f"nik={mask_identifier(nik)}" if nik else f"passport={mask_identifier(passport)}")
               + ("" if found else " (not found)"))
    if found is None:
        raise NotFound(_("Person not found."))
    return found


def person_page_for(actor, public_id, *, via: str = "web") -> dict:
    """Everything the person page shows, in the actor's scope (logged as a view): the person, passports,
    family contacts, records merged into it, duplicate candidates, and for roles that may read the
    audit trail the change history (with ids resolved to names) and who saw the record."""
    person = person_get_for(actor, public_id, via=via)
    visible = Person.objects.visible_to(actor)
    visible_ids = visible.values("id")
    candidates = (DuplicateCandidate.objects.filter(Q(person_a=person) | Q(person_b=person))
                  .filter(person_a__in=visible_ids, person_b__in=visible_ids).select_related("person_a", "person_b"))
    passports = list(person.passports.all())
    can_audit = actor.has_role_perm(AUDIT_VIEW)
    history = list(person_history(person)[:200]) if can_audit else []
    return {
        "person": person,
        "current_passports": [p for p in passports if p.is_current],
        "old_passports": [p for p in passports if not p.is_current],
        "contacts": list(person.contacts.all()),
        "merged_records": list(visible.filter(merged_into=person).select_related("regency")),
        "merged_into_visible": bool(person.merged_into_id and visible.filter(pk=person.merged_into_id).exists()),
        "candidates": [{"candidate": c, "other": c.person_b if c.person_a_id == person.pk else c.person_a}
                       for c in candidates],
        "can_audit": can_audit,
        "history": history,
        "history_names": history_reference_names(actor, history),
        "accesses": list(person_access_history(person)[:100]) if can_audit else [],
    }


# Change-history fields that hold ids, and the kind of record they point at.
HISTORY_ID_FIELDS = {"regency": "regency", "village": "village", "agency": "agency", "merged_into": "person",
                     "absorbed": "person"}


def history_reference_names(actor, events) -> dict[str, dict[int, object]]:
    """For the ids in a change history, what to show instead: region and company names, and the
    people the actor may see (others stay as ids)."""
    from lindungi.agencies.models import Agency
    from lindungi.reference.models import Regency, Village

    ids: dict[str, set] = {"regency": set(), "village": set(), "agency": set(), "person": set()}
    for event in events:
        for name, pair in (event.changes or {}).items():
            if name in HISTORY_ID_FIELDS and isinstance(pair, list):
                ids[HISTORY_ID_FIELDS[name]] |= {v for v in pair if isinstance(v, int)}
    return {
        "regency": {pk: str(r) for pk, r in Regency.objects.in_bulk(ids["regency"]).items()} if ids["regency"] else {},
        "village": {pk: str(v) for pk, v in Village.objects.in_bulk(ids["village"]).items()} if ids["village"] else {},
        "agency": ({pk: a.legal_name for pk, a in Agency.objects.in_bulk(ids["agency"]).items()}
                   if ids["agency"] else {}),
        "person": dict(Person.objects.visible_to(actor).in_bulk(ids["person"])) if ids["person"] else {},
    }


def person_history_for(actor, public_id, *, via: str = "api", limit: int = 200) -> dict:
    """A person's change history and who saw the record, for roles that may read the audit trail."""
    require_perm(actor, AUDIT_VIEW, _("You are not allowed to read the change history."))
    person = person_get_for(actor, public_id, via=via)
    return {"changes": list(person_history(person)[:limit]), "accesses": list(person_access_history(person)[:limit])}


def person_history(person: Person) -> QuerySet:
    """Audit events about the person, including the import batch that created it."""
    q = Q(object_type="person", object_id=person.pk)
    if person.import_batch_id:
        q |= Q(object_type="importbatch", object_id=person.import_batch_id)
    return AuditEvent.objects.filter(q).select_related("actor").order_by("-at", "-id")


def person_access_history(person: Person) -> QuerySet:
    return AccessLog.objects.filter(person_id=person.pk).select_related("actor").order_by("-at", "-id")


def duplicate_queue_for(actor, *, status: str = DuplicateCandidate.Status.PENDING, page: int = 1,
                        page_size: int = 25, via: str = "web") -> Page:
    """One page of the review queue; logged, as each pair shows both people's data."""
    require_perm(actor, PERSON_MERGE, _("You are not allowed to review duplicates."))
    visible = Person.objects.visible_to(actor).values("id")
    qs = (DuplicateCandidate.objects.filter(status=status, person_a__in=visible, person_b__in=visible)
          .select_related("person_a", "person_b", "person_a__regency", "person_b__regency", "decided_by"))
    result = paginate(qs, page=page, page_size=page_size)
    access_log(actor=actor, kind=AccessLog.Kind.VIEW, object_type="duplicate_list", via=via,
               persons=[pk for c in result.items for pk in (c.person_a_id, c.person_b_id)],
               detail=f"{status}, page {result.page}")
    return result


def duplicate_get_for(actor, candidate_id: int, *, via: str = "", log: bool = False) -> DuplicateCandidate:
    require_perm(actor, PERSON_MERGE, _("You are not allowed to review duplicates."))
    visible = Person.objects.visible_to(actor).values("id")
    candidate = (DuplicateCandidate.objects.filter(pk=candidate_id, person_a__in=visible, person_b__in=visible)
                 .select_related("person_a", "person_b", "person_a__regency", "person_b__regency").first())
    if candidate is None:
        raise NotFound(_("Duplicate candidate not found."))
    if log:  # the comparison shows both people's personal data
        for person in (candidate.person_a, candidate.person_b):
            access_log(actor=actor, kind=AccessLog.Kind.VIEW, object_type="person", object_id=person.pk,
                       persons=[person.pk], via=via, detail=f"duplicate candidate {candidate.pk}")
    return candidate


MATCH_FIELDS = ("nik", "full_name", "sex", "birth_date", "regency_code")


def duplicate_check_for(actor, *, data: dict, passport_number: str = "", via: str = "web") -> list:
    """Score proposed (unsaved) person data against the registry, for a check before registering."""
    from lindungi.registry.validation import ReferenceIndex, clean_person

    require_perm(actor, PERSON_VIEW, _("You are not allowed to view people."))
    if actor.is_lookup_only:
        raise PermissionDenied(_("Your role may look people up by NIK or passport number only."))
    # Only what matching reads is required, so the check can run while the rest is still empty.
    cleaned, _warnings = clean_person({name: data.get(name, "") for name in MATCH_FIELDS}, ref=ReferenceIndex.load(),
                                      partial=True)
    regency = cleaned["regency"]
    profile = duplicates.Profile(
        id=None, nik=cleaned["nik"], full_name=cleaned["full_name"], sex=cleaned["sex"],
        birth_date=cleaned["birth_date"], regency_id=regency.id, province_id=regency.province_id,
        passports=(passport_number.strip().upper(),) if passport_number.strip() else (),
    )
    rows = duplicate_rows_for(actor, duplicate_matches(profile))
    access_log(actor=actor, kind=AccessLog.Kind.LOOKUP, object_type="duplicate_check", via=via,
               persons=[row["person"].pk for row in rows], detail=f"{len(rows)} possible duplicate(s)")
    return rows


def duplicate_rows_for(actor, matches: list[duplicates.Match]) -> list[dict]:
    """Matches the actor may see, each with its person (region, company and merge target loaded)."""
    people = (Person.objects.visible_to(actor).select_related("regency", "agency", "merged_into")
              .in_bulk([m.other_id for m in matches]))
    return [{"person": people[m.other_id], "score": m.score, "reasons": m.reasons} for m in matches
            if m.other_id in people]


def profile_of(person: Person) -> duplicates.Profile:
    return duplicates.Profile(
        id=person.pk, nik=person.nik, full_name=person.full_name, sex=person.sex, birth_date=person.birth_date,
        regency_id=person.regency_id, province_id=person.regency.province_id if person.regency_id else None,
        passports=tuple(person.passports.values_list("number", flat=True)) if person.pk else (),
    )


def duplicate_matches(profile: duplicates.Profile) -> list[duplicates.Match]:
    """Score every candidate record against a profile, best first (no writes)."""
    rows = (
        Person.objects.active().filter(duplicates.candidate_filter(profile)).exclude(pk=profile.id)
        .select_related("regency").prefetch_related("passports").distinct()[: duplicates.MAX_CANDIDATES]
    )
    matches = [duplicates.score(profile, profile_of(other)) for other in rows]
    return sorted((m for m in matches if m.score >= duplicates.REVIEW_THRESHOLD), key=lambda m: -m.score)


def person_data_errors(data: dict, *, partial: bool = False) -> dict[str, list[str]]:
    """Every value error in proposed person fields (and a ``passport`` object among them), as
    registering (or, with ``partial``, correcting) would report them; nothing is saved. The API uses it
    to report these together with the type errors of the same request."""
    from lindungi.registry.validation import ReferenceIndex, clean_passport, clean_person

    errors: dict[str, list[str]] = {}
    try:
        clean_person(data, ref=ReferenceIndex.load(), partial=partial)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if isinstance(data.get("passport"), dict):
        try:
            clean_passport(data["passport"])
        except ValidationFailed as exc:
            errors.update(exc.fields)
    return errors


def person_input_errors(*, data: dict, passport: dict | None = None) -> dict[str, list[str]]:
    """Every refused field of a proposed person (and first passport) at once, nothing written, so a
    form can show all its errors in one pass; the same rules as ``services.person_create``."""
    from lindungi.registry.validation import ReferenceIndex, clean_passport, clean_person

    errors: dict[str, list[str]] = {}
    for check in (lambda: clean_person(data, ref=ReferenceIndex.load()),
                  lambda: clean_passport(passport) if passport else None):
        try:
            check()
        except ValidationFailed as exc:
            errors.update(exc.fields)
    return errors


def nik_facts(nik: str, *, on=None) -> dict:
    """What a NIK says, to fill a registration form as the officer types: sex, likely birth date and
    regency of first registration, or why the NIK is not sound. Reads reference codes only."""
    from lindungi.registry.nik import birth_date_of, parse_nik
    from lindungi.registry.validation import ReferenceIndex

    ref = ReferenceIndex.load()
    info, errors = parse_nik((nik or "").strip(), known_regency_codes=ref.regencies,
                             known_province_codes=ref.provinces)
    if info is None:
        return {"errors": errors}
    birth = birth_date_of(info, today=on or timezone.localdate())
    return {"errors": [], "sex": info.sex, "birth_date": birth.isoformat() if birth else "",
            "regency_code": info.regency_code}


def person_with_nik_for(actor, nik: str, *, via: str = "web") -> dict | None:
    """The registered person with this NIK if the actor may see them (logged as a lookup), else None:
    a refused registration links to the record that is already there."""
    try:
        return person_lookup(actor, nik=nik, via=via)
    except (NotFound, ValidationFailed):
        return None
