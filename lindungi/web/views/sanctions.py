"""Staff screens for sanctions against P3MI: the list, opening a finding, and its steps.

Thin: forms parse input, selectors read, services write; domain errors land on form fields through
``apply_domain_error``. Suspension and revocation forms ask for a confirmation (a checkbox the
server checks, and ``data-confirm`` in the browser).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lindungi.agencies import selectors, services
from lindungi.agencies.models import Sanction
from lindungi.agencies.perms import SANCTION_OPEN, SANCTION_VIEW
from lindungi.agencies.sanction_states import GRAVE_STEPS, STEP_LABELS, SanctionOutcome, SanctionState, rule_for
from lindungi.common.errors import DomainError, ValidationFailed
from lindungi.web import choices
from lindungi.web.helpers import apply_domain_error, domain_errors_to_http, page_window

VIA = "web"


def _require_perm(user, perm: str) -> None:
    if not user.has_role_perm(perm):
        raise DjangoPermissionDenied(_("You do not have permission to do this."))


def _date(**kwargs):
    return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


def _text(label, **kwargs):
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 2}), **kwargs)


def _int_param(request, name: str, default: int) -> int:
    try:
        return int(request.GET.get(name) or default)
    except ValueError:
        return 0


# ---------------------------------------------------------------------------------------------
# forms
# ---------------------------------------------------------------------------------------------

class SanctionFilterForm(forms.Form):
    agency = forms.ChoiceField(label=gettext_lazy("P3MI"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False,
                              choices=[("", "—"), *SanctionState.choices])
    ground = forms.ChoiceField(label=gettext_lazy("Ground"), required=False)

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "—"), *choices.agency_choices(actor)]
        self.fields["ground"].choices = [("", "—"), *choices.sanction_ground_choices()]


class SanctionOpenForm(forms.Form):
    agency_public_id = forms.ChoiceField(label=gettext_lazy("P3MI"))
    ground_code = forms.ChoiceField(label=gettext_lazy("Ground"))
    source_kind = forms.ChoiceField(label=gettext_lazy("Source"), choices=Sanction.SourceKind.choices)
    source_reference = forms.CharField(label=gettext_lazy("Source reference"), max_length=200, required=False,
                                       help_text=gettext_lazy("Case number, inspection report or cost-ledger flag."))
    summary = _text(gettext_lazy("Summary of the finding"))
    opened_on = _date(label=gettext_lazy("Opened on"), required=False,
                      help_text=gettext_lazy("Leave empty for today."))

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency_public_id"].choices = [("", "—"), *choices.agency_choices(actor)]
        self.fields["ground_code"].choices = [("", "—"), *choices.sanction_ground_choices()]


class StepForm(forms.Form):
    """One form for every step; the template shows each step its own fields and the service says
    which are required for it."""

    step = forms.CharField(widget=forms.HiddenInput)
    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    letter_number = forms.CharField(label=gettext_lazy("Letter number"), max_length=120, required=False)
    letter_date = _date(label=gettext_lazy("Letter date"), required=False)
    reason = _text(gettext_lazy("Reason"), required=False)
    clarification_due = _date(label=gettext_lazy("Answer due by"), required=False)
    suspended_from = _date(label=gettext_lazy("Suspended from (first day)"), required=False)
    suspended_until = _date(label=gettext_lazy("Suspended until (last day)"), required=False,
                            help_text=gettext_lazy("Leave empty for a suspension until further notice."))
    countries = forms.MultipleChoiceField(label=gettext_lazy("Only these destination countries"), required=False,
                                          help_text=gettext_lazy("None selected: every country."))
    schemes = forms.MultipleChoiceField(label=gettext_lazy("Only these schemes"), required=False,
                                        help_text=gettext_lazy("None selected: every scheme."))
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), required=False,
                                choices=[("", "—"), *SanctionOutcome.choices])
    effective_on = _date(label=gettext_lazy("Takes effect on"), required=False,
                         help_text=gettext_lazy("Leave empty for the date of the letter."))
    confirm = forms.BooleanField(label=gettext_lazy("I confirm this decision, which changes the licence status."),
                                 required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = choices.country_choices()
        self.fields["schemes"].choices = choices.scheme_choices()

    def clean(self):
        data = super().clean()
        if data.get("step") in GRAVE_STEPS and not data.get("confirm"):
            self.add_error("confirm", _("Confirm the decision."))
        return data


# The fields each step shows besides the letter and the reason.
STEP_FIELDS = {
    "request_clarification": ("clarification_due",),
    "suspend": ("suspended_from", "suspended_until", "countries", "schemes", "confirm"),
    "lift_suspension": ("effective_on",),
    "revoke": ("effective_on", "confirm"),
    "close": ("outcome",),
}
COMMON_FIELDS = ("letter_number", "letter_date", "reason")


# ---------------------------------------------------------------------------------------------
# sanctions
# ---------------------------------------------------------------------------------------------

@login_required
@domain_errors_to_http
def sanction_list(request):
    _require_perm(request.user, SANCTION_VIEW)
    form = SanctionFilterForm(request.GET or None, actor=request.user)
    page, status = None, 200
    try:
        page = selectors.sanction_list_for(
            request.user, agency=request.GET.get("agency", ""), state=request.GET.get("state", ""),
            ground=request.GET.get("ground", ""), page=_int_param(request, "page", 1))
    except ValidationFailed as exc:
        form.is_valid()
        apply_domain_error(form, exc)
        status = 400
    context = {"form": form, "page": page, "window": page_window(page) if page else [],
               "can_open": request.user.has_role_perm(SANCTION_OPEN)}
    return render(request, "web/sanctions/sanction_list.html", context, status=status)


@login_required
@domain_errors_to_http
def sanction_create(request):
    _require_perm(request.user, SANCTION_OPEN)
    form = SanctionOpenForm(request.POST or None, actor=request.user,
                            initial={"agency_public_id": request.GET.get("agency", "")})
    if request.method == "POST" and form.is_valid():
        try:
            sanction = services.sanction_open(actor=request.user, via=VIA, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Finding recorded."))
            return redirect("web:sanction-detail", public_id=sanction.public_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "web/sanctions/sanction_form.html", {"form": form}, status=status)


def _step_forms(request, sanction, bound: StepForm | None = None) -> list[dict]:
    out = []
    for name in selectors.sanction_next_steps(sanction):
        form = bound if bound is not None and bound.data.get("step") == name else StepForm(
            auto_id=f"id_{name}_%s", initial={"step": name, "expected_version": sanction.version})
        out.append({"name": name, "label": STEP_LABELS[name], "grave": name in GRAVE_STEPS, "form": form,
                    "fields": [form[f] for f in COMMON_FIELDS + STEP_FIELDS.get(name, ())],
                    "open": form.is_bound})
    return out


def _detail(request, public_id, *, bound: StepForm | None = None, status: int = 200):
    sanction = selectors.sanction_get_for(request.user, public_id)
    user = request.user
    steps = [s for s in _step_forms(request, sanction, bound)
             if user.has_role_perm(rule_for(s["name"]).permission)]
    context = {"sanction": sanction, "steps": list(sanction.steps.all()), "step_forms": steps}
    return render(request, "web/sanctions/sanction_detail.html", context, status=status)


@login_required
@domain_errors_to_http
def sanction_detail(request, public_id):
    _require_perm(request.user, SANCTION_VIEW)
    return _detail(request, public_id)


@login_required
@require_POST
@domain_errors_to_http
def sanction_step(request, public_id):
    _require_perm(request.user, SANCTION_VIEW)
    name = request.POST.get("step", "")
    form = StepForm(request.POST, auto_id=f"id_{name}_%s")
    if form.is_valid():
        values = dict(form.cleaned_data)
        values.pop("confirm", None)
        try:
            services.sanction_step(actor=request.user, public_id=public_id, via=VIA, **values)
        except services.SanctionStepRefused as exc:
            for unmet in exc.unmet:
                form.add_error(None, unmet.message(choices.lang()))
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        except DomainError as exc:
            if exc.status_code in (403, 404):
                raise
            messages.error(request, exc.message)
            return redirect("web:sanction-detail", public_id=public_id)
        else:
            messages.success(request, _("Step recorded."))
            return redirect("web:sanction-detail", public_id=public_id)
    return _detail(request, public_id, bound=form, status=400)


urlpatterns = [
    path("sanctions/", sanction_list, name="sanction-list"),
    path("sanctions/new/", sanction_create, name="sanction-create"),
    path("sanctions/<uuid:public_id>/", sanction_detail, name="sanction-detail"),
    path("sanctions/<uuid:public_id>/step/", sanction_step, name="sanction-step"),
]
