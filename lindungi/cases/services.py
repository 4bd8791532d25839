"""Writes for complaints and cases. Every function checks permission and scope, writes inside one
transaction and leaves an audit event. ``case_transition`` is the only way a case changes state by
hand, ``case_deadlines_apply`` the only way it closes by itself.
"""

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import require_perm
from lindungi.accounts.roles import Role
from lindungi.agencies.models import Agency, ForeignParty
from lindungi.audit.services import audit_record, audit_rows, diff, snapshot
from lindungi.cases import rules, selectors, states
from lindungi.cases.models import (
    Case,
    CaseCategory,
    CaseEvent,
    Channel,
    ClarificationRound,
    ComplainantRelation,
    Procedural,
    PublicAttempt,
    TrcDispatch,
)
from lindungi.cases.perms import CASE_ANSWER, CASE_WRITE, TRC_WRITE
from lindungi.cases.states import CaseState, ReferralKind
from lindungi.common.errors import Conflict, DomainError, NotFound, ValidationFailed
from lindungi.common.inputs import (
    add_error,
    clean_text,
    date_field,
    is_public_id,
    money_field,
    raise_if_errors,
    text_field,
)
from lindungi.placements.models import Placement
from lindungi.placements.states import Unmet
from lindungi.reference.models import Country, OrgUnit, Regency, UnitCoverage
from lindungi.registry.models import Passport, Person

CASE_AUDITED = ("channel", "procedural", "complainant_name", "complainant_relation", "complainant_phone",
                "complainant_email", "worker_name", "worker_nik", "worker_passport", "summary", "demand",
                "amount_claimed", "currency", "person", "placement", "agency", "employer", "country", "regency",
                "unit", "officer", "documents_complete", "unreachable_since", "told_unresolvable_on",
                "mediation_outcome", "amount_settled", "berita_acara_number", "referral_kind", "referral_unit",
                "referral_agency_name")
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone
HQ_UNIT = "PUSAT"


class TransitionRefused(DomainError):
    """The step exists but conditions are unmet; ``unmet`` lists every one of them."""

    status_code = 422
    code = "transition_refused"

    def __init__(self, message: str, *, unmet: list[Unmet], to_state: str = ""):
        from django.utils.translation import get_language

        language = (get_language() or "id")[:2]
        self.unmet = list(unmet)
        self.to_state = to_state
        messages = [u.message(language) for u in self.unmet]
        super().__init__(message, fields={"to_state": messages,
                                          "conditions": [f"{u.code}: {m}" for u, m in zip(self.unmet, messages,
                                                                                           strict=True)]})


@dataclass(frozen=True)
class Registered:
    """A new case and the secret that opens its public status page; the secret is shown once and
    only its hash is kept."""

    case: Case
    secret: str


@dataclass(frozen=True)
class Moved:
    case: Case
    facts: states.CaseFacts


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _random_code(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def normalise_secret(secret: str) -> str:
    return "".join(ch for ch in str(secret or "").upper() if ch.isalnum())


def _new_tracking_code() -> str:
    while True:
        code = f"ADU-{_random_code(4)}-{_random_code(4)}"
        if not Case.objects.filter(tracking_code=code).exists():
            return code


def _new_secret() -> str:
    return f"{_random_code(4)}-{_random_code(4)}"


def _by_public_id(model, value: Any, name: str, errors: dict, **filters):
    if value in (None, ""):
        return None
    obj = model.objects.filter(public_id=value, **filters).first() if is_public_id(value) else None
    if obj is None:
        add_error(errors, name, _("Unknown value."))
    return obj


def _choice(value: Any, choices, name: str, errors: dict, *, default: str | None = None) -> str:
    text = clean_text(value)
    if not text and default is not None:
        return default
    if text not in choices.values:
        add_error(errors, name, _("Must be one of: %(c)s.") % {"c": ", ".join(choices.values)})
    return text


def _categories(value: Any, errors: dict, *, day: dt.date) -> list[CaseCategory]:
    codes = value if isinstance(value, list | tuple) else ([value] if value else [])
    codes = [clean_text(c) for c in codes if clean_text(c)]
    if not codes:
        add_error(errors, "categories", _("Choose at least one category."))
        return []
    found = {c.code: c for c in selectors.category_choices(on=day) if c.code in codes}
    unknown = [c for c in codes if c not in found]
    if unknown:
        add_error(errors, "categories", _("Unknown category: %(c)s.") % {"c": ", ".join(unknown)})
    return list(found.values())


def _unit_for_regency(regency: Regency | None, *, day: dt.date) -> OrgUnit:
    """The unit that covers the worker's home regency today, else the ministry's headquarters."""
    if regency is not None:
        coverage = (UnitCoverage.objects.filter(Q(regency=regency) | Q(province_id=regency.province_id))
                    .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day),
                            Q(valid_to__isnull=True) | Q(valid_to__gte=day))
                    .select_related("unit").order_by("province_id", "unit__code").first())
        if coverage is not None:
            return coverage.unit
    unit = OrgUnit.objects.filter(code=HQ_UNIT).first() or OrgUnit.objects.order_by("code").first()
    if unit is None:
        raise Conflict(_("No organisational unit is configured."))
    return unit


def _match_person(nik: str, passport: str) -> Person | None:
    """The registered worker with this NIK or passport number, if any (exact match only)."""
    if nik:
        person = Person.objects.filter(nik=nik, merged_into__isnull=True).first()
        if person is not None:
            return person
    if passport:
        found = Passport.objects.filter(number=passport.upper()).select_related("person").first()
        if found is not None:
            return found.person.merged_into or found.person
    return None


def _complaint_fields(data: dict[str, Any], errors: dict, *, day: dt.date) -> dict[str, Any]:
    """The fields a complainant gives (public form and staff intake alike)."""
    values = {
        "complainant_name": text_field(data.get("complainant_name"), "complainant_name", errors, required=True,
                                       max_length=150),
        "complainant_relation": _choice(data.get("complainant_relation"), ComplainantRelation,
                                        "complainant_relation", errors, default=ComplainantRelation.SELF),
        "complainant_phone": text_field(data.get("complainant_phone"), "complainant_phone", errors, max_length=30),
        "complainant_email": text_field(data.get("complainant_email"), "complainant_email", errors, max_length=150),
        "worker_name": text_field(data.get("worker_name"), "worker_name", errors, max_length=150),
        "worker_nik": text_field(data.get("worker_nik"), "worker_nik", errors, max_length=16),
        "worker_passport": text_field(data.get("worker_passport"), "worker_passport", errors,
                                      max_length=12).upper(),
        "summary": text_field(data.get("summary"), "summary", errors, required=True, max_length=5000),
        "demand": text_field(data.get("demand"), "demand", errors, max_length=2000),
        "amount_claimed": money_field(data.get("amount_claimed"), "amount_claimed", errors),
        "currency": (text_field(data.get("currency"), "currency", errors, max_length=3) or "IDR").upper(),
    }
    values["worker_name"] = values["worker_name"] or values["complainant_name"]
    if values["worker_nik"] and not (len(values["worker_nik"]) == 16 and values["worker_nik"].isdigit()):
        add_error(errors, "worker_nik", _("A NIK has 16 digits."))
    if not (values["complainant_phone"] or values["complainant_email"]):
        add_error(errors, "complainant_phone", _("Give a phone number or an email address so we can reach you."))
    iso2 = clean_text(data.get("country")).upper()
    values["country"] = None
    if iso2:
        values["country"] = Country.objects.filter(iso2=iso2).first()
        if values["country"] is None:
            add_error(errors, "country", _("Unknown country code."))
    regency_code = clean_text(data.get("regency")).replace(".", "")
    values["regency"] = None
    if regency_code:
        values["regency"] = Regency.objects.filter(code=regency_code).first()
        if values["regency"] is None:
            add_error(errors, "regency", _("Unknown regency code."))
    return values


def _deadline_fields(case: Case, *, day: dt.date) -> dict[str, Any]:
    """The nearest running deadline, stored on the case for the inbox."""
    found = selectors.case_deadlines(case, round_=selectors.open_round(case) if case.pk else None, on=day)
    first = found[0] if found and case.state in states.OPEN else None
    return {"deadline_on": first.due if first else None, "deadline_code": first.code if first else ""}


def _refresh_deadline(case: Case, *, day: dt.date) -> None:
    fields = _deadline_fields(case, day=day)
    if (case.deadline_on, case.deadline_code) != (fields["deadline_on"], fields["deadline_code"]):
        Case.objects.filter(pk=case.pk).update(**fields)
        case.deadline_on, case.deadline_code = fields["deadline_on"], fields["deadline_code"]


def _event(case: Case, *, action: str, actor=None, from_state: str = "", to_state: str = "", reason: str = "",
           code: str = "", via: str = "", public: bool = True, at=None) -> CaseEvent:
    return CaseEvent.objects.create(case=case, action=action, actor=actor if getattr(actor, "pk", None) else None,
                                    from_state=from_state, to_state=to_state, reason=reason, code=code, via=via,
                                    public=public, at=at or timezone.now())


def _register(*, actor, values: dict[str, Any], categories: list[CaseCategory], unit: OrgUnit, channel: str,
              via: str, day: dt.date, **extra) -> Registered:
    secret = _new_secret()
    case = Case(tracking_code=_new_tracking_code(), secret_hash=make_password(normalise_secret(secret)),
                channel=channel, unit=unit, registered_on=day, created_by=actor if getattr(actor, "pk", None) else None,
                **values, **extra)
    if case.person_id is None:
        case.person = _match_person(case.worker_nik, case.worker_passport)
    case.number = case.tracking_code  # replaced below by the sequential number
    case.save()
    case.number = f"PGD-{day:%Y}-{case.pk:07d}"
    fields = _deadline_fields(case, day=day)
    Case.objects.filter(pk=case.pk).update(number=case.number, **fields)
    case.deadline_on, case.deadline_code = fields["deadline_on"], fields["deadline_code"]
    case.categories.set(categories)
    _event(case, action="register", actor=actor, to_state=CaseState.REGISTERED, via=via)
    audit_record(actor=actor, action="case.create", obj=case, changes={
        **diff({}, snapshot(case, CASE_AUDITED)), "categories": [None, sorted(c.code for c in categories)]}, via=via)
    return Registered(case=case, secret=secret)


# ---------------------------------------------------------------------------------------------
# Intake
# ---------------------------------------------------------------------------------------------


def _staff_links(actor, data: dict[str, Any], errors: dict) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, model in (("person", Person), ("placement", Placement), ("agency", Agency),
                        ("employer", ForeignParty)):
        if name in data:
            values[name] = _by_public_id(model, data.get(name), name, errors)
    if "unit" in data:
        code = clean_text(data.get("unit"))
        values["unit"] = OrgUnit.objects.filter(code=code).first() if code else None
        if code and values["unit"] is None:
            add_error(errors, "unit", _("Unknown unit code."))
    if "officer" in data:
        from lindungi.accounts.models import User

        username = clean_text(data.get("officer"))
        values["officer"] = None
        if username:
            values["officer"] = User.objects.filter(username=username, role__in=[Role.UNIT_OFFICER, Role.ADMIN],
                                                    is_active=True).first()
            if values["officer"] is None:
                add_error(errors, "officer", _("Unknown officer."))
    placement = values.get("placement")
    if placement is not None:
        values.setdefault("person", None)
        values["person"] = values["person"] or placement.person
        if values["person"] != placement.person:
            add_error(errors, "placement", _("The placement belongs to another person."))
        values["agency"] = values.get("agency") or placement.agency
        values["employer"] = values.get("employer") or placement.employer
    return values


def case_create(*, actor, data: dict[str, Any], via: str = "web") -> Registered:
    """Register a complaint received by staff through any channel. The worker is matched to the
    registry by NIK or passport when no person is given; the unit defaults to the officer's own."""
    require_perm(actor, CASE_WRITE)
    day = timezone.localdate()
    errors: dict[str, list[str]] = {}
    values = _complaint_fields(data, errors, day=day)
    categories = _categories(data.get("categories"), errors, day=day)
    channel = _choice(data.get("channel"), Channel, "channel", errors)
    values["procedural"] = _choice(data.get("procedural"), Procedural, "procedural", errors,
                                   default=Procedural.OTHER)
    values["documents_complete"] = bool(data.get("documents_complete"))
    # A letter or an email received earlier is registered with the day it arrived.
    received_on = date_field(data.get("registered_on"), "registered_on", errors, not_future=True)
    links = _staff_links(actor, {k: v for k, v in data.items() if v not in (None, "")}, errors)
    unit = links.pop("unit", None) or actor.unit
    if actor.role == Role.UNIT_OFFICER and unit != actor.unit:
        add_error(errors, "unit", _("A unit officer registers complaints for their own unit; refer it afterwards."))
    raise_if_errors(errors)
    if unit is None:
        unit = _unit_for_regency(values["regency"], day=day)
    with transaction.atomic():
        return _register(actor=actor, values={**values, **links}, categories=categories, unit=unit,
                         channel=channel, via=via, day=received_on or day)


def _client_key(bucket: str, client: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{bucket}:{client}".encode(), hashlib.sha256).hexdigest()


def rate_limited(*, bucket: str, client: str, limit: int, window: dt.timedelta) -> bool:
    since = timezone.now() - window
    return PublicAttempt.objects.filter(bucket=bucket, key=_client_key(bucket, client), at__gte=since).count() >= limit


def _count_attempt(*, bucket: str, client: str) -> None:
    PublicAttempt.objects.create(bucket=bucket, key=_client_key(bucket, client))


SUBMIT_LIMIT = (5, dt.timedelta(hours=1))
LOOKUP_LIMIT = (10, dt.timedelta(minutes=15))
CODE_LIMIT = (20, dt.timedelta(hours=1))


class PublicRateLimited(DomainError):
    status_code = 429
    code = "rate_limited"


def case_public_submit(*, data: dict[str, Any], client: str, via: str = "public") -> Registered:
    """A complaint from the public form (no sign-in): e-Pengaduan channel, the unit that covers the
    worker's home regency. ``client`` identifies the sender for rate limiting (its address); a
    filled honeypot field is refused like a rate-limited client, so a bot learns nothing."""
    if clean_text(data.get("website")):
        raise PublicRateLimited(_("Too many complaints from this connection. Please try again later or call the "
                                "hotline."))
    if rate_limited(bucket="submit", client=client, limit=SUBMIT_LIMIT[0], window=SUBMIT_LIMIT[1]):
        raise PublicRateLimited(_("Too many complaints from this connection. Please try again later or call the "
                                "hotline."))
    day = timezone.localdate()
    errors: dict[str, list[str]] = {}
    values = _complaint_fields(data, errors, day=day)
    categories = _categories(data.get("categories"), errors, day=day)
    raise_if_errors(errors)
    with transaction.atomic():
        _count_attempt(bucket="submit", client=client)
        return _register(actor=None, values=values, categories=categories,
                         unit=_unit_for_regency(values["regency"], day=day), channel=Channel.E_PENGADUAN,
                         via=via, day=day, procedural=Procedural.OTHER)


def case_public_open(*, tracking_code: str, secret: str, client: str) -> Case:
    """The case a tracking code and its secret open. A wrong pair and an unknown code answer the
    same ``NotFound``; failures count against the client and against the code, and past the limit
    even a right pair is refused for a while (``PublicRateLimited``)."""
    code = clean_text(tracking_code).upper()
    if rate_limited(bucket="lookup", client=client, limit=LOOKUP_LIMIT[0], window=LOOKUP_LIMIT[1]) or \
            rate_limited(bucket="code", client=code, limit=CODE_LIMIT[0], window=CODE_LIMIT[1]):
        raise PublicRateLimited(_("Too many attempts. Please wait 15 minutes and try again."))
    case = selectors.case_by_tracking_code(code)
    # Check a hash even for an unknown code, so the answer takes the same time.
    ok = check_password(normalise_secret(secret), case.secret_hash if case else make_password(None))
    if case is None or not ok:
        with transaction.atomic():
            _count_attempt(bucket="lookup", client=client)
            _count_attempt(bucket="code", client=code)
        raise NotFound(_("No complaint matches this tracking code and secret."))
    return case


# ---------------------------------------------------------------------------------------------
# Details, assignment
# ---------------------------------------------------------------------------------------------


def _case_for_write(actor, public_id) -> Case:
    case = (Case.objects.visible_to(actor).filter(public_id=public_id).select_related(*selectors.CASE_RELATIONS)
            .first() if is_public_id(public_id) else None)
    if case is None:
        raise NotFound(_("Case not found."))
    return case


def _detail_fields(data: dict[str, Any], errors: dict, case: Case) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("documents_complete",):
        if name in data:
            values[name] = bool(data[name])
    for name in ("unreachable_since", "told_unresolvable_on"):
        if name in data:
            values[name] = date_field(data[name], name, errors, not_future=True)
    for name, limit in (("mediation_outcome", 5000), ("berita_acara_number", 80), ("referral_agency_name", 150)):
        if name in data:
            values[name] = text_field(data[name], name, errors, max_length=limit)
    if "amount_settled" in data:
        values["amount_settled"] = money_field(data["amount_settled"], "amount_settled", errors)
    if "referral_kind" in data:
        values["referral_kind"] = _choice(data["referral_kind"], ReferralKind, "referral_kind", errors, default="")
    if "referral_unit" in data:
        code = clean_text(data["referral_unit"])
        values["referral_unit"] = OrgUnit.objects.filter(code=code).first() if code else None
        if code and values["referral_unit"] is None:
            add_error(errors, "referral_unit", _("Unknown unit code."))
        elif values["referral_unit"] is not None and values["referral_unit"].pk == case.unit_id:
            add_error(errors, "referral_unit", _("Refer to another unit than the case's own."))
    if "categories" in data:
        values["categories"] = _categories(data["categories"], errors, day=timezone.localdate())
    for name in ("channel", "procedural"):
        if name in data:
            values[name] = _choice(data[name], Channel if name == "channel" else Procedural, name, errors)
    return values


def case_update(*, actor, public_id, data: dict[str, Any], reason: str = "", expected_version: int | None = None,
                via: str = "web") -> Case:
    """Record details: links to the registry, assignment, documents complete, contact lost, mediation
    outcome, referral destination. Compare-and-set on the version like a transition."""
    require_perm(actor, CASE_WRITE)
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        case = _case_for_write(actor, public_id)
        if case.state in states.CLOSED:
            raise Conflict(_("This case is closed."), code="case_closed")
        if expected_version is not None and expected_version != case.version:
            raise Conflict(_("The case was changed by someone else. Reload and try again."), code="stale_version")
        values = _detail_fields(data, errors, case)
        values.update(_staff_links(actor, {k: v for k, v in data.items()
                                           if k in ("person", "placement", "agency", "employer", "unit", "officer")},
                                   errors))
        if "unit" in values and values["unit"] is None:
            add_error(errors, "unit", _("A case always has a unit."))
        raise_if_errors(errors)
        categories = values.pop("categories", None)
        before = snapshot(case, CASE_AUDITED)
        for name, value in values.items():
            setattr(case, name, value)
        changes = diff(before, snapshot(case, CASE_AUDITED))
        if categories is not None:
            old = sorted(case.categories.values_list("code", flat=True))
            new = sorted(c.code for c in categories)
            if old != new:
                case.categories.set(categories)
                changes["categories"] = [old, new]
        if not changes:
            return case
        day = timezone.localdate()
        deadline = _deadline_fields(case, day=day)
        now = timezone.now()
        update = {name: getattr(case, name) for name in values} | deadline | {"version": case.version + 1,
                                                                            "updated_at": now}
        if not Case.objects.filter(pk=case.pk, version=case.version).update(**update):
            raise Conflict(_("The case was changed by someone else. Reload and try again."), code="stale_version")
        case.version += 1
        case.deadline_on, case.deadline_code = deadline["deadline_on"], deadline["deadline_code"]
        _event(case, action="update", actor=actor, reason=clean_text(reason), via=via, public=False)
        audit_record(actor=actor, action="case.update", obj=case, changes=changes, reason=clean_text(reason),
                     via=via)
    return case


# ---------------------------------------------------------------------------------------------
# The lifecycle
# ---------------------------------------------------------------------------------------------


def _step_input(case: Case, to_state: str, data: dict[str, Any], errors: dict, *, actor) -> dict[str, Any]:
    """What a step records besides the state: the question of a clarification round, the referral
    destination, the mediation outcome, the legal reason of an administrative closure."""
    step_values = _detail_fields({k: v for k, v in data.items() if k in (
        "mediation_outcome", "berita_acara_number", "amount_settled", "referral_kind", "referral_unit",
        "referral_agency_name")}, errors, case)
    if to_state == CaseState.CLARIFICATION:
        step_values["_question"] = text_field(data.get("question"), "question", errors, required=True,
                                              max_length=5000)
        addressed = _choice(data.get("addressed_to"), ClarificationRound.AddressedTo, "addressed_to", errors,
                            default=ClarificationRound.AddressedTo.P3MI)
        step_values["_addressed_to"] = addressed
    if to_state == CaseState.CLOSED_ADMIN:
        code = clean_text(data.get("closure_code"))
        if code not in rules.CLOSURE_CODES:
            add_error(errors, "closure_code", _("Choose the legal reason: %(c)s.") % {
                "c": ", ".join(rules.CLOSURE_CODES)})
        step_values["closure_code"] = code
    return step_values


def case_transition(*, actor, public_id, to_state: str, reason: str = "", expected_version: int | None = None,
                    data: dict[str, Any] | None = None, via: str = "web", on: dt.date | None = None) -> Moved:
    """Move a case to ``to_state``.

    1. one scoped load (out of scope = 404); 2. the pair must be in ``states.TRANSITIONS`` (else
    409); 3. the rule's permission (403); 4. a reason when the rule asks for one and the step's own
    input (422); 5. the guards over the facts with the step's input applied, every unmet condition
    at once (``TransitionRefused``, 422); 6. compare-and-set on (state, version): 0 rows means someone
    else moved it first (409); 7. the round, the timeline event and the audit event.
    """
    day = on or timezone.localdate()
    reason = clean_text(reason)
    data = data or {}
    if to_state not in CaseState.values:
        raise ValidationFailed.from_fields({"to_state": _("Unknown state.")})
    with transaction.atomic():
        case = _case_for_write(actor, public_id)
        from_state, version = case.state, case.version
        rule = states.rule_for(from_state, to_state)
        if rule is None:
            raise Conflict(_("A case cannot move from %(a)s to %(b)s.") % {
                "a": CaseState(from_state).label, "b": CaseState(to_state).label},
                code="transition_not_allowed", fields={"to_state": [_("Not allowed from the current state.")]})
        require_perm(actor, rule.permission)
        if expected_version is not None and expected_version != version:
            raise Conflict(_("The case was changed by someone else. Reload and try again."), code="stale_version")
        errors: dict[str, list[str]] = {}
        if rule.needs_reason and not reason:
            add_error(errors, "reason", _("A reason is required for this step."))
        step = _step_input(case, to_state, data, errors, actor=actor)
        raise_if_errors(errors)
        question = step.pop("_question", "")
        addressed_to = step.pop("_addressed_to", "")
        before = snapshot(case, CASE_AUDITED)
        for name, value in step.items():
            setattr(case, name, value)
        facts = selectors.case_facts(case, on=day)
        if addressed_to == ClarificationRound.AddressedTo.COMPLAINANT:
            # A question to the complainant needs no P3MI on the case.
            facts = replace(facts, has_agency=True)
        unmet = states.unmet_conditions(rule.guards, facts)
        if unmet:
            raise TransitionRefused(_("The case cannot move to %(s)s yet: %(n)s condition(s) unmet.") % {
                "s": CaseState(to_state).label, "n": len(unmet)}, unmet=unmet, to_state=to_state)
        now = timezone.now()
        update = {**step, "state": to_state, "version": version + 1, "state_changed_at": now, "updated_at": now}
        if to_state == CaseState.CLOSED_ADMIN:
            basis = selectors.deadline_rules(on=day).get(step["closure_code"])
            update.update(closure_legal_basis=basis.legal_basis if basis else "", closed_on=day)
        if to_state == CaseState.RESOLVED:
            update["closed_on"] = day
        if rule.name == "accept_referral" and case.referral_kind == ReferralKind.UNIT and case.referral_unit_id:
            # The receiving unit takes the case over; the sending unit keeps it in its history.
            update["unit_id"] = case.referral_unit_id
        if not Case.objects.filter(pk=case.pk, state=from_state, version=version).update(**update):
            raise Conflict(_("The case was changed by someone else. Reload and try again."), code="stale_version")
        for name, value in update.items():
            setattr(case, name, value)
        if to_state == CaseState.CLARIFICATION:
            ClarificationRound.objects.create(
                case=case, number=facts.rounds + 1, addressed_to=addressed_to,
                agency=case.agency if addressed_to == ClarificationRound.AddressedTo.P3MI else None,
                question=question, requested_on=day, requested_by=actor)
        _refresh_deadline(case, day=day)
        _event(case, action=rule.name, actor=actor, from_state=from_state, to_state=to_state, reason=reason,
               code=step.get("closure_code", ""), via=via, public=rule.public, at=now)
        changes = {"state": [from_state, to_state], **diff(before, snapshot(case, CASE_AUDITED))}
        audit_record(actor=actor, action="case.transition", obj=case, changes=changes, reason=reason, via=via)
    return Moved(case=case, facts=facts)


def clarification_answer(*, actor, public_id, answer: str, commitment: str = "", answered_on=None,
                         via: str = "web") -> ClarificationRound:
    """The answer to the open clarification round: by the P3MI it is addressed to (its staff), or
    recorded by an administrator or the case's unit officer (a complainant's answer, or a P3MI's
    letter received on paper)."""
    errors: dict[str, list[str]] = {}
    answer = text_field(answer, "answer", errors, required=True, max_length=5000)
    commitment = text_field(commitment, "commitment", errors, max_length=5000)
    day = date_field(answered_on, "answered_on", errors, not_future=True) or timezone.localdate()
    raise_if_errors(errors)
    with transaction.atomic():
        case = _case_for_write(actor, public_id)
        if actor.role == Role.P3MI_STAFF:
            require_perm(actor, CASE_ANSWER)
        else:
            require_perm(actor, CASE_WRITE)
        round_ = selectors.open_round(case)
        if round_ is None or case.state != CaseState.CLARIFICATION:
            raise Conflict(_("No clarification request is waiting for an answer."), code="no_open_round")
        if actor.role == Role.P3MI_STAFF and round_.agency_id != actor.agency_id:
            raise NotFound(_("Case not found."))
        if day < round_.requested_on:
            raise ValidationFailed.from_fields({"answered_on": _("The answer cannot predate the request.")})
        if not ClarificationRound.objects.filter(pk=round_.pk, answered_on__isnull=True).update(
                answered_on=day, answer=answer, commitment=commitment, answered_by=actor):
            raise Conflict(_("The request was answered by someone else. Reload."), code="stale_version")
        round_.answered_on, round_.answer, round_.commitment, round_.answered_by = day, answer, commitment, actor
        Case.objects.filter(pk=case.pk).update(version=F("version") + 1, updated_at=timezone.now())
        case.version += 1
        _refresh_deadline(case, day=timezone.localdate())
        _event(case, action="clarification_answered", actor=actor, via=via, public=True)
        audit_record(actor=actor, action="case.clarification_answer", obj=round_,
                     changes={"answered_on": [None, day.isoformat()], "answer": [None, answer]}, via=via)
    return round_


# ---------------------------------------------------------------------------------------------
# Statutory deadlines, set-based
# ---------------------------------------------------------------------------------------------


def _rule_conditions(code: str, cut: dt.date, rule: rules.DeadlineRuleFacts) -> Q:
    """The cases whose ``code`` deadline anchor lies on or before ``cut`` (see ``rules.cutoff``);
    anchors that began before the rule came into force are not counted by it."""
    since = rule.valid_from or dt.date.min
    working = sorted(states.WORKING)
    if code == rules.DOCUMENTS_INCOMPLETE:
        return Q(state__in=[CaseState.REGISTERED, CaseState.VERIFYING], documents_complete=False,
                 registered_on__lte=cut, registered_on__gte=since)
    if code == rules.NO_CLARIFICATION:
        return Q(state=CaseState.CLARIFICATION) & Q(Exists(ClarificationRound.objects.filter(
            case=OuterRef("pk"), answered_on__isnull=True, addressed_to=ClarificationRound.AddressedTo.COMPLAINANT,
            requested_on__lte=cut, requested_on__gte=since)))
    if code == rules.UNREACHABLE:
        return Q(state__in=working, unreachable_since__lte=cut, unreachable_since__gte=since)
    if code == rules.NO_RESPONSE:
        return Q(state__in=working, told_unresolvable_on__lte=cut, told_unresolvable_on__gte=since)
    raise KeyError(code)


# The order in which overlapping rules are reported: the earliest obligation first.
DEADLINE_ORDER = (rules.DOCUMENTS_INCOMPLETE, rules.NO_CLARIFICATION, rules.UNREACHABLE, rules.NO_RESPONSE)


@dataclass(frozen=True)
class DeadlineRun:
    closed: dict[str, int]
    warned: dict[str, int]


def case_deadlines_apply(*, today: dt.date | None = None, via: str = "command", warn: bool = True) -> DeadlineRun:
    """Close every open case whose statutory deadline has passed, with the legal reason, and warn
    the officer of every case whose deadline falls within the rule's warning lead time.

    Set-based: per rule one cutoff date (``rules.cutoff``, holidays counted once), then
    1. claim: ``UPDATE … SET closure_code, version = version + 1 WHERE <rule> AND closure_code = ''``
       — raising the version makes any officer's concurrent step lose its compare-and-set;
    2. read the claimed rows (id, state, version); 3. ``UPDATE`` them to ``closed_admin``;
    4. one multi-row insert of timeline events and one of audit events.
    Warnings are timeline events (not public) written once per case, rule and anchor.
    Clarification rounds addressed to a P3MI are never a reason to close the worker's complaint;
    only an unanswered request to the complainant is (Pasal 30).
    """
    day = today or timezone.localdate()
    rule_facts = selectors.deadline_rules(on=day)
    holidays = selectors.holiday_days(start=day - dt.timedelta(days=400))
    closed: dict[str, int] = {}
    warned: dict[str, int] = {}
    now = timezone.now()
    for code in DEADLINE_ORDER:
        rule = rule_facts.get(code)
        if rule is None:
            continue
        cut = rules.cutoff(rule, day, holidays)
        with transaction.atomic():
            claimed = Case.objects.filter(_rule_conditions(code, cut, rule), closure_code="").update(
                closure_code=code, version=F("version") + 1)
            if claimed:
                rows = list(Case.objects.filter(closure_code=code, state__in=sorted(states.WORKING))
                            .values_list("id", "state", "version"))
                Case.objects.filter(closure_code=code, state__in=sorted(states.WORKING)).update(
                    state=CaseState.CLOSED_ADMIN, closure_legal_basis=rule.legal_basis, closed_on=day,
                    state_changed_at=now, updated_at=now, deadline_on=None, deadline_code="")
                reason = f"{rule.label_id} ({rule.legal_basis})"
                CaseEvent.objects.bulk_create(
                    [CaseEvent(case_id=pk, action="close_administratively", from_state=state,
                               to_state=CaseState.CLOSED_ADMIN, reason=reason, code=code, at=now, via=via)
                     for pk, state, _version in rows], batch_size=2000)
                audit = audit_rows(actor=None, action="case.deadline_close", object_type="case", via=via,
                                   reason=reason)
                for pk, state, version in rows:
                    audit.add(object_id=pk, changes={"state": [state, CaseState.CLOSED_ADMIN],
                                                     "closure_code": ["", code], "version": [version - 1, version]})
                audit.write()
                closed[code] = len(rows)
        if warn:
            warned[code] = _warn(code, rule, day=day, cut=cut, holidays=holidays, now=now, via=via)
    return DeadlineRun(closed=closed, warned=warned)


def _warn(code: str, rule: rules.DeadlineRuleFacts, *, day: dt.date, cut: dt.date, holidays, now, via: str) -> int:
    """Cases whose deadline falls within the warning lead time, not warned yet for this anchor."""
    warn_cut = rules.cutoff(rule, day, holidays, lead_days=rule.warn_days + 1)
    already = CaseEvent.objects.filter(case=OuterRef("pk"), action="deadline_warning", code=code,
                                       at__gte=OuterRef("state_changed_at"))
    due_soon = Case.objects.filter(_rule_conditions(code, warn_cut, rule)).exclude(
        _rule_conditions(code, cut, rule)).exclude(Exists(already))
    with transaction.atomic():
        ids = list(due_soon.values_list("id", flat=True))
        reason = f"{rule.label_id} ({rule.legal_basis})"
        CaseEvent.objects.bulk_create(
            [CaseEvent(case_id=pk, action="deadline_warning", code=code, reason=reason, at=now, via=via, public=False)
             for pk in ids], batch_size=2000)
        audit = audit_rows(actor=None, action="case.deadline_warning", object_type="case", via=via, reason=reason)
        for pk in ids:
            audit.add(object_id=pk, changes={"deadline": [None, code]})
        audit.write()
    return len(ids)


# ---------------------------------------------------------------------------------------------
# TRC dispatches
# ---------------------------------------------------------------------------------------------

DISPATCH_AUDITED = ("team", "place", "dispatched_at", "partner_agencies", "outcome", "unit", "case")


def trc_dispatch_record(*, actor, case_public_id=None, placement_public_id=None, data: dict[str, Any],
                        via: str = "web") -> TrcDispatch:
    """Record a rapid reaction team dispatch against a case, or against an interception (a placement
    stopped as non-procedural at a checkpoint) when there is no case."""
    require_perm(actor, TRC_WRITE)
    errors: dict[str, list[str]] = {}
    team = text_field(data.get("team"), "team", errors, required=True, max_length=200)
    place = text_field(data.get("place"), "place", errors, required=True, max_length=200)
    partners = text_field(data.get("partner_agencies"), "partner_agencies", errors, max_length=255)
    outcome = text_field(data.get("outcome"), "outcome", errors, max_length=5000)
    at = data.get("dispatched_at")
    if isinstance(at, str):
        from django.utils.dateparse import parse_datetime

        try:
            at = parse_datetime(at)
        except ValueError:
            at = None
        if at is None:
            add_error(errors, "dispatched_at", _("Enter a date and time such as 2025-01-31T14:30."))
    if at is None and "dispatched_at" not in errors:
        add_error(errors, "dispatched_at", _("This field is required."))
    if isinstance(at, dt.datetime):
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        if at > timezone.now() + dt.timedelta(minutes=5):
            add_error(errors, "dispatched_at", _("The date cannot be in the future."))
    if not case_public_id and not placement_public_id:
        add_error(errors, "placement", _("Name the case or the intercepted placement."))
    raise_if_errors(errors)
    with transaction.atomic():
        case = placement = None
        if case_public_id:
            case = _case_for_write(actor, case_public_id)
            unit = case.unit
        else:
            placement = (Placement.objects.visible_to(actor).filter(public_id=placement_public_id)
                         .select_related("unit").first() if is_public_id(placement_public_id) else None)
            if placement is None or placement.state != "intercepted_nonprocedural":
                raise ValidationFailed.from_fields({"placement": _("Not an intercepted placement in your scope.")})
            unit = actor.unit or placement.unit or _unit_for_regency(None, day=timezone.localdate())
        dispatch = TrcDispatch.objects.create(case=case, placement=placement, unit=unit, team=team, place=place,
                                              dispatched_at=at, partner_agencies=partners, outcome=outcome,
                                              recorded_by=actor)
        if case is not None:
            _event(case, action="trc_dispatch", actor=actor, via=via, public=False)
        audit_record(actor=actor, action="case.trc_dispatch", obj=dispatch,
                     changes=diff({}, snapshot(dispatch, DISPATCH_AUDITED + ("placement",))), via=via)
    return dispatch


def case_note_arrival(*, actor, case: Case, arrival_id: int, via: str = "web") -> None:
    """An arrival linked to the case (``returns.services.arrival_record``) shows on its timeline."""
    _event(case, action="arrival", actor=actor, via=via, public=False)
    audit_record(actor=actor, action="case.arrival_linked", obj=case, changes={"arrival": [None, arrival_id]},
                 via=via)


def holidays_load(*, years, via: str = "command") -> int:
    """Holidays of ``years`` from the ``holidays`` package, added where the day is not yet recorded."""
    from lindungi.cases.models import Holiday
    from lindungi.cases.seed import holiday_rows

    with transaction.atomic():
        existing = set(Holiday.objects.values_list("day", flat=True))
        rows = [Holiday(day=d, name=n, kind=k, source=s) for d, n, k, s in holiday_rows(years) if d not in existing]
        Holiday.objects.bulk_create(rows)
        for row in Holiday.objects.filter(day__in=[r.day for r in rows]):
            audit_record(actor=None, action="holiday.create", obj=row, changes={"day": [None, row.day.isoformat()]},
                         via=via)
    return len(rows)
