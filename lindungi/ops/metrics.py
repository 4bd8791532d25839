"""Prometheus text exposition (version 0.0.4), written by hand: no client library to install.

Request counters and latency histograms live in this process; under gunicorn each worker keeps its
own, so a scrape sees one worker's share (Prometheus ``rate()``/``sum`` over scrapes still shows
trends; see docs/operations.md). The queue depth and import rows are read from the database at each
scrape, so they are the same whichever worker answers."""

import threading
from collections import defaultdict

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

_lock = threading.Lock()
_requests: dict[tuple[str, str, str], int] = defaultdict(int)
_errors: dict[tuple[str, str], int] = defaultdict(int)
_latency_buckets: dict[tuple[str, str], list[int]] = {}
_latency_sum: dict[tuple[str, str], float] = defaultdict(float)
_latency_count: dict[tuple[str, str], int] = defaultdict(int)


def observe_request(*, method: str, route: str, status: int, seconds: float) -> None:
    with _lock:
        _requests[(method, route, str(status))] += 1
        if status >= 500:
            _errors[(method, route)] += 1
        key = (method, route)
        buckets = _latency_buckets.setdefault(key, [0] * len(BUCKETS))
        for i, bound in enumerate(BUCKETS):
            if seconds <= bound:
                buckets[i] += 1
        _latency_sum[key] += seconds
        _latency_count[key] += 1


def reset() -> None:
    with _lock:
        for store in (_requests, _errors, _latency_buckets, _latency_sum, _latency_count):
            store.clear()


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(**labels) -> str:
    return "{" + ",".join(f'{name}="{_escape(str(value))}"' for name, value in labels.items()) + "}"


def _number(value: float) -> str:
    return repr(float(value)) if isinstance(value, float) else str(value)


def render(gauges: dict[str, tuple[str, str, dict[tuple, float]]]) -> str:
    """The whole exposition; ``gauges`` maps a metric name to (type, help, {label pairs: value})."""
    lines = []
    with _lock:
        lines += ["# HELP lindungi_http_requests_total HTTP requests by method, route template and status.",
                  "# TYPE lindungi_http_requests_total counter"]
        for (method, route, status), count in sorted(_requests.items()):
            lines.append(f"lindungi_http_requests_total{_labels(method=method, route=route, status=status)} {count}")
        lines += ["# HELP lindungi_http_errors_total HTTP answers with a 5xx status or an unhandled exception.",
                  "# TYPE lindungi_http_errors_total counter"]
        for (method, route), count in sorted(_errors.items()):
            lines.append(f"lindungi_http_errors_total{_labels(method=method, route=route)} {count}")
        lines += ["# HELP lindungi_http_request_duration_seconds Time to answer, by method and route template.",
                  "# TYPE lindungi_http_request_duration_seconds histogram"]
        for (method, route), buckets in sorted(_latency_buckets.items()):
            for bound, count in zip(BUCKETS, buckets, strict=True):
                lines.append("lindungi_http_request_duration_seconds_bucket"
                             f"{_labels(method=method, route=route, le=_number(bound))} {count}")
            total = _latency_count[(method, route)]
            lines.append("lindungi_http_request_duration_seconds_bucket"
                         f"{_labels(method=method, route=route, le='+Inf')} {total}")
            lines.append("lindungi_http_request_duration_seconds_sum"
                         f"{_labels(method=method, route=route)} {_number(_latency_sum[(method, route)])}")
            lines.append(f"lindungi_http_request_duration_seconds_count{_labels(method=method, route=route)} {total}")
    for name, (kind, help_text, samples) in sorted(gauges.items()):
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        for label_pairs, value in sorted(samples.items()):
            lines.append(f"{name}{_labels(**dict(label_pairs)) if label_pairs else ''} {_number(value)}")
    return "\n".join(lines) + "\n"
