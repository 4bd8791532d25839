"""Request ids, structured JSON logs and request metrics (docs/operations.md, "Logs" and "Metrics").

``RequestObservabilityMiddleware`` runs first: it takes the caller's ``X-Request-ID`` when it is a
plain token (else makes one), returns it on the response, and at the end logs one line on
``lindungi.request`` and counts the request in ``lindungi.ops.metrics``. What it logs and counts is
the route *template* (``/persons/<uuid:public_id>/``), never the path itself, the query string, the
body or who asked: a path or a query may hold a NIK or a name, and the log must carry none."""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from lindungi.ops import metrics

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
logger = logging.getLogger("lindungi.request")

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
UNMATCHED = "<unmatched>"

# The only attributes of a log record the formatter copies besides the message: each is a count, a
# name of code or a route template, never a value someone typed.
SAFE_FIELDS = ("method", "route", "status", "duration_ms")
# Loggers whose arguments are paths or values from the request: their message is written as its
# template ("Internal Server Error: %s"), without the arguments.
TEMPLATE_ONLY_LOGGERS = ("django.request", "django.server", "django.security")


def route_template(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED
    return "/" + match.route if match.route else UNMATCHED


class RequestObservabilityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            try:
                response = self.get_response(request)
            except Exception:
                duration = time.perf_counter() - started
                route = route_template(request)
                metrics.observe_request(method=request.method, route=route, status=500, seconds=duration)
                logger.exception("request failed", extra={
                    "method": request.method, "route": route, "status": 500,
                    "duration_ms": round(duration * 1000, 1)})
                raise
            duration = time.perf_counter() - started
            route = route_template(request)
            metrics.observe_request(method=request.method, route=route, status=response.status_code,
                                    seconds=duration)
            response[REQUEST_ID_HEADER] = request_id
            level = logging.ERROR if response.status_code >= 500 else logging.INFO
            logger.log(level, "request", extra={
                "method": request.method, "route": route, "status": response.status_code,
                "duration_ms": round(duration * 1000, 1)})
            return response
        finally:
            request_id_var.reset(token)


class RequestIdFilter(logging.Filter):
    """Stamps every record with the id of the request being served ("" outside a request)."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and the safe fields. An
    exception is reduced to its type and the code location, not its message (which may quote data)."""

    def format(self, record):
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": (str(record.msg) if record.name.startswith(TEMPLATE_ONLY_LOGGERS)
                        else record.getMessage()),
            "request_id": getattr(record, "request_id", "") or request_id_var.get(),
        }
        for field in SAFE_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, _exc, tb = record.exc_info
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            entry["exception"] = exc_type.__name__
            if tb is not None:
                entry["at"] = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
        return json.dumps(entry, ensure_ascii=False, default=str)
