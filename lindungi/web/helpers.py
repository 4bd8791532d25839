"""Glue between domain errors and Django forms/messages, shared by every web view."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404

from lindungi.common.errors import DomainError, NotFound, PermissionDenied


def apply_domain_error(form, exc: DomainError) -> None:
    """Attach field errors to the form fields they name; the rest become non-field errors."""
    placed = False
    for field, msgs in exc.fields.items():
        for msg in msgs:
            if form is not None and field in form.fields:
                form.add_error(field, msg)
                placed = True
            elif form is not None:
                form.add_error(None, f"{field}: {msg}")
                placed = True
    if form is not None and not placed:
        form.add_error(None, exc.message)


def domain_errors_to_http(view):
    """NotFound → 404 and PermissionDenied → 403 for web views; other domain errors become a message."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message)

    return wrapper


def flash_error(request, exc: DomainError) -> None:
    messages.error(request, exc.message)


def page_window(page) -> list[int]:
    """Page numbers to show around the current page."""
    start = max(1, page.page - 3)
    end = min(page.pages, page.page + 3)
    return list(range(start, end + 1))


def page_number(request) -> int:
    """The ``page`` query parameter, 1 when missing or not a number."""
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1
