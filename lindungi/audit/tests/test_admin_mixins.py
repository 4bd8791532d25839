"""The Django admin never writes business data around the services: business models are view-only
for everyone (even superusers), and rule data edited there is audited."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from lindungi.agencies.models import Agency, AgencyStatusChange, Branch, ForeignParty
from lindungi.audit.admin_mixins import AuditedAdmin, ReadOnlyAdmin
from lindungi.audit.models import AuditEvent
from lindungi.exports.models import ExportJob
from lindungi.placements.models import (
    ChecklistItem,
    DestinationRule,
    JobOrder,
    Placement,
    PlacementTransition,
    Scheme,
    Sip2mi,
)

READ_ONLY = [Agency, ForeignParty, JobOrder, Sip2mi, Placement, ChecklistItem, PlacementTransition, ExportJob]


@pytest.mark.django_db
@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_business_data_is_view_only_even_for_a_superuser(model, admin_user):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    for inline in model_admin.get_inline_instances(request):
        assert not inline.has_add_permission(request, None)
        assert not inline.has_change_permission(request)
        assert not inline.has_delete_permission(request)


def test_every_registered_model_is_read_only_or_audited():
    """A new admin registration must choose: view-only, or audited edits (Django's own groups and the
    task queue's rows are not business data)."""
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("lindungi."):
            continue
        assert isinstance(model_admin, ReadOnlyAdmin | AuditedAdmin), model


@pytest.mark.django_db
def test_admin_refuses_writes_over_http(client, admin_user, agency):
    client.force_login(admin_user)
    change = reverse("admin:agencies_agency_change", args=[agency.pk])
    assert client.get(change).status_code == 200  # viewing is allowed
    response = client.post(change, {"legal_name": "Renamed"})
    assert response.status_code == 403
    assert client.post(reverse("admin:agencies_agency_delete", args=[agency.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:agencies_agency_add")).status_code == 403
    agency.refresh_from_db()
    assert agency.legal_name != "Renamed"
    for model in (Branch, AgencyStatusChange):
        assert model not in admin.site._registry or not admin.site._registry[model].has_add_permission(None)


@pytest.mark.django_db
def test_a_destination_rule_edited_in_the_admin_is_audited(client, admin_user):
    rule = DestinationRule.objects.first()
    client.force_login(admin_user)
    url = reverse("admin:placements_destinationrule_change", args=[rule.pk])
    form = client.get(url).context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data.update({"legal_basis": "Kepmen 260/2015 (amended in test)", "country": rule.country_id,
                 "occupation": rule.occupation_id or ""})
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    event = AuditEvent.objects.get(action="destinationrule.update", object_id=rule.pk)
    assert event.changes["legal_basis"][1] == "Kepmen 260/2015 (amended in test)"
    assert event.actor_id == admin_user.pk and event.via == "admin"
    assert not admin.site._registry[DestinationRule].has_delete_permission(None)
    assert isinstance(admin.site._registry[Scheme], AuditedAdmin)


@pytest.mark.django_db
def test_only_rule_writers_may_edit_rules(client, analyst):
    analyst.is_staff = True
    analyst.save()
    client.force_login(analyst)
    rule = DestinationRule.objects.first()
    response = client.post(reverse("admin:placements_destinationrule_change", args=[rule.pk]), {"legal_basis": "x"})
    assert response.status_code == 403
