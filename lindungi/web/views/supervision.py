"""Supervision pages: a worker's cost ledger (a section of the person page, and a page of its own),
the cost-rules page, and the overcharging flags with their escalation. Thin: forms parse,
``supervision.selectors`` read, ``supervision.services`` write. Mirrors
``lindungi.api.routers.supervision``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from lindungi.accounts.roles import Role
from lindungi.audit.models import AccessLog
from lindungi.audit.services import access_log
from lindungi.common.downloads import attachment
from lindungi.common.errors import DomainError
from lindungi.supervision import scorecard_files, scorecards, selectors, services
from lindungi.supervision.models import SanctionState
from lindungi.supervision.perms import (
    COST_CONFIRM,
    COST_RECORD,
    COST_RULE_MANAGE,
    COST_RULE_VIEW,
    OVERCHARGE_ESCALATE,
    OVERCHARGE_VIEW,
    SCORECARD_VIEW,
)
from lindungi.web.choices import lang, province_choices
from lindungi.web.forms.supervision import (
    ConfirmationForm,
    CostEntryForm,
    CostRuleFilterForm,
    CostRuleForm,
    EscalateForm,
    FlagFilterForm,
)
from lindungi.web.helpers import apply_domain_error, domain_errors_to_http
from lindungi.web.views.placements import _int_param, _partial_or_full, _require_perm, _reraise_access

VIA = "web"


# ---------------------------------------------------------------------------------------------
# A worker's ledger
# ---------------------------------------------------------------------------------------------


def _entry_form(actor, placements, data=None, files=None) -> CostEntryForm:
    return CostEntryForm(data, files, components=selectors.component_choices(), placements=placements,
                         language=lang(), is_p3mi=actor.role == Role.P3MI_STAFF)


def _ledger(request, public_id, *, form=None, status=200):
    actor = request.user
    person = selectors.person_for_costs(actor, public_id, via=VIA, log=not request.htmx)
    entries = selectors.cost_entries_for(actor, person)
    placements = selectors.placements_for_costs(actor, person) if actor.has_role_perm(COST_RECORD) else []
    context = {
        "person": person, "entries": entries, "totals": selectors.ledger_totals(entries),
        "can_record": actor.has_role_perm(COST_RECORD) and bool(placements),
        "can_confirm": actor.has_role_perm(COST_CONFIRM),
        "can_see_flags": actor.has_role_perm(OVERCHARGE_VIEW),
        "form": form or _entry_form(actor, placements), "confirmation_form": ConfirmationForm(),
        "open_form": form is not None,
    }
    return _partial_or_full(request, "web/supervision/person_costs.html", "web/supervision/_person_costs.html",
                            context, status=status)


@login_required
@domain_errors_to_http
def person_costs(request, public_id):
    """GET: the ledger (the person page loads it as a section). POST: record a cost, with its receipt."""
    if request.method != "POST":
        return _ledger(request, public_id)
    actor = request.user
    _require_perm(actor, COST_RECORD, _("You are not allowed to record costs."))
    person = selectors.person_for_costs(actor, public_id, via=VIA, log=False)
    form = _entry_form(actor, selectors.placements_for_costs(actor, person), request.POST, request.FILES)
    if form.is_valid():
        try:
            entry = services.cost_entry_record(actor=actor, person_public_id=public_id, data=form.service_data(),
                                               receipt=form.cleaned_data.get("receipt"), via=VIA)
        except DomainError as exc:
            _reraise_access(exc)
            apply_domain_error(form, exc)
            return _ledger(request, public_id, form=form, status=exc.status_code)
        if hasattr(entry, "flag"):
            messages.warning(request, _("Cost recorded. It is Rp%(over)s over what %(basis)s allows: an "
                                        "overcharging flag was raised.") % {
                "over": f"{entry.flag.amount_over:,.2f}", "basis": entry.rule.legal_basis})
        else:
            messages.success(request, _("Cost recorded."))
        return redirect("web:person-costs", public_id=public_id)
    return _ledger(request, public_id, form=form, status=422)


@login_required
@domain_errors_to_http
@require_POST
def cost_confirm(request, public_id):
    actor = request.user
    _require_perm(actor, COST_CONFIRM, _("You are not allowed to record a worker's confirmation."))
    entry = selectors.cost_entry_get_for(actor, public_id, via=VIA, log=False)
    form = ConfirmationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the worker confirms or disputes the cost."))
        return redirect("web:person-costs", public_id=entry.person.public_id)
    try:
        services.cost_entry_confirm(actor=actor, public_id=public_id, state=form.cleaned_data["state"],
                                    note=form.cleaned_data["note"], via=VIA)
    except DomainError as exc:
        _reraise_access(exc)
        messages.error(request, "; ".join(m for msgs in exc.fields.values() for m in msgs) or exc.message)
    else:
        messages.success(request, _("The worker's answer has been recorded."))
    return redirect("web:person-costs", public_id=entry.person.public_id)


@login_required
@domain_errors_to_http
@require_GET
def cost_receipt(request, public_id):
    entry = selectors.cost_entry_get_for(request.user, public_id, via=VIA, log=False)
    if not entry.receipt:
        raise Http404
    access_log(actor=request.user, kind=AccessLog.Kind.DOWNLOAD, object_type="costentry", object_id=entry.pk,
               persons=[entry.person_id], via=VIA, detail="receipt")
    return FileResponse(entry.receipt.open("rb"), as_attachment=True,
                        filename=f"receipt-{entry.public_id}{entry.receipt.name[-4:]}")


# ---------------------------------------------------------------------------------------------
# Cost rules
# ---------------------------------------------------------------------------------------------


@login_required
@domain_errors_to_http
def cost_rule_list(request):
    """The rules with filters; administrators add rules on the same page."""
    actor = request.user
    _require_perm(actor, COST_RULE_VIEW, _("You are not allowed to read the cost rules."))
    components = selectors.component_choices()
    can_manage = actor.has_role_perm(COST_RULE_MANAGE)
    add_form, status = None, 200
    if request.method == "POST":
        _require_perm(actor, COST_RULE_MANAGE, _("Only the ministry's administrators add cost rules."))
        add_form = CostRuleForm(request.POST, components=components, language=lang())
        status = 422
        if add_form.is_valid():
            try:
                services.cost_rule_create(actor=actor, data=add_form.cleaned_data, via=VIA)
            except DomainError as exc:
                _reraise_access(exc)
                apply_domain_error(add_form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("Cost rule added."))
                return redirect("web:cost-rule-list")
    filters_form = CostRuleFilterForm(request.GET or None, components=components, language=lang())
    filters = {k: v for k, v in filters_form.cleaned_data.items() if v} if filters_form.is_valid() else {}
    page = selectors.cost_rule_list_for(actor, page=_int_param(request, "page", 1), **filters)
    context = {"form": filters_form, "page": page, "can_manage": can_manage, "open_form": add_form is not None,
               "add_form": add_form or (CostRuleForm(components=components, language=lang()) if can_manage else None)}
    if request.htmx and request.method == "GET":
        return _partial_or_full(request, "web/supervision/cost_rules.html", "web/supervision/_cost_rule_rows.html",
                                context)
    return render(request, "web/supervision/cost_rules.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# Overcharging flags
# ---------------------------------------------------------------------------------------------


@login_required
@domain_errors_to_http
@require_GET
def flag_list(request):
    actor = request.user
    _require_perm(actor, OVERCHARGE_VIEW, _("You are not allowed to read overcharging flags."))
    form = FlagFilterForm(request.GET or None)
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    page = selectors.flag_list_for(actor, page=_int_param(request, "page", 1), via=VIA, **filters)
    context = {"form": form, "page": page, "can_escalate": actor.has_role_perm(OVERCHARGE_ESCALATE)}
    return _partial_or_full(request, "web/supervision/flag_list.html", "web/supervision/_flag_rows.html", context)


@login_required
@domain_errors_to_http
def flag_escalate(request, public_id):
    """GET: what escalating will do, and a confirmation. POST: escalate (a case and a sanction finding)."""
    actor = request.user
    _require_perm(actor, OVERCHARGE_ESCALATE, _("You are not allowed to escalate overcharging flags."))
    flag = selectors.flag_get_for(actor, public_id, via=VIA, log=request.method != "POST")
    form = EscalateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                flag = services.overcharge_escalate(actor=actor, flag_public_id=public_id, via=VIA,
                                                    **form.cleaned_data)
            except DomainError as exc:
                _reraise_access(exc)
                apply_domain_error(form, exc)
                status = exc.status_code
            else:
                if flag.sanction_state == SanctionState.PENDING:
                    messages.warning(request, _("Complaint %(n)s opened. The sanction finding against the P3MI is "
                                                "pending: the sanction workflow is not available yet.") % {
                        "n": flag.case.number})
                else:
                    messages.success(request, _("Complaint %(n)s opened.") % {"n": flag.case.number})
                return redirect("web:case-detail", public_id=flag.case.public_id)
    return render(request, "web/supervision/flag_escalate.html",
                  {"flag": flag, "form": form, "needs_phone": not flag.entry.person.phone}, status=status)


SCORECARD_FILES = {"xlsx": scorecard_files.scorecards_xlsx, "pdf": scorecard_files.scorecards_pdf}
SORT_LABELS = {"complaints_per_100": _lazy("Complaints per 100 departures"), "complaints": _lazy("Complaints"),
               "overcharge_idr": _lazy("Amount over the rules"), "overdue_cases": _lazy("Cases past deadline"),
               "sanctions": _lazy("Sanctions"), "departures": _lazy("Departures")}


@login_required
@domain_errors_to_http
def scorecard_list(request):
    """The companies' scorecards for a year, ranked; the evaluation pack as XLSX or PDF."""
    actor = request.user
    _require_perm(actor, SCORECARD_VIEW, _("You are not allowed to read scorecards."))
    params = {name: request.GET.get(name, "") for name in ("year", "province", "sort")}
    board, error, status = None, "", 200
    try:
        board = scorecards.scorecards_for(actor, **params)
    except DomainError as exc:
        _reraise_access(exc)
        error, status = "; ".join(m for msgs in exc.fields.values() for m in msgs) or exc.message, 400
    kind = request.GET.get("format", "")
    if board and kind in SCORECARD_FILES:
        return attachment(SCORECARD_FILES[kind](board), kind=kind, filename=scorecard_files.pack_name(board, kind))
    return render(request, "web/supervision/scorecards.html", {
        "board": board, "error": error, "params": params, "provinces": province_choices(),
        "sorts": list(SORT_LABELS.items()), "is_p3mi": actor.role == Role.P3MI_STAFF}, status=status)


urlpatterns = [
    path("scorecards/", scorecard_list, name="scorecard-list"),
    path("persons/<uuid:public_id>/costs/", person_costs, name="person-costs"),
    path("costs/<uuid:public_id>/confirmation/", cost_confirm, name="cost-confirm"),
    path("costs/<uuid:public_id>/receipt/", cost_receipt, name="cost-receipt"),
    path("cost-rules/", cost_rule_list, name="cost-rule-list"),
    path("overcharge-flags/", flag_list, name="overcharge-flag-list"),
    path("overcharge-flags/<uuid:public_id>/escalate/", flag_escalate, name="overcharge-flag-escalate"),
]
