"""What the access log records about the request being answered: the URL pattern that answered it.

The middleware (``lindungi.audit.middleware.RequestContextMiddleware``) sets it for each request; a
management command or the background worker leaves it empty (their rows carry ``via`` instead)."""

from contextvars import ContextVar

current_route: ContextVar[str] = ContextVar("lindungi_current_route", default="")
