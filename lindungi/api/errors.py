"""Every API error is JSON ``{code, message, fields}``."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from lindungi.common.errors import DomainError


def _field_name(loc: list) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload", "data", "file")]
    return ".".join(parts) or "body"


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
        first = next(iter(fields.items()), ("body", ["invalid"]))
        return api.create_response(
            request,
            {"code": "validation_error", "message": f"{first[0]}: {first[1][0]}", "fields": fields},
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request, exc):
        return api.create_response(
            request, {"code": "not_authenticated", "message": "Authentication required", "fields": {}}, status=401
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"code": "not_found", "message": "Not found", "fields": {}}, status=404)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return api.create_response(
            request, {"code": "http_error", "message": str(exc), "fields": {}}, status=exc.status_code
        )
