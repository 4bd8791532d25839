"""The pages and the interactive API docs work under the Content-Security-Policy: the browser
reports no refused script, style or connection, htmx search still runs and Swagger UI renders from
the vendored files."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def collect_violations(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    return violations


def test_pages_raise_no_csp_violation(page, login, admin_user):
    violations = collect_violations(page)
    login("admin-t")
    for url in ("/", "/persons/", "/placements/", "/persons/duplicates/", "/agencies/", "/imports/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
    page.goto("/persons/")
    page.fill("input[name=q]", "siti")
    page.wait_for_load_state("networkidle")
    assert violations == []


def test_swagger_ui_renders_from_vendored_files(page, login, admin_user):
    violations = collect_violations(page)
    external: list[str] = []
    page.on("request", lambda req: external.append(req.url) if not req.url.startswith(page_origin(page)) else None)
    login("admin-t")
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-summary-path")
    assert violations == []
    assert [url for url in external if not url.startswith("data:")] == []


def page_origin(page) -> str:
    url = page.url
    return url[: url.index("/", url.index("//") + 2)] if url.startswith("http") else "http://localhost"
