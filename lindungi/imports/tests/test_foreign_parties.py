"""Import of foreign employers and agencies (kind ``foreign_parties``): through the agencies app's
rules, idempotent by role + country + registration number or normalised name, audited, admin only."""

import pytest
from django.core.management import call_command

from lindungi.agencies.models import ForeignParty
from lindungi.audit.models import AuditEvent
from lindungi.common.errors import PermissionDenied
from lindungi.imports import services
from lindungi.imports.models import ImportBatch, ImportRowError, ValueMapping
from lindungi.imports.tests.helpers import upload
from lindungi.imports.tests.record_helpers import records_csv

pytestmark = pytest.mark.django_db

ROWS = [
    {"role": "employer", "legal_type": "perseorangan", "name": "Chen Mei-Ling", "name_local": "陳美玲",
     "country": "TW", "address": "Taipei", "registration_number": ""},                        # 2 household
    {"role": "employer", "legal_type": "legal_entity", "name": "Sunrise Care Ltd", "country": "HK",
     "registration_number": "CR-1234"},                                                        # 3 company
    {"role": "agensi", "legal_type": "badan hukum", "name": "Formosa Manpower", "country": "TW"},  # 4 agency
    {"role": "boss", "legal_type": "individual", "name": "X", "country": "TW"},                # 5 bad role
    {"role": "employer", "legal_type": "individual", "name": "", "country": "ZZ"},             # 6 no name, bad country
    {"role": "employer", "legal_type": "individual", "name": "chen  mei ling", "country": "TW"},  # 7 same as 2
    {"role": "employer", "legal_type": "legal_entity", "name": "Sunrise Care (HK) Limited", "country": "HK",
     "registration_number": "cr 1234"},                                                        # 8 same number as 3
    {"role": "employer", "legal_type": "individual", "name": "Wong Ka Yan", "country": "Hong Kong"},  # 9 mapped
]


def run(actor, content: bytes, **kwargs) -> ImportBatch:
    batch = services.import_batch_create(actor=actor, uploaded_file=upload(content, "parties.csv"),
                                         kind="foreign_parties", via="web")
    return services.import_batch_run(batch_id=batch.pk, **kwargs)


def test_good_bad_repeated_and_mapped_rows(admin_user):
    ValueMapping.objects.create(kind="country", source="Hong Kong", source_key="hong kong", target="HK")
    batch = run(admin_user, records_csv(ROWS), chunk_size=3)
    assert batch.status == ImportBatch.Status.DONE, batch.message
    assert (batch.imported_rows, batch.existing_rows, batch.error_rows) == (4, 2, 2)
    errors = set(ImportRowError.objects.filter(batch=batch).values_list("line", "field"))
    assert errors == {(5, "role"), (6, "name"), (6, "country")}
    household = ForeignParty.objects.get(name="Chen Mei-Ling")
    assert (household.role, household.legal_type, household.country.iso2, household.name_local) == (
        "employer", "individual", "TW", "陳美玲")
    assert ForeignParty.objects.get(name="Formosa Manpower").role == "agency"
    assert ForeignParty.objects.get(name="Wong Ka Yan").country.iso2 == "HK"
    assert batch.mapping_counts == {"country: Hong Kong → HK": 1}
    assert AuditEvent.objects.filter(action="foreign_party.create", actor=admin_user).count() == 4
    assert AuditEvent.objects.filter(action="import.chunk_committed", object_id=batch.pk).count() == 3


def test_re_run_creates_nothing(admin_user):
    run(admin_user, records_csv(ROWS[:3]))
    again = run(admin_user, records_csv(ROWS[:3]))
    assert (again.imported_rows, again.existing_rows, again.error_rows) == (0, 3, 0)
    assert ForeignParty.objects.count() == 3


def test_registered_by_hand_is_recognised(admin_user):
    from lindungi.agencies.services import foreign_party_create

    foreign_party_create(actor=admin_user, role="employer", legal_type="individual", name="CHEN MEI-LING",
                         country_iso2="TW")
    batch = run(admin_user, records_csv(ROWS[:1]))
    assert (batch.imported_rows, batch.existing_rows) == (0, 1)


def test_only_central_administrators(unit_officer, p3mi_user):
    for actor in (unit_officer, p3mi_user):
        with pytest.raises(PermissionDenied):
            services.import_batch_create(actor=actor, uploaded_file=upload(records_csv(ROWS[:1]), "p.csv"),
                                         kind="foreign_parties")
    assert not ImportBatch.objects.exists() and not ForeignParty.objects.exists()


def test_missing_column_refuses_the_file(admin_user):
    from lindungi.common.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        services.import_batch_create(actor=admin_user, uploaded_file=upload(records_csv(
            [{"role": "employer", "name": "A"}]), "p.csv"), kind="foreign_parties")
    assert "legal_type" in exc.value.fields["file"][0]


def test_command(admin_user, tmp_path, capsys):
    path = tmp_path / "parties.csv"
    path.write_bytes(records_csv(ROWS[:3]))
    call_command("import_records", str(path), "--user", admin_user.username, "--kind", "foreign_parties",
                 "--no-progress")
    assert "imported 3" in capsys.readouterr().out
    assert ForeignParty.objects.count() == 3


def test_web_and_api(client, api_client_for, admin_user, unit_officer, django_capture_on_commit_callbacks):
    from django.urls import reverse

    client.force_login(admin_user)
    page = client.get(reverse("web:import-list")).content.decode()
    assert 'value="foreign_parties"' in page and 'data-testid="columns-foreign_parties"' in page
    template = client.get(reverse("web:import-template") + "?kind=foreign_parties")
    assert template.status_code == 200 and "foreign-parties" in template["Content-Disposition"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:import-list"), {"file": upload(records_csv(ROWS[:3]), "p.csv"),
                                                            "kind": "foreign_parties"})
    assert response.status_code == 302
    assert ImportBatch.objects.get().imported_rows == 3

    api = api_client_for(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/imports", {"file": upload(records_csv(ROWS[:3]), "p.csv"),
                                                "kind": "foreign_parties"})
    assert response.status_code == 202, response.content
    detail = api.get(f"/api/v1/imports/{response.json()['id']}").json()
    assert (detail["kind"], detail["existing_rows"], detail["mapping_counts"]) == ("foreign_parties", 3, {})
    refused = api_client_for(unit_officer).post("/api/v1/imports", {"file": upload(records_csv(ROWS[:3]), "p.csv"),
                                                                    "kind": "foreign_parties"})
    assert refused.status_code == 403
    client.force_login(unit_officer)
    assert 'value="foreign_parties"' not in client.get(reverse("web:import-list")).content.decode()
