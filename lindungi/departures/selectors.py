"""Scoped reads for departures: the officer's post, the facts a departure verdict reads, checks,
the watch list and interceptions.

A checkpoint officer reaches a person only through ``registry.selectors.person_lookup`` (exact NIK or
passport number, logged), and a placement only through that person."""

import re
import time
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import require_perm
from lindungi.audit.models import AccessLog
from lindungi.audit.services import access_log
from lindungi.common.errors import NotFound, ValidationFailed
from lindungi.common.inputs import is_public_id
from lindungi.common.pagination import Page, paginate
from lindungi.departures import credentials, rules
from lindungi.departures.models import (
    CheckpointPost,
    CredentialKey,
    DepartureCheck,
    DepartureCredential,
    Interception,
    PostAssignment,
    WatchlistEntry,
)
from lindungi.departures.perms import CREDENTIAL_VIEW, DEPARTURE_VIEW, WATCHLIST_VIEW
from lindungi.placements import selectors as placement_selectors
from lindungi.placements.states import PlacementState
from lindungi.registry import selectors as registry_selectors

NIK_RE = re.compile(r"^\d{16}$")
PASSPORT_RE = re.compile(r"^[A-Z](?=[A-Z]*\d)[A-Z0-9]{6,8}$")

CHECK_RELATIONS = ("post", "officer", "person", "placement", "placement__agency", "placement__country", "destination")
WATCHLIST_STATUSES = ("active", "review", "expired", "removed", "all")
INTERCEPTION_RELATIONS = ("post", "officer", "destination", "person", "departure_check")


def identifier_kind(value: str) -> str | None:
    """``nik`` for 16 digits, ``passport`` for a letter then letters and digits (7–9), else None."""
    if NIK_RE.match(value):
        return "nik"
    if PASSPORT_RE.match(value):
        return "passport"
    return None


# ---------------------------------------------------------------------------------------------
# Posts
# ---------------------------------------------------------------------------------------------


# The post of each officer, remembered per process for a short while: every check asks for it.
# ``services.post_assign`` forgets an officer's entry when it moves them.
POST_CACHE_SECONDS = 30
_posts: dict[int, tuple[float, CheckpointPost | None]] = {}


def post_of(actor) -> CheckpointPost | None:
    now = time.monotonic()
    hit = _posts.get(actor.pk)
    if hit is not None and hit[0] > now:
        return hit[1]
    assignment = PostAssignment.objects.filter(user_id=actor.pk).select_related("post").first()
    post = assignment.post if assignment is not None and assignment.post.active else None
    _posts[actor.pk] = (now + POST_CACHE_SECONDS, post)
    return post


def forget_post(user_id: int) -> None:
    _posts.pop(user_id, None)


def post_by_code(code: str) -> CheckpointPost | None:
    return CheckpointPost.objects.filter(code=code, active=True).first()


def post_list() -> list[CheckpointPost]:
    return list(CheckpointPost.objects.filter(active=True).order_by("code"))


# ---------------------------------------------------------------------------------------------
# The facts of a verdict
# ---------------------------------------------------------------------------------------------


def watch_hits(*, nik: str, passports: list[str], day: date) -> tuple[rules.WatchHit, ...]:
    match = Q(passport_number__in=[p for p in passports if p])
    if nik:
        match |= Q(nik=nik)
    rows = WatchlistEntry.objects.in_force(day).filter(match).order_by("valid_until", "id")
    return tuple(rules.WatchHit(kind=e.kind, reason=e.reason, valid_until=e.valid_until) for e in rows)


def check_facts(actor, *, kind: str, identifier: str, destination: str, travel_date: date,
                via: str = "web") -> tuple[dict | None, object | None, rules.CheckFacts]:
    """The person (lookup row), their open placement and the facts the verdict reads, on the
    travel date. The lookup is the registry's exact, logged one."""
    try:
        person = registry_selectors.person_lookup(actor, **{kind: identifier}, via=via)
    except NotFound:
        person = None
    if person is None:
        hits = watch_hits(nik=identifier if kind == "nik" else "",
                          passports=[identifier] if kind == "passport" else [], day=travel_date)
        return None, None, rules.CheckFacts(travel_date=travel_date, destination=destination, person_found=False,
                                            watch_hits=hits)
    placement = placement_selectors.placement_open_for_person(actor, person_id=person["pk"])
    context = placement_selectors.transition_context(placement, on=travel_date) if placement is not None else None
    entered_passport = identifier if kind == "passport" else ""
    current = person["passport_number"] or ""
    hits = watch_hits(nik=person["nik"], passports=[entered_passport, current], day=travel_date)
    facts = rules.CheckFacts(
        travel_date=travel_date, destination=destination, person_found=True,
        placement_state=placement.state if placement is not None else None,
        placement_destination=placement.country.iso2 if placement is not None else "",
        passport_entered=entered_passport, passport_current=current, context=context, watch_hits=hits,
    )
    return person, placement, facts


# ---------------------------------------------------------------------------------------------
# Departure checks
# ---------------------------------------------------------------------------------------------


def departure_check_queryset_for(actor, *, post: str = "", verdict: str = "", day: date | None = None) -> QuerySet:
    require_perm(actor, DEPARTURE_VIEW, _("You are not allowed to view departure checks."))
    qs = DepartureCheck.objects.visible_to(actor)
    if post:
        qs = qs.filter(post__code=post)
    if verdict:
        qs = qs.filter(verdict=verdict)
    if day is not None:
        start = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
        qs = qs.filter(checked_at__gte=start, checked_at__lt=start + timezone.timedelta(days=1))
    return qs.select_related(*CHECK_RELATIONS).order_by("-checked_at", "-id")


def _logged_page(actor, queryset: QuerySet, *, object_type: str, page: int, page_size: int, via: str) -> Page:
    """One page of a list of personal data, with its access-log row."""
    result = paginate(queryset, page=page, page_size=page_size)
    access_log(actor=actor, kind=AccessLog.Kind.VIEW, object_type=object_type, object_id=None, via=via,
               detail=f"{result.total} row(s)")
    return result


def departure_check_list_for(actor, *, page: int = 1, page_size: int = 25, via: str = "web", **filters) -> Page:
    return _logged_page(actor, departure_check_queryset_for(actor, **filters), object_type="departure_check_list",
                        page=page, page_size=page_size, via=via)


def departure_check_get_for(actor, public_id, *, via: str = "web") -> DepartureCheck:
    require_perm(actor, DEPARTURE_VIEW, _("You are not allowed to view departure checks."))
    check = (DepartureCheck.objects.visible_to(actor).filter(public_id=public_id)
             .select_related(*CHECK_RELATIONS).first() if is_public_id(public_id) else None)
    if check is None:
        raise NotFound(_("Departure check not found."))
    access_log(actor=actor, kind=AccessLog.Kind.VIEW, object_type="departure_check", object_id=check.pk, via=via)
    return check


# ---------------------------------------------------------------------------------------------
# Watch list
# ---------------------------------------------------------------------------------------------


def watchlist_queryset_for(actor, *, status: str = "active", q: str = "", on: date | None = None) -> QuerySet:
    """``status``: active (in force today), review (in force, review date passed), expired, removed, all."""
    require_perm(actor, WATCHLIST_VIEW, _("You are not allowed to view the watch list."))
    day = on or timezone.localdate()
    if status not in WATCHLIST_STATUSES:
        raise ValidationFailed.from_fields({"status": _("Must be one of: %(c)s.") % {
            "c": ", ".join(WATCHLIST_STATUSES)}})
    qs = WatchlistEntry.objects.visible_to(actor)
    if status == "active":
        qs = qs.in_force(day)
    elif status == "review":
        qs = qs.in_force(day).filter(review_due__lte=day)
    elif status == "expired":
        qs = qs.filter(removed_at__isnull=True, valid_until__lt=day)
    elif status == "removed":
        qs = qs.filter(removed_at__isnull=False)
    term = q.strip().upper()
    if term:
        qs = qs.filter(Q(nik=term) | Q(passport_number=term) | Q(full_name__icontains=q.strip()))
    return qs.select_related("added_by", "reviewed_by", "removed_by").order_by("review_due", "-id")


def watchlist_list_for(actor, *, page: int = 1, page_size: int = 25, via: str = "web", **filters) -> Page:
    return _logged_page(actor, watchlist_queryset_for(actor, **filters), object_type="watchlist", page=page,
                        page_size=page_size, via=via)


def watchlist_get_for(actor, public_id, *, via: str = "web") -> WatchlistEntry:
    require_perm(actor, WATCHLIST_VIEW, _("You are not allowed to view the watch list."))
    entry = (WatchlistEntry.objects.visible_to(actor).filter(public_id=public_id)
             .select_related("added_by", "reviewed_by", "removed_by").first() if is_public_id(public_id) else None)
    if entry is None:
        raise NotFound(_("Watch-list entry not found."))
    access_log(actor=actor, kind=AccessLog.Kind.VIEW, object_type="watchlist_entry", object_id=entry.pk, via=via)
    return entry


# ---------------------------------------------------------------------------------------------
# Interceptions
# ---------------------------------------------------------------------------------------------


def interception_queryset_for(actor, *, post: str = "", outcome: str = "", group: str = "") -> QuerySet:
    require_perm(actor, DEPARTURE_VIEW, _("You are not allowed to view interceptions."))
    qs = Interception.objects.visible_to(actor)
    if post:
        qs = qs.filter(post__code=post)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if group:
        qs = qs.filter(group_ref=group) if is_public_id(group) else qs.none()
    return qs.select_related(*INTERCEPTION_RELATIONS).order_by("-intercepted_at", "-id")


def interception_list_for(actor, *, page: int = 1, page_size: int = 25, via: str = "web", **filters) -> Page:
    return _logged_page(actor, interception_queryset_for(actor, **filters), object_type="interception_list",
                        page=page, page_size=page_size, via=via)


def interception_get_for(actor, public_id, *, via: str = "web") -> dict:
    """One interception with the companions intercepted in the same group."""
    require_perm(actor, DEPARTURE_VIEW, _("You are not allowed to view interceptions."))
    row = (Interception.objects.visible_to(actor).filter(public_id=public_id)
           .select_related(*INTERCEPTION_RELATIONS).first() if is_public_id(public_id) else None)
    if row is None:
        raise NotFound(_("Interception not found."))
    companions = list(Interception.objects.visible_to(actor).filter(group_ref=row.group_ref).exclude(pk=row.pk)
                      .select_related(*INTERCEPTION_RELATIONS).order_by("full_name", "id"))
    access_log(actor=actor, kind=AccessLog.Kind.VIEW, object_type="interception", object_id=row.pk, via=via)
    return {"interception": row, "companions": companions}


# ---------------------------------------------------------------------------------------------
# Departure credentials
# ---------------------------------------------------------------------------------------------


def credential_for_placement(actor, placement_public_id, *, via: str = "web",
                             identifier: dict | None = None) -> DepartureCredential:
    """The newest credential of a placement in the actor's scope (404 when there is none). Checkpoint
    officers reach it like the placement itself: only with the worker's NIK or passport number, the
    one they looked the worker up by (``identifier``); by the placement's id alone it does not exist."""
    require_perm(actor, CREDENTIAL_VIEW, _("You are not allowed to view departure credentials."))
    credential = (DepartureCredential.objects.visible_to(actor).filter(placement__public_id=placement_public_id)
                  .select_related("placement", "placement__person", "placement__agency", "placement__country",
                                  "placement__scheme", "key")
                  .order_by("-created_at", "-id").first() if is_public_id(placement_public_id) else None)
    if credential is None:
        raise NotFound(_("This placement has no departure credential."))
    placement_selectors.require_looked_up(actor, credential.placement, identifier)
    access_log(actor=actor, kind=AccessLog.Kind.VIEW, object_type="departure_credential", object_id=credential.pk,
               via=via)
    credential.revoked_reason_now = _revoked_reason(credential, timezone.localdate())
    return credential


def _revoked_reason(credential: DepartureCredential, day: date) -> str:
    if credential.revoked_at is not None:
        return credential.revoke_reason or "revoked"
    if credential.placement.state != PlacementState.READY_TO_DEPART:
        return f"placement {credential.placement.state}"
    if credential.placement.agency_id and not placement_selectors.placement_agency_standing(credential.placement,
                                                                                            day)[0]:
        return "p3mi not in good standing"
    return ""


def published_keys(*, now=None) -> list[CredentialKey]:
    """Keys a desk may verify with: the active one and retired ones until their ``not_after``."""
    now = now or timezone.now()
    return list(CredentialKey.objects.filter(Q(not_after__isnull=True) | Q(not_after__gt=now))
                .order_by("-created_at", "-id"))


def public_key_set(*, now=None) -> dict:
    keys = published_keys(now=now)
    return credentials.key_set((k.kid, credentials.public_key_from_text(k.public_key),
                                "active" if k.retired_at is None else "retired", k.not_after) for k in keys)


def revoked_credential_ids(actor, *, day: date | None = None) -> list[str]:
    """Ids of credentials not yet expired that must not be honoured: revoked by hand or by the
    lifecycle, whose placement is no longer ready to depart, or whose P3MI is not in good standing on
    the day (a suspension takes effect on every card at once, without touching them)."""
    require_perm(actor, DEPARTURE_VIEW, _("You are not allowed to view departure checks."))
    day = day or timezone.localdate()
    rows = DepartureCredential.objects.filter(valid_until__gte=day).select_related(
        "placement", "placement__agency", "placement__country", "placement__scheme")
    standing: dict[tuple[int, int, int], bool] = {}
    out = []
    for credential in rows.iterator(chunk_size=2000):
        placement = credential.placement
        agency = placement.agency
        key = (placement.agency_id, placement.country_id, placement.scheme_id)
        if agency is not None and key not in standing:
            standing[key] = placement_selectors.placement_agency_standing(placement, day)[0]
        if (credential.revoked_at is not None or placement.state != PlacementState.READY_TO_DEPART
                or (agency is not None and not standing[key])):
            out.append(str(credential.public_id))
    return out


def credential_verify_online(actor, *, token: str, nik: str = "", passport: str = "") -> credentials.Verification:
    """Verify a credential as a desk would offline, with the published keys and today's revocations."""
    require_perm(actor, DEPARTURE_VIEW, _("You are not allowed to view departure checks."))
    keys = {k.kid: credentials.public_key_from_text(k.public_key) for k in published_keys()}
    parsed = credentials.parse(token)
    revoked = set()
    if parsed is not None:
        cid = parsed[0].cid
        credential = (DepartureCredential.objects.filter(public_id=cid)
                      .select_related("placement", "placement__agency", "placement__country", "placement__scheme")
                      .first() if is_public_id(cid) else None)
        if credential is not None and _revoked_reason(credential, timezone.localdate()):
            revoked.add(parsed[0].cid)
    return credentials.verify(token, keys=keys, revoked=revoked, today=timezone.localdate(), nik=nik,
                              passport=passport)
