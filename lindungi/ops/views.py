"""Probes for the load balancer and the process supervisor: no sign-in, no personal data, never cached."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lindungi.ops import health


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
