"""The arrivals board of an entry point and the arrival form. Thin: forms parse, selectors read,
``returns.services.arrival_record`` writes. Mirrors ``lindungi.api.routers.returns``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from lindungi.common.errors import DomainError, NotFound, PermissionDenied
from lindungi.returns import selectors, services
from lindungi.returns.perms import RETURN_VIEW, RETURN_WRITE
from lindungi.web.forms.returns import ArrivalFilterForm, ArrivalForm
from lindungi.web.helpers import apply_domain_error, domain_errors_to_http
from lindungi.web.views.placements import _int_param, _partial_or_full, _require_perm


@login_required
@domain_errors_to_http
def arrival_board(request):
    actor = request.user
    _require_perm(actor, RETURN_VIEW, _("You are not allowed to view arrivals."))
    form = ArrivalFilterForm(request.GET or None, entry_points=selectors.entry_points_for(actor))
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    page = selectors.arrival_list_for(actor, page=_int_param(request, "page", 1), **filters)
    context = {"form": form, "page": page, "can_record": actor.has_role_perm(RETURN_WRITE)}
    return _partial_or_full(request, "web/returns/arrival_board.html", "web/returns/_arrival_rows.html", context)


@login_required
@domain_errors_to_http
def arrival_create(request):
    actor = request.user
    _require_perm(actor, RETURN_WRITE, _("You are not allowed to record arrivals."))
    form = ArrivalForm(request.POST or None, initial={"case": request.GET.get("case", ""),
                                                      "placement": request.GET.get("placement", "")})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.arrival_record(actor=actor, data=form.cleaned_data, via="web")
            except (NotFound, PermissionDenied):
                raise
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Arrival recorded."))
                return redirect("web:arrival-board")
    return render(request, "web/returns/arrival_form.html", {"form": form}, status=status)


urlpatterns = [
    path("returns/", arrival_board, name="arrival-board"),
    path("returns/new/", arrival_create, name="arrival-create"),
]
