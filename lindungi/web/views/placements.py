"""Staff screens for placements, job orders and SIP2MI, and the public list of job orders.

- the pipeline board (count per state, filters) and the registration form of a placement;
- a placement's page: checklist (record and void documents), timeline, and every next step with a
  button and the conditions still unmet;
- a person's placements (loaded into the person page);
- job orders: list, entry, verification by the Perwakilan, SIP2MI issue and revocation;
- the public page of job orders still recruiting (no sign-in).

Thin: forms parse input, selectors read, services write (``actor=request.user, via="web"``);
domain errors land on the forms, NotFound is a 404 and PermissionDenied a 403. Mirrors
``lindungi.api.routers.placements`` and ``lindungi.api.routers.job_orders``.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lindungi.accounts.roles import Role
from lindungi.common.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from lindungi.placements import selectors, services
from lindungi.placements.checklist import ChecklistKind, ItemState
from lindungi.placements.models import JobOrder, Sip2mi
from lindungi.placements.perms import (
    JOB_ORDER_VERIFY,
    JOB_ORDER_VIEW,
    JOB_ORDER_WRITE,
    PLACEMENT_VIEW,
    PLACEMENT_WRITE,
    SIP2MI_ISSUE,
)
from lindungi.placements.states import CLOSED, SIDE_EXITS, TERMINAL, PlacementState
from lindungi.registry import selectors as registry_selectors
from lindungi.registry.perms import PERSON_VIEW
from lindungi.web.choices import lang
from lindungi.web.fixes import fix_for
from lindungi.web.forms.placements import (
    ChecklistForm,
    ChecklistVoidForm,
    JobOrderFilterForm,
    JobOrderForm,
    JobOrderRejectForm,
    JobOrderVerifyForm,
    PlacementCreateForm,
    PlacementEditForm,
    PlacementFilterForm,
    PublicJobOrderFilterForm,
    Sip2miIssueForm,
    Sip2miRevokeForm,
    TransitionForm,
)
from lindungi.web.helpers import (
    apply_domain_error,
    domain_errors_to_http,
    page_window,
    push_search_url,
    search_identifier,
    search_params,
    search_remember,
)
from lindungi.web.helpers import int_param as _int_param
from lindungi.web.helpers import partial_or_full as _partial_or_full

VIA = "web"
PAGE_SIZE = 25

STATUS_BADGE = {
    ItemState.OK: "badge-ok",
    ItemState.EXPIRING_SOON: "badge-warn",
    ItemState.EXPIRED: "badge-bad",
    ItemState.MISSING: "badge-bad",
    ItemState.EXPIRES_BEFORE_CONTRACT_END: "badge-bad",
}

# The button of each step (``Rule.name`` in lindungi/placements/states.py).
STEP_ACTIONS = {
    "verify": gettext_lazy("Verify (Disnaker)"),
    "select": gettext_lazy("Record selection"),
    "sign_agreement": gettext_lazy("Record agreement signed"),
    "verify_documents": gettext_lazy("Verify documents"),
    "record_orientation": gettext_lazy("Record OPP attended"),
    "clear_for_departure": gettext_lazy("Clear for departure"),
    "depart": gettext_lazy("Record departure"),
    "register_arrival": gettext_lazy("Register arrival abroad"),
    "extend_contract": gettext_lazy("Record contract extension"),
    "go_on_leave": gettext_lazy("Record leave (cuti)"),
    "return_from_leave": gettext_lazy("Record return from leave"),
    "return_home": gettext_lazy("Record return home"),
    "repatriate": gettext_lazy("Record repatriation"),
    "deport": gettext_lazy("Record deportation"),
    "record_death": gettext_lazy("Record death"),
    "register_returnee": gettext_lazy("Register as returnee (purna)"),
    "withdraw": gettext_lazy("Withdraw"),
    "intercept": gettext_lazy("Record interception"),
    "block_for_sanction": gettext_lazy("Block for a sanction"),
    "resume_after_sanction": gettext_lazy("Resume after the sanction"),
    "fail_medical": gettext_lazy("Record failed medical"),
    "fail_departure": gettext_lazy("Record failed departure"),
}
# Steps off the main path: shown apart, behind a confirmation.
OTHER_STEPS = SIDE_EXITS | {PlacementState.REPATRIATED, PlacementState.DEPORTED, PlacementState.DECEASED}


def _require_perm(user, perm: str, message: str = "") -> None:
    if not user.has_role_perm(perm):
        raise DjangoPermissionDenied(message or _("You are not allowed to do this."))


def _reraise_access(exc: DomainError) -> None:
    if isinstance(exc, (NotFound, PermissionDenied)):
        raise exc


# ---------------------------------------------------------------------------------------------
# Pipeline board
# ---------------------------------------------------------------------------------------------


@login_required
@domain_errors_to_http
def placement_list(request):
    actor = request.user
    _require_perm(actor, PLACEMENT_VIEW, _("You are not allowed to view placements."))
    if request.method == "POST":  # the filter form: a NIK never travels in the address
        return search_remember(request, "placements")
    params, refused = search_params(request, "placements")
    form = PlacementFilterForm(params or None, actor=actor)
    filters = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    page = counts = None
    error = refused or None
    if refused:
        pass
    elif actor.is_lookup_only and not filters.get("nik"):
        error = _("Your role may look placements up by NIK or passport number only.")
    else:
        try:
            counts = selectors.placement_state_counts_for(actor, **filters)
            page = selectors.placement_list_for(actor, page=_int_param(request, "page", 1),
                                                page_size=_int_param(request, "page_size", PAGE_SIZE), via=VIA,
                                                count_limit=selectors.COUNT_LIMIT, **filters)
        except PermissionDenied:
            raise
        except DomainError as exc:
            error = exc.message
    board = [{"state": value, "label": label, "count": (counts or {}).get(value, 0)}
             for value, label in PlacementState.choices] if counts is not None else []
    context = {
        "form": form, "page": page, "board": board, "error": error,
        "window": page_window(page) if page else [], "active_state": filters.get("state", ""),
        "can_create": actor.has_role_perm(PLACEMENT_WRITE) and not actor.is_lookup_only,
        "can_view_job_orders": actor.has_role_perm(JOB_ORDER_VIEW),
        "search_key": request.GET.get("search", ""),
    }
    return push_search_url(request, _partial_or_full(request, "web/placements/placement_list.html",
                                                      "web/placements/_placement_results.html", context,
                                                      status=400 if refused else 200))


# ---------------------------------------------------------------------------------------------
# Register a placement
# ---------------------------------------------------------------------------------------------


@login_required
@domain_errors_to_http
def placement_create(request):
    """``/placements/new/?person=<public id>`` from the person page; otherwise the worker is
    looked up by NIK. Eligibility problems do not stop registration: they are shown as warnings."""
    actor = request.user
    if not actor.has_role_perm(PLACEMENT_WRITE) or actor.is_lookup_only:
        raise DjangoPermissionDenied(_("You are not allowed to register placements."))
    person_id = request.POST.get("person") or request.GET.get("person") or ""
    person = None
    if person_id:
        person = registry_selectors.person_get_for(actor, person_id, via=VIA, log=request.method != "POST")
    initial = {"job_order": request.GET.get("job_order", "")}
    form = PlacementCreateForm(request.POST if request.method == "POST" else None, actor=actor, person=person,
                               initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                if person is None:
                    found = registry_selectors.person_lookup(actor, nik=form.cleaned_data["nik"], via=VIA)
                    person_public_id = found["id"]
                else:
                    person_public_id = person.public_id
                placement, warnings = services.placement_create(
                    actor=actor, data=form.service_data(person_public_id), via=VIA)
            except NotFound:
                form.add_error("nik", _("No registered person with this NIK is in your scope. Register the person "
                                        "first."))
            except PermissionDenied:
                raise
            except DomainError as exc:
                if person is None:
                    exc.fields = {("nik" if k == "person" else k): v for k, v in exc.fields.items()}
                apply_domain_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("The placement has been registered."))
                language = lang()
                for warning in warnings:
                    messages.warning(request, _("Will block selection: %(m)s") % {"m": warning.message(language)})
                return redirect("web:placement-detail", public_id=placement.public_id)
    context = {"form": form, "person": person,
               "own_agency": actor.agency if actor.role == Role.P3MI_STAFF else None}
    return render(request, "web/placements/placement_form.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# A placement's page
# ---------------------------------------------------------------------------------------------


def _reasons(unmet, fix) -> list[dict]:
    """Each blocking reason in the page's language with the link to the form that fixes it, if any."""
    language = lang()
    return [{"text": u.message(language), "fix": fix(u.code)} for u in unmet]


def _steps(overview, *, attempted: str = "", form=None, refused=None, fix=lambda code: None) -> list[dict]:
    steps = []
    for step in overview["next_steps"]:
        row = {**step, "messages": _reasons(step["unmet"], fix),
               "action": STEP_ACTIONS.get(step["name"], step["label"]),
               "primary": step["to_state"] not in OTHER_STEPS, "errors": [], "reason_value": ""}
        if attempted and step["to_state"] == attempted:
            row["attempted"] = True
            if refused:
                row["messages"] = _reasons(refused, fix)
            if form is not None:
                row["errors"] = [str(e) for errors in form.errors.values() for e in errors]
                row["reason_value"] = form.data.get("reason", "")
        steps.append(row)
    return steps


def _checklist_rows(overview) -> list[dict]:
    rows = []
    for row in overview["checklist"]:
        status = row["status"]
        rows.append({
            "kind": status.kind, "label": ChecklistKind(status.kind).label, "required": row["required"],
            "status": status.status, "status_label": ItemState(status.status).label,
            "badge": STATUS_BADGE.get(status.status, ""), "issued_on": status.issued_on,
            "valid_until": status.valid_until, "days_left": status.days_left,
            "reference_number": status.reference_number, "voided_on": status.voided_on,
        })
    return rows


def _default_kind(rows) -> str:
    """The first required document that is not usable: what the officer most likely records next."""
    for row in rows:
        if row["required"] and row["status"] not in (ItemState.OK, ItemState.EXPIRING_SOON):
            return row["kind"]
    return ChecklistKind.MEDICAL_FITNESS


def _detail_context(request, placement, *, transition_form=None, checklist_form=None, refused=None,
                    void_form=None, void_item_id=None) -> dict:
    actor = request.user
    overview = selectors.placement_overview(actor, placement)
    checklist = _checklist_rows(overview)
    attempted = transition_form.data.get("to_state", "") if transition_form is not None and \
        transition_form.is_bound else ""
    fix = fix_for(actor, placement)
    steps = _steps(overview, attempted=attempted, form=transition_form, refused=refused, fix=fix)
    if checklist_form is None:
        kind = request.GET.get("kind", "")
        checklist_form = ChecklistForm(kind=kind if kind in ChecklistKind.values else _default_kind(checklist))
    closed = placement.state in TERMINAL
    language = lang()
    return {
        "placement": placement, "overview": overview, "checklist": checklist, "steps": steps,
        "primary_steps": [s for s in steps if s["primary"]],
        "other_steps": [s for s in steps if not s["primary"]],
        "other_open": any(s.get("attempted") for s in steps if not s["primary"]),
        "timeline": overview["timeline"], "items": overview["items"],
        "transition_form": transition_form or TransitionForm(
            steps=steps, initial={"expected_version": placement.version}),
        "checklist_form": checklist_form,
        "kind_choices": ChecklistKind.choices,
        "void_form": void_form or ChecklistVoidForm(),
        "void_item_id": void_item_id,
        "can_move": any(s["permitted"] for s in steps),
        # the search a checkpoint officer came from, carried by the step forms (see placement_transition)
        "search_key": request.POST.get("search", "") or request.GET.get("search", ""),
        "can_record": actor.has_role_perm(PLACEMENT_WRITE) and not closed,
        "can_view_person": actor.has_role_perm(PERSON_VIEW) and not actor.is_lookup_only,
        "can_view_job_orders": actor.has_role_perm(JOB_ORDER_VIEW),
        "refused": _reasons(refused or [], fix),
        "refused_state": PlacementState(attempted).label if refused and attempted in PlacementState.values else "",
        "scheme_name": placement.scheme.name_en if language == "en" else placement.scheme.name_id,
        "country_name": placement.country.name_en if language == "en" else placement.country.name_id,
        "occupation_title": placement.occupation.title_en if language == "en" else placement.occupation.title_id,
    }


def _render_detail(request, placement, status=200, **kwargs):
    return render(request, "web/placements/placement_detail.html", _detail_context(request, placement, **kwargs),
                  status=status)


@login_required
@domain_errors_to_http
def placement_detail(request, public_id):
    # htmx swaps of the record form re-read the page: log the visit once. Checkpoint officers come from
    # their search (``?search=<key>``), which holds the NIK they looked the worker up by.
    identifier = search_identifier(request, "placements", request.GET.get("search", ""))
    placement = selectors.placement_get_for(request.user, public_id, via=VIA, log=not request.htmx,
                                            identifier=identifier)
    return _render_detail(request, placement)


@login_required
@require_POST
@domain_errors_to_http
def placement_transition(request, public_id):
    form = TransitionForm(request.POST)
    refused = None
    search_key = request.POST.get("search", "")
    identifier = search_identifier(request, "placements", search_key)
    if form.is_valid():
        to_state = form.cleaned_data["to_state"]
        try:
            services.placement_transition(
                actor=request.user, public_id=public_id, to_state=to_state,
                reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["expected_version"], via=VIA,
                identifier=identifier)
        except services.TransitionRefused as exc:
            refused = exc.unmet
            form.add_error(None, exc.message)
        except DomainError as exc:
            _reraise_access(exc)
            apply_domain_error(form, exc)
            if set(exc.fields) - {"reason"}:
                form.add_error(None, exc.message)  # e.g. a step that does not exist: say which
        else:
            messages.success(request, _("Placement moved to: %(s)s.") % {"s": PlacementState(to_state).label})
            detail = reverse("web:placement-detail", args=[public_id])
            return redirect(f"{detail}?{urlencode({'search': search_key})}" if search_key else detail)
    placement = selectors.placement_get_for(request.user, public_id, via=VIA, log=False, identifier=identifier)
    return _render_detail(request, placement, status=422, transition_form=form, refused=refused)


@login_required
@domain_errors_to_http
def placement_edit(request, public_id):
    """The placement's details, as far as its state lets them change (``states.editable_fields``)."""
    actor = request.user
    if not actor.has_role_perm(PLACEMENT_WRITE) or actor.is_lookup_only:
        raise DjangoPermissionDenied(_("You are not allowed to change placements."))
    placement = selectors.placement_get_for(actor, public_id, via=VIA, log=request.method != "POST")
    if placement.state in TERMINAL:
        raise DjangoPermissionDenied(_("A closed placement cannot be changed."))
    form = PlacementEditForm(request.POST if request.method == "POST" else None, actor=actor, placement=placement)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            changes = form.changes()
            try:
                services.placement_update(actor=actor, public_id=placement.public_id, data=changes,
                                          expected_version=form.cleaned_data["expected_version"],
                                          via=VIA)
            except PermissionDenied:
                raise
            except DomainError as exc:
                apply_domain_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("The placement has been changed.") if changes else
                                 _("Nothing was changed."))
                return redirect("web:placement-detail", public_id=placement.public_id)
    return render(request, "web/placements/placement_edit.html", {"form": form, "placement": placement},
                  status=status)


_CHECKLIST_ALIASES = {"details.witnessed_by": "witnessed_by", "details.verified_on": "verified_on",
                      "details.programmes": "programmes", "details.sarkes": "sarkes",
                      "details.institution": "institution"}


@login_required
@require_POST
@domain_errors_to_http
def placement_checklist_add(request, public_id):
    form = ChecklistForm(request.POST)
    status = 422
    if form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            services.checklist_record(actor=request.user, public_id=public_id, kind=kind,
                                      data=form.service_data(), via=VIA)
        except DomainError as exc:
            _reraise_access(exc)
            exc.fields = {_CHECKLIST_ALIASES.get(k, k): v for k, v in exc.fields.items()}
            apply_domain_error(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("Recorded: %(k)s.") % {"k": ChecklistKind(kind).label})
            return redirect("web:placement-detail", public_id=public_id)
    placement = selectors.placement_get_for(request.user, public_id, via=VIA, log=False)
    return _render_detail(request, placement, status=status, checklist_form=form)


@login_required
@require_POST
@domain_errors_to_http
def placement_checklist_void(request, public_id, item_id: int):
    form = ChecklistVoidForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            item = services.checklist_void(actor=request.user, public_id=public_id, item_id=item_id,
                                           reason=form.cleaned_data["reason"],
                                           voided_on=form.cleaned_data.get("voided_on"), via=VIA)
        except DomainError as exc:
            _reraise_access(exc)
            apply_domain_error(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("Voided: %(k)s.") % {"k": ChecklistKind(item.kind).label})
            return redirect("web:placement-detail", public_id=public_id)
    placement = selectors.placement_get_for(request.user, public_id, via=VIA, log=False)
    return _render_detail(request, placement, status=status, void_form=form, void_item_id=item_id)


# ---------------------------------------------------------------------------------------------
# A person's placements (loaded into the person page)
# ---------------------------------------------------------------------------------------------


@login_required
@domain_errors_to_http
def person_placements(request, public_id):
    actor = request.user
    person = registry_selectors.person_get_for(actor, public_id, via=VIA, log=not request.htmx)
    placements = selectors.person_placements_for(actor, person, via=VIA)
    language = lang()
    rows = [{
        "placement": p,
        "scheme": p.scheme.name_en if language == "en" else p.scheme.name_id,
        "country": p.country.name_en if language == "en" else p.country.name_id,
        "open": p.state not in CLOSED and not p.migrated,
    } for p in placements]
    context = {
        "person": person, "rows": rows,
        "open_placement": next((r["placement"] for r in rows if r["open"]), None),
        "can_create": actor.has_role_perm(PLACEMENT_WRITE) and not person.merged_into_id,
    }
    return _partial_or_full(request, "web/placements/person_placements.html",
                            "web/placements/_person_placements.html", context)


# ---------------------------------------------------------------------------------------------
# Job orders and SIP2MI
# ---------------------------------------------------------------------------------------------


@login_required
@domain_errors_to_http
def job_order_list(request):
    actor = request.user
    _require_perm(actor, JOB_ORDER_VIEW, _("You are not allowed to view job orders."))
    form = JobOrderFilterForm(request.GET or None, actor=actor)
    filters = form.filters()
    page, status = None, 200
    try:
        page = selectors.job_order_list_for(actor, page=_int_param(request, "page", 1),
                                            page_size=_int_param(request, "page_size", PAGE_SIZE), **filters)
    except ValidationFailed as exc:
        apply_domain_error(form, exc)
        status = 400
    openings = selectors.job_order_openings(page.items) if page else {}
    rows = [{"job_order": j, "openings": openings.get(j.pk, 0)} for j in (page.items if page else [])]
    context = {"form": form, "page": page, "rows": rows, "window": page_window(page) if page else [],
               "can_create": actor.has_role_perm(JOB_ORDER_WRITE), "lang": lang()}
    return _partial_or_full(request, "web/placements/job_order_list.html",
                            "web/placements/_job_order_results.html", context, status)


@login_required
@domain_errors_to_http
def job_order_create(request):
    actor = request.user
    _require_perm(actor, JOB_ORDER_WRITE, _("You are not allowed to enter job orders."))
    form = JobOrderForm(request.POST if request.method == "POST" else None, actor=actor)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                job_order = services.job_order_create(actor=actor, data=form.service_data(), via=VIA)
            except DomainError as exc:
                _reraise_access(exc)
                apply_domain_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("The job order has been entered; it awaits verification by the "
                                            "Perwakilan RI."))
                return redirect("web:job-order-detail", public_id=job_order.public_id)
    context = {"form": form, "own_agency": actor.agency if actor.role == Role.P3MI_STAFF else None}
    return render(request, "web/placements/job_order_form.html", context, status=status)


def _job_order_context(request, job_order, **forms_in) -> dict:
    actor = request.user
    language = lang()
    permits = selectors.job_order_permits(job_order)
    can_verify = actor.has_role_perm(JOB_ORDER_VERIFY) and job_order.status == JobOrder.Status.DRAFT
    can_issue = actor.has_role_perm(SIP2MI_ISSUE)
    today = timezone.localdate()
    return {
        "job_order": job_order,
        "country_name": job_order.country.name_en if language == "en" else job_order.country.name_id,
        "occupation_title": job_order.occupation.title_en if language == "en" else job_order.occupation.title_id,
        "permits": [{"permit": p, "in_force": p.status == Sip2mi.Status.ACTIVE and p.valid_from <= today
                     <= p.valid_until} for p in permits],
        "quota": selectors.job_order_quota_summary(job_order, on=today),
        "can_verify": can_verify,
        "can_issue": can_issue and job_order.status == JobOrder.Status.VERIFIED,
        "can_revoke": can_issue,
        "verify_form": forms_in.get("verify_form") or JobOrderVerifyForm(prefix="verify",
                                                                          initial={"verified_on": today}),
        "reject_form": forms_in.get("reject_form") or JobOrderRejectForm(prefix="reject"),
        "issue_form": forms_in.get("issue_form") or Sip2miIssueForm(prefix="issue", initial={"valid_from": today}),
        "revoke_form": forms_in.get("revoke_form") or Sip2miRevokeForm(prefix="revoke"),
        "revoke_permit_id": forms_in.get("revoke_permit_id"),
        "can_place": actor.has_role_perm(PLACEMENT_WRITE) and job_order.status == JobOrder.Status.VERIFIED,
    }


@login_required
@domain_errors_to_http
def job_order_detail(request, public_id):
    job_order = selectors.job_order_get_for(request.user, public_id)
    return render(request, "web/placements/job_order_detail.html", _job_order_context(request, job_order))


def _job_order_action(request, public_id, form, form_key: str, call, done: str, **extra):
    """Run one job order action from its form; on a refusal, the page again with the form's errors."""
    job_order = selectors.job_order_get_for(request.user, public_id)
    status = 422
    if form.is_valid():
        try:
            call(job_order, form.cleaned_data)
        except DomainError as exc:
            _reraise_access(exc)
            apply_domain_error(form, exc)
            status = exc.status_code
        else:
            messages.success(request, done)
            return redirect("web:job-order-detail", public_id=job_order.public_id)
    job_order = selectors.job_order_get_for(request.user, public_id)
    context = _job_order_context(request, job_order, **{form_key: form}, **extra)
    return render(request, "web/placements/job_order_detail.html", context, status=status)


@login_required
@require_POST
@domain_errors_to_http
def job_order_verify(request, public_id):
    _require_perm(request.user, JOB_ORDER_VERIFY)

    def call(job_order, data):
        services.job_order_verify(actor=request.user, public_id=job_order.public_id, verified_on=data["verified_on"],
                                  verification_reference=data["verification_reference"], via=VIA)

    return _job_order_action(request, public_id, JobOrderVerifyForm(request.POST, prefix="verify"), "verify_form",
                             call, _("The job order is recorded as verified by the Perwakilan RI."))


@login_required
@require_POST
@domain_errors_to_http
def job_order_reject(request, public_id):
    _require_perm(request.user, JOB_ORDER_VERIFY)

    def call(job_order, data):
        services.job_order_reject(actor=request.user, public_id=job_order.public_id, reason=data["reason"], via=VIA)

    return _job_order_action(request, public_id, JobOrderRejectForm(request.POST, prefix="reject"), "reject_form",
                             call, _("The job order has been rejected."))


@login_required
@require_POST
@domain_errors_to_http
def sip2mi_issue(request, public_id):
    _require_perm(request.user, SIP2MI_ISSUE)

    def call(job_order, data):
        services.sip2mi_issue(actor=request.user, job_order_public_id=job_order.public_id, number=data["number"],
                              quota=data["quota"], valid_from=data["valid_from"], valid_until=data["valid_until"],
                              via=VIA)

    form = Sip2miIssueForm(request.POST, prefix="issue")
    return _job_order_action(request, public_id, form, "issue_form", call, _("The SIP2MI has been issued."))


@login_required
@require_POST
@domain_errors_to_http
def sip2mi_revoke(request, public_id, permit_id):
    _require_perm(request.user, SIP2MI_ISSUE)
    job_order = selectors.job_order_get_for(request.user, public_id)
    if not any(str(p.public_id) == str(permit_id) for p in selectors.job_order_permits(job_order)):
        raise NotFound(_("SIP2MI not found."))

    def call(job_order, data):
        services.sip2mi_revoke(actor=request.user, public_id=permit_id, reason=data["reason"],
                               revoked_on=data.get("revoked_on"), via=VIA)

    form = Sip2miRevokeForm(request.POST, prefix="revoke")
    return _job_order_action(request, public_id, form, "revoke_form", call, _("The SIP2MI has been revoked."),
                             revoke_permit_id=str(permit_id))


# ---------------------------------------------------------------------------------------------
# Public: job orders still recruiting (no sign-in)
# ---------------------------------------------------------------------------------------------


def public_job_orders(request):
    countries = selectors.public_job_order_countries()
    form = PublicJobOrderFilterForm(request.GET or None, countries=countries)
    # A country without open job orders is not among the choices, but the answer is still "none".
    country = request.GET.get("country", "").strip()[:2]
    page, status = None, 200
    try:
        page = selectors.public_job_order_list(country=country, page=_int_param(request, "page", 1),
                                               page_size=PAGE_SIZE)
    except ValidationFailed:
        status = 400
    language = lang()
    rows = [{
        "job_order": j,
        "country": j.country.name_en if language == "en" else j.country.name_id,
        "occupation": j.occupation.title_en if language == "en" else j.occupation.title_id,
    } for j in (page.items if page else [])]
    context = {"form": form, "page": page, "rows": rows, "today": timezone.localdate()}
    return _partial_or_full(request, "web/placements/public_job_orders.html",
                            "web/placements/_public_job_order_results.html", context, status)


urlpatterns = [
    path("placements/", placement_list, name="placement-list"),
    path("placements/new/", placement_create, name="placement-create"),
    path("placements/<uuid:public_id>/", placement_detail, name="placement-detail"),
    path("placements/<uuid:public_id>/edit/", placement_edit, name="placement-edit"),
    path("placements/<uuid:public_id>/transition/", placement_transition, name="placement-transition"),
    path("placements/<uuid:public_id>/checklist/", placement_checklist_add, name="placement-checklist-add"),
    path("placements/<uuid:public_id>/checklist/<int:item_id>/void/", placement_checklist_void,
         name="placement-checklist-void"),
    path("persons/<uuid:public_id>/placements/", person_placements, name="person-placements"),
    path("job-orders/", job_order_list, name="job-order-list"),
    path("job-orders/new/", job_order_create, name="job-order-create"),
    path("job-orders/<uuid:public_id>/", job_order_detail, name="job-order-detail"),
    path("job-orders/<uuid:public_id>/verify/", job_order_verify, name="job-order-verify"),
    path("job-orders/<uuid:public_id>/reject/", job_order_reject, name="job-order-reject"),
    path("job-orders/<uuid:public_id>/permits/", sip2mi_issue, name="sip2mi-issue"),
    path("job-orders/<uuid:public_id>/permits/<uuid:permit_id>/revoke/", sip2mi_revoke, name="sip2mi-revoke"),
    path("public/job-orders/", public_job_orders, name="public-job-orders"),
]
