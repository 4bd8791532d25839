from datetime import date

import pytest
from django.utils import translation

from lindungi.audit.models import AccessLog, AuditEvent
from lindungi.common.errors import Conflict, PermissionDenied, ValidationFailed
from lindungi.registry import selectors, services
from lindungi.registry.models import DuplicateCandidate, Passport, Person
from lindungi.registry.tests.factories import make_person, person_data

pytestmark = pytest.mark.django_db

PASSPORT = {"number": "C1234567", "issuing_office": "Kantor Imigrasi Bogor", "issue_date": "2024-01-10",
            "expiry_date": "2034-01-10"}


def test_create_writes_person_passport_tokens_and_audit(admin_user):
    person, matches = services.person_create(actor=admin_user, data=person_data(full_name="Hj. Siti Nur Aini"),
                                             passport=PASSPORT, via="test")
    assert matches == []
    assert person.nik_warnings == []
    assert Passport.objects.get(person=person).number == "C1234567"
    assert set(person.name_tokens.values_list("token", flat=True)) == {"siti", "nur", "aini"}
    event = AuditEvent.objects.get(action="person.created", object_id=person.pk)
    assert event.actor == admin_user
    assert event.changes["nik"] == [None, person.nik]


def test_birth_date_mismatch_is_kept_as_warning(admin_user):
    data = person_data(birth_date=date(1995, 4, 21))
    data["birth_date"] = "1995-04-23"
    person, _ = services.person_create(actor=admin_user, data=data, via="test")
    assert len(person.nik_warnings) == 1 and "date of birth" in person.nik_warning_texts[0]
    assert person.nik_warnings[0]["code"] == "birth_date_mismatch"
    with translation.override("id"):
        assert "tanggal lahir" in person.nik_warning_texts[0].lower()


def test_structural_errors_name_every_field_and_write_nothing(admin_user):
    data = person_data()
    data.update(nik="12345", regency_code="9999", birth_date="21/13/1995", education="phd", phone="abc")
    with pytest.raises(ValidationFailed) as exc:
        services.person_create(actor=admin_user, data=data, via="test")
    assert {"nik", "regency_code", "birth_date", "education", "phone"} <= set(exc.value.fields)
    assert Person.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_one_person_per_nik(admin_user):
    data = person_data()
    services.person_create(actor=admin_user, data=data, via="test")
    with pytest.raises(Conflict):
        services.person_create(actor=admin_user, data=dict(data, full_name="Someone Else"), via="test")
    assert Person.objects.count() == 1


def test_retired_regency_refused_for_address_with_successor_named(admin_user):
    with pytest.raises(ValidationFailed) as exc:
        services.person_create(actor=admin_user, data=person_data(regency="9101"), via="test")
    assert "9301" in exc.value.fields["regency_code"][0]


def test_update_records_old_and_new_values_and_needs_reason_for_nik(admin_user):
    person = make_person(admin_user)
    services.person_update(actor=admin_user, public_id=person.public_id, data={"phone": "089900001111"},
                           reason="nomor baru", via="test")
    event = AuditEvent.objects.get(action="person.updated", object_id=person.pk)
    assert event.changes == {"phone": ["081234567890", "089900001111"]} and event.reason == "nomor baru"
    with pytest.raises(ValidationFailed) as exc:
        services.person_update(actor=admin_user, public_id=person.public_id, data={"nik": person.nik[:-1] + "9"})
    assert "reason" in exc.value.fields


def test_analyst_and_checkpoint_cannot_write(analyst, checkpoint_officer):
    for actor in (analyst, checkpoint_officer):
        with pytest.raises(PermissionDenied):
            services.person_create(actor=actor, data=person_data(), via="test")


def test_new_passport_keeps_history(admin_user):
    person = make_person(admin_user, passport=PASSPORT)
    services.passport_add(actor=admin_user, public_id=person.public_id, data=dict(PASSPORT, number="C7654321",
                          issue_date="2025-02-01", expiry_date="2035-02-01"))
    assert list(person.passports.values_list("number", "is_current")) == [("C7654321", True), ("C1234567", False)]


def test_detail_view_and_lookup_are_access_logged(admin_user, checkpoint_officer):
    person = make_person(admin_user)
    selectors.person_get_for(admin_user, person.public_id, via="web")
    selectors.person_lookup(checkpoint_officer, nik=person.nik, via="api")
    kinds = set(AccessLog.objects.filter(object_type="person", object_id=person.pk).values_list("kind", "actor"))
    assert kinds == {("view", admin_user.pk), ("lookup", checkpoint_officer.pk)}


def test_history_shows_changes(admin_user):
    person = make_person(admin_user)
    services.person_update(actor=admin_user, public_id=person.public_id, data={"address": "Jl. Baru 1"}, via="test")
    assert [e.action for e in selectors.person_history(person)] == ["person.updated", "person.created"]


class TestDuplicates:
    def test_same_person_keyed_twice_is_flagged_with_reasons(self, admin_user):
        original = make_person(admin_user, full_name="Djoko Soesanto", sex="M", birth_date=date(1990, 3, 5))
        nik = original.nik
        typo = nik[:5] + str((int(nik[5]) + 1) % 10) + nik[6:]  # district digit mistyped
        data = person_data(full_name="Joko Susanto", sex="M", birth_date=date(1990, 3, 5))
        data["nik"] = typo
        person, matches = services.person_create(actor=admin_user, data=data, via="test")
        assert matches and matches[0]["person"].pk == original.pk
        codes = {r["code"] for r in matches[0]["reasons"]}
        assert {"nik_typo", "name_same", "dob_same", "regency_same"} <= codes
        assert matches[0]["score"] >= 90
        candidate = DuplicateCandidate.objects.get()
        assert (candidate.person_a_id, candidate.person_b_id) == (original.pk, person.pk)

    def test_single_name_and_spacing(self, admin_user):
        make_person(admin_user, full_name="Nur Aini Lestari", birth_date=date(1992, 7, 1))
        _, matches = services.person_create(
            actor=admin_user, data=person_data(full_name="Nuraini Lestari", birth_date=date(1992, 7, 1)), via="test")
        assert matches and any(r["code"] == "name_same" for r in matches[0]["reasons"])

    def test_unrelated_people_are_not_flagged(self, admin_user):
        make_person(admin_user, full_name="Siti Aminah", birth_date=date(1990, 1, 1))
        _, matches = services.person_create(
            actor=admin_user, data=person_data(full_name="Bambang Wibowo", sex="M", birth_date=date(1980, 6, 9)),
            via="test")
        assert matches == []

    def test_merge_is_reversible_and_different_is_remembered(self, admin_user):
        a = make_person(admin_user, full_name="Rina Wati", birth_date=date(1993, 2, 2))
        b, _ = services.person_create(actor=admin_user, data=person_data(full_name="Rina Wati",
                                      birth_date=date(1993, 2, 2)), via="test")
        candidate = DuplicateCandidate.objects.get()
        services.duplicate_decide(actor=admin_user, candidate_id=candidate.pk, same_person=True, survivor=a.public_id,
                                  note="KTP sama")
        b.refresh_from_db()
        assert b.merged_into_id == a.pk
        assert not Person.objects.active().filter(pk=b.pk).exists()
        services.person_unmerge(actor=admin_user, public_id=b.public_id, reason="salah gabung")
        b.refresh_from_db()
        candidate.refresh_from_db()
        assert b.merged_into_id is None and candidate.status == "pending"
        services.duplicate_decide(actor=admin_user, candidate_id=candidate.pk, same_person=False, note="beda orang")
        services.duplicate_rescan(actor=admin_user, public_id=b.public_id)
        candidate.refresh_from_db()
        assert candidate.status == "different" and DuplicateCandidate.objects.count() == 1
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        assert {"person.merged", "person.unmerged", "duplicate.decided"} <= actions

    def test_same_passport_is_refused_with_conflict(self, admin_user):
        make_person(admin_user, passport=PASSPORT)
        with pytest.raises(Conflict):
            services.person_create(actor=admin_user, data=person_data(full_name="Lain"), passport=PASSPORT)

    def test_check_before_registering_scores_without_saving(self, admin_user):
        original = make_person(admin_user, full_name="Ani Suryani", birth_date=date(1991, 5, 5))
        data = person_data(full_name="Ani Suryani", birth_date=date(1991, 5, 5))
        data["nik"] = original.nik
        matches = selectors.duplicate_check_for(admin_user, data=data)
        assert matches[0]["score"] == 100 and matches[0]["reasons"][0]["code"] == "nik_exact"
        assert Person.objects.count() == 1


def test_merged_record_leaves_name_search_and_returns_on_undo(admin_user):
    a = make_person(admin_user, full_name="Tumini Sabu", birth_date=date(1988, 8, 8))
    b, _ = services.person_create(actor=admin_user, data=person_data(full_name="Tumini Sabu",
                                  birth_date=date(1988, 8, 8)), via="test")
    assert selectors.person_list_for(admin_user, q="tumini").total == 2
    candidate = DuplicateCandidate.objects.get()
    services.duplicate_decide(actor=admin_user, candidate_id=candidate.pk, same_person=True, survivor=a.public_id)
    assert [p.pk for p in selectors.person_list_for(admin_user, q="tumini").items] == [a.pk]
    services.person_unmerge(actor=admin_user, public_id=b.public_id, reason="keliru")
    assert selectors.person_list_for(admin_user, q="tumini").total == 2
