from datetime import date

import pytest
from django.urls import reverse

from lindungi.audit.models import AccessLog, AuditEvent
from lindungi.registry.models import FamilyContact, Passport, Person
from lindungi.registry.nik import nik_for
from lindungi.web.tests.test_registry_helpers import client_for, make_person, person_data, post_search

pytestmark = pytest.mark.django_db

LIST = reverse("web:person-list")


def detail_url(person):
    return reverse("web:person-detail", args=[person.public_id])


# --- list and search --------------------------------------------------------------------------------

def test_list_search_by_name_fragment(admin_user):
    make_person(admin_user, name="Siti Aminah", seq=1)
    make_person(admin_user, name="Budi Santoso", sex="M", birth=date(1990, 1, 5), seq=2)
    resp = client_for(admin_user).get(LIST, {"q": "amin"})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "Siti Aminah" in body
    assert "Budi Santoso" not in body
    assert '<div class="table-wrap" tabindex="0">' in body


def test_list_search_by_nik_and_nik_prefix(admin_user):
    siti = make_person(admin_user, name="Siti Aminah", seq=1)
    make_person(admin_user, name="Budi Santoso", sex="M", birth=date(1990, 1, 5), seq=2)
    client = client_for(admin_user)
    found = post_search(client, LIST, {"q": siti.nik})
    assert found.redirect_chain[0][1] == 303 and siti.nik not in found.redirect_chain[0][0]
    body = found.content.decode()
    assert "Siti Aminah" in body and "Budi Santoso" not in body
    body = post_search(client, LIST, {"q": "3201"}).content.decode()
    assert "Siti Aminah" in body and "Budi Santoso" in body


def test_list_filters_and_warning_badge(admin_user):
    # Date of birth disagrees with the NIK: accepted, with a warning.
    make_person(admin_user, name="Dewi Lestari", seq=1, birth_date="1995-04-22")
    make_person(admin_user, name="Agus Salim", sex="M", regency_code="3501", birth=date(1990, 1, 5), seq=2)
    client = client_for(admin_user)
    body = client.get(LIST, {"province": "32"}).content.decode()
    assert "Dewi Lestari" in body and "Agus Salim" not in body
    assert "NIK warning" in body
    body = client.get(LIST, {"regency": "35.01"}).content.decode()
    assert "Agus Salim" in body and "Dewi Lestari" not in body
    body = client.get(LIST, {"sex": "M"}).content.decode()
    assert "Agus Salim" in body and "Dewi Lestari" not in body


def test_htmx_search_returns_only_the_results_partial(admin_user):
    make_person(admin_user, name="Siti Aminah")
    resp = client_for(admin_user).get(LIST, {"q": "siti"}, HTTP_HX_REQUEST="true")
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "Siti Aminah" in body
    assert "<html" not in body and 'id="person-results"' not in body


def test_full_page_has_live_search_wiring(admin_user):
    body = client_for(admin_user).get(LIST).content.decode()
    assert 'hx-trigger="input changed delay:300ms, search"' in body
    assert 'hx-target="#person-results"' in body and f'hx-post="{LIST}"' in body and 'method="post"' in body


def test_pagination(admin_user):
    for i in range(27):
        make_person(admin_user, name=f"Orang Nomor {chr(65 + i % 26)}{chr(65 + i // 26)}", seq=i + 1)
    client = client_for(admin_user)
    body = client.get(LIST).content.decode()
    assert "27 records" in body and "page 1 of 2" in body
    body = client.get(LIST, {"page": 2}).content.decode()
    assert "page 2 of 2" in body


def test_p3mi_user_sees_only_own_company(admin_user, p3mi_user, agency, other_agency):
    own = make_person(admin_user, name="Siti Aminah", agency=agency, seq=1)
    other = make_person(admin_user, name="Rina Wati", agency=other_agency, seq=2)
    client = client_for(p3mi_user)
    body = client.get(LIST).content.decode()
    assert "Siti Aminah" in body and "Rina Wati" not in body
    assert "Rina Wati" not in client.get(LIST, {"q": "rina"}).content.decode()
    assert "Rina Wati" not in client.get(LIST, {"q": other.nik}).content.decode()
    assert client.get(detail_url(own)).status_code == 200
    assert client.get(detail_url(other)).status_code == 404
    assert client.get(reverse("web:person-edit", args=[other.public_id])).status_code == 404


def test_unit_officer_outside_coverage_gets_404(admin_user, unit_officer):
    inside = make_person(admin_user, name="Siti Aminah", regency_code="3201", seq=1)
    outside = make_person(admin_user, name="Agus Salim", sex="M", regency_code="3501", seq=2)
    client = client_for(unit_officer)
    body = client.get(LIST).content.decode()
    assert "Siti Aminah" in body and "Agus Salim" not in body
    assert client.get(detail_url(inside)).status_code == 200
    assert client.get(detail_url(outside)).status_code == 404


def test_lookup_role_gets_a_nik_form_and_a_polite_refusal_for_names(admin_user, checkpoint_officer):
    siti = make_person(admin_user, name="Siti Aminah")
    client = client_for(checkpoint_officer)
    resp = client.get(LIST)
    assert resp.status_code == 200
    assert "NIK or passport number" in resp.content.decode()
    resp = client.get(LIST, {"q": "siti"})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "by NIK or passport number only" in body and "Siti Aminah" not in body
    body = post_search(client, LIST, {"q": siti.nik}).content.decode()
    assert "Siti Aminah" in body
    assert detail_url(siti) not in body  # lookup roles cannot open the detail page
    assert client.get(detail_url(siti)).status_code == 404


def test_anonymous_is_sent_to_login():
    from django.test import Client

    resp = Client().get(LIST)
    assert resp.status_code == 302 and reverse("web:login") in resp["Location"]


# --- create -----------------------------------------------------------------------------------------

def form_post(**overrides):
    data = person_data(name="Siti Aminah")
    return {**data, **overrides}


def test_create_page_renders(admin_user, regency):
    resp = client_for(admin_user).get(reverse("web:person-create"))
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "<optgroup" in body and 'value="3201"' in body
    assert "Check for duplicates" in body


def test_create_with_bad_nik_shows_field_error_and_saves_nothing(admin_user):
    resp = client_for(admin_user).post(reverse("web:person-create"), form_post(nik="320101610"))
    assert resp.status_code == 422
    body = resp.content.decode()
    assert "NIK must be exactly 16 digits" in body
    assert 'id="id_nik-error"' in body
    assert Person.objects.count() == 0
    assert not AuditEvent.objects.filter(action="person.created").exists()


def test_create_with_unknown_regency_and_bad_passport(admin_user):
    resp = client_for(admin_user).post(reverse("web:person-create"), {
        **form_post(), "passport-number": "12", "passport-issuing_office": "Kantor Imigrasi Bogor",
        "passport-issue_date": "2024-01-10", "passport-expiry_date": "2034-01-10",
    })
    assert resp.status_code == 422
    assert "Passport number must be 7 to 9 letters" in resp.content.decode()
    assert Person.objects.count() == 0


def test_create_success_writes_audit_event(admin_user, agency):
    resp = client_for(admin_user).post(reverse("web:person-create"), {
        **form_post(phone="081234567890", religion="islam"), "agency": str(agency.public_id),
        "passport-number": "C1234567", "passport-issuing_office": "Kantor Imigrasi Bogor",
        "passport-issue_date": "2024-01-10", "passport-expiry_date": "2034-01-10",
        "contact-name": "Ahmad Fauzi", "contact-relationship": "parent", "contact-phone": "081111111111",
        "contact-is_heir": "on",
    })
    person = Person.objects.get()
    assert resp.status_code == 302
    assert resp["Location"] == detail_url(person)
    assert person.agency == agency
    assert Passport.objects.get(person=person).number == "C1234567"
    contact = FamilyContact.objects.get(person=person)
    assert contact.is_heir and contact.relationship == "parent"
    event = AuditEvent.objects.get(action="person.created", object_id=person.pk)
    assert event.actor == admin_user and event.via == "web"
    assert event.changes["nik"] == [None, person.nik]


def test_create_duplicate_nik_is_a_field_error(admin_user):
    existing = make_person(admin_user, name="Siti Aminah")
    resp = client_for(admin_user).post(reverse("web:person-create"), form_post(nik=existing.nik, full_name="Siti A"))
    assert resp.status_code == 409
    assert "Already registered." in resp.content.decode()
    assert Person.objects.count() == 1


def test_p3mi_staff_registers_for_own_company(p3mi_user, agency):
    resp = client_for(p3mi_user).post(reverse("web:person-create"), form_post())
    assert resp.status_code == 302
    assert Person.objects.get().agency == agency


def test_unit_officer_cannot_register_outside_coverage(unit_officer):
    resp = client_for(unit_officer).post(reverse("web:person-create"), form_post(
        regency_code="3501", nik=nik_for(regency_code="3501", district="01", birth_date=date(1995, 4, 21),
                                         sex="F", sequence=1)))
    # 3501 is not even offered to this officer, so the form refuses it before the service does.
    assert resp.status_code == 422
    assert Person.objects.count() == 0


def test_analyst_cannot_open_create(analyst):
    assert client_for(analyst).get(reverse("web:person-create")).status_code == 403


def test_create_with_possible_duplicate_warns_with_link(admin_user):
    make_person(admin_user, name="Siti Aminah", seq=1)
    client = client_for(admin_user)
    resp = client.post(reverse("web:person-create"), form_post(
        nik=nik_for(regency_code="3201", district="01", birth_date=date(1995, 4, 21), sex="F", sequence=2)),
        follow=True)
    body = resp.content.decode()
    assert "possible duplicate" in body
    assert f'href="{reverse("web:duplicate-list")}"' in body


def test_duplicate_check_partial_lists_scored_candidates(admin_user):
    make_person(admin_user, name="Siti Aminah", seq=1)
    data = form_post(nik=nik_for(regency_code="3201", district="01", birth_date=date(1995, 4, 21), sex="F",
                                 sequence=2))
    resp = client_for(admin_user).post(reverse("web:person-duplicate-check"), data, HTTP_HX_REQUEST="true")
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "Siti Aminah" in body
    assert "Same date of birth" in body and "+25" in body
    assert Person.objects.count() == 1  # nothing saved


def test_duplicate_check_with_incomplete_form_says_what_is_missing(admin_user):
    resp = client_for(admin_user).post(reverse("web:person-duplicate-check"), {"full_name": "Siti"})
    assert resp.status_code == 200
    assert "Complete these fields" in resp.content.decode()


# --- detail -----------------------------------------------------------------------------------------

def test_detail_logs_access_and_shows_history(admin_user, analyst):
    person = make_person(admin_user, name="Siti Aminah")
    resp = client_for(analyst).get(detail_url(person))
    assert resp.status_code == 200
    body = resp.content.decode()
    log = AccessLog.objects.get(object_type="person", object_id=person.pk, actor=analyst)
    assert log.kind == "view" and log.via == "web"
    assert "Change history" in body and "Registered" in body and "admin-t" in body
    assert "Access log" in body and "analyst-t" in body
    assert "Edit" not in body.split("<main")[1].split("Identity")[0]  # analysts are read-only


def test_detail_shows_nik_warnings(admin_user):
    female_nik = nik_for(regency_code="3201", district="01", birth_date=date(1995, 4, 21), sex="F", sequence=1)
    person = make_person(admin_user, name="Siti Aminah", sex="M", nik=female_nik)
    body = client_for(admin_user).get(detail_url(person)).content.decode()
    assert "nik-warnings" in body and "NIK encodes sex female" in body


def test_add_passport_keeps_history(admin_user):
    person = make_person(admin_user, name="Siti Aminah", passport={
        "number": "B7654321", "issuing_office": "Kantor Imigrasi Bogor", "issue_date": "2015-01-10",
        "expiry_date": "2020-01-10"})
    client = client_for(admin_user)
    url = reverse("web:person-passport-add", args=[person.public_id])
    resp = client.post(url, {"passport-number": "c1234567", "passport-issuing_office": "Kantor Imigrasi Bogor",
                             "passport-issue_date": "2024-01-10", "passport-expiry_date": "2034-01-10"})
    assert resp.status_code == 302
    assert list(person.passports.filter(is_current=True).values_list("number", flat=True)) == ["C1234567"]
    body = client.get(detail_url(person)).content.decode()
    assert "C1234567" in body and "B7654321" in body and "Passport added" in body
    resp = client.post(url, {"passport-number": "C1234567", "passport-issuing_office": "X",
                             "passport-issue_date": "2024-01-10", "passport-expiry_date": "2023-01-10"})
    assert resp.status_code == 422
    assert "Expiry date must be after the issue date." in resp.content.decode()


def test_add_and_remove_contact(admin_user):
    person = make_person(admin_user, name="Siti Aminah")
    client = client_for(admin_user)
    resp = client.post(reverse("web:person-contact-add", args=[person.public_id]), {
        "contact-name": "Ahmad Fauzi", "contact-relationship": "spouse", "contact-is_heir": "on"})
    assert resp.status_code == 302
    contact = person.contacts.get()
    body = client.get(detail_url(person)).content.decode()
    assert "Ahmad Fauzi" in body and "data-confirm" in body
    resp = client.post(reverse("web:person-contact-remove", args=[person.public_id, contact.pk]))
    assert resp.status_code == 302
    assert not person.contacts.exists()
    assert AuditEvent.objects.filter(action="person.contact_removed", object_id=person.pk).exists()
    resp = client.post(reverse("web:person-contact-add", args=[person.public_id]), {"contact-name": "X"})
    assert resp.status_code == 422


# --- edit -------------------------------------------------------------------------------------------

def test_edit_form_is_prefilled(admin_user):
    person = make_person(admin_user, name="Siti Aminah")
    body = client_for(admin_user).get(reverse("web:person-edit", args=[person.public_id])).content.decode()
    assert f'value="{person.nik}"' in body and 'value="1995-04-21"' in body
    assert '<option value="3201" selected>' in body


def test_edit_sends_only_changed_fields(admin_user):
    person = make_person(admin_user, name="Siti Aminah")
    data = {**form_post(nik=person.nik), "phone": "081234567890"}
    resp = client_for(admin_user).post(reverse("web:person-edit", args=[person.public_id]), data)
    assert resp.status_code == 302
    event = AuditEvent.objects.get(action="person.updated", object_id=person.pk)
    assert event.changes == {"phone": ["", "081234567890"]}


def test_edit_nik_change_requires_reason(admin_user):
    person = make_person(admin_user, name="Siti Aminah")
    new_nik = nik_for(regency_code="3201", district="02", birth_date=date(1995, 4, 21), sex="F", sequence=7)
    url = reverse("web:person-edit", args=[person.public_id])
    client = client_for(admin_user)
    resp = client.post(url, form_post(nik=new_nik))
    assert resp.status_code == 422
    assert "A reason is required to correct a NIK." in resp.content.decode()
    person.refresh_from_db()
    assert person.nik != new_nik
    resp = client.post(url, {**form_post(nik=new_nik), "reason": "Salah ketik saat pendaftaran"})
    assert resp.status_code == 302
    person.refresh_from_db()
    assert person.nik == new_nik
    event = AuditEvent.objects.get(action="person.updated", object_id=person.pk)
    assert event.reason == "Salah ketik saat pendaftaran" and "nik" in event.changes
    body = client.get(detail_url(person)).content.decode()
    assert "Salah ketik saat pendaftaran" in body and new_nik in body


def test_edit_invalid_value_is_shown_inline(admin_user):
    person = make_person(admin_user, name="Siti Aminah")
    resp = client_for(admin_user).post(reverse("web:person-edit", args=[person.public_id]),
                                       form_post(nik=person.nik, phone="12ab"))
    assert resp.status_code == 422
    assert "Phone must be 8 to 15 digits" in resp.content.decode()


def test_no_model_writes_in_registry_web_sources():
    import pathlib
    import re

    web = pathlib.Path(__file__).resolve().parents[1]
    for path in (web / "views" / "registry.py", web / "forms" / "registry.py"):
        assert not re.search(r"\.(save|create|update|delete)\(", path.read_text()), path
