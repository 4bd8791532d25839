"""Staff screens for supporting institutions, and the "Skills and health" section of a person page.

Thin: forms parse input, selectors read, services write; domain errors land on form fields through
``apply_domain_error``. The person section is its own page (``persons/<id>/skills/``) that the
person page loads with htmx, as it does the placements section: the registry knows nothing of it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindungi.common.errors import DomainError, ValidationFailed
from lindungi.institutions import selectors, services
from lindungi.institutions.models import InstitutionStatus
from lindungi.institutions.perms import INSTITUTION_VIEW, INSTITUTION_WRITE
from lindungi.registry.perms import PERSON_WRITE
from lindungi.web.forms.institutions import (
    CertificateForm,
    InstitutionFilterForm,
    InstitutionForm,
    MedicalResultForm,
    ReinstateForm,
    RevokeForm,
    SuspendForm,
    TrainingForm,
)
from lindungi.web.helpers import apply_domain_error, domain_errors_to_http, page_window
from lindungi.web.helpers import int_param as _int_param
from lindungi.web.helpers import partial_or_full as _partial_or_full

VIA = "web"
PAGE_SIZE = 25


def _require_perm(user, perm: str) -> None:
    if not user.has_role_perm(perm):
        raise DjangoPermissionDenied(_("You do not have permission to do this."))


def _values(form) -> tuple[dict, str]:
    values = {k: v for k, v in form.cleaned_data.items()}
    return values, values.pop("reason", "") or ""


# ---------------------------------------------------------------------------------------------
# the register
# ---------------------------------------------------------------------------------------------

@login_required
@domain_errors_to_http
def institution_list(request):
    _require_perm(request.user, INSTITUTION_VIEW)
    form = InstitutionFilterForm(request.GET or None)
    page, status = None, 200
    try:
        page = selectors.institution_list_for(
            request.user, q=request.GET.get("q", ""), kind=request.GET.get("kind", ""),
            regency=request.GET.get("regency", ""), status=request.GET.get("status", ""),
            page=_int_param(request, "page", 1), page_size=_int_param(request, "page_size", PAGE_SIZE))
    except ValidationFailed as exc:
        form.is_valid()
        apply_domain_error(form, exc)
        status = 400
    day = timezone.localdate()
    context = {
        "form": form, "page": page, "window": page_window(page) if page else [],
        "rows": [{"institution": i, "standing": selectors.institution_standing_on(i, day)}
                 for i in (page.items if page else [])],
        "can_write": request.user.has_role_perm(INSTITUTION_WRITE),
    }
    return _partial_or_full(request, "web/institutions/institution_list.html",
                            "web/institutions/_institution_results.html", context, status)


def _detail(request, public_id, status: int = 200, **forms_in):
    institution = selectors.institution_get_for(request.user, public_id)
    can_write = (request.user.has_role_perm(INSTITUTION_WRITE)
                 and selectors.institution_can_write(request.user, institution))
    context = {
        "institution": institution,
        "standing": selectors.institution_standing_on(institution),
        "history": list(institution.status_history.all()),
        "can_write": can_write,
        "is_revoked": institution.status == InstitutionStatus.REVOKED,
        "is_suspended": institution.status == InstitutionStatus.SUSPENDED,
    }
    if can_write:
        context["suspend_form"] = forms_in.get("suspend_form") or SuspendForm(prefix="suspend")
        context["reinstate_form"] = forms_in.get("reinstate_form") or ReinstateForm(prefix="reinstate")
        context["revoke_form"] = forms_in.get("revoke_form") or RevokeForm(prefix="revoke")
    return render(request, "web/institutions/institution_detail.html", context, status=status)


@login_required
@domain_errors_to_http
def institution_detail(request, public_id):
    _require_perm(request.user, INSTITUTION_VIEW)
    return _detail(request, public_id)


@login_required
@domain_errors_to_http
def institution_create(request):
    _require_perm(request.user, INSTITUTION_WRITE)
    form = InstitutionForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data, reason = _values(form)
        try:
            institution = services.institution_create(actor=request.user, data=data, reason=reason, via=VIA)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("%(name)s registered.") % {"name": institution.name})
            return redirect("web:institution-detail", public_id=institution.public_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "web/institutions/institution_form.html", {"form": form, "institution": None},
                  status=status)


@login_required
@domain_errors_to_http
def institution_edit(request, public_id):
    _require_perm(request.user, INSTITUTION_WRITE)
    institution = selectors.institution_get_for(request.user, public_id)
    if not selectors.institution_can_write(request.user, institution):
        raise DjangoPermissionDenied(_("This institution is outside your unit's area."))
    initial = {name: getattr(institution, name) for name in services.INSTITUTION_EDITABLE if name != "regency"}
    initial["regency"] = institution.regency.code
    form = InstitutionForm(request.POST or None, initial=initial, actor=request.user,
                           current_regency=institution.regency)
    if request.method == "POST" and form.is_valid():
        data, reason = _values(form)
        try:
            services.institution_update(actor=request.user, public_id=institution.public_id, data=data,
                                        reason=reason, via=VIA)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("web:institution-detail", public_id=institution.public_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "web/institutions/institution_form.html", {"form": form, "institution": institution},
                  status=status)


def _standing_view(form_class, prefix: str, service, done):
    @login_required
    @require_POST
    @domain_errors_to_http
    def view(request, public_id):
        _require_perm(request.user, INSTITUTION_WRITE)
        if not selectors.institution_can_write(request.user, selectors.institution_get_for(request.user, public_id)):
            raise DjangoPermissionDenied(_("This institution is outside your unit's area."))
        form = form_class(request.POST, prefix=prefix)
        if form.is_valid():
            values, reason = _values(form)
            try:
                service(actor=request.user, public_id=public_id, reason=reason, via=VIA, **values)
            except ValidationFailed as exc:
                apply_domain_error(form, exc)
            except DomainError as exc:
                if exc.status_code in (403, 404):
                    raise
                messages.error(request, exc.message)
                return redirect("web:institution-detail", public_id=public_id)
            else:
                messages.success(request, str(done()))
                return redirect("web:institution-detail", public_id=public_id)
        return _detail(request, public_id, status=400, **{f"{prefix}_form": form})

    return view


institution_suspend = _standing_view(SuspendForm, "suspend", services.institution_suspend,
                                     lambda: _("Institution suspended."))
institution_reinstate = _standing_view(ReinstateForm, "reinstate", services.institution_reinstate,
                                       lambda: _("Institution reinstated."))
institution_revoke = _standing_view(RevokeForm, "revoke", services.institution_revoke,
                                    lambda: _("Institution revoked."))


# ---------------------------------------------------------------------------------------------
# a person's skills and health
# ---------------------------------------------------------------------------------------------

def _skills(request, public_id, *, status: int = 200, partial: bool = False, **forms_in):
    actor = request.user
    page = selectors.person_credentials_for(actor, public_id, via=VIA, log=not partial)
    person = page["person"]
    can_write = actor.has_role_perm(PERSON_WRITE) and not person.merged_into_id
    context = {**page, "can_write": can_write}
    if can_write:
        context["training_form"] = forms_in.get("training_form") or TrainingForm(actor=actor)
        context["certificate_form"] = forms_in.get("certificate_form") or CertificateForm(actor=actor)
        context["medical_form"] = forms_in.get("medical_form") or MedicalResultForm(actor=actor)
    template = "web/institutions/_person_skills.html" if partial else "web/institutions/person_skills.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@domain_errors_to_http
def person_skills(request, public_id):
    return _skills(request, public_id, partial=bool(request.htmx and not request.htmx.history_restore_request))


def _record_view(form_class, form_name: str, service, done):
    @login_required
    @require_POST
    @domain_errors_to_http
    def view(request, public_id):
        _require_perm(request.user, PERSON_WRITE)
        form = form_class(request.POST, actor=request.user)
        if form.is_valid():
            try:
                service(actor=request.user, public_id=public_id, data=dict(form.cleaned_data), via=VIA)
            except DomainError as exc:
                if exc.status_code in (403, 404):
                    raise
                apply_domain_error(form, exc)
                return _skills(request, public_id, status=exc.status_code, **{form_name: form})
            messages.success(request, str(done()))
            return redirect(reverse("web:person-detail", kwargs={"public_id": public_id}) + "#skills")
        return _skills(request, public_id, status=422, **{form_name: form})

    return view


person_training_add = _record_view(TrainingForm, "training_form", services.training_enrolment_record,
                                   lambda: _("The training has been recorded."))
person_certificate_add = _record_view(CertificateForm, "certificate_form", services.certificate_record,
                                      lambda: _("The certificate has been recorded."))
person_medical_add = _record_view(MedicalResultForm, "medical_form", services.medical_result_record,
                                  lambda: _("The medical result has been recorded."))


urlpatterns = [
    path("institutions/", institution_list, name="institution-list"),
    path("institutions/new/", institution_create, name="institution-create"),
    path("institutions/<uuid:public_id>/", institution_detail, name="institution-detail"),
    path("institutions/<uuid:public_id>/edit/", institution_edit, name="institution-edit"),
    path("institutions/<uuid:public_id>/suspend/", institution_suspend, name="institution-suspend"),
    path("institutions/<uuid:public_id>/reinstate/", institution_reinstate, name="institution-reinstate"),
    path("institutions/<uuid:public_id>/revoke/", institution_revoke, name="institution-revoke"),
    path("persons/<uuid:public_id>/skills/", person_skills, name="person-skills"),
    path("persons/<uuid:public_id>/skills/trainings/", person_training_add, name="person-training-add"),
    path("persons/<uuid:public_id>/skills/certificates/", person_certificate_add, name="person-certificate-add"),
    path("persons/<uuid:public_id>/skills/medical-results/", person_medical_add, name="person-medical-add"),
]
