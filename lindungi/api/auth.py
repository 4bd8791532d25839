from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from lindungi.accounts.services import api_token_resolve


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_resolve(token)
        if user is not None:
            request.user = user
            request.lindungi_via = "api"
        return user


class StaffSession(SessionAuth):
    """Lets a signed-in staff member use the interactive docs with their browser session."""

    def authenticate(self, request: HttpRequest, key):
        user = super().authenticate(request, key)
        if user is not None:
            request.lindungi_via = "api"
        return user


API_AUTH = [BearerToken(), StaffSession()]
