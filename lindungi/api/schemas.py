from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from lindungi.common.errors import ValidationFailed


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


def refuse_identifiers_in_url(request, *, post_route: str) -> None:
    """A NIK or passport number in a query string lands in every proxy's and server's access log, so
    a GET that carries one is refused (422, naming each such parameter) and pointed at the POST
    route that takes the same filters in its body. Names (``q`` without digits) stay allowed."""
    from lindungi.registry.nik import identifier_filters_in

    found = identifier_filters_in(request.GET)
    if found:
        message = _("NIK and passport numbers are not accepted in the address (URL); send them in the JSON "
                    "body of POST %(route)s.") % {"route": post_route}
        raise ValidationFailed.from_fields({name: message for name in found})


def coded(codes, *, blank: bool = False, also: tuple[str, ...] = ()) -> Any:
    """A text field holding one of a fixed set of codes, declared as an enum in the OpenAPI schema.
    ``codes``: a ``TextChoices`` class or an iterable of codes; ``blank``: "" is allowed too (a filter
    left empty); ``also``: accepted aliases (e.g. ``L``/``P`` for sex). Values are still checked by
    the domain, which answers every bad field at once with its own message."""
    values = list(codes.values) if isinstance(codes, type) else list(codes)
    enum = ([""] if blank else []) + values + [alias for alias in also if alias not in values]
    return Annotated[str, WithJsonSchema({"type": "string", "enum": enum})]
