"""Writes for departures. Each checks the permission, validates every field at once, writes in one
transaction and leaves an audit event.

- ``departure_check_record``: one check at the officer's post, with the verdict and every reason;
- ``departure_check_depart``: a cleared check takes the placement to ``departed`` through
  ``placements.services.placement_transition`` (the only way a placement changes state);
- ``watchlist_add`` / ``watchlist_review`` / ``watchlist_remove``;
- ``interception_record``: one or more travellers stopped together (companions share a group).
"""

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import require_perm
from lindungi.audit.services import audit_record, diff, snapshot
from lindungi.common.errors import Conflict, NotFound, ValidationFailed
from lindungi.common.inputs import (
    add_error,
    clean_text,
    date_field,
    is_public_id,
    parse_public_id,
    raise_if_errors,
    reason_field,
    text_field,
)
from lindungi.departures import credentials, rules, selectors
from lindungi.departures.models import (
    CheckpointPost,
    CredentialKey,
    DepartureCheck,
    DepartureCredential,
    Interception,
    PostAssignment,
    Verdict,
    WatchlistEntry,
)
from lindungi.departures.perms import CREDENTIAL_MANAGE, DEPARTURE_CHECK, INTERCEPTION_RECORD, WATCHLIST_MANAGE
from lindungi.placements import services as placement_services
from lindungi.placements.states import PlacementState
from lindungi.reference import selectors as reference_selectors

# How far from today a travel date may lie: yesterday's late flights are still checked today.
TRAVEL_DAYS_BEFORE = 1
TRAVEL_DAYS_AHEAD = 30
FLIGHT_MAX = 20
WATCHLIST_MAX_DAYS = 5 * 365
WATCHLIST_REVIEW_DAYS = 180
CHECK_AUDITED = ("post", "person", "placement", "destination", "flight", "travel_date", "verdict", "identifier_kind")
WATCHLIST_AUDITED = ("kind", "full_name", "nik", "passport_number", "reason", "valid_from", "valid_until",
                     "review_due", "removed_at", "removal_reason")


# ---------------------------------------------------------------------------------------------
# Shared input parsing
# ---------------------------------------------------------------------------------------------


def _identifier(value: Any, errors: dict, name: str = "identifier") -> tuple[str, str]:
    text = clean_text(value).replace(" ", "").upper()
    if not text:
        add_error(errors, name, _("Enter a NIK (16 digits) or a passport number."))
        return "", ""
    kind = selectors.identifier_kind(text)
    if kind is None:
        add_error(errors, name, _("Not a NIK (16 digits) nor a passport number (a letter, then 6 to 8 letters "
                                  "or digits)."))
        return "", ""
    return kind, text


def _identifier_or_credential(actor, value: Any, errors: dict) -> tuple[str, str, list]:
    """A NIK or passport number, or a scanned departure credential: a readable, genuine credential
    stands for its passport number and adds its own problems (expired, revoked) to the verdict; an
    unreadable or forged one is refused as input."""
    text = clean_text(value)
    if not text.startswith(credentials.PREFIX + "."):
        return (*_identifier(text, errors), [])
    result = selectors.credential_verify_online(actor, token=text)
    if result.claims is None:
        add_error(errors, "identifier", result.problems[0].message(get_language()))
        return "", "", []
    return "passport", result.claims.passport, list(result.problems)


def _optional_identifiers(data: dict, errors: dict) -> tuple[str, str]:
    """A NIK and/or a passport number; at least one."""
    nik = clean_text(data.get("nik")).replace(" ", "")
    passport = clean_text(data.get("passport_number")).replace(" ", "").upper()
    if nik and selectors.identifier_kind(nik) != "nik":
        add_error(errors, "nik", _("NIK must be exactly 16 digits."))
    if passport and selectors.identifier_kind(passport) != "passport":
        add_error(errors, "passport_number", _("Enter a passport number: a letter, then 6 to 8 letters or digits."))
    if not nik and not passport:
        add_error(errors, "nik", _("Give a NIK or a passport number."))
    return nik, passport


def _country(value: Any, errors: dict, name: str):
    iso2 = clean_text(value).upper()
    if not iso2:
        add_error(errors, name, _("This field is required."))
        return None
    country = reference_selectors.country_by_iso2(iso2) if len(iso2) == 2 and iso2.isalpha() else None
    if country is None:
        add_error(errors, name, _("Unknown country code."))
    return country


def _flight(value: Any, errors: dict, *, required: bool) -> str:
    flight = clean_text(value).upper()
    if not flight:
        if required:
            add_error(errors, "flight", _("This field is required."))
        return ""
    if len(flight) > FLIGHT_MAX or not all(c.isalnum() or c in " -" for c in flight):
        add_error(errors, "flight", _("Enter a flight or voyage number such as GA 838 (letters, digits, "
                                      "at most %(n)d characters).") % {"n": FLIGHT_MAX})
    return flight


def _post(actor, value: Any, errors: dict):
    """The officer's own post; others (the administrator) name one."""
    post = selectors.post_of(actor)
    if post is not None:
        return post
    code = clean_text(value).upper()
    if not code:
        add_error(errors, "post", _("You are not assigned to a checkpoint post; name the post."))
        return None
    post = selectors.post_by_code(code)
    if post is None:
        add_error(errors, "post", _("Unknown checkpoint post."))
    return post


def _client_ref(value: Any, errors: dict):
    if value in (None, ""):
        return None
    ref = parse_public_id(value)
    if ref is None:
        add_error(errors, "client_ref", _("Must be a UUID."))
    return ref


# ---------------------------------------------------------------------------------------------
# Checkpoint posts
# ---------------------------------------------------------------------------------------------


def checkpoint_post_ensure(*, actor, code: str, name: str, kind: str, regency_code: str = "",
                           via: str = "web") -> CheckpointPost:
    """Create a post, or update its name, kind and regency (administrators)."""
    require_perm(actor, CREDENTIAL_MANAGE)
    errors: dict[str, list[str]] = {}
    code = text_field(code, "code", errors, required=True, max_length=20).upper()
    name = text_field(name, "name", errors, required=True, max_length=150)
    if kind not in CheckpointPost.Kind.values:
        add_error(errors, "kind", _("Must be one of: %(c)s.") % {"c": ", ".join(CheckpointPost.Kind.values)})
    regency = reference_selectors.regency_by_code(regency_code) if regency_code else None
    if regency_code and regency is None:
        add_error(errors, "regency", _("Unknown value."))
    raise_if_errors(errors)
    with transaction.atomic():
        post = CheckpointPost.objects.filter(code=code).first()
        before = snapshot(post, ("name", "kind", "regency")) if post else {}
        if post is None:
            post = CheckpointPost(code=code)
        post.name, post.kind, post.regency = name, kind, regency
        post.save()
        changes = diff(before, snapshot(post, ("name", "kind", "regency")))
        if changes:
            audit_record(actor=actor, action="checkpoint_post.saved", obj=post, via=via, changes=changes)
    return post


def post_assign(*, actor, username: str, post_code: str, via: str = "web") -> PostAssignment:
    """Assign a checkpoint officer to a post (replacing their previous post)."""
    from lindungi.accounts.models import User
    from lindungi.accounts.roles import Role

    require_perm(actor, CREDENTIAL_MANAGE)
    officer = User.objects.filter(username=username, role=Role.CHECKPOINT).first()
    post = selectors.post_by_code(post_code)
    errors: dict[str, list[str]] = {}
    if officer is None:
        add_error(errors, "username", _("No checkpoint officer with this username."))
    if post is None:
        add_error(errors, "post", _("Unknown checkpoint post."))
    raise_if_errors(errors)
    with transaction.atomic():
        assignment = PostAssignment.objects.filter(user=officer).first()
        before = assignment.post_id if assignment else None
        if assignment is None:
            assignment = PostAssignment(user=officer)
        assignment.post = post
        assignment.save()
        transaction.on_commit(lambda: selectors.forget_post(officer.pk))
        audit_record(actor=actor, action="checkpoint_post.assigned", object_type="user", object_id=officer.pk,
                     via=via, changes={"checkpoint_post": [before, post.pk]})
    return assignment


# ---------------------------------------------------------------------------------------------
# Departure checks
# ---------------------------------------------------------------------------------------------


def departure_check_record(*, actor, data: dict[str, Any], via: str = "web") -> tuple[DepartureCheck, bool]:
    """Check one traveller and record the check. Returns the check (with ``reasons`` as
    ``[{code, message_id, message_en}]`` and ``lookup`` = the person's lookup row or None) and whether
    it was created now: a ``client_ref`` already recorded by the same officer returns that check."""
    require_perm(actor, DEPARTURE_CHECK)
    errors: dict[str, list[str]] = {}
    kind, identifier, credential_problems = _identifier_or_credential(actor, data.get("identifier"), errors)
    destination = _country(data.get("destination"), errors, "destination")
    flight = _flight(data.get("flight"), errors, required=True)
    today = timezone.localdate()
    travel_date = date_field(data.get("travel_date"), "travel_date", errors) or today
    if not (today - dt.timedelta(days=TRAVEL_DAYS_BEFORE) <= travel_date <= today + dt.timedelta(
            days=TRAVEL_DAYS_AHEAD)):
        add_error(errors, "travel_date", _("The travel date must lie between yesterday and %(n)d days ahead.") % {
            "n": TRAVEL_DAYS_AHEAD})
    post = _post(actor, data.get("post"), errors)
    client_ref = _client_ref(data.get("client_ref"), errors)
    raise_if_errors(errors)
    if client_ref is not None:
        existing = _existing_check(actor, client_ref)
        if existing is not None:
            return existing, False
    person, placement, facts = selectors.check_facts(actor, kind=kind, identifier=identifier,
                                                     destination=destination.iso2, travel_date=travel_date, via=via)
    reasons = [u.as_dict() for u in rules.verdict(facts, person_pk=person["pk"] if person else None)]
    reasons += [u.as_dict() for u in credential_problems]
    try:
        with transaction.atomic():
            check = DepartureCheck.objects.create(
                post=post, officer=actor, checked_at=timezone.now(), identifier_kind=kind, identifier=identifier,
                person_id=person["pk"] if person else None, placement=placement, destination=destination,
                flight=flight, travel_date=travel_date, verdict=Verdict.NOT_CLEARED if reasons else Verdict.CLEARED,
                reasons=reasons, client_ref=client_ref)
            audit_record(actor=actor, action="departure_check.recorded", obj=check, via=via,
                         changes=diff({}, snapshot(check, CHECK_AUDITED)),
                         reason="; ".join(r["code"] for r in reasons))
    except IntegrityError:
        # The same client_ref arrived twice at once: the first one won.
        existing = _existing_check(actor, client_ref) if client_ref is not None else None
        if existing is None:
            raise
        return existing, False
    check.lookup = person
    return check, True


def _existing_check(actor, client_ref) -> DepartureCheck | None:
    check = (DepartureCheck.objects.filter(client_ref=client_ref)
             .select_related(*selectors.CHECK_RELATIONS).first())
    if check is None:
        return None
    if check.officer_id != actor.pk:
        raise Conflict(_("This check id was already used by another officer."),
                       fields={"client_ref": [_("Already used.")]})
    check.lookup = None
    return check


def departure_check_depart(*, actor, public_id, via: str = "web") -> DepartureCheck:
    """Record the departure of a cleared traveller: the placement moves to ``departed`` through the
    lifecycle's transition service (its own guards are evaluated again, today)."""
    require_perm(actor, DEPARTURE_CHECK)
    with transaction.atomic():
        found = (DepartureCheck.objects.visible_to(actor).filter(public_id=public_id).values_list("pk", flat=True)
                 .first() if is_public_id(public_id) else None)
        # Locked without joins (PostgreSQL refuses FOR UPDATE on the nullable side of a join).
        check = DepartureCheck.objects.select_for_update().filter(pk=found).first() if found else None
        if check is None:
            raise NotFound(_("Departure check not found."))
        if check.verdict != Verdict.CLEARED or check.placement is None:
            raise Conflict(_("Only a cleared check can record a departure."), code="not_cleared")
        if check.departed_at is not None:
            raise Conflict(_("This departure is already recorded."), code="already_departed")
        placement_services.placement_transition(
            actor=actor, public_id=check.placement.public_id, to_state=PlacementState.DEPARTED,
            reason=_("Departure check %(id)s, flight %(f)s") % {"id": check.public_id, "f": check.flight}, via=via,
            identifier={check.identifier_kind: check.identifier})
        now = timezone.now()
        DepartureCheck.objects.filter(pk=check.pk, departed_at__isnull=True).update(departed_at=now, updated_at=now)
        audit_record(actor=actor, action="departure_check.departed", obj=check, via=via,
                     changes={"departed_at": [None, now.isoformat()]})
    return selectors.departure_check_get_for(actor, check.public_id, via=via)


# ---------------------------------------------------------------------------------------------
# Watch list
# ---------------------------------------------------------------------------------------------


def watchlist_add(*, actor, data: dict[str, Any], via: str = "web") -> WatchlistEntry:
    """A new entry: who, why and until when (at most five years); reviewed every six months by default."""
    require_perm(actor, WATCHLIST_MANAGE)
    errors: dict[str, list[str]] = {}
    kind = clean_text(data.get("kind"))
    if kind not in WatchlistEntry.Kind.values:
        add_error(errors, "kind", _("Must be one of: %(c)s.") % {"c": ", ".join(WatchlistEntry.Kind.values)})
    name = text_field(data.get("full_name"), "full_name", errors, required=True, max_length=150)
    nik, passport = _optional_identifiers(data, errors)
    reason = reason_field(data.get("reason"), errors)
    today = timezone.localdate()
    valid_from = date_field(data.get("valid_from"), "valid_from", errors) or today
    valid_until = date_field(data.get("valid_until"), "valid_until", errors, required=True)
    if valid_until is not None:
        if valid_until < max(today, valid_from):
            add_error(errors, "valid_until", _("Must be today or later, and not before the start."))
        elif valid_until > today + dt.timedelta(days=WATCHLIST_MAX_DAYS):
            add_error(errors, "valid_until", _("An entry may last at most five years; review and extend it."))
    review_due = date_field(data.get("review_due"), "review_due", errors) or min(
        today + dt.timedelta(days=WATCHLIST_REVIEW_DAYS), valid_until or today)
    raise_if_errors(errors)
    with transaction.atomic():
        entry = WatchlistEntry.objects.create(
            kind=kind, full_name=name, nik=nik, passport_number=passport, reason=reason, added_by=actor,
            valid_from=valid_from, valid_until=valid_until, review_due=review_due)
        audit_record(actor=actor, action="watchlist.added", obj=entry, via=via, reason=reason,
                     changes=diff({}, snapshot(entry, WATCHLIST_AUDITED)))
    return entry


def _entry_for_write(actor, public_id) -> WatchlistEntry:
    entry = (WatchlistEntry.objects.visible_to(actor).select_for_update().filter(public_id=public_id).first()
             if is_public_id(public_id) else None)
    if entry is None:
        raise NotFound(_("Watch-list entry not found."))
    if entry.removed_at is not None:
        raise Conflict(_("This entry was removed."), code="removed")
    return entry


def watchlist_review(*, actor, public_id, note: str, valid_until=None, review_due=None,
                     via: str = "web") -> WatchlistEntry:
    """Record a review: the entry stays (optionally with a new end date) and the next review is set."""
    require_perm(actor, WATCHLIST_MANAGE)
    errors: dict[str, list[str]] = {}
    note = reason_field(note, errors, name="note")
    today = timezone.localdate()
    new_until = date_field(valid_until, "valid_until", errors)
    new_due = date_field(review_due, "review_due", errors)
    if new_until is not None and not today <= new_until <= today + dt.timedelta(days=WATCHLIST_MAX_DAYS):
        add_error(errors, "valid_until", _("Must lie between today and five years ahead."))
    if new_due is not None and new_due < today:
        add_error(errors, "review_due", _("Must be today or later."))
    raise_if_errors(errors)
    with transaction.atomic():
        entry = _entry_for_write(actor, public_id)
        before = snapshot(entry, WATCHLIST_AUDITED)
        entry.valid_until = new_until or entry.valid_until
        entry.review_due = new_due or min(today + dt.timedelta(days=WATCHLIST_REVIEW_DAYS), entry.valid_until)
        entry.reviewed_at, entry.reviewed_by = timezone.now(), actor
        entry.save(update_fields=["valid_until", "review_due", "reviewed_at", "reviewed_by", "updated_at"])
        audit_record(actor=actor, action="watchlist.reviewed", obj=entry, via=via, reason=note,
                     changes=diff(before, snapshot(entry, WATCHLIST_AUDITED)))
    return entry


def watchlist_remove(*, actor, public_id, reason: str, via: str = "web") -> WatchlistEntry:
    require_perm(actor, WATCHLIST_MANAGE)
    errors: dict[str, list[str]] = {}
    reason = reason_field(reason, errors)
    raise_if_errors(errors)
    with transaction.atomic():
        entry = _entry_for_write(actor, public_id)
        before = snapshot(entry, WATCHLIST_AUDITED)
        entry.removed_at, entry.removed_by, entry.removal_reason = timezone.now(), actor, reason
        entry.save(update_fields=["removed_at", "removed_by", "removal_reason", "updated_at"])
        audit_record(actor=actor, action="watchlist.removed", obj=entry, via=via, reason=reason,
                     changes=diff(before, snapshot(entry, WATCHLIST_AUDITED)))
    return entry


# ---------------------------------------------------------------------------------------------
# Interceptions
# ---------------------------------------------------------------------------------------------

MAX_GROUP = 50


def _traveller(raw: Any, errors: dict, prefix: str) -> dict:
    if not isinstance(raw, dict):
        add_error(errors, prefix, _("Each traveller is an object with a name and a NIK or passport number."))
        return {}
    sub: dict[str, list[str]] = {}
    name = text_field(raw.get("full_name"), "full_name", sub, required=True, max_length=150)
    nik, passport = _optional_identifiers(raw, sub)
    for field, messages in sub.items():
        for message in messages:
            add_error(errors, f"{prefix}.{field}", message)
    return {"full_name": name, "nik": nik, "passport_number": passport}


def interception_record(*, actor, data: dict[str, Any], via: str = "web") -> list[Interception]:
    """Record the travellers stopped together: ``travellers`` (the first is the one checked, the
    others their companions), each with a name and a NIK or passport number, and what they share:
    destination, flight, declared purpose and cover story, route and transit, the suspected recruiter
    or sponsor, the outcome. A traveller registered in Lindungi is linked (exact identifier only);
    an open placement of theirs is not moved here (use the placement's ``intercepted_nonprocedural``
    step). Returns the rows, one per traveller, sharing one ``group_ref``."""
    require_perm(actor, INTERCEPTION_RECORD)
    errors: dict[str, list[str]] = {}
    raw = data.get("travellers")
    if not isinstance(raw, list) or not raw:
        add_error(errors, "travellers", _("Give at least one traveller."))
        raw = []
    elif len(raw) > MAX_GROUP:
        add_error(errors, "travellers", _("At most %(n)d travellers in one group.") % {"n": MAX_GROUP})
        raw = []
    travellers = [_traveller(item, errors, f"travellers.{i}") for i, item in enumerate(raw)]
    destination = _country(data.get("destination"), errors, "destination")
    flight = _flight(data.get("flight"), errors, required=False)
    purpose = clean_text(data.get("declared_purpose"))
    if purpose not in Interception.Purpose.values:
        add_error(errors, "declared_purpose",
                  _("Must be one of: %(c)s.") % {"c": ", ".join(Interception.Purpose.values)})
    outcome = clean_text(data.get("outcome"))
    if outcome not in Interception.Outcome.values:
        add_error(errors, "outcome", _("Must be one of: %(c)s.") % {"c": ", ".join(Interception.Outcome.values)})
    transit = data.get("transit_countries") or []
    if not isinstance(transit, list):
        add_error(errors, "transit_countries", _("Give a list of ISO country codes."))
        transit = []
    transit_codes = []
    for i, code in enumerate(transit):
        country = _country(code, errors, f"transit_countries.{i}")
        if country is not None:
            transit_codes.append(country.iso2)
    texts = {name: text_field(data.get(name), name, errors, max_length=limit)
             for name, limit in (("cover_story", 2000), ("route", 255), ("suspected_recruiter", 255),
                                 ("notes", 4000))}
    post = _post(actor, data.get("post"), errors)
    check = None
    if data.get("departure_check") not in (None, ""):
        check = (DepartureCheck.objects.visible_to(actor).filter(public_id=data["departure_check"]).first()
                 if is_public_id(data["departure_check"]) else None)
        if check is None:
            add_error(errors, "departure_check", _("Unknown value."))
    raise_if_errors(errors)
    group = uuid.uuid4()
    now = timezone.now()
    rows = []
    with transaction.atomic():
        for i, traveller in enumerate(travellers):
            person, placement = _registered(actor, traveller, via=via)
            row = Interception.objects.create(
                post=post, officer=actor, intercepted_at=now, person_id=person["pk"] if person else None,
                placement=placement, departure_check=check if i == 0 else None, destination=destination,
                flight=flight, declared_purpose=purpose, route=texts["route"], transit_countries=transit_codes,
                cover_story=texts["cover_story"], suspected_recruiter=texts["suspected_recruiter"],
                group_ref=group, outcome=outcome, notes=texts["notes"], **traveller)
            audit_record(actor=actor, action="interception.recorded", obj=row, via=via,
                         changes={"outcome": [None, outcome], "declared_purpose": [None, purpose],
                                  "group_ref": [None, str(group)], "person": [None, row.person_id]})
            rows.append(row)
    return rows


def _registered(actor, traveller: dict, *, via: str):
    """The registered person behind a traveller (exact NIK, else exact passport) and their open
    placement, through the registry's logged lookup."""
    from lindungi.placements import selectors as placement_selectors
    from lindungi.registry import selectors as registry_selectors

    for kind, value in (("nik", traveller["nik"]), ("passport", traveller["passport_number"])):
        if not value:
            continue
        try:
            person = registry_selectors.person_lookup(actor, **{kind: value}, via=via)
        except NotFound:
            continue
        return person, placement_selectors.placement_open_for_person(actor, person_id=person["pk"])
    return None, None


def interception_link_case(*, actor, public_id, case_ref: str, via: str = "web") -> Interception:
    """The seam to protection cases: record the case opened for this interception."""
    require_perm(actor, INTERCEPTION_RECORD)
    ref = clean_text(case_ref)
    if not is_public_id(ref):
        raise ValidationFailed.from_fields({"case_ref": _("Must be the public id of a case.")})
    with transaction.atomic():
        row = (Interception.objects.visible_to(actor).select_for_update().filter(public_id=public_id).first()
               if is_public_id(public_id) else None)
        if row is None:
            raise NotFound(_("Interception not found."))
        before = row.case_ref
        row.case_ref = ref
        row.save(update_fields=["case_ref", "updated_at"])
        audit_record(actor=actor, action="interception.case_linked", obj=row, via=via,
                     changes={"case_ref": [before, ref]})
    return row


# ---------------------------------------------------------------------------------------------
# Departure credentials
# ---------------------------------------------------------------------------------------------

_private_keys: dict[str, Any] = {}


def _encryption():
    from cryptography.hazmat.primitives import serialization

    return serialization.BestAvailableEncryption(settings.SECRET_KEY.encode())


def private_key(key: CredentialKey):
    """The key's Ed25519 private key, decrypted once per process."""
    from cryptography.hazmat.primitives import serialization

    loaded = _private_keys.get(key.kid)
    if loaded is None:
        loaded = _private_keys[key.kid] = serialization.load_pem_private_key(
            key.private_key_pem.encode(), password=settings.SECRET_KEY.encode())
    return loaded


def _new_key() -> CredentialKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    secret = Ed25519PrivateKey.generate()
    pem = secret.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, _encryption())
    kid = timezone.now().strftime("%Y%m%d") + "-" + uuid.uuid4().hex[:8]
    key = CredentialKey.objects.create(kid=kid, public_key=credentials.public_key_text(secret.public_key()),
                                       private_key_pem=pem.decode())
    _private_keys[kid] = secret
    return key


def credential_key_rotate(*, actor, via: str = "web") -> CredentialKey:
    """A new active signing key. The previous one stops signing now and stays published until every
    credential it signed has expired (``CREDENTIAL_VALID_DAYS``)."""
    require_perm(actor, CREDENTIAL_MANAGE)
    with transaction.atomic():
        return _rotate(actor=actor, via=via)


def _rotate(*, actor, via: str) -> CredentialKey:
    now = timezone.now()
    old = list(CredentialKey.objects.select_for_update().filter(retired_at__isnull=True))
    not_after = now + dt.timedelta(days=settings.CREDENTIAL_VALID_DAYS + 1)
    CredentialKey.objects.filter(pk__in=[k.pk for k in old]).update(retired_at=now, not_after=not_after)
    key = _new_key()
    audit_record(actor=actor, action="credential_key.rotated", obj=key, via=via,
                 changes={"kid": [old[0].kid if old else None, key.kid]})
    return key


def active_key(*, actor=None, via: str = "system") -> CredentialKey:
    """The key that signs now; the first one is made on first use."""
    key = CredentialKey.objects.filter(retired_at__isnull=True).first()
    return key if key is not None else _rotate(actor=actor, via=via)


def credential_issue_for(*, actor, placement, via: str = "web") -> DepartureCredential:
    """Sign the credential of a placement that has just reached ``ready_to_depart`` (called by the
    lifecycle's transition hook, inside its transaction). Valid ``CREDENTIAL_VALID_DAYS`` days, never
    beyond the passport's expiry."""
    from lindungi.registry import selectors as registry_selectors

    key = active_key(actor=actor, via=via)
    passport = registry_selectors.current_passport(placement.person_id)
    today = timezone.localdate()
    valid_until = today + dt.timedelta(days=settings.CREDENTIAL_VALID_DAYS)
    if passport is not None:
        valid_until = min(valid_until, passport.expiry_date)
    credential = DepartureCredential(
        placement=placement, key=key, passport_number=passport.number if passport else "",
        destination=placement.country.iso2, p3mi=placement.agency.sip3mi_number if placement.agency_id else "",
        valid_until=valid_until)
    credential.nik_hash = credentials.nik_hash(str(credential.public_id), placement.person.nik)
    claims = credentials.Claims(
        cid=str(credential.public_id), kid=key.kid, passport=credential.passport_number,
        nik_hash=credential.nik_hash, destination=credential.destination, p3mi=credential.p3mi,
        valid_until=valid_until, issued_at=int(timezone.now().timestamp()))
    credential.token = credentials.sign(claims, private_key(key))
    credential.save()
    audit_record(actor=actor, action="credential.issued", obj=credential, via=via,
                 changes={"placement": [None, placement.pk], "valid_until": [None, valid_until.isoformat()],
                          "kid": [None, key.kid]})
    return credential


def credential_revoke_for(*, actor, placement, reason: str, via: str = "web") -> int:
    """Revoke the placement's credentials still in force (it left the departure path)."""
    now = timezone.now()
    ids = list(DepartureCredential.objects.filter(placement=placement, revoked_at__isnull=True)
               .values_list("pk", flat=True))
    DepartureCredential.objects.filter(pk__in=ids).update(revoked_at=now, revoke_reason=reason[:255], updated_at=now)
    for pk in ids:
        audit_record(actor=actor, action="credential.revoked", object_type="departurecredential", object_id=pk,
                     via=via, reason=reason, changes={"revoked_at": [None, now.isoformat()]})
    return len(ids)


def on_placement_transition(*, actor, placement, from_state: str, to_state: str, via: str) -> None:
    """Registered with ``placements.services.register_transition_hook`` (``DeparturesConfig.ready``)."""
    if to_state == PlacementState.READY_TO_DEPART:
        credential_issue_for(actor=actor, placement=placement, via=via)
    elif from_state == PlacementState.READY_TO_DEPART:
        credential_revoke_for(actor=actor, placement=placement, reason=f"placement {to_state}", via=via)


def credential_revoke(*, actor, public_id, reason: str, via: str = "web") -> DepartureCredential:
    """Revoke one credential by hand (a lost card, a forged one reported)."""
    require_perm(actor, CREDENTIAL_MANAGE)
    errors: dict[str, list[str]] = {}
    reason = reason_field(reason, errors)
    raise_if_errors(errors)
    with transaction.atomic():
        credential = (DepartureCredential.objects.visible_to(actor).filter(public_id=public_id).first()
                      if is_public_id(public_id) else None)
        if credential is None:
            raise NotFound(_("Credential not found."))
        if credential.revoked_at is not None:
            raise Conflict(_("This credential is already revoked."))
        credential.revoked_at, credential.revoke_reason = timezone.now(), reason[:255]
        credential.save(update_fields=["revoked_at", "revoke_reason", "updated_at"])
        audit_record(actor=actor, action="credential.revoked", obj=credential, via=via, reason=reason,
                     changes={"revoked_at": [None, credential.revoked_at.isoformat()]})
    return credential


def revocation_list_sign(*, revoked: list[str]) -> dict:
    """The signed revocation list (the ids come from ``selectors.revoked_credential_ids``)."""
    key = active_key()
    now = timezone.now()
    return credentials.sign_revocation_list(
        kid=key.kid, private_key=private_key(key), revoked=revoked, issued_at=now,
        next_update=now + dt.timedelta(minutes=settings.CREDENTIAL_REVOCATION_MINUTES))
