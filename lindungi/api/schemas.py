from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError


def _contains_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_contains_nul(v) for v in value)
    return False


class InputSchema(Schema):
    """Base of every request schema (bodies and query filters). Refuses NUL characters in any text,
    naming the field: PostgreSQL cannot store or even compare them, and no real value holds one."""

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value):
        # After validation, so a nested schema has already checked (and named) its own fields.
        if _contains_nul(value):
            raise PydanticCustomError("null_character", _("Null characters are not allowed."))
        return value


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def related(path: str) -> staticmethod:
    """A ninja resolver that follows a dotted attribute path and answers None where a link is empty,
    e.g. ``resolve_agency_name = related("agency.legal_name")``."""
    names = path.split(".")

    def resolve(obj):
        value = obj
        for name in names:
            value = getattr(value, name, None)
            if value is None:
                return None
        return value

    return staticmethod(resolve)
