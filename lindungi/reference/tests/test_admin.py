import pytest

from lindungi.audit.models import AuditEvent
from lindungi.reference.models import Regency

pytestmark = pytest.mark.django_db


def test_admin_pages_load(client, admin_user):
    client.force_login(admin_user)
    for url in [
        "/admin/reference/province/",
        "/admin/reference/regency/?province__id__exact=1&kind=kota",
        "/admin/reference/regency/?q=bogor",
        "/admin/reference/village/?q=cibinong",
        "/admin/reference/country/",
        "/admin/reference/occupation/?zero_cost__exact=1",
        "/admin/reference/orgunit/",
    ]:
        assert client.get(url).status_code == 200, url
    unit_id = __import__("lindungi.reference.models", fromlist=["OrgUnit"]).OrgUnit.objects.get(code="BP3MI-JABAR").id
    assert client.get(f"/admin/reference/orgunit/{unit_id}/change/").status_code == 200


def test_admin_edit_is_audited(client, admin_user):
    client.force_login(admin_user)
    regency = Regency.objects.get(code="3201")
    response = client.post(
        f"/admin/reference/regency/{regency.pk}/change/",
        {
            "code": "3201",
            "name": "Kabupaten Bogor Baru",
            "kind": "kabupaten",
            "province": regency.province_id,
            "successor": "",
            "valid_from": "",
            "valid_to": "",
            "legal_basis": "Koreksi",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    regency.refresh_from_db()
    assert regency.name == "Kabupaten Bogor Baru"
    event = AuditEvent.objects.get(action="regency.update", object_id=regency.pk)
    assert event.changes["name"] == ["Kabupaten Bogor", "Kabupaten Bogor Baru"]
    assert event.via == "admin"


def test_admin_refuses_delete(client, admin_user):
    client.force_login(admin_user)
    regency = Regency.objects.get(code="3201")
    assert client.get(f"/admin/reference/regency/{regency.pk}/delete/").status_code == 403


def test_admin_coverage_inline_is_audited(client, admin_user):
    from lindungi.reference.models import OrgUnit, UnitCoverage

    client.force_login(admin_user)
    unit = OrgUnit.objects.get(code="LTSA-KENDAL")
    existing = unit.coverage.get()
    batang = Regency.objects.get(code="3325")
    response = client.post(
        f"/admin/reference/orgunit/{unit.pk}/change/",
        {
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind,
            "parent": unit.parent_id,
            "seat": unit.seat_id,
            "valid_from": "",
            "valid_to": "",
            "legal_basis": "",
            "coverage-TOTAL_FORMS": "2",
            "coverage-INITIAL_FORMS": "1",
            "coverage-MIN_NUM_FORMS": "0",
            "coverage-MAX_NUM_FORMS": "1000",
            "coverage-0-id": existing.pk,
            "coverage-0-unit": unit.pk,
            "coverage-0-regency": existing.regency_id,
            "coverage-0-valid_to": "2030-12-31",
            "coverage-1-unit": unit.pk,
            "coverage-1-regency": batang.pk,
            "coverage-1-legal_basis": "Perluasan layanan",
        },
    )
    assert response.status_code == 302, response.content[:3000]
    assert UnitCoverage.objects.filter(unit=unit).count() == 2
    update = AuditEvent.objects.get(action="unitcoverage.update", object_id=existing.pk)
    assert update.changes == {"valid_to": [None, "2030-12-31"]}
    created = AuditEvent.objects.get(action="unitcoverage.create")
    assert created.changes["regency_id"] == [None, batang.pk]
    assert not AuditEvent.objects.filter(action="orgunit.update").exists()  # the unit itself did not change
