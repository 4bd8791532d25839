"""Glue between domain errors and Django forms/messages, shared by every web view."""

import secrets
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from lindungi.common.errors import DomainError, NotFound, PermissionDenied
from lindungi.registry.nik import identifier_filters_in


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


# --- searches that never put a NIK or passport number in an address -----------------------------------
#
# A list's search form is posted; its fields are kept in the session under a random key and the
# browser is sent (303) to ``<list>?search=<key>``, so the results, their pages and their export links
# have an address that means nothing outside this session and never carries an identifier (which
# would otherwise be written to proxy and server access logs and the browser history).

SAVED_SEARCHES = "lindungi_searches"
MAX_SAVED_SEARCHES = 20
NOT_SEARCHED = ("csrfmiddlewaretoken", "page", "search")


def search_remember(request, scope: str) -> HttpResponseRedirect:
    """Answer a search form's POST: remember its fields and redirect to ``?search=<key>``."""
    key = secrets.token_urlsafe(9)
    saved = dict(request.session.get(SAVED_SEARCHES, {}))
    saved[key] = {"scope": scope, "data": {name: request.POST.getlist(name) for name in request.POST
                                          if name not in NOT_SEARCHED}}
    for old in list(saved)[:-MAX_SAVED_SEARCHES]:
        del saved[old]
    request.session[SAVED_SEARCHES] = saved
    response = HttpResponseRedirect(f"{request.path}?{urlencode({'search': key})}")
    response.status_code = 303  # the browser (or htmx) follows with a GET
    return response


def search_identifier(request, scope: str, key: str) -> dict:
    """The NIK and passport number of the remembered search ``key`` (empty when there is none): what a
    checkpoint officer looked a record up by, handed to the selectors that require it."""
    saved = request.session.get(SAVED_SEARCHES, {}).get(key or "")
    data = saved["data"] if saved and saved["scope"] == scope else {}
    return {name: (data.get(name) or [""])[-1] for name in ("nik", "passport")}


def search_params(request, scope: str) -> tuple[QueryDict, str]:
    """The filters of a list page: the remembered search named by ``?search=`` with the other query
    parameters (page, state, …) on top. A NIK or passport number typed into the address is not used;
    the second value is then the message that says why (the page answers 400 with it)."""
    params = QueryDict(mutable=True)
    saved = request.session.get(SAVED_SEARCHES, {}).get(request.GET.get("search", ""))
    if saved and saved["scope"] == scope:
        for name, values in saved["data"].items():
            params.setlist(name, values)
    refused = identifier_filters_in(request.GET)
    for name, values in request.GET.lists():
        if name not in refused and name != "search":
            params.setlist(name, values)
    message = _("NIK and passport numbers are not accepted in the address; use the search form.") if refused else ""
    return params, message


def push_search_url(request, response):
    """After an htmx search, show the results' address (``?search=<key>``) in the address bar."""
    if request.htmx and "search" in request.GET:
        response["HX-Push-Url"] = request.get_full_path()
    return response


def int_param(request, name: str, default: int) -> int:
    """A whole-number query parameter; empty gives ``default``, anything else not a number 0 (which
    ``paginate()`` then refuses with a field message)."""
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        return 0


def partial_or_full(request, full: str, partial: str, context: dict, status: int = 200):
    """htmx requests get only the results fragment; history restores and normal requests the page."""
    template = partial if request.htmx and not request.htmx.history_restore_request else full
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response
