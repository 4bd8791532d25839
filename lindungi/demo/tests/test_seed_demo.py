"""Smoke test of the demo data: a small population with job orders, SIP2MI and placements across
schemes and stages, created through the real services and imports."""

import io
from collections import Counter

from django.core.management import call_command

from lindungi.accounts.models import User
from lindungi.placements.models import ChecklistItem, JobOrder, Placement, PlacementTransition, Sip2mi
from lindungi.registry.models import Person


def test_seed_demo_with_placements(db):
    out = io.StringIO()
    call_command("seed_demo", persons=80, stdout=out, stderr=io.StringIO())
    assert "Demo data ready" in out.getvalue()

    people = Person.objects.count()
    placed = Placement.objects.values("person").distinct().count()
    assert people >= 75 and 0.45 * people <= placed <= 0.75 * people

    states = Counter(Placement.objects.values_list("state", flat=True))
    assert len(states) >= 6, states
    abroad_or_back = sum(states[s] for s in ("departed", "working_abroad", "extended", "on_leave", "returned",
                                             "returnee", "repatriated", "deported"))
    assert abroad_or_back > sum(states.values()) / 3, states
    assert any(states[s] for s in ("registered", "verified", "selected", "agreement_signed", "documents_verified",
                                   "orientation_done", "ready_to_depart"))

    schemes = Counter(Placement.objects.values_list("scheme__code", flat=True))
    assert schemes["p_to_p"] / sum(schemes.values()) > 0.6, schemes

    # Both paths: migrated records with their dated timeline, and new ones moved by real transitions.
    assert Placement.objects.filter(migrated=True).exists() and Placement.objects.filter(migrated=False).exists()
    assert PlacementTransition.objects.filter(via="migration").exists()
    from lindungi.imports.models import ValueMapping

    assert ValueMapping.objects.filter(kind="occupation", target="9111").exists()  # the mapping table is shown
    assert PlacementTransition.objects.filter(via="command").exists()
    assert ChecklistItem.objects.exists()

    demo_agency = User.objects.get(username="p3mi.demo").agency
    countries = set(JobOrder.objects.filter(agency=demo_agency, status="verified").values_list("country__iso2",
                                                                                                 flat=True))
    assert {"TW", "HK", "MY", "SG", "JP", "SA"} <= countries
    assert Sip2mi.objects.filter(job_order__agency=demo_agency, status="active").count() >= 6
    assert Placement.objects.filter(agency=demo_agency).exists()


def test_seed_demo_departures(db):
    from lindungi.departures.models import (
        CheckpointPost,
        DepartureCheck,
        DepartureCredential,
        Interception,
        WatchlistEntry,
    )

    out = io.StringIO()
    # 400 people: enough placements reach "ready to depart" for some checks to clear (with 120 the
    # demo's other journeys leave about one, so the outcome was down to chance).
    call_command("seed_demo", persons=400, stdout=out, stderr=io.StringIO())
    assert "Departure checks" in out.getvalue()
    assert set(CheckpointPost.objects.values_list("code", flat=True)) == {
        "TPI-CGK", "TPI-SUB", "TPI-KNO", "TPI-BTM", "PLBN-ENT"}
    verdicts = Counter(DepartureCheck.objects.values_list("verdict", flat=True))
    assert verdicts["cleared"] and verdicts["not_cleared"], verdicts
    assert DepartureCheck.objects.filter(departed_at__isnull=False).exists()
    codes = Counter(r["code"] for reasons in DepartureCheck.objects.values_list("reasons", flat=True) for r in reasons)
    assert codes["no_person"] and codes["watchlist_hit"], codes
    assert Interception.objects.values("group_ref").distinct().count() == 4
    assert WatchlistEntry.objects.count() == 4 and DepartureCredential.objects.exists()
    assert User.objects.get(username="checkpoint.soetta").checkpoint_post.post.code == "TPI-CGK"


def test_seed_demo_protection(db):
    from lindungi.cases.models import Case, TrcDispatch
    from lindungi.returns.models import Arrival

    call_command("seed_demo", persons=400, stdout=io.StringIO(), stderr=io.StringIO())
    states = Counter(Case.objects.values_list("state", flat=True))
    assert sum(states.values()) >= 10 and len(states) >= 4, states
    assert Case.objects.filter(procedural="non_procedural").count() > Case.objects.filter(
        procedural="procedural").count()
    kinds = Counter(Arrival.objects.values_list("kind", flat=True))
    assert kinds.most_common(1)[0][0] in ("in_difficulty", "failed_candidate"), kinds
    assert Arrival.objects.exclude(placement_moved_to="").exists() or not Placement.objects.filter(
        state__in=["working_abroad", "departed"]).exists()
    assert TrcDispatch.objects.count() >= 0


def test_seed_demo_costs(db):
    from lindungi.supervision.models import CostEntry, ExchangeRate, OverchargeFlag

    call_command("seed_demo", persons=400, stdout=io.StringIO(), stderr=io.StringIO())
    assert ExchangeRate.objects.filter(currency="HKD").exists()
    results = Counter(CostEntry.objects.values_list("check_result", flat=True))
    assert results["over"] and OverchargeFlag.objects.count() == results["over"], results


def test_seed_demo_institutions(db):
    from lindungi.institutions.models import Certificate, Institution, InstitutionStatusChange, MedicalResult

    out = io.StringIO()
    call_command("seed_demo", persons=60, stdout=out, stderr=io.StringIO())
    assert "Demo supporting institutions" in out.getvalue()
    assert Institution.objects.count() >= 8
    assert Institution.objects.filter(status="revoked").exists()
    assert InstitutionStatusChange.objects.filter(status="suspended", effective_until__isnull=False).exists()
    assert Certificate.objects.filter(kind="competency").exists() and MedicalResult.objects.exists()
