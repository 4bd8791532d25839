"""Registering a person in one pass: every error at once with a summary linked to the fields, what
the NIK says for the form to fill in, a duplicate check that runs by itself, and a link to the record
that already holds the NIK."""

from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindungi.audit.models import AccessLog
from lindungi.registry.models import Person
from lindungi.web.tests.test_registry_helpers import client_for, make_person, person_data

pytestmark = pytest.mark.django_db

CREATE = reverse("web:person-create")
FACTS = reverse("web:person-nik-facts")
CHECK = reverse("web:person-duplicate-check")
REQUIRED = ("full_name", "sex", "birth_date", "birth_place", "address", "regency_code", "education",
            "marital_status")


def test_every_error_comes_in_the_first_answer(admin_user):
    post = person_data(nik="320101570896000", address="", **{"passport-number": "12", "passport-issuing_office": ""})
    response = client_for(admin_user).post(CREATE, post)
    assert response.status_code == 422
    html = response.content.decode()
    summary = html[html.index('data-testid="error-summary"'):html.index("</div>", html.index("error-summary"))]
    # the 15-digit NIK, the empty address and the passport, all in the first round
    assert "exactly 16 digits" in summary and 'href="#id_nik"' in summary
    assert 'href="#id_address"' in summary and 'href="#id_passport-number"' in summary
    assert 'href="#id_passport-issuing_office"' in summary
    assert summary.count("This field is required.") == summary.count("<li>") - 2  # no message twice
    assert Person.objects.count() == 0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blank=st.sets(st.sampled_from(REQUIRED), min_size=1), bad_nik=st.booleans())
def test_any_mix_of_missing_fields_is_reported_at_once_and_nothing_is_written(admin_user, blank, bad_nik):
    post = person_data(**{name: "" for name in blank})
    if bad_nik:
        post["nik"] = post["nik"][:15]
    response = client_for(admin_user).post(CREATE, post)
    assert response.status_code == 422
    html = response.content.decode()
    for name in blank | ({"nik"} if bad_nik else set()):
        assert f'href="#id_{name}"' in html, name
    assert Person.objects.count() == 0


def test_a_taken_nik_links_to_the_existing_record(admin_user):
    existing = make_person(admin_user, name="Siti Aminah")
    response = client_for(admin_user).post(CREATE, person_data(name="Siti A"))
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="existing-person"' in html
    assert f'href="{reverse("web:person-detail", args=[existing.public_id])}"' in html
    assert AccessLog.objects.filter(actor=admin_user, kind=AccessLog.Kind.LOOKUP, object_id=existing.pk).exists()


def test_a_taken_nik_outside_the_officers_area_gives_no_link(admin_user, unit_officer):
    outside = make_person(admin_user, name="Agus Salim", regency_code="3501", sex="M")  # Jawa Timur
    post = person_data(name="Agus S", sex="M", nik=outside.nik)  # registered in Jawa Barat
    response = client_for(unit_officer).post(CREATE, post)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="existing-person"' not in html and str(outside.public_id) not in html


def test_nik_facts_say_sex_birth_date_and_regency(admin_user):
    client = client_for(admin_user)
    facts = client.post(FACTS, {"nik": "3201015708960007"}).json()
    assert facts == {"errors": [], "sex": "F", "birth_date": "1996-08-17", "regency_code": "3201"}
    bad = client.post(FACTS, {"nik": "9901015708960007"}).json()
    assert bad["errors"] and "sex" not in bad


def test_nik_facts_need_a_role_that_registers(checkpoint_officer, client):
    assert client.post(FACTS, {"nik": "3201015708960007"}).status_code == 302  # sign in first
    assert client_for(checkpoint_officer).post(FACTS, {"nik": "3201015708960007"}).status_code == 403


def test_automatic_duplicate_check_waits_for_enough_to_match(admin_user):
    make_person(admin_user, name="Siti Aminah", birth=date(1995, 4, 21))
    client = client_for(admin_user)
    early = client.post(CHECK, {"full_name": "Siti Aminah", "auto": "1"})
    assert early.status_code == 200 and early.content == b""
    # name, NIK, sex, birth date and regency are enough; the address is not needed yet
    post = {k: v for k, v in person_data(name="Siti Aminah", seq=2).items()
            if k in ("nik", "full_name", "sex", "birth_date", "regency_code")}
    found = client.post(CHECK, {**post, "auto": "1"}).content.decode()
    assert "possible duplicate" in found and "Siti Aminah" in found
    manual = client.post(CHECK, {"full_name": "Siti Aminah"}).content.decode()
    assert "Complete these fields" in manual  # the button still explains what is missing


def test_registration_form_is_wired_for_facts_and_automatic_check(admin_user):
    html = client_for(admin_user).get(CREATE).content.decode()
    assert f'data-nik-facts="{FACTS}"' in html and 'id="nik-facts"' in html
    assert 'hx-trigger="change from:#person-form delay:400ms"' in html


@pytest.fixture
def villages(regency, other_regency):
    from lindungi.reference.models import Village

    return {
        "cibinong": Village.objects.create(code="3201011001", regency=regency, district_name="Cibinong",
                                           name="Pakansari"),
        "ciawi": Village.objects.create(code="3201021002", regency=regency, district_name="Ciawi", name="Bendungan"),
        "pacitan": Village.objects.create(code="3501011001", regency=other_regency, district_name="Pacitan",
                                          name="Sidoharjo"),
    }


def test_village_is_chosen_by_name_within_the_regency(admin_user, villages):
    client = client_for(admin_user)
    field = client.get(reverse("web:person-village-field"), {"regency_code": "3201"}).content.decode()
    assert '<select name="village_code"' in field
    assert '<optgroup label="Ciawi">' in field and '<option value="3201021002">Bendungan</option>' in field
    assert "Sidoharjo" not in field and 'name="village_name"' not in field
    plain = client.get(reverse("web:person-village-field"), {"regency_code": "3171"}).content.decode()
    assert '<input type="text" name="village_code"' in plain and 'name="village_name"' in plain  # none loaded

    response = client.post(CREATE, person_data(village_code="3201011001"))
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.village == villages["cibinong"] and person.village_name == "Pakansari"
    edit = client.get(reverse("web:person-edit", args=[person.public_id])).content.decode()
    assert '<option value="3201011001" selected>Pakansari</option>' in edit


def test_a_village_of_another_regency_is_refused(admin_user, villages):
    response = client_for(admin_user).post(CREATE, person_data(seq=5, village_code="3501011001"))
    assert response.status_code == 422
    assert "not in the chosen regency" in response.content.decode() and Person.objects.count() == 0
