"""Security headers on pages and API answers: a Content-Security-Policy with no inline script or
style (and templates that need none), personal data never cached, the API docs served from
vendored files."""

import re
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "lindungi").glob("*/templates/**/*.html"))


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


def test_pages_carry_a_strict_content_security_policy(client):
    directives = csp_directives(client.get("/login/"))
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert not any("unsafe" in value for values in directives.values() for value in values)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "lindungi")))
def test_templates_need_no_inline_script_or_style(template):
    text = template.read_text()
    inline_scripts = [m.group(0) for m in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>",
                                                      text)]
    assert not inline_scripts, inline_scripts
    assert not re.search(r"<style[\s>]", text)
    assert not re.search(r"\sstyle=", text)
    assert not re.search(r"\son[a-z]+=", text), "inline event handler"
    assert "hx-on" not in text and "javascript:" not in text


def test_api_docs_use_vendored_swagger_ui_without_inline_script(admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html
    assert "/static/vendor/swagger-ui-5.35.0/swagger-ui-bundle.js" in html
    assert "/static/api/swagger-init.js" in html
    assert csp_directives(response)["script-src"] == ["'self'"]
    assert response["Cache-Control"] == "no-store, private"
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"):
        assert (ROOT / "lindungi/web/static/vendor/swagger-ui-5.35.0" / name).stat().st_size > 0


def test_signed_in_pages_are_not_stored(admin_user):
    client = Client()
    client.force_login(admin_user)
    for url in ("/", "/persons/", "/placements/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store, private", url


def test_api_answers_are_not_stored_except_public_ones(admin_user, api_client_for, client):
    api = api_client_for(admin_user)
    assert api.get("/api/v1/persons")["Cache-Control"] == "no-store, private"
    assert client.get("/api/v1/persons")["Cache-Control"] == "no-store, private"  # 401, still private
    assert client.post("/api/v1/auth/token", {"username": "x", "password": "y"},
                       content_type="application/json")["Cache-Control"] == "no-store, private"
    public = client.get("/api/v1/public/agencies?q=abc")
    assert public.status_code == 200 and "no-store" not in public.get("Cache-Control", "")


def test_public_pages_for_anonymous_visitors_may_be_cached(client):
    response = client.get("/public/agencies/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
