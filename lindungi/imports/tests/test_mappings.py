"""The mapping table: edited by central administrators (service, web page, /admin/), audited, and
applied by the imports before they validate a value, with the applications counted on the batch and
named in the migrated placement's timeline."""

import pytest
from django.urls import reverse

from lindungi.audit.models import AuditEvent
from lindungi.common.errors import PermissionDenied, ValidationFailed
from lindungi.imports import services
from lindungi.imports.models import ImportBatch, ImportRowError, ValueMapping
from lindungi.imports.tests.helpers import csv_bytes, row, upload
from lindungi.imports.tests.placement_helpers import placements_csv
from lindungi.placements.models import Placement

pytestmark = pytest.mark.django_db


def test_save_checks_the_target_and_is_audited(admin_user):
    with pytest.raises(ValidationFailed) as exc:
        services.value_mapping_save(actor=admin_user, kind="occupation", source="", target="0000")
    assert set(exc.value.fields) == {"source", "target"}
    with pytest.raises(ValidationFailed) as exc:
        services.value_mapping_save(actor=admin_user, kind="planet", source="Mars", target="X")
    assert set(exc.value.fields) == {"kind"}
    assert not ValueMapping.objects.exists()

    mapping = services.value_mapping_save(actor=admin_user, kind="occupation", source="Domestic  Helper",
                                          target="9111")
    assert (mapping.source, mapping.source_key, mapping.target) == ("Domestic Helper", "domestic helper", "9111")
    same = services.value_mapping_save(actor=admin_user, kind="occupation", source="domestic-helper",
                                       target="5322")
    assert same.pk == mapping.pk and same.target == "5322"
    services.value_mapping_delete(actor=admin_user, mapping_id=mapping.pk)
    assert not ValueMapping.objects.exists()
    actions = list(AuditEvent.objects.filter(object_type="valuemapping").order_by("id")
                   .values_list("action", flat=True))
    assert actions == ["import.mapping_created", "import.mapping_updated", "import.mapping_deleted"]


def test_only_central_administrators(unit_officer, p3mi_user, analyst, client):
    for actor in (unit_officer, p3mi_user, analyst):
        with pytest.raises(PermissionDenied):
            services.value_mapping_save(actor=actor, kind="country", source="Taiwan", target="TW")
        client.force_login(actor)
        assert client.get(reverse("web:import-mappings")).status_code == 403
    assert not ValueMapping.objects.exists()


def test_web_page(client, admin_user, django_assert_max_num_queries):
    client.force_login(admin_user)
    response = client.post(reverse("web:import-mappings"), {"kind": "country", "source": "Taiwan, R.O.C.",
                                                             "target": "tw"})
    assert response.status_code == 302
    bad = client.post(reverse("web:import-mappings"), {"kind": "country", "source": "Narnia", "target": "NN"})
    assert bad.status_code == 422 and 'id="id_target-error"' in bad.content.decode()
    for n in range(5):
        ValueMapping.objects.create(kind="scheme", source=f"label {n}", source_key=f"label {n}", target="p_to_p")
    client.get(reverse("web:import-mappings"))
    with django_assert_max_num_queries(5):
        page = client.get(reverse("web:import-mappings")).content.decode()
    assert "Taiwan, R.O.C." in page and "label 4" in page
    mapping = ValueMapping.objects.get(kind="country")
    assert client.post(reverse("web:import-mapping-delete", args=[mapping.pk])).status_code == 302
    assert not ValueMapping.objects.filter(kind="country").exists()
    assert AuditEvent.objects.filter(action="import.mapping_deleted", via="web").exists()


def test_admin_edits_through_the_service(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:imports_valuemapping_add"),
                           {"kind": "occupation", "source": "Caregiver", "target": "5322", "note": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEvent.objects.filter(action="import.mapping_created", via="admin").exists()
    refused = client.post(reverse("admin:imports_valuemapping_add"),
                          {"kind": "occupation", "source": "Pilot", "target": "0001", "note": ""})
    assert refused.status_code == 200 and not ValueMapping.objects.filter(source="Pilot").exists()


def test_placement_and_person_imports_apply_it(admin_user, make_person, agency):
    for kind, source, target in (("occupation", "Penata Laksana Rumah Tangga", "9111"),
                                 ("scheme", "Mandiri", "perseorangan"), ("country", "Hongkong", "HK"),
                                 ("regency", "BOGOR LAMA", "3201")):
        services.value_mapping_save(actor=admin_user, kind=kind, source=source, target=target)
    person = make_person()
    rows = [{"nik": person.nik, "legacy_id": "OLD-1", "scheme": "Mandiri", "country": "hongkong",
             "occupation": "penata laksana rumah tangga", "state": "withdrawn", "state_date": "2019-01-01"},
            {"nik": person.nik, "legacy_id": "OLD-2", "scheme": "p_to_p", "country": "HK",
             "occupation": "Tukang Kebun", "state": "withdrawn", "state_date": "2019-01-01"}]
    batch = services.import_batch_create(actor=admin_user, uploaded_file=upload(placements_csv(rows)),
                                         kind="placements", mode="historical")
    batch = services.import_batch_run(batch_id=batch.pk)
    assert (batch.imported_rows, batch.error_rows) == (1, 1), list(ImportRowError.objects.values_list("message"))
    assert set(ImportRowError.objects.filter(batch=batch).values_list("field", flat=True)) >= {"occupation"}, \
        list(ImportRowError.objects.values_list("field", "message"))
    placement = Placement.objects.get(legacy_id="OLD-1")
    assert (placement.scheme.code, placement.country.iso2, placement.occupation.isco_code) == (
        "perseorangan", "HK", "9111")
    assert "Mandiri → perseorangan" in placement.transitions.first().reason
    assert batch.mapping_counts == {"scheme: Mandiri → perseorangan": 1, "country: hongkong → HK": 1,
                                    "occupation: penata laksana rumah tangga → 9111": 1}

    people = services.import_batch_create(actor=admin_user, uploaded_file=upload(csv_bytes(
        [row(1, regency_code="Bogor Lama")])), kind="persons")
    people = services.import_batch_run(batch_id=people.pk)
    assert people.imported_rows == 1 and people.mapping_counts == {"regency: Bogor Lama → 3201": 1}
    assert ImportBatch.objects.count() == 2

