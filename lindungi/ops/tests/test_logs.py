import json
import logging

import pytest

from lindungi.ops.observability import JsonFormatter, RequestIdFilter, request_id_var


@pytest.fixture
def request_log(caplog):
    caplog.set_level(logging.INFO, logger="lindungi.request")
    return caplog


def _lines(caplog):
    formatter, id_filter = JsonFormatter(), RequestIdFilter()
    out = []
    for record in caplog.records:
        if record.name == "lindungi.request":
            out.append(json.loads(formatter.format(record)))
    assert id_filter  # the filter is wired in settings.LOGGING; the formatter falls back to the context
    return out


def test_a_request_gets_an_id_and_one_json_line(client, request_log):
    response = client.get("/healthz")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    (line,) = [entry for entry in _lines(request_log)]
    assert line["route"] == "/healthz" and line["method"] == "GET" and line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["level"] == "INFO"
    assert "request_id" in line and line["logger"] == "lindungi.request"


def test_the_callers_request_id_is_kept_and_a_bad_one_replaced(client, request_log):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-0123456789abcdef")["X-Request-ID"] == "lb-0123456789abcdef"
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="<script>3201010101010001</script>")["X-Request-ID"]
    assert "script" not in replaced and len(replaced) == 32


@pytest.mark.django_db
def test_the_log_names_the_route_template_never_the_path_or_query(client, request_log, analyst):
    client.force_login(analyst)
    client.get("/persons/00000000-0000-0000-0000-000000000000/?nik=3201010101010001&name=Siti")
    client.get("/no-such-page/3201010101010001")
    lines = _lines(request_log)
    text = json.dumps(lines)
    assert "3201010101010001" not in text and "Siti" not in text and "00000000-0000" not in text
    assert [line["route"] for line in lines] == ["/persons/<uuid:public_id>/", "<unmatched>"]
    assert [line["status"] for line in lines] == [404, 404]


def test_the_formatter_stamps_the_request_id_and_hides_exception_messages():
    token = request_id_var.set("req-12345678")
    try:
        try:
            raise ValueError("NIK 3201010101010001 is wrong")
        except ValueError:
            import sys
            record = logging.getLogger("x").makeRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "req-12345678" and line["exception"] == "ValueError"
    assert "3201010101010001" not in json.dumps(line)


def test_django_request_messages_lose_their_arguments():
    record = logging.getLogger("django.request").makeRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/x/3201010101010001",), None)
    assert "3201010101010001" not in JsonFormatter().format(record)


def test_logging_settings_follow_the_environment(monkeypatch):
    import importlib

    import config.settings as settings_module
    monkeypatch.setenv("LOG_FORMAT", "text")
    monkeypatch.setenv("LOG_REQUESTS", "false")
    try:
        reloaded = importlib.reload(settings_module)
        assert reloaded.LOGGING["handlers"]["console"]["formatter"] == "text"
        assert reloaded.LOGGING["loggers"]["lindungi.request"]["level"] == "WARNING"
    finally:
        monkeypatch.delenv("LOG_FORMAT")
        monkeypatch.delenv("LOG_REQUESTS")
        importlib.reload(settings_module)
