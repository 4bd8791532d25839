"""Probes for the load balancer and the process supervisor: no sign-in, no personal data, never cached."""

import hmac

from django.conf import settings
from django.db.models import Sum
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lindungi.common import replica
from lindungi.imports.models import ImportBatch
from lindungi.ops import health, metrics


def _answer(ok: bool, body: dict) -> JsonResponse:
    response = JsonResponse({"status": "ok" if ok else "unavailable", **body}, status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_GET
def healthz(request):
    """The process answers; touches no database."""
    return _answer(True, {})


@never_cache
@require_GET
def readyz(request):
    """The database answers, the background worker's heartbeats are fresh and the disk has room."""
    ok, checks = health.readiness()
    return _answer(ok, {"checks": checks})


def _scrape_gauges() -> dict:
    queued = health.queue_depth()
    rows: dict[tuple, float] = {}
    for entry in ImportBatch.objects.values("kind").annotate(
            imported=Sum("imported_rows"), existing=Sum("existing_rows"), errors=Sum("error_rows")):
        for outcome in ("imported", "existing", "errors"):
            rows[(("kind", entry["kind"]), ("outcome", outcome))] = entry[outcome] or 0
    gauges = {
        "lindungi_background_queue_depth": (
            "gauge", "Imports and exports waiting for a worker.",
            {(("queue", name),): count for name, count in queued.items()}),
        "lindungi_import_rows_processed_total": (
            "counter", "Rows of every import so far, by import kind and outcome.", rows),
    }
    standby = replica.state(fresh=True)
    if standby.configured:
        gauges["lindungi_replica_usable"] = (
            "gauge", "1 when reports read from the standby (it answers and is within REPLICA_MAX_LAG_SECONDS).",
            {(): 1 if standby.usable else 0})
        if standby.lag_seconds is not None:
            gauges["lindungi_replica_lag_seconds"] = (
                "gauge", "How far the standby's replay is behind the primary.", {(): standby.lag_seconds})
    return gauges


@never_cache
@require_GET
def metrics_view(request):
    """Prometheus text format for a scraper holding ``METRICS_TOKEN``; 404 when no token is configured
    (the route then does not exist for anyone), 401 for a missing or wrong token."""
    token = settings.METRICS_TOKEN
    if not token:
        return HttpResponse(status=404)
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    response = HttpResponse(metrics.render(_scrape_gauges()), content_type="text/plain; version=0.0.4; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
