"""Import of user accounts (kind ``users``, central administrators): by the rules of ``user_create``,
never with a password from the file; the account cannot sign in until an administrator gives it a
temporary password."""

import pytest

from lindungi.accounts.models import User
from lindungi.accounts.services import user_authenticate, user_reset_password
from lindungi.audit.models import AuditEvent
from lindungi.common.errors import AuthenticationFailed, PermissionDenied, ValidationFailed
from lindungi.imports import services
from lindungi.imports.models import ImportBatch, ImportRowError
from lindungi.imports.tests.helpers import upload
from lindungi.imports.tests.record_helpers import records_csv

pytestmark = pytest.mark.django_db


def rows(agency, unit) -> list[dict]:
    return [
        {"username": "siti.unit", "full_name": "Siti Aminah", "email": "siti@bp2mi.go.id", "role": "unit_officer",
         "unit": unit.code},                                                                        # 2
        {"username": "budi.p3mi", "full_name": "Budi Santoso", "role": "staf p3mi",
         "sip3mi": agency.sip3mi_number},                                                           # 3
        {"username": "no unit", "full_name": "X", "role": "unit_officer"},                         # 4 bad name, unit
        {"username": "ghost", "full_name": "Ghost", "role": "p3mi_staff", "sip3mi": "999/NOPE"},   # 5 no P3MI
        {"username": "wizard", "full_name": "Wizard", "role": "wizard"},                           # 6 bad role
        {"username": "SITI.UNIT", "full_name": "Siti Aminah", "role": "unit_officer", "unit": unit.code},  # 7
    ]


def run(actor, content: bytes) -> ImportBatch:
    batch = services.import_batch_create(actor=actor, uploaded_file=upload(content, "users.csv"), kind="users")
    return services.import_batch_run(batch_id=batch.pk)


def test_accounts_without_passwords(admin_user, agency, unit_jabar):
    batch = run(admin_user, records_csv(rows(agency, unit_jabar)))
    assert (batch.imported_rows, batch.existing_rows, batch.error_rows) == (2, 1, 3), batch.message
    errors = set(ImportRowError.objects.filter(batch=batch).values_list("line", "field"))
    assert errors == {(4, "username"), (4, "unit"), (5, "sip3mi"), (6, "role")}
    siti = User.objects.get(username="siti.unit")
    assert (siti.role, siti.unit, siti.first_name, siti.has_usable_password(), siti.must_change_password) == (
        "unit_officer", unit_jabar, "Siti Aminah", False, True)
    assert User.objects.get(username="budi.p3mi").agency == agency
    with pytest.raises(AuthenticationFailed):
        user_authenticate(username="siti.unit", password="", via="test")
    _user, temporary = user_reset_password(actor=admin_user, user_id=siti.pk)
    assert user_authenticate(username="siti.unit", password=temporary, via="test").pk == siti.pk
    event = AuditEvent.objects.get(action="user.created", object_id=siti.pk)
    assert event.via == "import" and "password" not in event.changes

    again = run(admin_user, records_csv(rows(agency, unit_jabar)))
    assert (again.imported_rows, again.existing_rows) == (0, 3)


def test_a_password_column_refuses_the_file(admin_user):
    with pytest.raises(ValidationFailed) as exc:
        run(admin_user, records_csv([{"username": "a", "full_name": "A", "role": "analyst", "password": "x"}]))
    assert "password" in exc.value.fields["file"][0]
    assert not ImportBatch.objects.exists()


def test_central_administrators_only(unit_officer, p3mi_user, analyst, agency, unit_jabar):
    for actor in (unit_officer, p3mi_user, analyst):
        with pytest.raises(PermissionDenied):
            run(actor, records_csv(rows(agency, unit_jabar)))
    assert not ImportBatch.objects.exists()
