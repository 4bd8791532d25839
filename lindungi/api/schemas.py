from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 423: ErrorOut}


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
