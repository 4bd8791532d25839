"""Every answer under ``/api/`` is JSON, including the ones Django or ninja produce outside the API's
exception handlers: an unknown route (404), a method the route does not take (405) and a crash
(500, rendered by Django's handler as HTML). The body is the usual ``{code, message, fields}``; a
500 never carries a traceback or the exception text."""

from django.http import JsonResponse
from django.utils.translation import gettext as _

ERROR_CODES = {
    400: ("bad_request", lambda: _("Bad request.")),
    404: ("not_found", lambda: _("Not found.")),
    405: ("method_not_allowed", lambda: _("This method is not allowed here.")),
    500: ("server_error", lambda: _("Internal error; nothing was changed. Please try again later.")),
}


def error_body(status: int) -> dict:
    code, message = ERROR_CODES[status]
    return {"code": code, "message": str(message()), "fields": {}}


class JsonApiErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.path.startswith("/api/") and response.status_code in ERROR_CODES
                and not response.get("Content-Type", "").startswith("application/json")):
            replacement = JsonResponse(error_body(response.status_code), status=response.status_code)
            if response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            return replacement
        return response


class RejectUnknownQueryParametersMiddleware:
    """A query parameter the operation does not declare is refused with 422 naming it, instead of being
    ignored (``/placements?sex=F`` used to answer every placement as if unfiltered)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path.startswith("/api/") or not request.GET:
            return None
        from lindungi.api.spec import operation_for, query_parameters

        operation = operation_for(request)
        if operation is None:
            return None
        accepted = query_parameters(operation)
        unknown = sorted(set(request.GET) - accepted)
        if not unknown:
            return None
        if accepted:
            message = _("Unknown parameter; this operation accepts: %(names)s.") % {
                "names": ", ".join(sorted(accepted))}
        else:
            message = _("Unknown parameter; this operation takes no query parameters.")
        return JsonResponse({"code": "validation_error", "message": f"{unknown[0]}: {message}",
                             "fields": {name: [message] for name in unknown}}, status=422)
