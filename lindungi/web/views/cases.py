"""The complaint desk.

- public, no sign-in: the complaint form ``/pengaduan/`` (answers with the tracking code and the
  secret, shown once) and the status page ``/pengaduan/status/`` (tracking code + secret, POST only
  so the secret never lands in a URL or a log);
- staff: the inbox per unit with deadline colours and filters, intake from any channel, a case's
  page with its deadlines, clarification rounds, timeline, TRC dispatches and every next step with
  its blocking reasons.

Thin: forms parse, selectors read, services write (``actor=request.user, via="web"``). Mirrors
``lindungi.api.routers.cases``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lindungi.accounts.roles import Role
from lindungi.cases import selectors, services
from lindungi.cases.perms import CASE_ANSWER, CASE_VIEW, CASE_WRITE, TRC_WRITE
from lindungi.cases.states import ACTION_LABELS, CaseState
from lindungi.common.errors import DomainError, NotFound, PermissionDenied
from lindungi.common.inputs import client_address
from lindungi.returns import selectors as return_selectors
from lindungi.web.choices import case_category_choices, country_choices, grouped_regency_choices, lang
from lindungi.web.forms.cases import (
    CLOSURE_LABELS,
    AnswerForm,
    CaseDetailsForm,
    CaseFilterForm,
    CaseIntakeForm,
    CaseStepForm,
    DispatchForm,
    LinkPersonForm,
    PublicComplaintForm,
    TrackForm,
)
from lindungi.web.helpers import apply_domain_error, domain_errors_to_http, page_window
from lindungi.web.views.placements import _int_param, _partial_or_full, _require_perm

VIA = "web"
PAGE_SIZE = 25
EVENT_LABELS = {
    "register": gettext_lazy("Complaint registered"),
    "update": gettext_lazy("Details changed"),
    "clarification_answered": gettext_lazy("Clarification answered"),
    "trc_dispatch": gettext_lazy("TRC dispatch recorded"),
    "deadline_warning": gettext_lazy("Deadline warning"),
    "arrival": gettext_lazy("Arrival recorded"),
}
DEADLINE_BADGE = {"overdue": "badge-bad", "due_soon": "badge-warn", "on_time": "badge-ok", "none": ""}


def _complaint_choices(actor=None) -> dict:
    return {"categories": case_category_choices(), "countries": country_choices(),
            "regencies": grouped_regency_choices(None)}


def _deadline_rows(deadlines: list[dict]) -> list[dict]:
    language = lang()
    return [{**d, "label": d["label_en"] if language == "en" else d["label_id"],
             "badge": DEADLINE_BADGE[d["status"]]} for d in deadlines]


# ---------------------------------------------------------------------------------------------
# Public complaint desk
# ---------------------------------------------------------------------------------------------


def public_complaint(request):
    """The public form. On success the page shows the tracking code and the secret once."""
    form = PublicComplaintForm(request.POST or None, **_complaint_choices())
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                registered = services.case_public_submit(data=form.service_data(), client=client_address(request))
            except services.PublicRateLimited as exc:
                form.add_error(None, exc.message)
                status = 429
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                context = {"registered": registered, "status": selectors.public_status(registered.case),
                           "track_form": TrackForm(initial={"tracking_code": registered.case.tracking_code})}
                return render(request, "web/cases/public_created.html", context, status=201)
    return render(request, "web/cases/public_complaint.html", {"form": form}, status=status)


def public_status(request):
    """Tracking code + secret → the status, steps and deadlines of that complaint only."""
    form = TrackForm(request.POST or None)
    status, found = 200, None
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                case = services.case_public_open(tracking_code=form.cleaned_data["tracking_code"],
                                                 secret=form.cleaned_data["secret"], client=client_address(request))
            except services.PublicRateLimited as exc:
                form.add_error(None, exc.message)
                status = 429
            except NotFound as exc:
                form.add_error(None, exc.message)
                status = 404
            else:
                found, status = selectors.public_status(case), 200
    if found is not None:
        found = {**found, "deadlines": _deadline_rows(found["deadlines"]),
                 "closure_label": CLOSURE_LABELS.get(found["closure_code"], "")}
    return render(request, "web/cases/public_status.html", {"form": form, "status": found}, status=status)


# ---------------------------------------------------------------------------------------------
# Inbox and intake
# ---------------------------------------------------------------------------------------------


@login_required
@domain_errors_to_http
def case_list(request):
    actor = request.user
    _require_perm(actor, CASE_VIEW, _("You are not allowed to view complaints."))
    data = request.GET.copy() if request.GET else {"state": "open"}
    form = CaseFilterForm(data, categories=case_category_choices())
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {"state": "open"}
    page, error = None, None
    try:
        page = selectors.case_list_for(actor, page=_int_param(request, "page", 1),
                                       page_size=_int_param(request, "page_size", PAGE_SIZE), **filters)
    except PermissionDenied:
        raise
    except DomainError as exc:
        error = exc.message
    rows = [{"case": c, "badge": DEADLINE_BADGE[c.deadline_status], "status": c.deadline_status}
            for c in (page.items if page else [])]
    context = {"form": form, "page": page, "rows": rows, "error": error,
               "window": page_window(page) if page else [], "can_create": actor.has_role_perm(CASE_WRITE),
               "unit": actor.unit if actor.role == Role.UNIT_OFFICER else None}
    return _partial_or_full(request, "web/cases/case_list.html", "web/cases/_case_results.html", context)


@login_required
@domain_errors_to_http
def case_create(request):
    actor = request.user
    _require_perm(actor, CASE_WRITE, _("You are not allowed to register complaints."))
    form = CaseIntakeForm(request.POST or None, **_complaint_choices(actor))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                registered = services.case_create(actor=actor, data=form.service_data(), via=VIA)
            except PermissionDenied:
                raise
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Complaint %(n)s registered. Give the complainant the tracking code "
                                            "%(c)s and the secret %(s)s (shown only now).") % {
                    "n": registered.case.number, "c": registered.case.tracking_code, "s": registered.secret})
                return redirect("web:case-detail", public_id=registered.case.public_id)
    return render(request, "web/cases/case_form.html", {"form": form}, status=status)


# ---------------------------------------------------------------------------------------------
# A case's page
# ---------------------------------------------------------------------------------------------


def _render_detail(request, case, *, status=200, step_form=None, refused=None, details_form=None,
                   answer_form=None, dispatch_form=None):
    actor = request.user
    overview = selectors.case_overview(actor, case)
    language = lang()
    attempted = step_form.data.get("to_state", "") if step_form is not None else ""
    steps = []
    for step in overview["next_steps"]:
        row = {**step, "messages": [u.message(language) for u in step["unmet"]], "errors": []}
        if attempted == step["to_state"]:
            row["attempted"] = True
            if refused:
                row["messages"] = [u.message(language) for u in refused]
            row["errors"] = [str(e) for errors in step_form.errors.values() for e in errors]
        steps.append(row)
    for event in overview["timeline"]:
        event.action_label = EVENT_LABELS.get(event.action) or ACTION_LABELS.get(event.action, event.action)
    context = {
        "case": case, "overview": overview, "steps": steps, "deadlines": _deadline_rows(overview["deadlines"]),
        "categories": [c.name_en if language == "en" else c.name_id for c in overview["categories"]],
        "step_form": step_form or CaseStepForm(), "closure_choices": CaseStepForm().fields["closure_code"].choices,
        "referral_choices": CaseStepForm().fields["referral_kind"].choices,
        "details_form": details_form or CaseDetailsForm(initial={
            "documents_complete": case.documents_complete, "unreachable_since": case.unreachable_since,
            "told_unresolvable_on": case.told_unresolvable_on,
            "officer": case.officer.username if case.officer else "", "expected_version": case.version}),
        "answer_form": answer_form or AnswerForm(), "dispatch_form": dispatch_form or DispatchForm(),
        "can_write": actor.has_role_perm(CASE_WRITE) and case.state not in (CaseState.RESOLVED,
                                                                            CaseState.CLOSED_ADMIN),
        "can_answer": (actor.has_role_perm(CASE_ANSWER) or actor.has_role_perm(CASE_WRITE))
        and case.state == CaseState.CLARIFICATION
        and any(r.answered_on is None for r in overview["rounds"]),
        "can_dispatch": actor.has_role_perm(TRC_WRITE),
        "staff": actor.role != Role.P3MI_STAFF,
        "closure_label": CLOSURE_LABELS.get(case.closure_code, ""),
        "arrivals": return_selectors.arrivals_for_case(actor, case) if actor.role != Role.P3MI_STAFF else [],
    }
    return render(request, "web/cases/case_detail.html", context, status=status)


@login_required
@domain_errors_to_http
def case_detail(request, public_id):
    return _render_detail(request, selectors.case_get_for(request.user, public_id, via=VIA))


@login_required
@require_POST
@domain_errors_to_http
def case_step(request, public_id):
    form = CaseStepForm(request.POST)
    refused = None
    if form.is_valid():
        to_state = form.cleaned_data["to_state"]
        try:
            services.case_transition(actor=request.user, public_id=public_id, to_state=to_state,
                                     reason=form.cleaned_data["reason"], data=form.step_data(),
                                     expected_version=form.cleaned_data["expected_version"], via=VIA)
        except services.TransitionRefused as exc:
            refused = exc.unmet
            form.add_error(None, exc.message)
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            apply_domain_error(form, exc)
            if set(exc.fields) - set(form.fields):
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("Case moved to: %(s)s.") % {"s": CaseState(to_state).label})
            return redirect("web:case-detail", public_id=public_id)
    case = selectors.case_get_for(request.user, public_id, via=VIA, log=False)
    return _render_detail(request, case, status=422, step_form=form, refused=refused)


def _case_action(request, public_id, form, call, done: str, form_key: str):
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("web:case-detail", public_id=public_id)
    case = selectors.case_get_for(request.user, public_id, via=VIA, log=False)
    return _render_detail(request, case, status=422, **{form_key: form})


@login_required
@require_POST
@domain_errors_to_http
def case_details(request, public_id):
    form = CaseDetailsForm(request.POST)

    def call(data):
        values = {k: data[k] for k in ("documents_complete", "unreachable_since", "told_unresolvable_on", "officer")}
        services.case_update(actor=request.user, public_id=public_id, data=values, reason=data["reason"],
                             expected_version=data["expected_version"], via=VIA)

    return _case_action(request, public_id, form, call, _("Details saved."), "details_form")


@login_required
@require_POST
@domain_errors_to_http
def case_link_person(request, public_id):
    """Link the worker to a registry record chosen among the scored candidates."""
    form = LinkPersonForm(request.POST)

    def call(data):
        services.case_update(actor=request.user, public_id=public_id, data={"person": str(data["person"])},
                             reason=_("Matched to the registry"), expected_version=data["expected_version"],
                             via=VIA)

    return _case_action(request, public_id, form, call, _("Worker linked to the registry."), "details_form")


@login_required
@require_POST
@domain_errors_to_http
def case_answer(request, public_id):
    form = AnswerForm(request.POST)

    def call(data):
        services.clarification_answer(actor=request.user, public_id=public_id, answer=data["answer"],
                                      commitment=data["commitment"], via=VIA)

    return _case_action(request, public_id, form, call, _("Answer recorded."), "answer_form")


@login_required
@require_POST
@domain_errors_to_http
def case_dispatch(request, public_id):
    form = DispatchForm(request.POST)

    def call(data):
        services.trc_dispatch_record(actor=request.user, case_public_id=public_id, data=data, via=VIA)

    if not request.user.has_role_perm(TRC_WRITE):
        raise DjangoPermissionDenied(_("You are not allowed to record TRC dispatches."))
    return _case_action(request, public_id, form, call, _("TRC dispatch recorded."), "dispatch_form")


urlpatterns = [
    path("pengaduan/", public_complaint, name="public-complaint"),
    path("pengaduan/status/", public_status, name="public-complaint-status"),
    path("cases/", case_list, name="case-list"),
    path("cases/new/", case_create, name="case-create"),
    path("cases/<uuid:public_id>/", case_detail, name="case-detail"),
    path("cases/<uuid:public_id>/step/", case_step, name="case-step"),
    path("cases/<uuid:public_id>/details/", case_details, name="case-details"),
    path("cases/<uuid:public_id>/answer/", case_answer, name="case-answer"),
    path("cases/<uuid:public_id>/link-person/", case_link_person, name="case-link-person"),
    path("cases/<uuid:public_id>/dispatch/", case_dispatch, name="case-dispatch"),
]
