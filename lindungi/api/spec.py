"""The OpenAPI operation a request is for, read from the API's own schema: the query parameters it
declares (anything else is refused) and its ``operationId`` (for error handling that depends on the
operation). Built once per process from ``api.get_openapi_schema()``, so the schema the clients
read and the parameters the server accepts cannot drift apart."""

import re
from functools import cache

_CONVERTER = re.compile(r"<(?:[^>:]+:)?([^>]+)>")


@cache
def _operations() -> dict[str, dict[str, dict]]:
    from lindungi.api.urls import api

    return {path: {method.upper(): op for method, op in ops.items() if isinstance(op, dict)}
            for path, ops in api.get_openapi_schema()["paths"].items()}


def operation_for(request) -> dict | None:
    """The schema's operation object for this request, or None (docs, schema, unknown routes)."""
    match = getattr(request, "resolver_match", None)
    if match is None or not match.route:
        return None
    path = "/" + _CONVERTER.sub(r"{\1}", match.route)
    return _operations().get(path, {}).get(request.method)


def query_parameters(operation: dict) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
