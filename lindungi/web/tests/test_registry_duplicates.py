from datetime import date

import pytest
from django.urls import reverse

from lindungi.audit.models import AccessLog, AuditEvent
from lindungi.registry.models import DuplicateCandidate, Person
from lindungi.web.tests.test_registry_helpers import client_for, make_person, post_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(admin_user):
    first = make_person(admin_user, name="Siti Aminah", seq=1, passport={
        "number": "C1234567", "issuing_office": "Kantor Imigrasi Bogor", "issue_date": "2024-01-10",
        "expiry_date": "2034-01-10"})
    second = make_person(admin_user, name="Siti Aminah", seq=2)
    return first, second, DuplicateCandidate.objects.get(person_a=first, person_b=second)


def test_queue_lists_pending_pairs(admin_user, pair):
    first, second, candidate = pair
    client = client_for(admin_user)
    body = client.get(reverse("web:duplicate-list")).content.decode()
    assert first.nik in body and second.nik in body
    assert reverse("web:duplicate-detail", args=[candidate.pk]) in body
    body = client.get(reverse("web:duplicate-list"), {"status": "different"}).content.decode()
    assert first.nik not in body


def test_comparison_shows_both_records_score_and_reasons(admin_user, pair):
    first, second, candidate = pair
    resp = client_for(admin_user).get(reverse("web:duplicate-detail", args=[candidate.pk]))
    body = resp.content.decode()
    assert resp.status_code == 200
    assert first.nik in body and second.nik in body and "C1234567" in body
    assert f">{candidate.score}<" in body
    for reason in candidate.reasons:
        assert reason["text"] in body
    assert "data-confirm" in body and 'name="survivor"' in body
    # Seeing two people's data side by side is an access like any other.
    assert AccessLog.objects.filter(object_type="person", object_id=first.pk, actor=admin_user).exists()


def test_same_person_merges_into_chosen_survivor_and_undo_works(admin_user, pair):
    first, second, candidate = pair
    client = client_for(admin_user)
    resp = client.post(reverse("web:duplicate-detail", args=[candidate.pk]),
                       {"decision": "same", "survivor": "b", "note": "KTP sama"})
    assert resp.status_code == 302
    first.refresh_from_db()
    candidate.refresh_from_db()
    assert first.merged_into_id == second.pk
    assert candidate.status == DuplicateCandidate.Status.SAME and candidate.note == "KTP sama"

    body = client.get(reverse("web:person-detail", args=[first.public_id])).content.decode()
    assert "merged into another record" in body
    assert reverse("web:person-detail", args=[second.public_id]) in body
    assert reverse("web:person-unmerge", args=[first.public_id]) in body
    body = client.get(reverse("web:person-detail", args=[second.public_id])).content.decode()
    assert "Records merged into this one" in body and first.nik in body
    # Merged records drop out of the list.
    assert "No one matches this search." in post_search(client, reverse("web:person-list"),
                                                        {"q": first.nik}).content.decode()

    unmerge = reverse("web:person-unmerge", args=[first.public_id])
    resp = client.post(unmerge, {"reason": ""})
    assert resp.status_code == 422
    first.refresh_from_db()
    assert first.merged_into_id == second.pk
    resp = client.post(unmerge, {"reason": "Ternyata kembar"})
    assert resp.status_code == 302
    first.refresh_from_db()
    candidate.refresh_from_db()
    assert first.merged_into_id is None
    assert candidate.status == DuplicateCandidate.Status.PENDING
    assert AuditEvent.objects.filter(action="person.unmerged", object_id=first.pk, reason="Ternyata kembar").exists()


def test_different_people_is_remembered(admin_user, pair):
    first, second, candidate = pair
    client = client_for(admin_user)
    resp = client.post(reverse("web:duplicate-detail", args=[candidate.pk]), {"decision": "different", "note": ""})
    assert resp.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.DIFFERENT
    assert Person.objects.filter(merged_into__isnull=False).count() == 0
    # Deciding again is refused on the page, not with an error page.
    resp = client.post(reverse("web:duplicate-detail", args=[candidate.pk]), {"decision": "same", "survivor": "a"})
    assert resp.status_code == 409
    assert "already been decided" in resp.content.decode()


def test_rescan_from_detail_page(admin_user, pair):
    first, second, candidate = pair
    client = client_for(admin_user)
    body = client.get(reverse("web:person-detail", args=[first.public_id])).content.decode()
    assert reverse("web:duplicate-detail", args=[candidate.pk]) in body
    resp = client.post(reverse("web:person-duplicate-rescan", args=[first.public_id]), follow=True)
    assert resp.status_code == 200
    assert "possible duplicate(s) found" in resp.content.decode()


def test_roles_without_merge_permission_get_403(p3mi_user, analyst, admin_user, pair):
    _first, _second, candidate = pair
    for user in (p3mi_user, analyst):
        client = client_for(user)
        assert client.get(reverse("web:duplicate-list")).status_code == 403
        assert client.get(reverse("web:duplicate-detail", args=[candidate.pk])).status_code == 403


def test_unit_officer_cannot_open_pair_outside_coverage(admin_user, unit_officer):
    make_person(admin_user, name="Agus Salim", sex="M", regency_code="3501", birth=date(1990, 1, 5), seq=1)
    make_person(admin_user, name="Agus Salim", sex="M", regency_code="3501", birth=date(1990, 1, 5), seq=2)
    candidate = DuplicateCandidate.objects.get()
    client = client_for(unit_officer)
    assert "Agus Salim" not in client.get(reverse("web:duplicate-list")).content.decode()
    assert client.get(reverse("web:duplicate-detail", args=[candidate.pk])).status_code == 404
