"""The checkpoint desk and the departure screens.

- the desk (``/departures/desk/``): one field for the NIK or passport number, the trip kept from the
  previous check, a large verdict with every reason below it, and for a cleared traveller a button
  that records the departure. Built for speed on a phone: one request per check (htmx swaps only the
  verdict), no tables;
- today's checks at the officer's post.

Thin: forms parse input, selectors read, services write (``actor=request.user, via="web"``).
Mirrors ``lindungi.api.routers.departures``.
"""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lindungi.common.errors import DomainError
from lindungi.departures import credentials, selectors, services
from lindungi.departures.perms import DEPARTURE_CHECK, DEPARTURE_VIEW, INTERCEPTION_RECORD, WATCHLIST_MANAGE
from lindungi.web.choices import lang
from lindungi.web.forms.departures import (
    DeskForm,
    InterceptionForm,
    WatchlistForm,
    WatchlistRemoveForm,
    WatchlistReviewForm,
)
from lindungi.web.helpers import (
    apply_domain_error,
    domain_errors_to_http,
    page_number,
    page_window,
    search_identifier,
)

VIA = "web"
PAGE_SIZE = 50
TRIP_FIELDS = ("destination", "flight", "travel_date", "post")
SESSION_TRIP = "departure_desk_trip"


def _require(user, perm) -> None:
    if not user.has_role_perm(perm):
        raise DjangoPermissionDenied


def reason_messages(reasons: list[dict]) -> list[dict]:
    key = "message_en" if lang() == "en" else "message_id"
    return [{"code": r["code"], "message": r[key]} for r in reasons]


def desk_texts() -> dict:
    """What the offline verifier says: the credential problems (one table, ``credentials.MESSAGES``)
    and the desk's own labels, in the page's language."""
    return {
        "messages": credentials.MESSAGES,
        "labels": {
            "cleared": _("CLEARED"), "not_cleared": _("NOT CLEARED"), "offline": _("Offline"),
            "offline_check": _("verified offline"), "passport": _("Passport"), "valid_until": _("valid until"),
            "crl_age": _("revocation list {minutes} min old ({n} revoked)"),
            "no_crl": _("no revocation list yet: connect once to fetch it"),
            "queued": _("{n} check(s) waiting for upload"),
            "no_credential": _("Offline, only a departure credential can be verified: scan the worker's card. "
                               "The check is kept and uploaded when the network returns."),
        },
    }


def _desk_context(request, form, check=None) -> dict:
    return {
        "desk_texts": desk_texts(),
        "form": form,
        "check": check,
        "reasons": reason_messages(check.reasons) if check is not None else [],
        "post": selectors.post_of(request.user),
        "can_depart": check is not None and check.verdict == "cleared" and check.placement_id is not None
                      and check.departed_at is None,
    }


@login_required
@domain_errors_to_http
def desk(request):
    _require(request.user, DEPARTURE_CHECK)
    trip = request.session.get(SESSION_TRIP, {})
    if request.method != "POST":
        form = DeskForm(initial={**trip, "travel_date": timezone.localdate()})
        return render(request, "web/departures/desk.html", _desk_context(request, form))
    form = DeskForm(request.POST)
    check, status = None, 200
    if form.is_valid():
        data = {**form.cleaned_data, "travel_date": form.cleaned_data["travel_date"].isoformat()}
        try:
            check, _created = services.departure_check_record(actor=request.user, data=data, via=VIA)
        except DomainError as exc:
            apply_domain_error(form, exc)
            status = 422
        else:
            request.session[SESSION_TRIP] = {k: data[k] for k in TRIP_FIELDS if k != "travel_date"}
            form = DeskForm(initial={**{k: data[k] for k in TRIP_FIELDS}})
    else:
        status = 422
    context = _desk_context(request, form, check)
    template = "web/departures/_desk_body.html" if request.htmx else "web/departures/desk.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
@domain_errors_to_http
def check_depart(request, public_id):
    _require(request.user, DEPARTURE_CHECK)
    try:
        check = services.departure_check_depart(actor=request.user, public_id=public_id, via=VIA)
        error = None
    except DomainError as exc:
        check = selectors.departure_check_get_for(request.user, public_id, via=VIA)
        error = exc
    form = DeskForm(initial={**request.session.get(SESSION_TRIP, {}), "travel_date": timezone.localdate()})
    context = {**_desk_context(request, form, check), "departed": error is None,
               "depart_error": error and (error.message, sum(error.fields.values(), []))}
    template = "web/departures/_desk_body.html" if request.htmx else "web/departures/desk.html"
    return render(request, template, context, status=200 if error is None else error.status_code)


@login_required
@domain_errors_to_http
def check_list(request):
    _require(request.user, DEPARTURE_VIEW)
    day = timezone.localdate()
    page = selectors.departure_check_list_for(request.user, day=day, page_size=PAGE_SIZE, via=VIA)
    rows = [{"check": c, "reasons": reason_messages(c.reasons)} for c in page.items]
    return render(request, "web/departures/check_list.html", {"page": page, "rows": rows, "day": day})


@login_required
@domain_errors_to_http
def check_detail(request, public_id):
    check = selectors.departure_check_get_for(request.user, public_id, via=VIA)
    form = DeskForm(initial={**request.session.get(SESSION_TRIP, {}), "travel_date": timezone.localdate()})
    if not request.user.has_role_perm(DEPARTURE_CHECK):
        return render(request, "web/departures/check_detail.html",
                      {"check": check, "reasons": reason_messages(check.reasons)})
    return render(request, "web/departures/desk.html", _desk_context(request, form, check))


# ---------------------------------------------------------------------------------------------
# Watch list
# ---------------------------------------------------------------------------------------------

WATCHLIST_TABS = (("active", gettext_lazy("In force")), ("review", gettext_lazy("Review due")),
                  ("expired", gettext_lazy("Expired")), ("removed", gettext_lazy("Removed")))


@login_required
@domain_errors_to_http
def watchlist_list(request):
    if request.method == "POST":
        _require(request.user, WATCHLIST_MANAGE)  # adding an entry, like the detail page's review and removal
    status = request.GET.get("status", "active")
    status = status if status in dict(WATCHLIST_TABS) else "active"
    q = request.GET.get("q", "")[:60]
    page = selectors.watchlist_list_for(request.user, status=status, q=q, page=page_number(request), via=VIA)
    form = None
    if request.user.has_role_perm(WATCHLIST_MANAGE):
        form = WatchlistForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = {**form.cleaned_data, "valid_until": form.cleaned_data["valid_until"].isoformat()}
            try:
                entry = services.watchlist_add(actor=request.user, data=data, via=VIA)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Added to the watch list."))
                return redirect("web:watchlist-detail", public_id=entry.public_id)
    return render(request, "web/departures/watchlist_list.html", {
        "page": page, "tabs": WATCHLIST_TABS, "status": status, "q": q, "form": form,
        "window": page_window(page)}, status=422 if form is not None and form.errors else 200)


@login_required
@domain_errors_to_http
def watchlist_detail(request, public_id):
    entry = selectors.watchlist_get_for(request.user, public_id, via=VIA)
    review_form, remove_form = WatchlistReviewForm(), WatchlistRemoveForm()
    status = 200
    if request.method == "POST":
        _require(request.user, WATCHLIST_MANAGE)
        action = request.POST.get("action")
        form = WatchlistReviewForm(request.POST) if action == "review" else WatchlistRemoveForm(request.POST)
        if form.is_valid():
            try:
                if action == "review":
                    services.watchlist_review(actor=request.user, public_id=public_id, via=VIA,
                                              note=form.cleaned_data["note"],
                                              valid_until=form.cleaned_data["valid_until"])
                else:
                    services.watchlist_remove(actor=request.user, public_id=public_id,
                                              reason=form.cleaned_data["reason"], via=VIA)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("web:watchlist-detail", public_id=public_id)
        status = 422
        review_form, remove_form = (form, remove_form) if action == "review" else (review_form, form)
    return render(request, "web/departures/watchlist_detail.html", {
        "entry": entry, "review_form": review_form, "remove_form": remove_form,
        "can_manage": request.user.has_role_perm(WATCHLIST_MANAGE) and entry.removed_at is None}, status=status)


# ---------------------------------------------------------------------------------------------
# Interceptions
# ---------------------------------------------------------------------------------------------


def _interception_data(form) -> dict:
    data = dict(form.cleaned_data)
    travellers = [{"full_name": data.pop("full_name"), "nik": data.pop("nik"),
                   "passport_number": data.pop("passport_number")}]
    for i in range(1, form.COMPANIONS + 1):
        name, ident = data.pop(f"companion_{i}_name").strip(), data.pop(f"companion_{i}_id").strip().upper()
        if name or ident:
            key = "nik" if ident.isdigit() else "passport_number"
            travellers.append({"full_name": name, key: ident})
    data["travellers"] = travellers
    data["transit_countries"] = [c.strip() for c in data["transit_countries"].split(",") if c.strip()]
    return data


_TRAVELLER_FIELDS = {"travellers.0.full_name": "full_name", "travellers.0.nik": "nik",
                     "travellers.0.passport_number": "passport_number"}


@login_required
@domain_errors_to_http
def interception_create(request):
    _require(request.user, INTERCEPTION_RECORD)
    status = 200
    if request.method == "POST":
        form = InterceptionForm(request.POST)
        if form.is_valid():
            try:
                rows = services.interception_record(actor=request.user, data=_interception_data(form), via=VIA)
            except DomainError as exc:
                exc.fields = {_TRAVELLER_FIELDS.get(k, k): v for k, v in exc.fields.items()}
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Interception recorded."))
                return redirect("web:interception-detail", public_id=rows[0].public_id)
        status = 422
    else:
        check = request.GET.get("check", "")
        initial = {"departure_check": check}
        if check:
            found = selectors.departure_check_get_for(request.user, check, via=VIA)
            initial.update(destination=found.destination.iso2, flight=found.flight,
                           **({"nik": found.identifier} if found.identifier_kind == "nik"
                              else {"passport_number": found.identifier}),
                           full_name=found.person.full_name if found.person else "")
        form = InterceptionForm(initial=initial)
    return render(request, "web/departures/interception_form.html", {"form": form}, status=status)


@login_required
@domain_errors_to_http
def interception_list(request):
    page = selectors.interception_list_for(request.user, page=page_number(request), via=VIA)
    return render(request, "web/departures/interception_list.html", {"page": page, "window": page_window(page)})


@login_required
@domain_errors_to_http
def interception_detail(request, public_id):
    return render(request, "web/departures/interception_detail.html",
                  selectors.interception_get_for(request.user, public_id, via=VIA))


# ---------------------------------------------------------------------------------------------
# Departure credential card
# ---------------------------------------------------------------------------------------------


def qr_svg(text: str) -> str:
    """An inline SVG QR code (segno, error correction M) for a token."""
    import segno

    return segno.make(text, error="m", micro=False).svg_inline(scale=3, border=2, svgclass="qr", title="QR")


@login_required
@domain_errors_to_http
def placement_credential(request, public_id):
    """The printable card: the worker's name, what the credential holds and its QR code (print it
    from the browser, or save as PDF)."""
    # Checkpoint officers come from their search (``?search=<key>``), which holds the NIK they used.
    identifier = search_identifier(request, "placements", request.GET.get("search", ""))
    credential = selectors.credential_for_placement(request.user, public_id, via=VIA, identifier=identifier)
    return render(request, "web/departures/credential_card.html",
                  {"credential": credential, "qr": qr_svg(credential.token)})


def desk_service_worker(request):
    """The desk's service worker, served under /departures/ so that it may control the desk."""
    from django.templatetags.static import static

    precache = [reverse("web:departure-desk"), static("vendor/pico-2.1.1.min.css"), static("web/app.css"),
                static("vendor/htmx-2.0.11.min.js"), static("web/app.js"), static("web/desk.js"),
                "/api/v1/public/credential-keys"]
    response = render(request, "web/departures/sw.js",
                      {"precache": json.dumps(precache), "static_prefix": settings.STATIC_URL},
                      content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/departures/"
    response["Cache-Control"] = "no-cache"
    return response


def desk_redirect(request):
    return redirect("web:departure-desk")


urlpatterns = [
    path("departures/", desk_redirect, name="departures"),
    path("departures/desk/", desk, name="departure-desk"),
    path("departures/sw.js", desk_service_worker, name="departure-desk-sw"),
    path("departures/checks/", check_list, name="departure-check-list"),
    path("departures/checks/<uuid:public_id>/", check_detail, name="departure-check-detail"),
    path("departures/checks/<uuid:public_id>/depart/", check_depart, name="departure-check-depart"),
    path("placements/<uuid:public_id>/credential/", placement_credential, name="placement-credential"),
    path("departures/watchlist/", watchlist_list, name="watchlist-list"),
    path("departures/watchlist/<uuid:public_id>/", watchlist_detail, name="watchlist-detail"),
    path("departures/interceptions/", interception_list, name="interception-list"),
    path("departures/interceptions/new/", interception_create, name="interception-create"),
    path("departures/interceptions/<uuid:public_id>/", interception_detail, name="interception-detail"),
]
