"""Production settings pass Django's deployment checks when the documented variables are set
(docs/operations.md, "HTTPS and headers"), and the HTTPS settings follow those variables."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "DEBUG": "false",
    "ALLOWED_HOSTS": "lindungi.example.go.id",
    "CSRF_TRUSTED_ORIGINS": "https://lindungi.example.go.id",
    "SECURE_COOKIES": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
}


def run_python(code_or_args: list[str], env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and not k.startswith("SECURE_")}
    return subprocess.run([sys.executable, *code_or_args], cwd=ROOT, env={**base, **env}, capture_output=True,
                          text=True, timeout=120)


def test_check_deploy_is_clean_with_production_environment():
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_it():
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": PRODUCTION_ENV["SECRET_KEY"]}
    result = run_python(["manage.py", "check", "--deploy"], env)
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in result.stderr + result.stdout


@pytest.mark.parametrize("name, expected", [
    ("SECURE_SSL_REDIRECT", True), ("SECURE_HSTS_SECONDS", 31536000), ("SECURE_HSTS_INCLUDE_SUBDOMAINS", True),
    ("SECURE_HSTS_PRELOAD", True), ("SECURE_PROXY_SSL_HEADER", ("HTTP_X_FORWARDED_PROTO", "https")),
    ("SESSION_COOKIE_SECURE", True), ("CSRF_COOKIE_SECURE", True),
])
def test_https_settings_follow_the_environment(name, expected):
    code = f"import django; django.setup(); from django.conf import settings; print(repr(settings.{name}))"
    result = run_python(["-c", code], PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(expected)
