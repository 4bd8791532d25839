import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lindungi.audit.models import AuditEvent
from lindungi.institutions import services
from lindungi.institutions.models import Certificate, Institution, MedicalResult, TrainingEnrolment
from lindungi.institutions.tests.fixtures import days

pytestmark = pytest.mark.django_db


def form(values: dict, prefix: str = "") -> dict:
    pre = f"{prefix}-" if prefix else ""
    return {f"{pre}{k}": ("" if v is None else str(v)) for k, v in values.items()}


NEW = {"name": "BLK Komunitas Bogor", "kind": "training_centre", "registration_number": "BLK/3201/7",
       "regency": "3201", "valid_from": "2024-01-01", "accreditation_grade": "A"}


def test_list_filters_and_shows_standing(web_client_for, admin_user, make_institution):
    make_institution("medical_centre", name="Klinik Medika Bogor")
    suspended = make_institution("certification_body", name="LSP Tidur", regency="3501")
    services.institution_suspend(actor=admin_user, public_id=suspended.public_id, suspended_from=days(-1),
                                 decree_number="KEP/1", reason="r")
    client = web_client_for(admin_user)
    html = client.get(reverse("web:institution-list")).content.decode()
    assert "Klinik Medika Bogor" in html and "LSP Tidur" in html and "badge-warn" in html
    html = client.get(reverse("web:institution-list"), {"kind": "medical_centre"}).content.decode()
    assert "Klinik Medika Bogor" in html and "LSP Tidur" not in html
    html = client.get(reverse("web:institution-list"), {"regency": "3501", "status": "suspended"}).content.decode()
    assert "LSP Tidur" in html and "Klinik Medika Bogor" not in html
    response = client.get(reverse("web:institution-list"), {"kind": "spa"})
    assert response.status_code == 400
    partial = client.get(reverse("web:institution-list"), {"q": "medika"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "Klinik Medika Bogor" in partial.content.decode()


def test_list_query_budget_does_not_grow(web_client_for, admin_user, make_institution):
    client = web_client_for(admin_user)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("web:institution-list")).status_code == 200
        return len(captured.captured_queries)

    for _ in range(2):
        make_institution()
    client.get(reverse("web:institution-list"))
    before = count()
    for _ in range(6):
        institution = make_institution()
        services.institution_suspend(actor=admin_user, public_id=institution.public_id, suspended_from=days(-1),
                                     decree_number="K", reason="r")
    assert count() == before <= 6


def test_create_edit_and_standing_forms(web_client_for, admin_user):
    client = web_client_for(admin_user)
    assert client.get(reverse("web:institution-create")).status_code == 200
    response = client.post(reverse("web:institution-create"), form({**NEW, "name": "", "valid_until": "2023-01-01"}))
    assert response.status_code == 400 and not Institution.objects.exists()
    response = client.post(reverse("web:institution-create"), form(NEW))
    institution = Institution.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/institutions/{institution.public_id}/")
    response = client.post(reverse("web:institution-edit", args=[institution.public_id]),
                           form({**NEW, "accreditation_grade": "B"}))
    assert response.status_code == 302
    institution.refresh_from_db()
    assert institution.accreditation_grade == "B"
    detail = reverse("web:institution-detail", args=[institution.public_id])
    response = client.post(reverse("web:institution-suspend", args=[institution.public_id]),
                           form({"suspended_from": "", "decree_number": "", "reason": ""}, "suspend"))
    assert response.status_code == 400
    response = client.post(reverse("web:institution-suspend", args=[institution.public_id]),
                           form({"suspended_from": days(-3), "decree_number": "KEP/2", "reason": "Audit"}, "suspend"))
    assert response.status_code == 302
    assert reverse("web:institution-reinstate", args=[institution.public_id]) in client.get(detail).content.decode()
    response = client.post(reverse("web:institution-reinstate", args=[institution.public_id]),
                           form({"reinstated_on": days(0), "reason": "Fixed"}, "reinstate"))
    assert response.status_code == 302
    assert set(AuditEvent.objects.filter(object_type="institution", object_id=institution.pk)
               .values_list("action", flat=True)) == {"institution.created", "institution.updated",
                                                     "institution.suspended", "institution.reinstated"}


def test_roles_on_the_web(web_client_for, analyst, unit_officer, checkpoint_officer, make_institution):
    elsewhere = make_institution(regency="3501")
    assert web_client_for(analyst).get(reverse("web:institution-detail", args=[elsewhere.public_id])).status_code == 200
    assert web_client_for(analyst).get(reverse("web:institution-create")).status_code == 403
    assert web_client_for(checkpoint_officer).get(reverse("web:institution-list")).status_code == 403
    officer = web_client_for(unit_officer)
    html = officer.get(reverse("web:institution-detail", args=[elsewhere.public_id])).content.decode()
    assert reverse("web:institution-edit", args=[elsewhere.public_id]) not in html
    assert officer.get(reverse("web:institution-edit", args=[elsewhere.public_id])).status_code == 403


def test_skills_section_lists_and_adds(web_client_for, admin_user, make_institution, make_person):
    person = make_person()
    blk = make_institution("training_centre", name="LPK Bina Karya")
    lsp = make_institution("certification_body", name="LSP Caregiver")
    clinic = make_institution("medical_centre", name="Klinik Sehat")
    client = web_client_for(admin_user)
    assert 'id="skills"' in client.get(reverse("web:person-detail", args=[person.public_id])).content.decode()
    skills = reverse("web:person-skills", args=[person.public_id])
    partial = client.get(skills, HTTP_HX_REQUEST="true").content.decode()
    assert reverse("web:person-certificate-add", args=[person.public_id]) in partial and "<html" not in partial
    response = client.post(reverse("web:person-training-add", args=[person.public_id]), form({
        "institution": blk.public_id, "programme": "Caregiver", "start_on": days(-60), "end_on": days(-5),
        "hours": 600, "result": "passed"}, "training"))
    assert response.status_code == 302 and response["Location"].endswith("#skills")
    response = client.post(reverse("web:person-certificate-add", args=[person.public_id]), form({
        "institution": lsp.public_id, "kind": "competency", "number": "LSP-1", "occupation": "5322",
        "issued_on": days(-4)}, "certificate"))
    assert response.status_code == 302
    response = client.post(reverse("web:person-medical-add", args=[person.public_id]), form({
        "institution": clinic.public_id, "examined_on": days(-2), "result": "fit"}, "medical"))
    assert response.status_code == 302
    html = client.get(skills).content.decode()
    assert "LPK Bina Karya" in html and "LSP-1" in html and "Klinik Sehat" in html
    assert TrainingEnrolment.objects.count() == Certificate.objects.count() == MedicalResult.objects.count() == 1


def test_skills_add_refused_when_the_centre_was_suspended(web_client_for, admin_user, make_institution, make_person):
    person = make_person()
    clinic = make_institution("medical_centre", name="Klinik Nakal")
    services.institution_suspend(actor=admin_user, public_id=clinic.public_id, suspended_from=days(-10),
                                 decree_number="KEP/3", reason="r")
    response = web_client_for(admin_user).post(reverse("web:person-medical-add", args=[person.public_id]), form({
        "institution": clinic.public_id, "examined_on": days(-2), "result": "fit"}, "medical"))
    assert response.status_code == 422
    assert 'id="id_medical-institution-error"' in response.content.decode()
    assert not MedicalResult.objects.exists()
    response = web_client_for(admin_user).post(reverse("web:person-medical-add", args=[person.public_id]), {})
    assert response.status_code == 422


def test_skills_out_of_scope_is_404(web_client_for, p3mi_user, other_agency, make_institution, make_person):
    theirs = make_person(agency=other_agency)
    client = web_client_for(p3mi_user)
    assert client.get(reverse("web:person-skills", args=[theirs.public_id])).status_code == 404
    response = client.post(reverse("web:person-medical-add", args=[theirs.public_id]), form({
        "institution": make_institution().public_id, "examined_on": days(-2), "result": "fit"}, "medical"))
    assert response.status_code == 404
    assert not MedicalResult.objects.exists()


def test_checklist_form_names_an_institution(web_client_for, admin_user, make_institution, make_placement):
    placement = make_placement()
    clinic = make_institution("medical_centre", name="Klinik Cek Tanggal")
    services.institution_suspend(actor=admin_user, public_id=clinic.public_id, suspended_from=days(-10),
                                 decree_number="KEP/3", reason="r")
    services.institution_reinstate(actor=admin_user, public_id=clinic.public_id, reinstated_on=days(-4), reason="ok")
    client = web_client_for(admin_user)
    detail = client.get(reverse("web:placement-detail", args=[placement.public_id]) + "?kind=medical_fitness")
    assert str(clinic.public_id) in detail.content.decode()
    url = reverse("web:placement-checklist-add", args=[placement.public_id])
    response = client.post(url, {"kind": "medical_fitness", "issued_on": days(-5), "institution": clinic.public_id})
    assert response.status_code == 422
    assert 'id="id_medical_fitness_institution-error"' in response.content.decode()
    response = client.post(url, {"kind": "medical_fitness", "issued_on": days(-4), "institution": clinic.public_id})
    assert response.status_code == 302
    assert placement.checklist_items.get().details["institution"] == str(clinic.public_id)
