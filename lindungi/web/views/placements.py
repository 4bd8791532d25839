"""Staff screens for placements: the pipeline board with filters, and a placement's page with its
checklist, timeline and next steps (each with the conditions still unmet) and the forms to move it
on and to record documents.

Thin: forms parse input, selectors read, services write; domain errors land on the forms.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lindungi.accounts.roles import Perm
from lindungi.agencies.models import Agency
from lindungi.common.errors import DomainError, PermissionDenied
from lindungi.placements import selectors, services
from lindungi.placements.checklist import ChecklistKind, ItemState
from lindungi.placements.models import Scheme
from lindungi.placements.states import PlacementState
from lindungi.reference.models import Country
from lindungi.web.helpers import apply_domain_error, domain_errors_to_http, page_window

VIA = "web"

STATUS_BADGE = {
    ItemState.OK: "badge-ok",
    ItemState.EXPIRING_SOON: "badge-warn",
    ItemState.EXPIRED: "badge-bad",
    ItemState.MISSING: "badge-bad",
    ItemState.EXPIRES_BEFORE_CONTRACT_END: "badge-bad",
}


def _lang() -> str:
    return "en" if (translation.get_language() or "id").lower().startswith("en") else "id"


def _int_param(request, name: str, default: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        return 0  # refused by paginate() with a field message


class PlacementFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name or NIK"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    scheme = forms.ChoiceField(label=gettext_lazy("Scheme"), required=False)
    country = forms.ChoiceField(label=gettext_lazy("Destination"), required=False)
    occupation = forms.CharField(label=gettext_lazy("Occupation (ISCO code)"), required=False, max_length=4)
    agency = forms.ChoiceField(label=gettext_lazy("P3MI"), required=False)
    nik = forms.CharField(label=gettext_lazy("NIK"), required=False, max_length=16)

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["state"].choices = every + list(PlacementState.choices)
        name = "name_en" if _lang() == "en" else "name_id"
        self.fields["scheme"].choices = every + [(s.code, getattr(s, name)) for s in Scheme.objects.order_by("code")]
        self.fields["country"].choices = every + [(c.iso2, getattr(c, name)) for c in Country.objects.order_by(name)]
        agencies = Agency.objects.visible_to(actor).order_by("legal_name") if actor else Agency.objects.none()
        self.fields["agency"].choices = every + [(str(a.public_id), a.legal_name) for a in agencies[:500]]


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(label=gettext_lazy("Move to"))
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_state"].choices = [(s["to_state"], s["label"]) for s in steps if s["permitted"]]


class ChecklistForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Document"), choices=ChecklistKind.choices)
    reference_number = forms.CharField(label=gettext_lazy("Reference number"), required=False, max_length=120,
                                       help_text=gettext_lazy("For a passport: leave empty to use the current one"))
    issued_on = forms.DateField(label=gettext_lazy("Issued / attended on"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=gettext_lazy("Valid until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text=gettext_lazy("Medical: 3 months by default"))
    witnessed_by = forms.CharField(label=gettext_lazy("Witnessed by (Disnaker)"), required=False, max_length=150,
                                   help_text=gettext_lazy("Placement agreement only"))
    verified_on = forms.DateField(label=gettext_lazy("PK verified on"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text=gettext_lazy("Employment contract only"))

    def service_data(self) -> dict:
        data = self.cleaned_data
        details = {}
        if data.get("witnessed_by"):
            details["witnessed_by"] = data["witnessed_by"]
        if data.get("verified_on"):
            details["verified_on"] = data["verified_on"].isoformat()
        return {"reference_number": data.get("reference_number", ""), "issued_on": data.get("issued_on"),
                "valid_until": data.get("valid_until"), "details": details}


FIELD_ALIASES = {"details.witnessed_by": "witnessed_by", "details.verified_on": "verified_on"}


def _alias_fields(exc: DomainError) -> DomainError:
    exc.fields = {FIELD_ALIASES.get(k, k): v for k, v in exc.fields.items()}
    return exc


@login_required
@domain_errors_to_http
def placement_list(request):
    actor = request.user
    if not actor.has_role_perm(Perm.PLACEMENT_VIEW):
        raise DjangoPermissionDenied(_("You are not allowed to view placements."))
    form = PlacementFilterForm(request.GET or None, actor=actor)
    filters = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    page = counts = None
    error = None
    if actor.is_lookup_only and not filters.get("nik"):
        error = _("Your role may look placements up by NIK or passport number only.")
    else:
        try:
            counts = selectors.placement_state_counts_for(actor, **filters)
            page = selectors.placement_list_for(actor, page=_int_param(request, "page", 1),
                                                page_size=_int_param(request, "page_size", 25), via=VIA, **filters)
        except PermissionDenied:
            raise
        except DomainError as exc:
            error = exc.message
    board = [{"state": value, "label": label, "count": (counts or {}).get(value, 0)}
             for value, label in PlacementState.choices] if counts is not None else []
    context = {"form": form, "page": page, "board": board, "error": error,
               "window": page_window(page) if page else [], "active_state": filters.get("state", "")}
    template = ("web/placements/_placement_results.html"
                if request.htmx and not request.htmx.history_restore_request else "web/placements/placement_list.html")
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _detail_context(request, placement, *, transition_form=None, checklist_form=None, refused=None) -> dict:
    overview = selectors.placement_overview(request.user, placement)
    lang = _lang()
    checklist = []
    for row in overview["checklist"]:
        status = row["status"]
        checklist.append({
            "kind": status.kind, "label": ChecklistKind(status.kind).label, "required": row["required"],
            "status": status.status, "status_label": ItemState(status.status).label,
            "badge": STATUS_BADGE.get(status.status, ""), "issued_on": status.issued_on,
            "valid_until": status.valid_until, "days_left": status.days_left,
            "reference_number": status.reference_number, "voided_on": status.voided_on,
        })
    steps = [{**s, "messages": [u.message(lang) for u in s["unmet"]]} for s in overview["next_steps"]]
    return {
        "placement": placement, "overview": overview, "checklist": checklist, "steps": steps,
        "timeline": overview["timeline"], "items": overview["items"],
        "transition_form": transition_form or TransitionForm(
            steps=steps, initial={"expected_version": placement.version}),
        "checklist_form": checklist_form or ChecklistForm(),
        "can_move": any(s["permitted"] for s in steps),
        "can_record": request.user.has_role_perm(Perm.PLACEMENT_WRITE),
        "refused": [u.message(lang) for u in (refused or [])],
        "scheme_name": placement.scheme.name_en if lang == "en" else placement.scheme.name_id,
        "country_name": placement.country.name_en if lang == "en" else placement.country.name_id,
        "occupation_title": placement.occupation.title_en if lang == "en" else placement.occupation.title_id,
    }


@login_required
@domain_errors_to_http
def placement_detail(request, public_id):
    placement = selectors.placement_get_for(request.user, public_id, via=VIA)
    return render(request, "web/placements/placement_detail.html", _detail_context(request, placement))


@login_required
@require_POST
@domain_errors_to_http
def placement_transition(request, public_id):
    placement = selectors.placement_get_for(request.user, public_id, via=VIA, log=False)
    steps = selectors.placement_next_steps(request.user, placement)
    form = TransitionForm(request.POST, steps=steps)
    refused = None
    if form.is_valid():
        try:
            services.placement_transition(
                actor=request.user, placement_id=placement.pk, to_state=form.cleaned_data["to_state"],
                reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["expected_version"], via=VIA)
        except services.TransitionRefused as exc:
            refused = exc.unmet
            form.add_error(None, exc.message)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Placement moved to: %(s)s.") % {
                "s": PlacementState(form.cleaned_data["to_state"]).label})
            return redirect("web:placement-detail", public_id=placement.public_id)
    placement = selectors.placement_get_for(request.user, public_id, via=VIA, log=False)
    context = _detail_context(request, placement, transition_form=form, refused=refused)
    return render(request, "web/placements/placement_detail.html", context, status=422)


@login_required
@require_POST
@domain_errors_to_http
def placement_checklist_add(request, public_id):
    placement = selectors.placement_get_for(request.user, public_id, via=VIA, log=False)
    form = ChecklistForm(request.POST)
    if form.is_valid():
        try:
            services.checklist_record(actor=request.user, placement_id=placement.pk, kind=form.cleaned_data["kind"],
                                      data=form.service_data(), via=VIA)
        except DomainError as exc:
            apply_domain_error(form, _alias_fields(exc))
        else:
            messages.success(request, _("Document recorded."))
            return redirect("web:placement-detail", public_id=placement.public_id)
    context = _detail_context(request, placement, checklist_form=form)
    return render(request, "web/placements/placement_detail.html", context, status=422)


urlpatterns = [
    path("placements/", placement_list, name="placement-list"),
    path("placements/<uuid:public_id>/", placement_detail, name="placement-detail"),
    path("placements/<uuid:public_id>/transition/", placement_transition, name="placement-transition"),
    path("placements/<uuid:public_id>/checklist/", placement_checklist_add, name="placement-checklist-add"),
]
