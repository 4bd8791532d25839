"""Scorecards: each figure by its definition, the ranking, scoping (a P3MI sees its own card), the
evaluation pack opened back, a fixed number of queries, refused input."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone
from pypdf import PdfReader

from lindungi.agencies import services as agency_services
from lindungi.common.errors import PermissionDenied, ValidationFailed
from lindungi.statistics.tests.fixtures import at, reach
from lindungi.supervision import scorecard_files, scorecards
from lindungi.supervision.tests.test_services import pay

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1  # a whole year in the past: every date below has happened


@pytest.fixture
def supervised(admin_user, hk_placement, other_placement, make_case):
    """``agency``: 2 departures, 1 complaint, a Rp12,000,000 overcharge, a sanction; ``other_agency``:
    1 departure and nothing else."""
    reach(hk_placement, "departed", at(YEAR, 1, 10))
    reach(other_placement, "departed", at(YEAR, 1, 12))
    second = hk_placement.__class__.objects.create(
        person=hk_placement.person, scheme=hk_placement.scheme, agency=hk_placement.agency,
        country=hk_placement.country, occupation=hk_placement.occupation, state="departed", migrated=True)
    reach(second, "departed", at(YEAR, 2, 1))
    case = make_case()
    case.__class__.objects.filter(pk=case.pk).update(agency=hk_placement.agency, registered_on=dt.date(YEAR, 1, 15))
    pay(admin_user, hk_placement, "placement_fee", "12000000", on=dt.date(YEAR, 1, 5))
    agency_services.sanction_open(actor=admin_user, agency_public_id=hk_placement.agency.public_id,
                                  ground_code="p9_no_opp", source_kind="inspection", source_reference="INSP-1",
                                  summary="Tidak mendaftarkan OPP", opened_on=dt.date(YEAR, 3, 1))
    return hk_placement.agency, other_placement.agency


def card_of(board, agency):
    return next(c for c in board["cards"] if c.agency.pk == agency.pk)


def test_each_figure_and_the_ranking(analyst, supervised):
    mine, other = supervised
    board = scorecards.scorecards_for(analyst, year=YEAR)
    card = card_of(board, mine)
    assert (card.departures, card.complaints, card.complaints_per_100) == (2, 1, Decimal("50.0"))
    assert (card.overcharge_flags, card.overcharge_idr) == (1, Decimal("12000000.00"))
    assert (card.sanctions, card.suspensions, card.drawdowns) == (1, 0, 0)
    quiet = card_of(board, other)
    assert (quiet.departures, quiet.complaints, quiet.complaints_per_100, quiet.sanctions) == (1, 0, Decimal("0.0"), 0)
    assert card.rank < quiet.rank  # the company needing attention first
    by_departures = scorecards.scorecards_for(analyst, year=YEAR, sort="departures")
    assert [c.agency.pk for c in by_departures["cards"]][:1] == [mine.pk]
    assert board["totals"].departures == sum(c.departures for c in board["cards"])


def test_a_p3mi_sees_its_own_card_only(p3mi_user, supervised):
    mine, _other = supervised
    board = scorecards.scorecards_for(p3mi_user, year=YEAR)
    assert [c.agency.pk for c in board["cards"]] == [mine.pk]


def test_refusals(analyst, checkpoint_officer):
    with pytest.raises(PermissionDenied):
        scorecards.scorecards_for(checkpoint_officer, year=YEAR)
    for bad in ({"year": "kemarin"}, {"year": YEAR + 2}, {"sort": "luck"}):
        with pytest.raises(ValidationFailed) as raised:
            scorecards.scorecards_for(analyst, **bad)
        assert set(raised.value.fields) == set(bad)


def test_a_fixed_number_of_queries(analyst, supervised, django_assert_max_num_queries):
    from lindungi.agencies.tests.factories import AgencyFactory

    scorecards.scorecards_for(analyst, year=YEAR)
    AgencyFactory.create_batch(20)
    with django_assert_max_num_queries(8):
        board = scorecards.scorecards_for(analyst, year=YEAR)
    assert len(board["cards"]) >= 22


def test_the_evaluation_pack_opens_back(analyst, supervised):
    mine, _other = supervised
    board = scorecards.scorecards_for(analyst, year=YEAR)
    sheet = openpyxl.load_workbook(io.BytesIO(scorecard_files.scorecards_xlsx(board))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:3] == ("Rank", "P3MI", "SIP3MI")
    first = rows[3]
    assert first[1] == mine.legal_name and first[3:6] == (2, 1, 50.0) and first[7] == 12000000.0
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(scorecard_files.scorecards_pdf(board))).pages)
    assert mine.legal_name in text and "Complaints per 100" in text and str(YEAR) in text


def test_api_and_page(client, api_client_for, analyst, p3mi_user, supervised):
    mine, other = supervised
    answer = api_client_for(analyst).get(f"/api/v1/scorecards?year={YEAR}")
    assert answer.status_code == 200
    first = answer.json()["cards"][0]
    assert first["legal_name"] == mine.legal_name and first["complaints_per_100"] == "50.0"
    own = api_client_for(p3mi_user).get(f"/api/v1/scorecards?year={YEAR}").json()["cards"]
    assert [c["sip3mi_number"] for c in own] == [mine.sip3mi_number]
    bad = api_client_for(analyst).get("/api/v1/scorecards?sort=luck")
    assert bad.status_code == 422 and "sort" in bad.json()["fields"]
    pdf = api_client_for(analyst).get(f"/api/v1/scorecards?year={YEAR}&format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")

    client.force_login(p3mi_user)
    page = client.get(f"/scorecards/?year={YEAR}").content.decode()
    assert mine.legal_name in page and other.legal_name not in page
    client.force_login(analyst)
    xlsx = client.get(f"/scorecards/?year={YEAR}&format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get("/scorecards/?year=1900").status_code == 400
    assert client.get(f"/scorecards/?year={YEAR + 2}").status_code == 400  # a year not begun
