"""Indicators are edited in the admin with an audit event; targets and editions are read-only there."""

import pytest
from django.test import Client

from lindungi.audit.models import AuditEvent
from lindungi.statistics.models import Indicator
from lindungi.statistics.publication import edition_release
from lindungi.statistics.services import target_set

pytestmark = pytest.mark.django_db


def test_admin_pages_and_an_audited_indicator_change(admin_user, hq):
    target_set(actor=admin_user, indicator="KEPULANGAN", year=2025, unit=hq.code, value=5, source_document="PK")
    edition = edition_release(actor=admin_user, year=2025, month=1)
    client = Client()
    client.force_login(admin_user)
    for url in ("/admin/statistics/indicator/", "/admin/statistics/target/", "/admin/statistics/edition/",
                f"/admin/statistics/edition/{edition.pk}/change/"):
        assert client.get(url).status_code == 200, url
    indicator = Indicator.objects.get(code="PENGADUAN-SELESAI")
    page = client.get(f"/admin/statistics/indicator/{indicator.pk}/change/")
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    response = client.post(f"/admin/statistics/indicator/{indicator.pk}/change/", {**data, "within_days": 45})
    assert response.status_code == 302
    assert Indicator.objects.get(pk=indicator.pk).within_days == 45
    assert AuditEvent.objects.filter(object_type="indicator", object_id=indicator.pk).exists()
