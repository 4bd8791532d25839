"""Every public page and every main staff page, as the roles that use them, at 360 px (a phone) and
1366 px (a laptop): nothing wider than the window, and no serious or critical axe-core violation.

The pages come from the URL conf: ``PAGES`` lists each page view of the ``web`` namespace with the
roles that use it and how to fill its URL; ``NOT_PAGES`` lists the rest (form posts, downloads,
htmx fragments). ``test_every_web_url_is_listed`` fails when a view is added to neither, so a new page
is checked as soon as it exists: add one line to ``PAGES``.

``serialized_rollback``: see test_registry_flow.py.
"""

# ruff: noqa: F811 - the placement fixtures are imported into this module and used as arguments

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.urls import get_resolver, reverse

from lindungi.placements.tests.fixtures import TODAY, make_employer, make_job_order  # noqa: F401
from tests.e2e.a11y import describe, serious_violations
from tests.e2e.conftest import sign_in

WIDTHS = (360, 1366)
PUBLIC, OFFICER, P3MI, CHECKPOINT, ADMIN = "public", "officer-t", "p3mi-t", "checkpoint-t", "admin-t"
STAFF = (OFFICER, P3MI, CHECKPOINT, ADMIN)


@dataclass(frozen=True)
class Page:
    name: str  # URL name in the web namespace
    roles: tuple[str, ...]
    kwargs: dict = field(default_factory=dict)  # URL argument -> attribute of the test world
    query: str = ""

    def url(self, world) -> str:
        return reverse(f"web:{self.name}", kwargs={k: getattr(world, v) for k, v in self.kwargs.items()}) + self.query


PAGES = [
    Page("login", (PUBLIC,)),
    Page("public-agencies", (PUBLIC,), query="?q=karya"),
    Page("public-job-orders", (PUBLIC,)),
    Page("dashboard", (PUBLIC, *STAFF)),  # the public checks for visitors, the dashboard for staff
    Page("person-list", (OFFICER, P3MI, CHECKPOINT, ADMIN)),
    Page("person-create", (OFFICER, P3MI)),
    Page("person-detail", (OFFICER, P3MI, ADMIN), {"public_id": "person"}),
    Page("person-edit", (OFFICER,), {"public_id": "person"}),
    Page("person-placements", (OFFICER, P3MI), {"public_id": "person"}),
    Page("duplicate-list", (OFFICER, ADMIN)),
    Page("duplicate-detail", (OFFICER,), {"candidate_id": "candidate"}),
    Page("placement-list", (OFFICER, P3MI, ADMIN)),
    Page("placement-create", (P3MI,), query="?person={person}"),
    Page("placement-detail", (OFFICER, P3MI), {"public_id": "placement"}),
    Page("placement-credential", (OFFICER, P3MI), {"public_id": "ready"}),
    Page("placement-edit", (P3MI,), {"public_id": "placement"}),
    Page("job-order-list", (OFFICER, P3MI, ADMIN)),
    Page("job-order-create", (P3MI,)),
    Page("job-order-detail", (P3MI, ADMIN), {"public_id": "job_order"}),
    Page("agency-list", (ADMIN, OFFICER)),
    Page("agency-create", (ADMIN,)),
    Page("agency-detail", (ADMIN, P3MI), {"public_id": "agency"}),
    Page("agency-edit", (ADMIN,), {"public_id": "agency"}),
    Page("institution-list", (ADMIN, OFFICER, P3MI)),
    Page("institution-create", (ADMIN, OFFICER)),
    Page("institution-detail", (ADMIN, OFFICER, P3MI), {"public_id": "institution"}),
    Page("institution-edit", (ADMIN,), {"public_id": "institution"}),
    Page("person-skills", (OFFICER, P3MI), {"public_id": "person"}),
    Page("foreign-party-list", (ADMIN,)),
    Page("foreign-party-create", (ADMIN,)),
    Page("foreign-party-edit", (ADMIN,), {"public_id": "employer"}),
    Page("import-list", (OFFICER, P3MI)),
    Page("import-detail", (OFFICER,), {"public_id": "batch"}),
    Page("import-mappings", (ADMIN,)),
    Page("import-reconciliation", (ADMIN,), {"public_id": "history"}),
    Page("export-list", (ADMIN,)),
    Page("export-detail", (ADMIN,), {"public_id": "export"}),
    Page("password-change", (OFFICER, ADMIN)),
    Page("user-list", (ADMIN,)),
    Page("user-create", (ADMIN,)),
    Page("user-detail", (ADMIN,), {"user_id": "officer_id"}),
    Page("access-log", (ADMIN,)),
    Page("person-access-report", (ADMIN,), {"public_id": "person"}),
    Page("departure-desk", (CHECKPOINT, ADMIN)),
    Page("departure-check-list", (CHECKPOINT, ADMIN)),
    Page("departure-check-detail", (CHECKPOINT, ADMIN), {"public_id": "check"}),
    Page("watchlist-list", (CHECKPOINT, ADMIN)),
    Page("watchlist-detail", (CHECKPOINT, ADMIN), {"public_id": "watch"}),
    Page("interception-list", (CHECKPOINT, ADMIN)),
    Page("interception-create", (CHECKPOINT,)),
    Page("interception-detail", (CHECKPOINT, ADMIN), {"public_id": "interception"}),
    Page("public-complaint", (PUBLIC,)),
    Page("public-complaint-status", (PUBLIC,)),
    Page("case-list", (OFFICER, P3MI, ADMIN)),
    Page("case-create", (OFFICER,)),
    Page("case-detail", (OFFICER, ADMIN), {"public_id": "case"}),
    Page("arrival-board", (OFFICER, P3MI, ADMIN)),
    Page("arrival-create", (OFFICER,)),
    Page("statistics", (OFFICER, ADMIN)),
    Page("scorecard-list", (OFFICER, P3MI)),
    Page("public-statistics", (PUBLIC,), query="?by=regency"),
    Page("public-editions", (PUBLIC, ADMIN)),
    Page("public-edition", (PUBLIC,), {"number": "edition"}),
    Page("person-costs", (OFFICER, P3MI, ADMIN), {"public_id": "person"}),
    Page("cost-rule-list", (OFFICER, P3MI, ADMIN)),
    Page("overcharge-flag-list", (OFFICER, ADMIN)),
    Page("overcharge-flag-escalate", (OFFICER,), {"public_id": "flag"}),
    Page("sanction-list", (OFFICER, P3MI, ADMIN)),
    Page("sanction-create", (OFFICER, ADMIN)),
    Page("sanction-detail", (P3MI, ADMIN), {"public_id": "sanction"}),
]

# URL names that are not pages a person reads: form posts, file downloads, fragments.
NOT_PAGES = {
    "logout", "person-duplicate-check", "person-nik-facts", "person-village-field", "person-export-csv",
    "person-export-xlsx", "person-passport-add", "person-contact-add", "person-contact-remove",
    "person-duplicate-rescan", "person-unmerge",
    "agency-export", "agency-suspend", "agency-lift", "agency-revoke", "agency-branch-add", "agency-branch-close",
    "import-template", "import-resume", "import-mapping-delete", "import-reconciliation-csv",
    "import-reconciliation-xlsx", "import-errors-csv", "import-errors-xlsx",
    "export-download",
    "placement-transition", "placement-checklist-add", "placement-checklist-void", "job-order-verify",
    "job-order-reject", "sip2mi-issue", "sip2mi-revoke",
    "user-set-active", "user-unlock", "user-reset-password", "user-token-revoke", "person-access-report-xlsx",
    "departures", "departure-desk-sw", "departure-check-depart",  # a redirect, the desk's service worker, a post
    "case-step", "case-details", "case-answer", "case-link-person", "case-dispatch",
    "edition-release", "target-set",  # posts
    "statistics-report",  # a PDF or XLSX download
    "cost-confirm", "cost-receipt",  # a post, a download
    "institution-suspend", "institution-reinstate", "institution-revoke",  # posts
    "person-training-add", "person-certificate-add", "person-medical-add",  # posts
    "sanction-step", "agency-drawdown-request", "agency-drawdown-decide", "agency-drawdown-pay",  # posts
}

ROLES = (PUBLIC, *STAFF)


def pages_for(role: str) -> list[Page]:
    return [page for page in PAGES if role in page.roles]


def web_url_names() -> set[str]:
    return {p.name for p in get_resolver().namespace_dict["web"][1].url_patterns if getattr(p, "name", None)}


def test_every_web_url_is_listed():
    listed = {p.name for p in PAGES}
    assert not listed & NOT_PAGES
    assert web_url_names() - listed - NOT_PAGES == set(), "add the new page to PAGES (or to NOT_PAGES)"
    assert (listed | NOT_PAGES) - web_url_names() == set(), "a listed URL name no longer exists"


@pytest.fixture
def world(admin_user, unit_officer, p3mi_user, checkpoint_officer, agency, make_job_order, foreign_employer,
          make_placement, make_case):
    """One of everything the pages show, in the test unit's area (Jawa Barat) and the P3MI's company."""
    from lindungi.agencies.services import agency_revoke
    from lindungi.agencies.tests.factories import AgencyFactory
    from lindungi.departures import services as departures
    from lindungi.departures.models import CheckpointPost, PostAssignment
    from lindungi.exports.services import export_request
    from lindungi.imports import services as imports
    from lindungi.imports.tests.helpers import csv_bytes, row, upload
    from lindungi.placements.services import placement_create
    from lindungi.placements.states import PlacementState as S
    from lindungi.placements.tests.fixtures import advance
    from lindungi.registry.models import DuplicateCandidate
    from lindungi.registry.tests.factories import make_person

    mine = str(agency.public_id)
    person = make_person(admin_user, full_name="Siti Nurhaliza", agency_public_id=mine, passport={
        "number": "C1234567", "issuing_office": "Kantor Imigrasi Bogor", "issue_date": "2024-01-10",
        "expiry_date": "2034-01-10"})
    make_person(admin_user, full_name="Siti Nur Haliza", agency_public_id=mine)  # a likely duplicate
    make_person(admin_user, full_name="Bambang Wibowo Setiadi Kusumanegara", sex="M", agency_public_id=mine)
    revoked = AgencyFactory(legal_name="PT Karya Bahari Abadi")  # the public check shows its advice box
    agency_revoke(actor=admin_user, public_id=revoked.public_id, decree_number="KEP.9/2026",
                  reason="Penempatan non-prosedural")
    job_order, sip2mi = make_job_order()
    placement, _ = placement_create(actor=admin_user, data={
        "person": str(person.public_id), "scheme": "p_to_p", "job_order": str(job_order.public_id),
        "sip2mi": str(sip2mi.public_id), "contract_start": TODAY + dt.timedelta(days=60),
        "contract_end": TODAY + dt.timedelta(days=790)})
    file = upload(csv_bytes([row(9001, full_name="Dewi Lestari"), row(9002, nik="123")]))
    batch = imports.import_batch_create(actor=unit_officer, uploaded_file=file, filename=file.name)
    imports.import_batch_enqueue(batch=batch)
    from lindungi.imports.tests.placement_helpers import placements_csv

    old = {"state": "withdrawn", "state_date": "2023-03-01", "occupation": "9111", "scheme": "g_to_g",
           "contract_start": "2023-02-01"}
    history = imports.import_batch_create(actor=admin_user, uploaded_file=upload(placements_csv(
        [{**old, "nik": person.nik, "country": "HK", "legacy_id": "L-1"},
         {**old, "nik": person.nik, "country": "KR", "legacy_id": "L-2"}]), "sisko.csv"),
        kind="placements", mode="historical")
    imports.import_batch_run(batch_id=history.pk)
    export = export_request(actor=admin_user, kind="persons", fmt="csv")
    post = CheckpointPost.objects.create(code="TPI-LAYOUT", name="Bandara Soekarno-Hatta (uji tata letak)",
                                         kind=CheckpointPost.Kind.AIRPORT)
    PostAssignment.objects.create(user=checkpoint_officer, post=post)
    ready = advance(make_placement(), S.READY_TO_DEPART, officer=unit_officer, agency_actor=p3mi_user)
    check, _ = departures.departure_check_record(actor=checkpoint_officer, data={
        "identifier": ready.person.nik, "destination": "TW", "flight": "CI 762", "travel_date": TODAY.isoformat()})
    watch = departures.watchlist_add(actor=admin_user, data={
        "kind": "recruiter", "full_name": "Bang Jago", "passport_number": "B7654321",
        "reason": "Sponsor keberangkatan non-prosedural", "valid_until": (TODAY + dt.timedelta(days=90)).isoformat()})
    interception = departures.interception_record(actor=checkpoint_officer, data={
        "travellers": [{"full_name": "Rina Marlina", "passport_number": "C7654321"}], "destination": "KH",
        "flight": "QZ 7712", "declared_purpose": "tourism", "cover_story": "Liburan ke Phnom Penh",
        "route": "CGK – KUL – PNH", "transit_countries": ["MY"],
        "suspected_recruiter": "Bang Jago (sponsor)", "outcome": "handed_to_bp2mi"})[0]
    case = make_case()
    from lindungi.institutions import services as institutions

    clinic = institutions.institution_create(actor=admin_user, data={
        "name": "Klinik Utama Sehat Sentosa Medika Bogor", "kind": "medical_centre",
        "registration_number": "SK-3201-77", "regency": "3201", "valid_from": "2024-01-01",
        "accreditation_grade": "Paripurna",
        "accreditation_body": "KARS"})
    lsp = institutions.institution_create(actor=admin_user, data={
        "name": "LSP Perawat Lansia Indonesia", "kind": "certification_body", "registration_number": "BNSP-LSP-901",
        "regency": "3201", "valid_from": "2024-01-01"})
    institutions.institution_suspend(actor=admin_user, public_id=lsp.public_id, suspended_from="2025-01-01",
                                     suspended_until="2025-02-01", decree_number="KEP.2/BNSP/2025", reason="Audit")
    institutions.medical_result_record(actor=admin_user, public_id=person.public_id, data={
        "institution": str(clinic.public_id), "examined_on": TODAY - dt.timedelta(days=3), "result": "fit",
        "reference_number": "MCU/2026/0001"})
    institutions.certificate_record(actor=admin_user, public_id=person.public_id, data={
        "institution": str(lsp.public_id), "kind": "competency", "number": "LSP-901-0001", "occupation": "5322",
        "title": "Caregiver (SKKNI)", "level": "II", "issued_on": TODAY - dt.timedelta(days=30)})
    from lindungi.statistics.publication import edition_release

    edition = edition_release(actor=admin_user, year=TODAY.year - 1, month=12)
    from lindungi.supervision.services import cost_entry_record

    cost = cost_entry_record(actor=unit_officer, person_public_id=person.public_id, data={
        "component": "placement_fee", "amount": "12500000", "paid_to_kind": "p3mi", "paid_to_name": "PT Contoh",
        "paid_on": (TODAY - dt.timedelta(days=3)).isoformat(), "financing": "kur", "source": "verification"})
    from lindungi.agencies import services as agency_services

    sanction = agency_services.sanction_open(
        actor=admin_user, agency_public_id=agency.public_id, ground_code="p9_no_opp", source_kind="case",
        source_reference="PGD/2026/0007", summary="Dua CPMI tujuan Singapura tidak didaftarkan OPP.")
    agency_services.sanction_step(
        actor=admin_user, public_id=sanction.public_id, step="suspend", expected_version=1,
        letter_number="KEP.7/2026", letter_date=TODAY, reason="Tidak mendaftarkan OPP", suspended_from=TODAY,
        suspended_until=TODAY + dt.timedelta(days=89), countries=["SG"])
    agency_services.drawdown_request(actor=admin_user, agency_public_id=agency.public_id, proposed_by="perwakilan",
                                     case_references=["PGD/2026/0007"], amount_requested="25000000",
                                     reason="Hak PMI belum dibayar")
    return SimpleNamespace(edition=edition.number, sanction=sanction.public_id, flag=cost.flag.public_id,
                           ready=ready.public_id, check=check.public_id, watch=watch.public_id,
                           interception=interception.public_id, case=case.public_id, person=person.public_id,
                           placement=placement.public_id, job_order=job_order.public_id,
                           agency=agency.public_id, institution=lsp.public_id,
                           employer=foreign_employer.public_id, batch=batch.public_id,
                           history=history.public_id,
                           export=export.public_id, officer_id=unit_officer.pk,
                           candidate=DuplicateCandidate.objects.order_by("pk").first().pk)


def overflow(page) -> dict:
    """How far the document reaches beyond the window, and the widest elements that stick out."""
    return page.evaluate("""() => {
        const width = window.innerWidth;
        const wide = [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > width + 1 && getComputedStyle(el).position !== 'fixed')
            .filter(el => !el.closest('.table-wrap, [data-scroll]'))
            .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                                 + ' → ' + Math.round(el.getBoundingClientRect().right) + 'px');
        return {scroll: document.documentElement.scrollWidth, inner: width, wide};
    }""")


def check(page, url: str, width: int) -> list[str]:
    page.set_viewport_size({"width": width, "height": 800})
    response = page.goto(url)
    if response.status != 200:
        return [f"{url} at {width}px: HTTP {response.status}"]
    if "/login/" in page.url and not url.startswith("/login/"):
        return [f"{url} at {width}px: asked to sign in"]
    problems = []
    size = overflow(page)
    if size["scroll"] > size["inner"]:
        problems.append(f"{url} at {width}px: the page is {size['scroll']}px wide; sticking out: {size['wide']}")
    found = serious_violations(page)
    if found:
        problems.append(f"{url} at {width}px, axe:\n{describe(found)}")
    return problems


# One test per role (each page signed in once, both widths): a transactional test reloads the
# reference data afterwards, which costs more than looking at several pages.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("role", ROLES)
def test_pages_fit_the_window_and_pass_axe(new_page, world, role):
    page = new_page()
    if role != PUBLIC:
        sign_in(page, role)
    problems = []
    for spec in pages_for(role):
        url = spec.url(world).format(**vars(world))
        for width in WIDTHS:
            problems += check(page, url, width)
    assert not problems, f"as {role}:\n" + "\n".join(problems)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_menu_collapses_on_a_phone_and_opens_from_the_keyboard(new_page, unit_officer):
    phone = sign_in(new_page(width=360, height=800), OFFICER)
    registry = phone.locator("#site-menu a[href='/persons/']")
    toggle = phone.locator("[data-testid=menu-toggle]")
    assert toggle.is_visible() and not registry.is_visible()
    toggle.focus()
    phone.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true" and registry.is_visible()
    phone.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false" and not registry.is_visible()
    toggle.click()
    registry.click()
    phone.wait_for_url("**/persons/")
    assert phone.locator("#site-menu a[href='/persons/']").get_attribute("aria-current") == "page"

    laptop = sign_in(new_page(width=1366, height=800), OFFICER)
    assert laptop.locator("#site-menu a[href='/persons/']").is_visible()
    assert not laptop.locator("[data-testid=menu-toggle]").is_visible()


def test_axe_helper_reports_serious_problems(browser):
    """The checker itself: a page with unreadable text and an unnamed button fails it."""
    page = browser.new_page()
    try:
        page.set_content('<html lang="id"><head><title>t</title></head><body><main><h1>t</h1>'
                         '<p style="color:#bbb;background:#fff">samar</p><button></button></main></body></html>')
        found = {v["id"] for v in serious_violations(page)}
        assert {"color-contrast", "button-name"} <= found
    finally:
        page.close()
