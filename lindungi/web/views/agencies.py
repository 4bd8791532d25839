"""Staff screens for P3MI companies and foreign parties, and the public P3MI register.

Thin: forms parse input, selectors read, services write; domain errors land on form fields through
``apply_domain_error``.
"""

import csv
import datetime as dt
import io
from decimal import Decimal

import xlsxwriter
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lindungi.agencies import rules, selectors, services
from lindungi.agencies.models import AgencyStatus, DepositDrawdown, ForeignParty
from lindungi.agencies.perms import (
    AGENCY_SANCTION,
    AGENCY_VIEW,
    AGENCY_WRITE,
    DRAWDOWN_DECIDE,
    DRAWDOWN_REQUEST,
    DRAWDOWN_VIEW,
    SANCTION_OPEN,
    SANCTION_VIEW,
)
from lindungi.audit.services import access_log
from lindungi.common.errors import DomainError, ValidationFailed
from lindungi.common.pagination import Page
from lindungi.supervision.perms import SCORECARD_VIEW
from lindungi.web import choices
from lindungi.web.helpers import apply_domain_error, domain_errors_to_http, page_window
from lindungi.web.helpers import int_param as _int_param
from lindungi.web.helpers import partial_or_full as _partial_or_full

VIA = "web"

STANDING_LABELS = {
    rules.ACTIVE: gettext_lazy("In good standing"),
    rules.SUSPENSION_ENDED: gettext_lazy("In good standing (suspension ended)"),
    rules.SUSPENSION_SCHEDULED: gettext_lazy("In good standing (suspension scheduled)"),
    rules.SUSPENDED: gettext_lazy("Suspended"),
    rules.PARTIALLY_SUSPENDED: gettext_lazy("Partly suspended"),
    rules.REVOKED: gettext_lazy("Licence revoked"),
    rules.EXPIRED: gettext_lazy("Licence expired"),
    rules.NOT_YET_VALID: gettext_lazy("Licence not yet in force"),
}


def _date_input(**kwargs):
    return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


def _reason_input(required=True, label=None):
    return forms.CharField(label=label or gettext_lazy("Reason"), required=required,
                           widget=forms.Textarea(attrs={"rows": 2}))


def _require_perm(user, perm: str) -> None:
    if not user.has_role_perm(perm):
        raise DjangoPermissionDenied(_("You do not have permission to do this."))


def _lang() -> str:
    return "id" if (translation.get_language() or "id").lower().startswith("id") else "en"


# ---------------------------------------------------------------------------------------------
# forms
# ---------------------------------------------------------------------------------------------

class AgencyFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name or SIP3MI number"), required=False,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *AgencyStatus.choices]
        self.fields["province"].choices = [("", _("All provinces")), *choices.province_choices()]


class AgencyForm(forms.Form):
    legal_name = forms.CharField(label=gettext_lazy("Legal name"), max_length=200)
    sip3mi_number = forms.CharField(label=gettext_lazy("SIP3MI number"), max_length=60)
    licence_issued_on = _date_input(label=gettext_lazy("Licence issued on"))
    licence_expires_on = _date_input(label=gettext_lazy("Licence expires on"), required=False)
    head_office_regency_code = forms.ChoiceField(label=gettext_lazy("Head office regency/city"))
    head_office_address = forms.CharField(label=gettext_lazy("Head office address"), max_length=255,
                                          required=False)
    paid_up_capital = forms.DecimalField(label=gettext_lazy("Paid-up capital (Rp)"), min_value=0,
                                         max_digits=18, decimal_places=2)
    deposit_bank = forms.CharField(label=gettext_lazy("Deposit bank"), max_length=100)
    deposit_amount = forms.DecimalField(label=gettext_lazy("Deposit amount (Rp)"), min_value=0,
                                        max_digits=18, decimal_places=2)
    deposit_holder = forms.CharField(label=gettext_lazy("Deposit holder"), max_length=200, required=False)
    deposit_reference = forms.CharField(label=gettext_lazy("Deposit bilyet number"), max_length=60,
                                        required=False)
    responsible_officer = forms.CharField(label=gettext_lazy("Responsible officer"), max_length=150,
                                          required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    reason = _reason_input(required=False, label=gettext_lazy("Reason or source document"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head_office_regency_code"].choices = [("", "—"), *choices.regency_choices()]
        self.fields["paid_up_capital"].help_text = _("At least %(min)s.") % {
            "min": rules.format_rupiah(rules.MIN_PAID_UP_CAPITAL)}
        self.fields["deposit_amount"].help_text = _("At least %(min)s, placed with a state bank.") % {
            "min": rules.format_rupiah(rules.MIN_DEPOSIT)}


class SuspendForm(forms.Form):
    suspended_from = _date_input(label=gettext_lazy("Suspended from"))
    suspended_until = _date_input(label=gettext_lazy("Suspended until"), required=False,
                                  help_text=gettext_lazy("Leave empty for a suspension until further notice."))
    decree_number = forms.CharField(label=gettext_lazy("Decree number"), max_length=120)
    countries = forms.MultipleChoiceField(label=gettext_lazy("Only these destination countries"), required=False,
                                          help_text=gettext_lazy("None selected: every country."))
    schemes = forms.MultipleChoiceField(label=gettext_lazy("Only these schemes"), required=False,
                                        help_text=gettext_lazy("None selected: every scheme."))
    reason = _reason_input()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = choices.country_choices()
        self.fields["schemes"].choices = choices.scheme_choices()


class LiftForm(forms.Form):
    lifted_on = _date_input(label=gettext_lazy("Lifted on"), required=False,
                            help_text=gettext_lazy("Leave empty for today."))
    decree_number = forms.CharField(label=gettext_lazy("Decree number"), max_length=120)
    reason = _reason_input()


class RevokeForm(forms.Form):
    revoked_on = _date_input(label=gettext_lazy("Revoked on"), required=False,
                             help_text=gettext_lazy("Leave empty for today."))
    decree_number = forms.CharField(label=gettext_lazy("Decree number"), max_length=120)
    reason = _reason_input()


class BranchForm(forms.Form):
    regency_code = forms.ChoiceField(label=gettext_lazy("Regency/city"))
    address = forms.CharField(label=gettext_lazy("Address"), max_length=255, required=False)
    registered_on = _date_input(label=gettext_lazy("Registered on"), required=False)
    reason = _reason_input(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regency_code"].choices = [("", "—"), *choices.regency_choices()]


class BranchCloseForm(forms.Form):
    closed_on = _date_input(label=gettext_lazy("Closed on"), required=False)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)


class ForeignPartyFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name or registration number"), required=False,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    role = forms.ChoiceField(label=gettext_lazy("Role"), required=False)
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("Employers and agencies")), *ForeignParty.Role.choices]
        self.fields["country"].choices = [("", _("All countries")), *choices.country_choices()]


class ForeignPartyForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=ForeignParty.Role.choices)
    legal_type = forms.ChoiceField(label=gettext_lazy("Type"), choices=ForeignParty.LegalType.choices)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    name_local = forms.CharField(label=gettext_lazy("Name in local script"), max_length=200, required=False)
    country_iso2 = forms.ChoiceField(label=gettext_lazy("Country"))
    address = forms.CharField(label=gettext_lazy("Address"), max_length=255, required=False)
    registration_number = forms.CharField(label=gettext_lazy("Registration number"), max_length=80,
                                          required=False)
    reason = _reason_input(required=False)

    def __init__(self, *args, with_blacklist: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country_iso2"].choices = [("", "—"), *choices.country_choices()]
        if with_blacklist:
            self.fields["blacklisted_from"] = _date_input(label=gettext_lazy("Blacklisted from"), required=False)
            self.fields["blacklisted_until"] = _date_input(label=gettext_lazy("Blacklisted until"), required=False)


def _textarea(label, **kwargs):
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 2}), **kwargs)


class DrawdownForm(forms.Form):
    proposed_by = forms.ChoiceField(label=gettext_lazy("Proposed by"), choices=DepositDrawdown.Proposer.choices)
    case_references = _textarea(gettext_lazy("Unresolved cases"),
                            help_text=gettext_lazy("One case number per line."))
    amount_requested = forms.DecimalField(label=gettext_lazy("Amount requested (Rp)"), min_value=0,
                                          decimal_places=2, max_digits=18)
    reason = _textarea(gettext_lazy("Reason"))


class DrawdownDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"),
                                 choices=[("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Reject"))])
    letter_number = forms.CharField(label=gettext_lazy("Letter number"), max_length=120)
    reason = _textarea(gettext_lazy("Reason"))


class DrawdownPayForm(forms.Form):
    payouts = _textarea(gettext_lazy("Payouts"), help_text=gettext_lazy(
        "One worker per line: the worker's reference, a semicolon, the amount (e.g. PMI-0012; 15000000)."))
    paid_on = _date_input(label=gettext_lazy("Paid on"), required=False)

    def clean_payouts(self):
        rows = []
        for line in self.cleaned_data["payouts"].splitlines():
            if not line.strip():
                continue
            reference, _sep, amount = line.rpartition(";")
            rows.append({"person_reference": reference.strip(), "amount": amount.strip()})
        return rows


def _form_values(form: forms.Form) -> tuple[dict, str]:
    values = dict(form.cleaned_data)
    reason = values.pop("reason", "") or ""
    return values, reason


# ---------------------------------------------------------------------------------------------
# company list and export
# ---------------------------------------------------------------------------------------------

def _standing_rows(agencies, day: dt.date) -> list[dict]:
    rows = []
    for agency in agencies:
        good, code = rules.standing_on(agency, day)
        rows.append({"agency": agency, "good": good, "code": code, "label": STANDING_LABELS[code]})
    return rows


@login_required
@domain_errors_to_http
def agency_list(request):
    _require_perm(request.user, AGENCY_VIEW)
    form = AgencyFilterForm(request.GET or None)
    page, status = None, 200
    try:
        page = selectors.agency_list_for(
            request.user, q=request.GET.get("q", ""), status=request.GET.get("status", ""),
            province_code=request.GET.get("province", ""), page=_int_param(request, "page", 1),
            page_size=_int_param(request, "page_size", 25),
        )
    except ValidationFailed as exc:
        form.is_valid()
        apply_domain_error(form, exc)
        status = 400
    context = {
        "form": form,
        "page": page,
        "rows": _standing_rows(page.items, timezone.localdate()) if page else [],
        "window": page_window(page) if page else [],
        "can_write": request.user.has_role_perm(AGENCY_WRITE),
        "perms_scorecards": request.user.has_role_perm(SCORECARD_VIEW),
        "perms_sanctions": request.user.has_role_perm(SANCTION_VIEW),
        "query": request.GET.urlencode(),
    }
    return _partial_or_full(request, "web/agencies/agency_list.html", "web/agencies/_agency_results.html",
                            context, status)


def _safe_cell(value):
    """Plain text for a spreadsheet cell; text that a spreadsheet would run as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, Decimal)):
        return str(value)
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


@login_required
@domain_errors_to_http
def agency_export(request, fmt: str):
    _require_perm(request.user, AGENCY_VIEW)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    try:
        header, rows, count = selectors.agency_export_table(
            request.user, q=request.GET.get("q", ""), status=request.GET.get("status", ""),
            province_code=request.GET.get("province", ""),
        )
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("web:agency-list")
    access_log(actor=request.user, kind="export", object_type="agency", object_id=None, via=VIA,
               detail=f"{fmt} {count} rows q={request.GET.get('q', '')[:100]}")
    filename = f"p3mi-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def stream():
            yield "\ufeff"  # byte-order mark so spreadsheet programs read UTF-8
            yield writer.writerow(header)
            for row in rows:
                yield writer.writerow([_safe_cell(v) for v in row])

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    else:
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                                "strings_to_urls": False})
        sheet = workbook.add_worksheet("P3MI")
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0"})
        sheet.write_row(0, 0, [str(h) for h in header], bold)
        sheet.freeze_panes(1, 0)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, Decimal):
                    sheet.write_number(r, c, float(value), money)
                elif isinstance(value, int) and not isinstance(value, bool):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, _safe_cell(value))
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, len(header) - 1, 16)
        workbook.close()
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------------------------------------
# company detail, create, edit, sanctions, branches
# ---------------------------------------------------------------------------------------------

def _detail_context(request, public_id, **forms_in) -> dict:
    agency = selectors.agency_get_for(request.user, public_id)
    day = timezone.localdate()
    good, code = rules.standing_on(agency, day)
    can_write = request.user.has_role_perm(AGENCY_WRITE)
    can_sanction = request.user.has_role_perm(AGENCY_SANCTION)
    branches = list(agency.branches.all())
    context = {
        "agency": agency,
        "standing": {"good": good, "code": code, "label": STANDING_LABELS[code],
                     "text": rules.standing_text(agency, day)[_lang()]},
        "history": list(agency.status_history.all()),
        "branches": branches,
        "financials_visible": selectors.agency_financials_visible(request.user, agency),
        "can_write": can_write,
        "can_sanction": can_sanction,
        "is_revoked": agency.status == AgencyStatus.REVOKED,
        "is_suspended": agency.status == AgencyStatus.SUSPENDED,
    }
    if can_sanction:
        context["suspend_form"] = forms_in.get("suspend_form") or SuspendForm(prefix="suspend")
        context["lift_form"] = forms_in.get("lift_form") or LiftForm(prefix="lift")
        context["revoke_form"] = forms_in.get("revoke_form") or RevokeForm(prefix="revoke")
    if can_write:
        context["branch_form"] = forms_in.get("branch_form") or BranchForm(prefix="branch")
        context["close_form"] = BranchCloseForm(prefix="close")
    user = request.user
    context["agency_sanctions"] = selectors.agency_sanctions_for(user, agency)
    context["can_view_sanctions"] = user.has_role_perm(SANCTION_VIEW)
    context["can_open_sanction"] = user.has_role_perm(SANCTION_OPEN)
    if user.has_role_perm(DRAWDOWN_VIEW):
        context["show_drawdowns"] = True
        context["drawdowns"] = drawdowns = selectors.drawdown_list_for(user, agency.public_id)
        if user.has_role_perm(DRAWDOWN_REQUEST):
            context["drawdown_form"] = forms_in.get("drawdown_form") or DrawdownForm(prefix="drawdown")
        if user.has_role_perm(DRAWDOWN_DECIDE):
            bound_id = forms_in.get("drawdown_id")
            for d in drawdowns:
                auto_id = f"id_{d.public_id}_%s"
                mine = bound_id is not None and str(bound_id) == str(d.public_id)
                if d.state == DepositDrawdown.State.REQUESTED:
                    d.form = (forms_in.get("decision_form") if mine else None) or DrawdownDecisionForm(
                        prefix="decision", auto_id=auto_id)
                elif d.state == DepositDrawdown.State.APPROVED:
                    d.form = (forms_in.get("pay_form") if mine else None) or DrawdownPayForm(
                        prefix="pay", auto_id=auto_id)
                d.form_open = mine
    return context


@login_required
@domain_errors_to_http
def agency_detail(request, public_id):
    _require_perm(request.user, AGENCY_VIEW)
    return render(request, "web/agencies/agency_detail.html", _detail_context(request, public_id))


@login_required
@domain_errors_to_http
def agency_create(request):
    _require_perm(request.user, AGENCY_WRITE)
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values, reason = _form_values(form)
        try:
            agency = services.agency_create(actor=request.user, reason=reason, via=VIA, **values)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("P3MI %(name)s registered.") % {"name": agency.legal_name})
            return redirect("web:agency-detail", public_id=agency.public_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "web/agencies/agency_form.html", {"form": form, "agency": None}, status=status)


@login_required
@domain_errors_to_http
def agency_edit(request, public_id):
    _require_perm(request.user, AGENCY_WRITE)
    agency = selectors.agency_get_for(request.user, public_id)
    initial = services.agency_snapshot(agency)
    form = AgencyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values, reason = _form_values(form)
        try:
            services.agency_update(actor=request.user, public_id=agency.public_id, reason=reason, via=VIA, **values)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("web:agency-detail", public_id=agency.public_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "web/agencies/agency_form.html", {"form": form, "agency": agency}, status=status)


def _detail_post_view(form_class, prefix: str, perm: str, call, done_message):
    """A form posted from the company page: on success back to the page with a message; on bad
    input the page again with the form's errors (400)."""
    @login_required
    @require_POST
    @domain_errors_to_http
    def view(request, public_id, drawdown_id=None):
        _require_perm(request.user, perm)
        form = form_class(request.POST, prefix=prefix)
        if form.is_valid():
            try:
                call(request, public_id, drawdown_id, form.cleaned_data)
            except ValidationFailed as exc:
                apply_domain_error(form, exc)
            except DomainError as exc:
                if exc.status_code in (403, 404):
                    raise
                messages.error(request, exc.message)
                return redirect("web:agency-detail", public_id=public_id)
            else:
                messages.success(request, str(done_message))
                return redirect("web:agency-detail", public_id=public_id)
        if drawdown_id is not None:
            form.auto_id = f"id_{drawdown_id}_%s"
        context = _detail_context(request, public_id, **{f"{prefix}_form": form, "drawdown_id": drawdown_id})
        return render(request, "web/agencies/agency_detail.html", context, status=400)

    return view


def _sanction_view(form_class, prefix: str, service, done_message):
    def call(request, public_id, _drawdown_id, data):
        values = dict(data)
        reason = values.pop("reason", "") or ""
        service(actor=request.user, public_id=public_id, reason=reason, via=VIA, **values)

    return _detail_post_view(form_class, prefix, AGENCY_SANCTION, call, done_message)


agency_suspend = _sanction_view(SuspendForm, "suspend", services.agency_suspend,
                                gettext_lazy("Licence suspended."))
agency_lift = _sanction_view(LiftForm, "lift", services.agency_lift_suspension,
                             gettext_lazy("Suspension lifted."))
agency_revoke = _sanction_view(RevokeForm, "revoke", services.agency_revoke, gettext_lazy("Licence revoked."))


def _drawdown_request(request, public_id, _drawdown_id, data):
    services.drawdown_request(actor=request.user, agency_public_id=public_id, via=VIA, **data)


def _drawdown_decide(request, public_id, drawdown_id, data):
    services.drawdown_decide(actor=request.user, agency_public_id=public_id, public_id=drawdown_id, via=VIA,
                             approve=data["decision"] == "approve", letter_number=data["letter_number"],
                             reason=data["reason"])


def _drawdown_pay(request, public_id, drawdown_id, data):
    services.drawdown_pay(actor=request.user, agency_public_id=public_id, public_id=drawdown_id, via=VIA, **data)


drawdown_request = _detail_post_view(DrawdownForm, "drawdown", DRAWDOWN_REQUEST, _drawdown_request,
                                  gettext_lazy("Drawdown requested."))
drawdown_decide = _detail_post_view(DrawdownDecisionForm, "decision", DRAWDOWN_DECIDE, _drawdown_decide,
                                 gettext_lazy("Decision recorded."))
drawdown_pay = _detail_post_view(DrawdownPayForm, "pay", DRAWDOWN_DECIDE, _drawdown_pay,
                              gettext_lazy("Payouts recorded."))


@login_required
@require_POST
@domain_errors_to_http
def branch_add(request, public_id):
    _require_perm(request.user, AGENCY_WRITE)
    form = BranchForm(request.POST, prefix="branch")
    if form.is_valid():
        values, reason = _form_values(form)
        try:
            services.branch_add(actor=request.user, agency_public_id=public_id, reason=reason, via=VIA, **values)
        except DomainError as exc:
            if exc.status_code in (403, 404):
                raise
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Branch registered."))
            return redirect("web:agency-detail", public_id=public_id)
    context = _detail_context(request, public_id, branch_form=form)
    return render(request, "web/agencies/agency_detail.html", context, status=400)


@login_required
@require_POST
@domain_errors_to_http
def branch_close(request, public_id, branch_id: int):
    _require_perm(request.user, AGENCY_WRITE)
    form = BranchCloseForm(request.POST, prefix="close")
    if not form.is_valid():
        messages.error(request, _("Give the reason for closing the branch."))
        return redirect("web:agency-detail", public_id=public_id)
    values, reason = _form_values(form)
    try:
        services.branch_close(actor=request.user, agency_public_id=public_id, branch_id=branch_id, reason=reason,
                              via=VIA, **values)
    except DomainError as exc:
        if exc.status_code in (403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Branch closed."))
    return redirect("web:agency-detail", public_id=public_id)


# ---------------------------------------------------------------------------------------------
# foreign employers and agencies
# ---------------------------------------------------------------------------------------------

@login_required
@domain_errors_to_http
def foreign_party_list(request):
    _require_perm(request.user, AGENCY_VIEW)
    form = ForeignPartyFilterForm(request.GET or None)
    page, status = None, 200
    try:
        page = selectors.foreign_party_list_for(
            request.user, q=request.GET.get("q", ""), role=request.GET.get("role", ""),
            country_iso2=request.GET.get("country", ""), page=_int_param(request, "page", 1),
            page_size=_int_param(request, "page_size", 25),
        )
    except ValidationFailed as exc:
        form.is_valid()
        apply_domain_error(form, exc)
        status = 400
    context = {"form": form, "page": page, "can_write": request.user.has_role_perm(AGENCY_WRITE)}
    return _partial_or_full(request, "web/agencies/foreign_party_list.html",
                            "web/agencies/_foreign_party_results.html", context, status)


@login_required
@domain_errors_to_http
def foreign_party_create(request):
    _require_perm(request.user, AGENCY_WRITE)
    form = ForeignPartyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values, reason = _form_values(form)
        try:
            party = services.foreign_party_create(actor=request.user, reason=reason, via=VIA, **values)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("%(name)s registered.") % {"name": party.name})
            return redirect("web:foreign-party-list")
    status = 400 if request.method == "POST" else 200
    return render(request, "web/agencies/foreign_party_form.html", {"form": form, "party": None}, status=status)


@login_required
@domain_errors_to_http
def foreign_party_edit(request, public_id):
    _require_perm(request.user, AGENCY_WRITE)
    party = selectors.foreign_party_get_for(request.user, public_id)
    with_blacklist = request.user.has_role_perm(AGENCY_SANCTION)
    initial = services.foreign_party_snapshot(party)
    form = ForeignPartyForm(request.POST or None, initial=initial, with_blacklist=with_blacklist)
    if request.method == "POST" and form.is_valid():
        values, reason = _form_values(form)
        try:
            services.foreign_party_update(actor=request.user, public_id=party.public_id, reason=reason, via=VIA,
                                          **values)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("web:foreign-party-list")
    status = 400 if request.method == "POST" else 200
    return render(request, "web/agencies/foreign_party_form.html", {"form": form, "party": party}, status=status)


# ---------------------------------------------------------------------------------------------
# public register (no sign-in)
# ---------------------------------------------------------------------------------------------

class PublicSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Company name or SIP3MI number"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                                      "placeholder": gettext_lazy("e.g. PT Karya or B.0001")}))


def public_agencies(request):
    form = PublicSearchForm(request.GET or None)
    q = request.GET.get("q", "")
    page: Page | None = None
    status = 200
    if q.strip():
        try:
            page = selectors.agency_public_search(q, limit=20, page=_int_param(request, "page", 1))
        except ValidationFailed as exc:
            form.is_valid()
            apply_domain_error(form, exc)
            status = 400
    lang = _lang()
    results = []
    if page is not None:
        for item in page.items:
            results.append(item | {"standing": item[f"standing_{lang}"]})
    context = {"form": form, "page": page, "results": results, "today": timezone.localdate()}
    return _partial_or_full(request, "web/agencies/public_agencies.html", "web/agencies/_public_results.html",
                            context, status)


urlpatterns = [
    path("agencies/", agency_list, name="agency-list"),
    path("agencies/new/", agency_create, name="agency-create"),
    path("agencies/export.<str:fmt>", agency_export, name="agency-export"),
    path("agencies/<uuid:public_id>/", agency_detail, name="agency-detail"),
    path("agencies/<uuid:public_id>/edit/", agency_edit, name="agency-edit"),
    path("agencies/<uuid:public_id>/suspend/", agency_suspend, name="agency-suspend"),
    path("agencies/<uuid:public_id>/lift-suspension/", agency_lift, name="agency-lift"),
    path("agencies/<uuid:public_id>/revoke/", agency_revoke, name="agency-revoke"),
    path("agencies/<uuid:public_id>/branches/", branch_add, name="agency-branch-add"),
    path("agencies/<uuid:public_id>/drawdowns/", drawdown_request, name="agency-drawdown-request"),
    path("agencies/<uuid:public_id>/drawdowns/<uuid:drawdown_id>/decision/", drawdown_decide,
         name="agency-drawdown-decide"),
    path("agencies/<uuid:public_id>/drawdowns/<uuid:drawdown_id>/payout/", drawdown_pay, name="agency-drawdown-pay"),
    path("agencies/<uuid:public_id>/branches/<int:branch_id>/close/", branch_close, name="agency-branch-close"),
    path("foreign-parties/", foreign_party_list, name="foreign-party-list"),
    path("foreign-parties/new/", foreign_party_create, name="foreign-party-create"),
    path("foreign-parties/<uuid:public_id>/edit/", foreign_party_edit, name="foreign-party-edit"),
    path("public/agencies/", public_agencies, name="public-agencies"),
]
