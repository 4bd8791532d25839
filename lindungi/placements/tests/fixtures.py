"""Fixtures for placements: people, foreign employers, a verified job order with an SIP2MI, and a
helper that walks a placement along the main path with a complete checklist.

Dates are relative to the real today, and guards are evaluated with explicit ``on=`` days rather
than by mocking the clock."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from lindungi.agencies.models import ForeignParty
from lindungi.placements import services
from lindungi.placements.checklist import ChecklistKind
from lindungi.placements.models import Placement
from lindungi.placements.states import PlacementState as S
from lindungi.reference.models import Country, Occupation
from lindungi.registry.models import Passport, Person

_nik = itertools.count(1)

TODAY = timezone.localdate()


def years_ago(years: int, *, days: int = 0) -> dt.date:
    try:
        day = TODAY.replace(year=TODAY.year - years)
    except ValueError:  # 29 February
        day = TODAY.replace(year=TODAY.year - years, day=28)
    return day - dt.timedelta(days=days)


@pytest.fixture
def make_person(db, regency):
    def make(*, birth_date=None, education="sma", sex="F", regency_obj=None, agency=None, passport_expiry=None):
        n = next(_nik)
        birth = birth_date or years_ago(25)
        person = Person.objects.create(
            nik=f"320101{birth:%d%m%y}{n:04d}", full_name=f"Siti Aminah {n}", name_key=f"siti aminah {n}",
            sex=sex, birth_date=birth, birth_place="Bogor", address="Jl. Mawar 1",
            regency=regency_obj or regency, education=education, marital_status="single", agency=agency,
        )
        Passport.objects.create(person=person, number=f"C{n:07d}", issuing_office="Kanim Bogor",
                                issue_date=TODAY - dt.timedelta(days=30),
                                expiry_date=passport_expiry or TODAY + dt.timedelta(days=365 * 5))
        return person

    return make


@pytest.fixture
def make_employer(db):
    def make(iso2="TW", legal_type=ForeignParty.LegalType.LEGAL_ENTITY, name=None):
        return ForeignParty.objects.create(
            role=ForeignParty.Role.EMPLOYER, legal_type=legal_type, name=name or f"Employer {iso2} {legal_type}",
            country=Country.objects.get(iso2=iso2))

    return make


@pytest.fixture
def make_job_order(admin_user, agency, make_employer):
    def make(*, iso2="TW", occupation="5322", legal_type="legal_entity", headcount=10, quota=5, verify=True,
             permit=True, agency_obj=None, valid_until=None, number=None):
        employer = make_employer(iso2, legal_type)
        job_order = services.job_order_create(actor=admin_user, data={
            "agency": str((agency_obj or agency).public_id), "employer": str(employer.public_id), "country": iso2,
            "position_title": "Caregiver", "occupation": occupation, "headcount_any": headcount,
            "salary_amount": "20000", "salary_currency": "TWD", "contract_months": 24})
        sip2mi = None
        if verify:
            job_order = services.job_order_verify(actor=admin_user, public_id=job_order.public_id,
                                                  verified_on=TODAY - dt.timedelta(days=20),
                                                  verification_reference="KDEI/TPE/2025/001")
            if permit:
                sip2mi = services.sip2mi_issue(
                    actor=admin_user, job_order_public_id=job_order.public_id,
                    number=number or f"SIP2MI/{next(_nik):05d}/2025", quota=quota,
                    valid_from=TODAY - dt.timedelta(days=10), valid_until=valid_until or TODAY + dt.timedelta(days=180))
        return job_order, sip2mi

    return make


@pytest.fixture
def make_placement(admin_user, make_person, make_job_order):
    def make(*, scheme="p_to_p", person=None, job_order=None, sip2mi=None, actor=None, contract=True, **extra):
        person = person or make_person()
        data = {"person": str(person.public_id), "scheme": scheme, **extra}
        if scheme in ("p_to_p", "ssw_japan") and job_order is None and "country" not in extra:
            job_order, sip2mi = make_job_order()
        if job_order is not None:
            data["job_order"] = str(job_order.public_id)
        if sip2mi is not None:
            data["sip2mi"] = str(sip2mi.public_id)
        if contract:
            data.setdefault("contract_start", TODAY + dt.timedelta(days=60))
            data.setdefault("contract_end", TODAY + dt.timedelta(days=60 + 730))
        placement, _warnings = services.placement_create(actor=actor or admin_user, data=data)
        return placement

    return make


def record(actor, placement, kind, *, issued_on=None, valid_until=None, reference="", details=None):
    defaults = {
        ChecklistKind.PLACEMENT_AGREEMENT: {"witnessed_by": "Disnaker Kab. Bogor"},
        ChecklistKind.EMPLOYMENT_CONTRACT: {"verified_on": (TODAY - dt.timedelta(days=3)).isoformat()},
        ChecklistKind.BPJS_MEMBERSHIP: {"programmes": ["jkk", "jkm"]},
    }
    data = {"issued_on": issued_on or (TODAY - dt.timedelta(days=5)), "reference_number": reference,
            "details": details if details is not None else defaults.get(kind, {})}
    if valid_until is not None:
        data["valid_until"] = valid_until
    if kind == ChecklistKind.PASSPORT and not reference:
        data.pop("issued_on")
    return services.checklist_record(actor=actor, public_id=placement.public_id, kind=kind, data=data)


FAR = TODAY + dt.timedelta(days=1000)

ITEMS_FOR = {
    S.AGREEMENT_SIGNED: [ChecklistKind.PLACEMENT_AGREEMENT],
    S.DOCUMENTS_VERIFIED: [ChecklistKind.MEDICAL_FITNESS, ChecklistKind.PASSPORT, ChecklistKind.COMPETENCY_CERTIFICATE,
                           ChecklistKind.BPJS_MEMBERSHIP, ChecklistKind.WORK_VISA, ChecklistKind.EMPLOYMENT_CONTRACT],
    S.ORIENTATION_DONE: [ChecklistKind.OPP_ATTENDANCE],
    S.READY_TO_DEPART: [ChecklistKind.EPMI_CARD],
}


def complete_items(actor, placement, upto):
    """Record every checklist item needed to reach ``upto`` along the main path."""
    from lindungi.placements.states import MAIN_PATH

    for state in MAIN_PATH[: MAIN_PATH.index(upto) + 1]:
        for kind in ITEMS_FOR.get(state, []):
            if not placement.checklist_items.filter(kind=kind).exists():
                valid = FAR if kind in (ChecklistKind.WORK_VISA, ChecklistKind.EPMI_CARD) else None
                record(actor, placement, kind, valid_until=valid)


def advance(placement, upto, *, officer, agency_actor=None, checkpoint=None, with_items=True):
    """Walk the main path up to ``upto`` with the right actor for each step."""
    from lindungi.placements.states import MAIN_PATH, TRANSITIONS

    actors = {"placement.step_agency": agency_actor or officer, "placement.step_officer": officer,
              "placement.step_checkpoint": checkpoint or officer}
    if with_items:
        complete_items(officer, placement, upto)
    placement.refresh_from_db()
    path = MAIN_PATH[MAIN_PATH.index(placement.state): MAIN_PATH.index(upto) + 1]
    for frm, to in itertools.pairwise(path):
        rule = TRANSITIONS[(frm, to)]
        placement = services.placement_transition(actor=actors[rule.permission], public_id=placement.public_id,
                                                  to_state=to, reason="test",
                                                  identifier={"nik": placement.person.nik}).placement
    return Placement.objects.get(pk=placement.pk)


@pytest.fixture
def occupation_caregiver(db):
    return Occupation.objects.get(isco_code="5322")
