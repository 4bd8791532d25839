"""Domain errors raised once by services and rendered by the API (JSON) and the web UI (forms/messages).

Every error carries a stable machine code, a human message and, for validation, a mapping of
field name to the reasons that field was refused.
"""

from collections.abc import Mapping


class DomainError(Exception):
    status_code = 400
    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, fields: Mapping[str, list[str]] | None = None):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.fields = {name: [str(m) for m in msgs] for name, msgs in (fields or {}).items()}


class ValidationFailed(DomainError):
    status_code = 422
    code = "validation_error"

    @classmethod
    def from_fields(cls, fields: Mapping[str, list[str] | str], message: str | None = None) -> "ValidationFailed":
        normalised = {k: ([v] if isinstance(v, str) else list(v)) for k, v in fields.items()}
        if message is None:
            first = next(iter(normalised.items()), None)
            message = f"{first[0]}: {first[1][0]}" if first else "Invalid input"
        return cls(message, fields=normalised)


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status_code = 403
    code = "permission_denied"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class AuthenticationFailed(DomainError):
    status_code = 401
    code = "authentication_failed"


class TooManyAttempts(DomainError):
    """Too many failed sign-ins from this client (for this username, or for any): wait and retry."""

    status_code = 429
    code = "too_many_attempts"
