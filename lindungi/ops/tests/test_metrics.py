import re

import pytest

from lindungi.imports.models import ImportBatch
from lindungi.ops import metrics

TOKEN = "s3cret-metrics-token"
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


@pytest.fixture(autouse=True)
def fresh_metrics():
    metrics.reset()
    yield
    metrics.reset()


def test_404_without_a_configured_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", **AUTH).status_code == 404


def test_401_for_a_missing_or_wrong_token(client, settings):
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 401
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


def test_token_from_a_file(monkeypatch, tmp_path):
    from config.env import env_str
    (tmp_path / "token").write_text(TOKEN + "\n")
    monkeypatch.setenv("METRICS_TOKEN_FILE", str(tmp_path / "token"))
    assert env_str("METRICS_TOKEN") == TOKEN


def _sample(text: str, name: str, **labels) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    match = re.search(rf"^{re.escape(name)}\{{{re.escape(wanted)}\}} (\S+)$", text, re.M)
    assert match, f"{name}{{{wanted}}} not in\n{text}"
    return float(match.group(1))


@pytest.mark.django_db
def test_requests_latency_errors_queue_and_import_rows(client, settings, admin_user, analyst):
    settings.METRICS_TOKEN = TOKEN
    client.get("/healthz")
    client.get("/healthz")
    client.force_login(analyst)
    client.get("/persons/00000000-0000-0000-0000-000000000000/?nik=3201010101010001")
    metrics.observe_request(method="GET", route="/boom", status=500, seconds=0.2)
    ImportBatch.objects.create(kind="persons", filename="a.csv", sha256="0" * 64, created_by=admin_user,
                               status=ImportBatch.Status.DONE, imported_rows=7, existing_rows=2, error_rows=1)
    ImportBatch.objects.create(kind="persons", filename="b.csv", sha256="1" * 64, created_by=admin_user,
                               status=ImportBatch.Status.QUEUED)

    response = client.get("/metrics", **AUTH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert _sample(text, "lindungi_http_requests_total", method="GET", route="/healthz", status="200") == 2
    assert _sample(text, "lindungi_http_requests_total", method="GET", route="/persons/<uuid:public_id>/",
                   status="404") == 1
    assert _sample(text, "lindungi_http_request_duration_seconds_count", method="GET", route="/healthz") == 2
    assert _sample(text, "lindungi_http_request_duration_seconds_bucket", method="GET", route="/healthz",
                   le="+Inf") == 2
    assert _sample(text, "lindungi_http_request_duration_seconds_bucket", method="GET", route="/boom",
                   le="0.1") == 0
    assert _sample(text, "lindungi_http_request_duration_seconds_bucket", method="GET", route="/boom",
                   le="0.25") == 1
    assert _sample(text, "lindungi_http_errors_total", method="GET", route="/boom") == 1
    assert _sample(text, "lindungi_background_queue_depth", queue="imports") == 1
    assert _sample(text, "lindungi_background_queue_depth", queue="exports") == 0
    assert _sample(text, "lindungi_import_rows_processed_total", kind="persons", outcome="imported") == 7
    assert _sample(text, "lindungi_import_rows_processed_total", kind="persons", outcome="errors") == 1
    assert "3201010101010001" not in text and "00000000-0000" not in text
    for line in text.splitlines():  # every line is a comment or "name{labels} number"
        assert line.startswith("# ") or re.match(r"^[a-z_]+(\{.*\})? -?[0-9.e+-]+$", line), line
