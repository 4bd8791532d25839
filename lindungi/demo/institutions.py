"""Demo supporting institutions (training centres, medical check centres, LSP, language test providers)
and, for some people with a placement, their training, certificates and medical results, all through
the real services. One LSP carries a past suspension, one clinic is revoked: the standing history and
the refusals show on their pages."""

import datetime as dt
import random

from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.common.errors import DomainError
from lindungi.institutions import services
from lindungi.institutions.models import Institution
from lindungi.placements.models import Placement

# name, kind, number, regency, accreditation (grade, body)
INSTITUTIONS = [
    ("BLK Komunitas Bogor", "training_centre", "BLK/3201/014", "3201", ("A", "Kemnaker")),
    ("LPK Sentosa Karya Mandiri", "training_centre", "LPK/3275/2208", "3275", ("B", "Kemnaker")),
    ("Klinik Utama Medika Sehat", "medical_centre", "SK-3201-0077", "3201", ("Paripurna", "KARS")),
    ("RS Jasa Kesehatan Migran Surabaya", "medical_centre", "SK-3578-0112", "3578", ("Utama", "KARS")),
    ("Klinik Sarana Husada", "medical_centre", "SK-3374-0031", "3374", ("Dasar", "KARS")),
    ("LSP Perawat Lansia Indonesia", "certification_body", "BNSP-LSP-0901", "3171", ("A", "BNSP")),
    ("LSP Pekerja Rumah Tangga Nusantara", "certification_body", "BNSP-LSP-1140", "3201", ("B", "BNSP")),
    ("Pusat Uji EPS-TOPIK Jakarta", "language_test", "EPS-JKT-01", "3171", ("", "HRD Korea")),
    ("Pusat Uji JFT-Basic Bandung", "language_test", "JFT-BDG-02", "3273", ("", "Japan Foundation")),
]


def seed_institutions(*, admin: User, rng: random.Random, people: int = 80) -> dict[str, int]:
    """The register (idempotent by number) and records for up to ``people`` placed workers."""
    today = timezone.localdate()
    made: dict[str, Institution] = {}
    for name, kind, number, regency, (grade, body) in INSTITUTIONS:
        existing = Institution.objects.filter(kind=kind, registration_number=number).first()
        if existing is None:
            try:
                existing = services.institution_create(actor=admin, via="demo", data={
                    "name": name, "kind": kind, "registration_number": number, "regency": regency,
                    "valid_from": dt.date(2020, 1, 1), "valid_until": dt.date(today.year + 3, 12, 31),
                    "accreditation_grade": grade, "accreditation_body": body,
                    "accreditation_number": f"{body[:4].upper()}/{number}"})
            except DomainError:
                continue
        made[number] = existing
    counts = {"institutions": len(made), "trainings": 0, "certificates": 0, "medical_results": 0}
    lsp = made.get("BNSP-LSP-1140")
    if lsp is not None and not lsp.status_history.exists():
        services.institution_suspend(actor=admin, public_id=lsp.public_id, via="demo",
                                     suspended_from=today - dt.timedelta(days=200),
                                     decree_number="KEP.17/BNSP/LSP",
                                     reason="Uji kompetensi tanpa asesor bersertifikat")
        services.institution_reinstate(actor=admin, public_id=lsp.public_id, via="demo",
                                       reinstated_on=today - dt.timedelta(days=150),
                                       reason="Asesor telah disertifikasi")
    clinic = made.get("SK-3374-0031")
    if clinic is not None and clinic.status != "revoked":
        services.institution_revoke(actor=admin, public_id=clinic.public_id, via="demo",
                                    revoked_on=today - dt.timedelta(days=30), decree_number="KEP.3/DINKES/2026",
                                    reason="Izin operasional tidak diperpanjang")
    centres = [made[n] for n in ("BLK/3201/014", "LPK/3275/2208") if n in made]
    clinics = [made[n] for n in ("SK-3201-0077", "SK-3578-0112") if n in made]
    bodies = [made[n] for n in ("BNSP-LSP-0901", "BNSP-LSP-1140") if n in made]
    placements = (Placement.objects.filter(migrated=False).select_related("occupation", "person")
                  .order_by("id")[:people])
    for placement in placements:
        person = placement.person
        if person.training_enrolments.exists() or person.certificates.exists():
            continue
        for write in _records(placement, rng, today, centres, clinics, bodies):
            try:
                kind = write(admin)
            except DomainError:
                continue  # e.g. an issue date inside the LSP's suspension: refused, as it should be
            counts[kind] += 1
    return counts


def _records(placement, rng: random.Random, today: dt.date, centres, clinics, bodies):
    person_id, occupation = placement.person.public_id, placement.occupation.isco_code
    start = today - dt.timedelta(days=rng.randint(120, 400))
    writes = []
    if centres:
        centre = rng.choice(centres)

        def training(admin):
            services.training_enrolment_record(actor=admin, public_id=person_id, via="demo", data={
                "institution": str(centre.public_id), "programme": f"Pelatihan jabatan {occupation}",
                "hours": rng.choice([200, 400, 600]), "start_on": start,
                "end_on": start + dt.timedelta(days=60), "result": "passed"})
            return "trainings"
        writes.append(training)
    if bodies and rng.random() < 0.6:
        body = rng.choice(bodies)
        issued = start + dt.timedelta(days=rng.randint(61, 90))

        def certificate(admin):
            services.certificate_record(actor=admin, public_id=person_id, via="demo", data={
                "institution": str(body.public_id), "kind": "competency",
                "number": f"{body.registration_number[-4:]}-{placement.pk:06d}", "occupation": occupation,
                "title": "Sertifikat kompetensi (SKKNI)", "level": "II", "issued_on": issued,
                "expires_on": issued + dt.timedelta(days=3 * 365)})
            return "certificates"
        writes.append(certificate)
    if clinics:
        clinic = rng.choice(clinics)

        def medical(admin):
            services.medical_result_record(actor=admin, public_id=person_id, via="demo", data={
                "institution": str(clinic.public_id), "examined_on": today - dt.timedelta(days=rng.randint(5, 80)),
                "result": "fit" if rng.random() < 0.95 else "unfit", "reference_number": f"MCU-{placement.pk:06d}"})
            return "medical_results"
        writes.append(medical)
    return writes
