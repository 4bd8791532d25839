"""Interactive API documentation served from vendored Swagger UI (no CDN, no inline script)."""

import json

from django.shortcuts import render
from ninja.openapi.docs import Swagger


class VendoredSwagger(Swagger):
    template = "api/swagger.html"

    def render_page(self, request, api, **kwargs):
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        # The settings are embedded in a JSON data block: "</" must not close the script element.
        context = {"swagger_settings": json.dumps(settings).replace("</", "<\\/"), "api": api,
                   "add_csrf": any(getattr(auth, "csrf", False) for auth in api.auth or ())}
        return render(request, self.template, context)
