"""Refuse text that no database column can hold before any view sees it."""

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


class RejectNullCharactersMiddleware:
    """PostgreSQL cannot store NUL characters; a query or form value holding one would otherwise
    reach the database and fail there. Answer 400 naming the field instead (422 JSON for the API)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sources = [request.GET]
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            sources.append(request.POST)
        for source in sources:
            for key, values in source.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return self._refuse(request, key.replace("\x00", ""))
        return self.get_response(request)

    @staticmethod
    def _refuse(request, field: str):
        message = _("Null characters are not allowed.")
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "validation_error", "message": f"{field}: {message}",
                                 "fields": {field: [message]}}, status=422)
        return HttpResponseBadRequest(f"{field}: {message}")


# Paths whose answers never depend on who asks and carry no personal data: static files and the
# public pages and API (licence check, open job orders, schemes).
PUBLIC_PREFIXES = ("/static/", "/public/", "/api/v1/public/", "/api/v1/placements/schemes")


class PrivateResponsesMiddleware:
    """``Cache-Control: no-store`` on every answer that may carry personal data or a secret: any
    response to a signed-in user or a token holder (pages, exports, API) and every API answer outside
    the public routes (a token is a secret too). Neither a shared proxy nor the browser's cache
    keeps them, so the back button on a shared computer shows nothing after sign-out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        private_api = request.path.startswith("/api/") and not request.path.startswith(PUBLIC_PREFIXES)
        if signed_in or private_api:
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response
