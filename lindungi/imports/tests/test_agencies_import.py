"""Import of P3MI with their licence history (kind ``agencies``): the company through the agencies
rules, each status event as a migrated history row (not through suspend/revoke), idempotent."""

import datetime as dt

import pytest

from lindungi.agencies.models import Agency, AgencyStatusChange
from lindungi.agencies.services import MIGRATED_MARKER
from lindungi.audit.models import AuditEvent
from lindungi.common.errors import PermissionDenied
from lindungi.imports import services
from lindungi.imports.models import ImportBatch, ImportRowError
from lindungi.imports.tests.helpers import upload
from lindungi.imports.tests.record_helpers import records_csv

pytestmark = pytest.mark.django_db

COMPANY = {"sip3mi_number": "001/SIP3MI/2015", "legal_name": "PT Lama Jaya", "licence_issued_on": "2015-03-01",
           "licence_expires_on": "2020-02-28", "head_office_regency_code": "9101", "paid_up_capital": "1000000000",
           "deposit_bank": "Bank Mandiri", "deposit_amount": "500000000"}
ROWS = [
    {**COMPANY},                                                                                 # 2 created
    {**COMPANY, "status": "suspended", "status_from": "2017-01-10", "status_until": "2017-06-30",
     "decree_number": "KEP.1/2017", "status_reason": "Penempatan tanpa job order"},              # 3 event
    {**COMPANY, "status": "revoked", "status_from": "2018-05-01", "decree_number": "KEP.9/2018"},  # 4 event
    {**COMPANY, "status": "active", "status_from": "2019-01-01"},                                # 5 after revoked
    {**COMPANY, "sip3mi_number": "002/SIP3MI/2016", "legal_name": "", "status": "suspended"},    # 6 bad
    {**COMPANY, "sip3mi_number": "003/SIP3MI/2016", "legal_name": "PT Aktif", "head_office_regency_code": "3201",
     "status": "suspended", "status_from": "2024-02-01"},                                        # 7 no decree
    {**COMPANY, "sip3mi_number": "004/SIP3MI/2019", "legal_name": "PT Baru", "head_office_regency_code": "3201",
     "licence_issued_on": "2019-01-01", "licence_expires_on": ""},                               # 8 created
]


def run(actor, content: bytes) -> ImportBatch:
    batch = services.import_batch_create(actor=actor, uploaded_file=upload(content, "p3mi.csv"), kind="agencies")
    return services.import_batch_run(batch_id=batch.pk)


def test_companies_and_their_history(admin_user):
    batch = run(admin_user, records_csv(ROWS))
    assert batch.status == "done", batch.message
    assert (batch.imported_rows, batch.existing_rows, batch.error_rows) == (4, 0, 3)
    errors = set(ImportRowError.objects.filter(batch=batch).values_list("line", "field"))
    assert errors == {(5, "status"), (6, "legal_name"), (6, "status_from"), (6, "decree_number"),
                      (7, "decree_number")}
    old = Agency.objects.get(sip3mi_number="001/SIP3MI/2015")
    assert (old.status, old.head_office_regency.code) == ("revoked", "9101")  # retired code kept
    history = list(old.status_history.order_by("effective_from").values_list(
        "status", "effective_from", "effective_until", "decree_number"))
    assert history == [("active", dt.date(2015, 3, 1), dt.date(2020, 2, 28), ""),
                       ("suspended", dt.date(2017, 1, 10), dt.date(2017, 6, 30), "KEP.1/2017"),
                       ("revoked", dt.date(2018, 5, 1), None, "KEP.9/2018")]
    assert all(h.reason.startswith(MIGRATED_MARKER) for h in old.status_history.all())
    assert old.standing_on(dt.date(2016, 1, 1))[0] is False  # revoked is final, whatever the day
    assert Agency.objects.get(sip3mi_number="004/SIP3MI/2019").status == "active"
    assert not Agency.objects.filter(sip3mi_number__in=["002/SIP3MI/2016", "003/SIP3MI/2016"]).exists()
    assert AuditEvent.objects.filter(action="agency.create", via="import").count() == 2
    assert AuditEvent.objects.filter(action="agency.status_migrated", object_id=old.pk).count() == 2
    assert not AuditEvent.objects.filter(action__in=["agency.suspend", "agency.revoke"]).exists()

    again = run(admin_user, records_csv(ROWS))
    assert (again.imported_rows, again.existing_rows, again.error_rows) == (0, 4, 3)
    assert AgencyStatusChange.objects.count() == 4


def test_central_administrators_only(unit_officer, p3mi_user, analyst):
    for actor in (unit_officer, p3mi_user, analyst):
        with pytest.raises(PermissionDenied):
            run(actor, records_csv(ROWS[:1]))
    assert not ImportBatch.objects.exists()
