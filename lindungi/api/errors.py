"""Every API error is JSON ``{code, message, fields}``.

A request whose body has type errors (a number where text belongs) never reaches its handler, so the
domain's value checks would not run and a client fixing the types would then meet a second round of
errors. Operations register their value checks here (``value_check``); a body with type errors is then
also checked for values with the badly typed fields left out, and one 422 names every bad field."""

import json
from collections.abc import Callable

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from lindungi.common.errors import DomainError


def _field_name(loc: list) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload", "data", "file")]
    return ".".join(parts) or "body"


# operationId -> check(raw body without the badly typed fields) -> {field: [messages]}
VALUE_CHECKS: dict[str, Callable[[dict], dict[str, list[str]]]] = {}

# Codes the adapter itself sends besides the domain's errors (DomainError subclasses and their
# ``code=`` arguments): docs/api.md lists them all, which tests/api_docs checks.
ADAPTER_CODES = {
    "validation_error": 422, "not_authenticated": 401, "invalid_token": 401, "not_found": 404,
    "bad_request": 400, "csrf_failed": 403, "method_not_allowed": 405, "server_error": 500,
}
HTTP_ERROR_CODES = {400: "bad_request", 403: "csrf_failed", 404: "not_found", 405: "method_not_allowed",
                    429: "throttled"}


def value_check(*operation_ids: str):
    """Register a function as the value check of these operations' bodies."""
    def register(check):
        for operation_id in operation_ids:
            VALUE_CHECKS[operation_id] = check
        return check
    return register


def _with_value_errors(request, fields: dict[str, list[str]]) -> dict[str, list[str]]:
    from lindungi.api.spec import operation_for

    check = VALUE_CHECKS.get((operation_for(request) or {}).get("operationId", ""))
    if check is None:
        return fields
    try:
        raw = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return fields
    if not isinstance(raw, dict):
        return fields
    mistyped = {name.split(".")[0] for name in fields}
    merged = dict(fields)
    for name, messages in check({k: v for k, v in raw.items() if k not in mistyped}).items():
        if name.split(".")[0] not in mistyped:
            merged.setdefault(name, []).extend(messages)
    return merged


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return api.create_response(
            request, {"code": exc.code, "message": exc.message, "fields": exc.fields}, status=exc.status_code
        )

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            fields.setdefault(_field_name(list(err.get("loc", []))), []).append(err.get("msg", "invalid"))
        fields = _with_value_errors(request, fields)
        first = next(iter(fields.items()), ("body", ["invalid"]))
        return api.create_response(
            request,
            {"code": "validation_error", "message": f"{first[0]}: {first[1][0]}", "fields": fields},
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request, exc):
        # RFC 6750: a missing token is a bare challenge; a token we do not accept is "invalid_token".
        bad = getattr(request, "lindungi_bad_token", False)
        response = api.create_response(request, {
            "code": "invalid_token" if bad else "not_authenticated",
            "message": str(_("The token is invalid, expired or revoked.") if bad else _("Authentication required.")),
            "fields": {},
        }, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="lindungi"' + (', error="invalid_token"' if bad else "")
        return response

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"code": "not_found", "message": "Not found", "fields": {}}, status=404)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return api.create_response(request, {
            "code": HTTP_ERROR_CODES.get(exc.status_code, "http_error"), "message": str(exc), "fields": {},
        }, status=exc.status_code)
