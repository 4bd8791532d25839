"""Staff screens of the people registry (CPMI/PMI): list and search, register, detail, edit,
duplicate review and exports.

Thin adapters over ``lindungi.registry.services`` and ``selectors``, mirroring
``lindungi.api.routers.persons``: parse a form, call the domain, render. Domain errors become form
errors (``apply_domain_error``); NotFound is a 404 and PermissionDenied a 403.
"""

import tempfile
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from lindungi.common.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from lindungi.common.inputs import is_public_id
from lindungi.exports import persons as person_format
from lindungi.exports import services as export_services
from lindungi.registry import selectors, services
from lindungi.registry.models import DuplicateCandidate, Person
from lindungi.registry.perms import PERSON_EXPORT, PERSON_MERGE, PERSON_WRITE
from lindungi.supervision.perms import COST_VIEW
from lindungi.web import choices
from lindungi.web.forms.registry import (
    ContactForm,
    DuplicateDecisionForm,
    DuplicateFilterForm,
    LookupForm,
    PassportForm,
    PersonForm,
    PersonSearchForm,
    ReasonForm,
    UnmergeForm,
)
from lindungi.web.helpers import (
    apply_domain_error,
    domain_errors_to_http,
    push_search_url,
    search_params,
    search_remember,
)

PERSON_PAGE_SIZE = 25


# --- error placement -------------------------------------------------------------------------------

def _apply_errors(exc: DomainError, form, *, passport=None, contact=None) -> None:
    """Route service field errors to the form that holds the field: ``passport.number`` goes to the
    passport sub-form, ``contacts.0.name`` (or ``name`` on a contact-only call) to the contact form."""
    buckets: dict = {}
    for key, msgs in exc.fields.items():
        target, name = form, key
        if key.startswith("passport.") and passport is not None:
            target, name = passport, key.split(".", 1)[1]
        elif key.startswith("contacts.") and contact is not None:
            target, name = contact, key.rsplit(".", 1)[1]
        buckets.setdefault(id(target), (target, {}))[1][name] = msgs
    if not buckets:
        apply_domain_error(form, exc)
        return
    for target, fields in buckets.values():
        apply_domain_error(target, type(exc)(exc.message, code=exc.code, fields=fields))
    if not isinstance(exc, ValidationFailed):
        # A conflict names the field but its message says what collided: show both.
        form.add_error(None, exc.message)


def _reraise_access_errors(exc: DomainError) -> None:
    if isinstance(exc, (NotFound, PermissionDenied)):
        raise exc


# --- list, search and export -----------------------------------------------------------------------

def _search_form(request, params):
    if request.user.is_lookup_only:
        return LookupForm(params)
    return PersonSearchForm(params)


@login_required
@domain_errors_to_http
@vary_on_headers("HX-Request")
def person_list(request):
    """The search form is posted (``search_remember``): a NIK or passport number never travels in the
    address; results live at ``?search=<key>``."""
    if request.method == "POST":
        return search_remember(request, "persons")
    user = request.user
    params, refused = search_params(request, "persons")
    form = _search_form(request, params)
    filters = form.filters()
    page, notice = None, refused
    if refused or (user.is_lookup_only and not filters["q"]):
        pass  # nothing (usable) asked yet: lookup roles may not browse
    else:
        try:
            page = selectors.person_list_for(
                user, page=form.page_number(), page_size=PERSON_PAGE_SIZE, via="web", **filters,
            )
        except PermissionDenied as exc:
            if not user.is_lookup_only:
                raise
            notice = exc.message  # e.g. a lookup role typed a name: explain instead of a 403 page
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
    context = {
        "form": form, "page": page, "notice": notice, "lookup_only": user.is_lookup_only,
        "can_export": user.has_role_perm(PERSON_EXPORT),
        "can_write": user.has_role_perm(PERSON_WRITE) and not user.is_lookup_only,
    }
    status = 400 if refused else 200
    if request.htmx:
        return push_search_url(request, render(request, "web/registry/_person_results.html", context, status=status))
    if not user.is_lookup_only:
        context["regencies"] = choices.regencies_for()
    return render(request, "web/registry/person_list.html", context, status=status)


def _export_rows_or_job(request, fmt: str):
    """``(rows, None)`` for a list short enough to download now, or ``(None, response)``: a redirect to
    the background export a longer list becomes, or a 422 page when the filters are refused."""
    params, refused = search_params(request, "persons")
    form = PersonSearchForm(params)
    query = request.GET.copy()
    query.pop("page", None)
    try:
        if refused:
            raise ValidationFailed.from_fields({"q": refused})
        if not form.is_valid():
            raise ValidationFailed.from_fields({name: list(errors) for name, errors in form.errors.items()})
        start = export_services.export_start(actor=request.user, kind="persons", fmt=fmt, filters=form.filters(),
                                             via="web")
    except ValidationFailed as exc:
        return None, render(request, "web/exports/request_error.html",
                            {"error": exc, "query": query.urlencode()}, status=exc.status_code)
    if start.job is not None:
        messages.info(request, _("This list has %(n)s rows, so it is exported in the background. The file "
                                 "can be downloaded here when it is ready.") % {"n": f"{start.count:,}"})
        return None, redirect("web:export-detail", public_id=start.job.public_id)
    return start.rows, None


def _export_filename(ext: str) -> str:
    return f"lindungi-persons-{timezone.localdate():%Y%m%d}.{ext}"


@login_required
@domain_errors_to_http
def person_export_csv(request):
    rows, response = _export_rows_or_job(request, "csv")
    if response is not None:
        return response
    response = StreamingHttpResponse(person_format.csv_lines(rows),
                                     content_type=person_format.CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_export_filename("csv")}"'
    return response


@login_required
@domain_errors_to_http
def person_export_xlsx(request):
    rows, response = _export_rows_or_job(request, "xlsx")
    if response is not None:
        return response
    out = tempfile.TemporaryFile()
    person_format.write_xlsx(rows, out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=_export_filename("xlsx"),
                        content_type=person_format.XLSX_CONTENT_TYPE)


# --- register and edit ------------------------------------------------------------------------------

def _require_write(user) -> None:
    if not user.has_role_perm(PERSON_WRITE) or user.is_lookup_only:
        raise PermissionDenied(_("You are not allowed to do this."))


@login_required
@domain_errors_to_http
def person_create(request):
    user = request.user
    _require_write(user)
    data = request.POST if request.method == "POST" else None
    form = PersonForm(data, actor=user)
    passport_form = PassportForm(data)
    contact_form = ContactForm(data)
    status, existing = 200, None
    if request.method == "POST":
        forms_valid = all([f.is_valid() for f in (form, passport_form, contact_form)])  # every form, no short cut
        if _add_domain_errors(request.POST, form, passport_form, contact_form) or not forms_valid:
            status = 422
        else:
            try:
                person, matches = services.person_create(
                    actor=user, data=form.service_data(),
                    passport=None if passport_form.is_blank() else passport_form.service_data(),
                    contacts=[] if contact_form.is_blank() else [contact_form.service_data()],
                    agency_public_id=form.cleaned_data.get("agency") or None, via="web",
                )
            except DomainError as exc:
                _reraise_access_errors(exc)
                if "nik" in exc.fields and not isinstance(exc, ValidationFailed):  # already registered
                    existing = selectors.person_with_nik_for(user, form.cleaned_data["nik"], via="web")
                _apply_errors(exc, form, passport=passport_form, contact=contact_form)
                status = exc.status_code
            else:
                messages.success(request, _("%(name)s has been registered.") % {"name": person.full_name})
                if matches:
                    _warn_duplicates(request, len(matches))
                return redirect("web:person-detail", public_id=person.public_id)
    return render(request, "web/registry/person_form.html", {
        "form": form, "passport_form": passport_form, "contact_form": contact_form, "creating": True,
        "existing": existing,
    }, status=status)


def _add_domain_errors(post, form, passport_form, contact_form) -> bool:
    """Check the registry's rules on everything typed, whatever the form layer already refused, so
    the officer sees every error in one pass; a field the form already flagged keeps its own message."""
    raw_passport = {name: post.get(f"passport-{name}", "") for name in passport_form.fields}
    errors = selectors.person_input_errors(
        data={name: post.get(name, "") for name in PersonForm.SERVICE_FIELDS},
        passport=raw_passport if any(v.strip() for v in raw_passport.values()) else None)
    fresh = {}
    for key, msgs in errors.items():
        target, name = (passport_form, key.split(".", 1)[1]) if key.startswith("passport.") else (form, key)
        if name not in target.errors:
            fresh[key] = msgs
    if fresh:
        _apply_errors(ValidationFailed.from_fields(fresh), form, passport=passport_form, contact=contact_form)
    return bool(errors)


def _warn_duplicates(request, count: int) -> None:
    text = _("%(n)d possible duplicate(s) of this record were found and queued for review.") % {"n": count}
    if request.user.has_role_perm(PERSON_MERGE):
        messages.warning(request, format_html('{} <a href="{}">{}</a>', text, reverse("web:duplicate-list"),
                                              _("Open the review queue")))
    else:
        messages.warning(request, text)


@login_required
@domain_errors_to_http
@require_POST
def person_duplicate_check(request):
    """htmx: score the unsaved form against the registry and return a partial (no writes)."""
    user = request.user
    form = PersonForm(request.POST, actor=user)  # for its field labels
    data = {name: request.POST.get(name, "") for name in PersonForm.SERVICE_FIELDS}
    context = {"matches": None, "errors": {}, "auto": request.POST.get("auto") == "1"}
    try:
        matches = selectors.duplicate_check_for(user, data=data,
                                                passport_number=request.POST.get("passport-number", ""))
    except ValidationFailed as exc:
        labels = {name: str(field.label) for name, field in form.fields.items()}
        context["errors"] = {labels.get(k, k): v for k, v in exc.fields.items()}
        if context["auto"]:  # checked as the officer types: say nothing until there is enough to match
            return HttpResponse("")
    else:
        context["matches"] = matches
    # Always 200: htmx swaps only successful responses.
    return render(request, "web/registry/_duplicate_check.html", context)


@login_required
@domain_errors_to_http
@require_POST
def person_nik_facts(request):
    """JSON for the registration form: what the NIK typed so far says (sex, birth date, regency).
    Posted, so the NIK never lands in an address or a server log line."""
    _require_write(request.user)
    return JsonResponse(selectors.nik_facts(request.POST.get("nik", "")[:32]))


@login_required
@domain_errors_to_http
def person_village_field(request):
    """htmx: the village field for the regency just chosen (a list by name where villages are loaded)."""
    _require_write(request.user)
    form = PersonForm({"regency_code": request.GET.get("regency_code", "")[:8]}, actor=request.user)
    return render(request, "web/registry/_village_field.html", {"form": form})


@login_required
@domain_errors_to_http
def person_edit(request, public_id):
    user = request.user
    _require_write(user)
    person = selectors.person_get_for(user, public_id, via="web", log=request.method != "POST")
    if person.merged_into_id:
        messages.warning(request, _("This record was merged into another; edit the surviving record."))
        return redirect("web:person-detail", public_id=person.public_id)
    form = PersonForm(request.POST if request.method == "POST" else None, actor=user, person=person)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            changed = form.changed_service_data()
            if not changed:
                messages.info(request, _("Nothing was changed."))
                return redirect("web:person-detail", public_id=person.public_id)
            try:
                services.person_update(actor=user, public_id=person.public_id, data=changed,
                                       reason=form.cleaned_data.get("reason", ""), via="web")
            except DomainError as exc:
                _reraise_access_errors(exc)
                _apply_errors(exc, form)
                status = exc.status_code
            else:
                messages.success(request, _("The changes have been saved."))
                return redirect("web:person-detail", public_id=person.public_id)
        else:
            status = 422
    return render(request, "web/registry/person_form.html",
                  {"form": form, "person": person, "creating": False}, status=status)


# --- detail and the forms on it ---------------------------------------------------------------------

ACTION_LABELS = {
    "person.created": gettext_lazy("Registered"),
    "person.updated": gettext_lazy("Changed"),
    "person.passport_added": gettext_lazy("Passport added"),
    "person.contact_added": gettext_lazy("Family contact added"),
    "person.contact_removed": gettext_lazy("Family contact removed"),
    "person.merged": gettext_lazy("Merged into another record"),
    "person.absorbed": gettext_lazy("Absorbed a duplicate record"),
    "person.unmerged": gettext_lazy("Merge undone"),
}
EXTRA_FIELD_LABELS = {
    "passport": gettext_lazy("passport"),
    "contact": gettext_lazy("family contact"),
    "absorbed": gettext_lazy("absorbed record"),
    "merged_into": gettext_lazy("merged into"),
}


def _field_label(name: str) -> str:
    if name in EXTRA_FIELD_LABELS:
        return str(EXTRA_FIELD_LABELS[name])
    try:
        return str(Person._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - any unknown key is shown as stored
        return name


def _history_rows(events, names) -> list[dict]:
    """Audit events with readable field names, and ids shown as the names the selector resolved."""
    kinds = selectors.HISTORY_ID_FIELDS
    choice_labels = {f.name: dict(f.choices) for f in Person._meta.concrete_fields if f.choices}

    def show(name, value):
        if value is None or value == "" or value == []:
            return ""
        if name in kinds:
            return names[kinds[name]].get(value, f"#{value}")
        if name in choice_labels:
            return choice_labels[name].get(value, value)
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        return value

    rows = []
    for ev in events:
        changes = []
        for name, pair in (ev.changes or {}).items():
            old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            old, new = show(name, old), show(name, new)
            if old == "" and new == "":
                continue  # e.g. an optional field left empty at registration
            changes.append({"field": _field_label(name), "old": old, "new": new})
        label = ACTION_LABELS.get(ev.action)
        rows.append({"event": ev, "action": str(label) if label else ev.action, "changes": changes})
    return rows


def _detail_context(request, page: dict, **forms) -> dict:
    user = request.user
    person = page["person"]
    return {
        **page,
        "history": _history_rows(page["history"], page["history_names"]),
        "can_write": user.has_role_perm(PERSON_WRITE) and not person.merged_into_id,
        "can_merge": user.has_role_perm(PERSON_MERGE),
        "can_view_costs": user.has_role_perm(COST_VIEW),
        "passport_form": forms.get("passport_form") or PassportForm(require=True),
        "contact_form": forms.get("contact_form") or ContactForm(require=True),
        "unmerge_form": forms.get("unmerge_form") or UnmergeForm(),
        "remove_form": ReasonForm(),
        # Arriving from a placement's blocking reason ("no passport"): the form is open and saving it
        # leads back to that placement.
        "return_placement": _return_placement(request),
        "open_passport": forms.get("passport_form") is not None or request.GET.get("add") == "passport",
    }


def _return_placement(request) -> str:
    value = request.POST.get("placement") or request.GET.get("placement") or ""
    return value if is_public_id(value) else ""


def _render_detail(request, public_id, status=200, **forms):
    page = selectors.person_page_for(request.user, public_id, via="web")
    return render(request, "web/registry/person_detail.html", _detail_context(request, page, **forms),
                  status=status)


@login_required
@domain_errors_to_http
def person_detail(request, public_id):
    return _render_detail(request, public_id)


@login_required
@domain_errors_to_http
@require_POST
def person_passport_add(request, public_id):
    form = PassportForm(request.POST, require=True)
    if form.is_valid():
        try:
            passport = services.passport_add(actor=request.user, public_id=public_id, data=form.service_data(),
                                             via="web")
        except DomainError as exc:
            _reraise_access_errors(exc)
            _apply_errors(exc, form, passport=form)
            return _render_detail(request, public_id, status=exc.status_code, passport_form=form)
        messages.success(request, _("Passport %(n)s has been recorded.") % {"n": passport.number})
        if back := _return_placement(request):
            return redirect("web:placement-detail", public_id=back)
        return redirect("web:person-detail", public_id=public_id)
    return _render_detail(request, public_id, status=422, passport_form=form)


@login_required
@domain_errors_to_http
@require_POST
def person_contact_add(request, public_id):
    form = ContactForm(request.POST, require=True)
    if form.is_valid():
        try:
            services.contact_add(actor=request.user, public_id=public_id, data=form.service_data(), via="web")
        except DomainError as exc:
            _reraise_access_errors(exc)
            _apply_errors(exc, form)
            return _render_detail(request, public_id, status=exc.status_code, contact_form=form)
        messages.success(request, _("The family contact has been added."))
        return redirect("web:person-detail", public_id=public_id)
    return _render_detail(request, public_id, status=422, contact_form=form)


@login_required
@domain_errors_to_http
@require_POST
def person_contact_remove(request, public_id, contact_id):
    form = ReasonForm(request.POST)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    try:
        services.contact_remove(actor=request.user, public_id=public_id, contact_id=contact_id, reason=reason,
                                via="web")
    except DomainError as exc:
        _reraise_access_errors(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The family contact has been removed."))
    return redirect("web:person-detail", public_id=public_id)


@login_required
@domain_errors_to_http
@require_POST
def person_duplicate_rescan(request, public_id):
    matches = services.duplicate_rescan(actor=request.user, public_id=public_id, via="web")
    if matches:
        messages.warning(request, _("%(n)d possible duplicate(s) found.") % {"n": len(matches)})
    else:
        messages.success(request, _("No possible duplicates found."))
    return redirect("web:person-detail", public_id=public_id)


@login_required
@domain_errors_to_http
@require_POST
def person_unmerge(request, public_id):
    form = UnmergeForm(request.POST)
    if form.is_valid():
        try:
            services.person_unmerge(actor=request.user, public_id=public_id, reason=form.cleaned_data["reason"],
                                    via="web")
        except DomainError as exc:
            _reraise_access_errors(exc)
            _apply_errors(exc, form)
            return _render_detail(request, public_id, status=exc.status_code, unmerge_form=form)
        messages.success(request, _("The merge has been undone; the pair is back in the review queue."))
        return redirect("web:person-detail", public_id=public_id)
    return _render_detail(request, public_id, status=422, unmerge_form=form)


# --- duplicate review -------------------------------------------------------------------------------

@login_required
@domain_errors_to_http
def duplicate_list(request):
    form = DuplicateFilterForm(request.GET)
    page = selectors.duplicate_queue_for(request.user, status=form.status_value(), page=form.page_number())
    return render(request, "web/registry/duplicate_list.html",
                  {"form": form, "page": page, "status": form.status_value()})


def _comparison_rows(a: Person, b: Person) -> list[dict]:
    def passports(p):
        return ", ".join(x.number + ("" if x.is_current else f" ({_('old')})") for x in p.passports.all()) or "—"

    def agency(p):
        return p.agency.legal_name if p.agency_id else "—"

    rows = [
        (_("NIK"), a.nik, b.nik),
        (_("Full name"), a.full_name, b.full_name),
        (_("Sex"), a.get_sex_display(), b.get_sex_display()),
        (_("Date of birth"), a.birth_date, b.birth_date),
        (_("Place of birth"), a.birth_place, b.birth_place),
        (_("Regency/city"), str(a.regency), str(b.regency)),
        (_("Address"), a.address, b.address),
        (_("Passports"), passports(a), passports(b)),
        (_("P3MI"), agency(a), agency(b)),
        (_("Registered"), timezone.localtime(a.created_at).date(), timezone.localtime(b.created_at).date()),
    ]
    def show(value):
        return value.strftime("%d-%m-%Y") if isinstance(value, date) else value

    return [{"label": label, "a": show(va), "b": show(vb), "same": va == vb} for label, va, vb in rows]


def _duplicate_context(request, candidate, form=None) -> dict:
    a, b = candidate.person_a, candidate.person_b
    return {
        "candidate": candidate, "a": a, "b": b, "rows": _comparison_rows(a, b),
        "form": form or DuplicateDecisionForm(initial={"survivor": "a"}),
        "pending": candidate.status == DuplicateCandidate.Status.PENDING,
    }


@login_required
@domain_errors_to_http
def duplicate_detail(request, candidate_id):
    user = request.user
    candidate = selectors.duplicate_get_for(user, candidate_id, via="web", log=request.method != "POST")
    status = 200
    form = None
    if request.method == "POST":
        form = DuplicateDecisionForm(request.POST)
        if form.is_valid():
            same = form.cleaned_data["decision"] == DuplicateDecisionForm.SAME
            kept = candidate.person_b if form.cleaned_data.get("survivor") == "b" else candidate.person_a
            try:
                services.duplicate_decide(actor=user, candidate_id=candidate.pk, same_person=same,
                                          survivor=kept.public_id if same else None,
                                          note=form.cleaned_data.get("note", ""), via="web")
            except DomainError as exc:
                _reraise_access_errors(exc)
                _apply_errors(exc, form)
                status = exc.status_code
            else:
                if same:
                    messages.success(request, _("The records have been merged into %(name)s (%(nik)s).")
                                     % {"name": kept.full_name, "nik": kept.nik})
                else:
                    messages.success(request, _("Recorded as different people."))
                return redirect("web:duplicate-list")
        else:
            status = 422
        candidate = selectors.duplicate_get_for(user, candidate_id, via="web", log=True)
    return render(request, "web/registry/duplicate_detail.html", _duplicate_context(request, candidate, form),
                  status=status)


urlpatterns = [
    path("persons/", person_list, name="person-list"),
    path("persons/new/", person_create, name="person-create"),
    path("persons/duplicate-check/", person_duplicate_check, name="person-duplicate-check"),
    path("persons/nik-facts/", person_nik_facts, name="person-nik-facts"),
    path("persons/village-field/", person_village_field, name="person-village-field"),
    path("persons/export.csv", person_export_csv, name="person-export-csv"),
    path("persons/export.xlsx", person_export_xlsx, name="person-export-xlsx"),
    path("persons/<uuid:public_id>/", person_detail, name="person-detail"),
    path("persons/<uuid:public_id>/edit/", person_edit, name="person-edit"),
    path("persons/<uuid:public_id>/passports/", person_passport_add, name="person-passport-add"),
    path("persons/<uuid:public_id>/contacts/", person_contact_add, name="person-contact-add"),
    path("persons/<uuid:public_id>/contacts/<int:contact_id>/remove/", person_contact_remove,
         name="person-contact-remove"),
    path("persons/<uuid:public_id>/rescan/", person_duplicate_rescan, name="person-duplicate-rescan"),
    path("persons/<uuid:public_id>/unmerge/", person_unmerge, name="person-unmerge"),
    path("duplicates/", duplicate_list, name="duplicate-list"),
    path("duplicates/<int:candidate_id>/", duplicate_detail, name="duplicate-detail"),
]
