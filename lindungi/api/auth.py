from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from lindungi.accounts.services import api_token_resolve


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_resolve(token)
        if user is not None:
            request.user = user
            request.lindungi_via = "api"
        else:
            request.lindungi_bad_token = True  # answered 401 with error="invalid_token"
        return user


class StaffSession(SessionAuth):
    """Lets a signed-in staff member use the interactive docs with their browser session.

    The CSRF check applies only to a request that carries a signed-in session: a request with no
    session (or an expired one) is simply not authenticated by this method, so a client that sent
    no token or a bad one gets 401, not a 403 about CSRF."""

    def _get_key(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key):
        user = super().authenticate(request, key)
        if user is not None:
            request.lindungi_via = "api"
        return user


API_AUTH = [BearerToken(), StaffSession()]
