"""The checkpoint desk and the departure screens.

- the desk (``/departures/desk/``): one field for the NIK or passport number, the trip kept from the
  previous check, a large verdict with every reason below it, and for a cleared traveller a button
  that records the departure. Built for speed on a phone: one request per check (htmx swaps only the
  verdict), no tables;
- today's checks at the officer's post.

Thin: forms parse input, selectors read, services write (``actor=request.user, via="web"``).
Mirrors ``lindungi.api.routers.departures``.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from lindungi.common.errors import DomainError
from lindungi.departures import selectors, services
from lindungi.departures.perms import DEPARTURE_CHECK, DEPARTURE_VIEW
from lindungi.web.choices import lang
from lindungi.web.forms.departures import DeskForm
from lindungi.web.helpers import apply_domain_error, domain_errors_to_http

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


def _desk_context(request, form, check=None) -> dict:
    return {
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


def desk_redirect(request):
    return redirect("web:departure-desk")


urlpatterns = [
    path("departures/", desk_redirect, name="departures"),
    path("departures/desk/", desk, name="departure-desk"),
    path("departures/checks/", check_list, name="departure-check-list"),
    path("departures/checks/<uuid:public_id>/", check_detail, name="departure-check-detail"),
    path("departures/checks/<uuid:public_id>/depart/", check_depart, name="departure-check-depart"),
]
