"""Fixtures for cases: a complaint registered by a unit officer, a complaint from the public, and
a helper that walks a case along the main path."""

import pytest

from lindungi.cases import services
from lindungi.cases.states import CaseState

COMPLAINT = {
    "complainant_name": "Ani Rahayu", "complainant_relation": "family", "complainant_phone": "081234567890",
    "worker_name": "Siti Aminah", "summary": "Gaji tidak dibayar selama 5 bulan.",
    "categories": ["gaji_tidak_dibayar"], "country": "TW", "regency": "3201", "amount_claimed": "15000000",
}


@pytest.fixture
def complaint_data():
    return dict(COMPLAINT)


@pytest.fixture
def make_case(unit_officer):
    def make(*, actor=None, **data):
        payload = {**COMPLAINT, "channel": "walk_in", **data}
        return services.case_create(actor=actor or unit_officer, data=payload).case

    return make


def walk(case, upto, *, officer, p3mi=None, agency=None):
    """Take ``case`` along registered → verifying → clarification → mediation → resolved."""
    if case.state == CaseState.REGISTERED:
        case = services.case_transition(actor=officer, public_id=case.public_id, to_state=CaseState.VERIFYING).case
    if upto == CaseState.VERIFYING:
        return case
    if agency is not None:
        services.case_update(actor=officer, public_id=case.public_id,
                             data={"documents_complete": True, "agency": str(agency.public_id)})
    else:
        services.case_update(actor=officer, public_id=case.public_id, data={"documents_complete": True})
    case = services.case_transition(actor=officer, public_id=case.public_id, to_state=CaseState.CLARIFICATION,
                                    data={"question": "Mohon penjelasan soal gaji."}).case
    if upto == CaseState.CLARIFICATION:
        return case
    services.clarification_answer(actor=p3mi or officer, public_id=case.public_id, answer="Akan dibayar.")
    case = services.case_transition(actor=officer, public_id=case.public_id, to_state=CaseState.MEDIATION).case
    if upto == CaseState.MEDIATION:
        return case
    return services.case_transition(
        actor=officer, public_id=case.public_id, to_state=CaseState.RESOLVED,
        data={"mediation_outcome": "P3MI membayar gaji", "berita_acara_number": "BA/01/2026",
              "amount_settled": "15000000"}).case
