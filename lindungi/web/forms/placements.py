"""Forms of the placement, job order and SIP2MI screens.

They only shape input: the rules (eligibility, consistency with the job order, quotas, what each
checklist document needs) live in ``lindungi.placements.services`` and reach the form through
``apply_domain_error``. Field names equal the service's keys so that errors land on the right field.
Choices come from scoped reads: an actor is only offered what they may see.
"""

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindungi.accounts.roles import Role
from lindungi.agencies.models import ForeignParty
from lindungi.institutions import selectors as institution_selectors
from lindungi.placements.checklist import ChecklistKind
from lindungi.placements.models import JobOrder
from lindungi.placements.states import PlacementState
from lindungi.placements.validation import EVIDENCE_INSTITUTION_KINDS
from lindungi.web.choices import (
    BLANK,
    agency_choices,
    country_choices,
    employer_choices,
    localized,
    occupation_choices,
)


def _date_field(label, *, required=False, help_text=""):
    return forms.DateField(label=label, required=required, help_text=help_text,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


# ---------------------------------------------------------------------------------------------
# Placement board and registration
# ---------------------------------------------------------------------------------------------


class PlacementFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name or NIK"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    scheme = forms.ChoiceField(label=gettext_lazy("Scheme"), required=False)
    country = forms.ChoiceField(label=gettext_lazy("Destination"), required=False)
    occupation = forms.CharField(label=gettext_lazy("Occupation (ISCO code)"), required=False, max_length=4)
    agency = forms.ChoiceField(label=gettext_lazy("P3MI"), required=False)
    nik = forms.CharField(label=gettext_lazy("NIK"), required=False, max_length=16)
    # The records behind a statistics figure: placements that reached a state during a year.
    reached = forms.ChoiceField(label=gettext_lazy("Reached state"), required=False)
    reached_year = forms.IntegerField(label=gettext_lazy("in year"), required=False, min_value=2000,
                                      max_value=2100)
    unit = forms.CharField(label=gettext_lazy("Unit code (region of origin)"), required=False, max_length=20)

    def __init__(self, *args, actor=None, **kwargs):
        from lindungi.placements.selectors import scheme_list

        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["state"].choices = every + list(PlacementState.choices)
        self.fields["reached"].choices = every + list(PlacementState.choices)
        self.fields["scheme"].choices = every + [(s.code, localized(s)) for s in scheme_list()]
        self.fields["country"].choices = every + country_choices()
        self.fields["agency"].choices = every + (agency_choices(actor)[:500] if actor else [])


class PermitSelect(forms.Select):
    """SIP2MI options that carry their job order (``data-job-order``), so the page narrows the list
    to the permits of the chosen job order (web/app.js, ``data-narrow-by``); without JavaScript every
    permit stays listed and the service refuses a permit of another job order."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-narrow-by": "job_order", **(attrs or {})}, choices)
        self.job_order_of: dict[str, str] = {}  # SIP2MI public id → its job order's public id

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        owner = self.job_order_of.get(str(value))
        if owner:
            option["attrs"]["data-job-order"] = owner
        return option


class PlacementCreateForm(forms.Form):
    """Register a placement. The person comes from the person page (``person``, hidden) or is
    looked up by NIK. A job order fills in P3MI, employer, country and occupation when they are
    left empty."""

    person = forms.UUIDField(required=False, widget=forms.HiddenInput)
    nik = forms.CharField(label=gettext_lazy("NIK of the worker"), required=False, max_length=16,
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                                        "pattern": "[0-9]{16}"}),
                          help_text=gettext_lazy("16 digits; the person must already be registered"))
    scheme = forms.ChoiceField(label=gettext_lazy("Scheme"))
    agency = forms.ChoiceField(label=gettext_lazy("P3MI"), required=False,
                               help_text=gettext_lazy("Empty: the job order's P3MI"))
    job_order = forms.ChoiceField(label=gettext_lazy("Job order"), required=False,
                                  help_text=gettext_lazy("Verified job orders only"))
    sip2mi = forms.ChoiceField(label=gettext_lazy("SIP2MI"), required=False, widget=PermitSelect,
                               help_text=gettext_lazy("Active permits, grouped by job order; must belong to the "
                                                      "chosen job order"))
    employer = forms.ChoiceField(label=gettext_lazy("Employer"), required=False,
                                 help_text=gettext_lazy("Empty: the job order's employer"))
    country = forms.ChoiceField(label=gettext_lazy("Destination country"), required=False,
                                help_text=gettext_lazy("Empty: the job order's country"))
    occupation = forms.ChoiceField(label=gettext_lazy("Occupation (ISCO-08)"), required=False,
                                   help_text=gettext_lazy("Empty: the job order's occupation"))
    contract_start = _date_field(gettext_lazy("Contract start"))
    contract_end = _date_field(gettext_lazy("Contract end"))

    REFERENCE_FIELDS = ("agency", "job_order", "sip2mi", "employer", "country", "occupation")

    def __init__(self, *args, actor, person=None, **kwargs):
        from lindungi.placements import selectors

        if person is not None:
            kwargs.setdefault("initial", {})["person"] = person.public_id
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.person_obj = person
        if person is not None:
            del self.fields["nik"]
        else:
            del self.fields["person"]
            self.fields["nik"].required = True
        today = timezone.localdate()
        self.fields["scheme"].choices = BLANK + [(s.code, localized(s)) for s in selectors.scheme_list()
                                                 if s.is_valid_on(today)]
        if actor.role == Role.P3MI_STAFF:
            del self.fields["agency"]  # always their own company
        else:
            self.fields["agency"].choices = BLANK + agency_choices(actor)
        job_orders = selectors.job_order_queryset_for(actor, status=JobOrder.Status.VERIFIED,
                                                      order_by=("position_title", "id"))
        self.fields["job_order"].choices = BLANK + [
            (str(j.public_id), f"{j.position_title} · {j.employer.name} ({j.country.iso2}) · {j.agency.legal_name}")
            for j in job_orders
        ]
        groups: dict[str, list] = {}
        owners: dict[str, str] = {}
        for permit in selectors.sip2mi_choices_for(actor, on=today):
            job_order = permit.job_order
            label = _("%(number)s · %(left)s of %(quota)s left · until %(until)s") % {
                "number": permit.number, "left": permit.remaining, "quota": permit.quota,
                "until": formats.date_format(permit.valid_until)}
            group = f"{job_order.position_title} · {job_order.employer.name} · {job_order.agency.legal_name}"
            groups.setdefault(group, []).append((str(permit.public_id), label))
            owners[str(permit.public_id)] = str(job_order.public_id)
        self.fields["sip2mi"].choices = BLANK + list(groups.items())
        self.fields["sip2mi"].widget.job_order_of = owners
        self.fields["employer"].choices = BLANK + employer_choices(actor)
        self.fields["country"].choices = BLANK + country_choices()
        self.fields["occupation"].choices = BLANK + occupation_choices()

    def service_data(self, person_public_id) -> dict:
        """The service's input, without empty references (as the API sends it)."""
        data = {"person": str(person_public_id), "scheme": self.cleaned_data["scheme"]}
        for name in self.REFERENCE_FIELDS:
            if self.cleaned_data.get(name):
                data[name] = self.cleaned_data[name]
        for name in ("contract_start", "contract_end"):
            if self.cleaned_data.get(name):
                data[name] = self.cleaned_data[name]
        return data


class PlacementEditForm(PlacementCreateForm):
    """Change a placement's details: only the fields ``placement_update`` accepts in its state are
    shown (job order, SIP2MI, employer and P3MI before selection; contract dates until departure),
    filled with what is recorded. Only changed fields are sent."""

    EDITABLE_ORDER = ("scheme", "agency", "job_order", "sip2mi", "employer", "country", "occupation",
                      "contract_start", "contract_end")
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, actor, placement, **kwargs):
        from lindungi.placements.states import editable_fields

        kwargs["initial"] = {**self.recorded(placement), "expected_version": placement.version}
        super().__init__(*args, actor=actor, person=placement.person, **kwargs)
        self.placement = placement
        editable = editable_fields(placement.state)
        for name in list(self.fields):
            if name != "expected_version" and (name not in editable or name not in self.EDITABLE_ORDER):
                del self.fields[name]
        for name, field in self.fields.items():
            field.required = False
            value = kwargs["initial"].get(name) if name != "expected_version" else None
            if value and hasattr(field, "choices") and not _offers(field.choices, value):
                field.choices = [*field.choices, (value, _("%(v)s (as recorded)") % {"v": value})]
        self.order_fields(self.EDITABLE_ORDER)

    @staticmethod
    def recorded(placement) -> dict:
        def public(obj):
            return str(obj.public_id) if obj is not None else ""

        return {"scheme": placement.scheme.code, "agency": public(placement.agency),
                "job_order": public(placement.job_order), "sip2mi": public(placement.sip2mi),
                "employer": public(placement.employer), "country": placement.country.iso2,
                "occupation": placement.occupation.isco_code, "contract_start": placement.contract_start,
                "contract_end": placement.contract_end}

    def changes(self) -> dict:
        """The fields whose value differs from the recorded one (empty choices keep the record)."""
        data = {}
        for name in self.EDITABLE_ORDER:
            if name not in self.fields:
                continue
            value, recorded = self.cleaned_data.get(name), self.initial.get(name)
            if value in (None, "") or value == recorded:
                continue
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return data


def _offers(choices, value) -> bool:
    for key, label in choices:
        if isinstance(label, list | tuple):
            if any(str(k) == str(value) for k, _label in label):
                return True
        elif str(key) == str(value):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Placement page: transitions and checklist
# ---------------------------------------------------------------------------------------------


class TransitionForm(forms.Form):
    """One step. Whether the step exists from the current state, whether the actor may take it and
    whether its conditions are met is for the service to say."""

    to_state = forms.ChoiceField(label=gettext_lazy("Move to"), choices=PlacementState.choices)
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.steps = steps


class ChecklistForm(forms.Form):
    """Record one readiness document. ``kind`` picks the fields that document needs; the field
    names stay the service's (``details.*`` are flattened)."""

    kind = forms.ChoiceField(label=gettext_lazy("Document"), choices=ChecklistKind.choices)
    reference_number = forms.CharField(label=gettext_lazy("Reference number"), required=False, max_length=120)
    issued_on = _date_field(gettext_lazy("Issued on"))
    valid_until = _date_field(gettext_lazy("Valid until"))
    witnessed_by = forms.CharField(label=gettext_lazy("Witnessed by (Disnaker official)"), required=False,
                                   max_length=150)
    verified_on = _date_field(gettext_lazy("Verified by the Perwakilan RI on"))
    sarkes = forms.CharField(label=gettext_lazy("Health facility (sarkes)"), required=False, max_length=150)
    institution = forms.ChoiceField(
        label=gettext_lazy("Institution in the register"), required=False,
        help_text=gettext_lazy("Accepted only if it was in good standing on the document's date"))
    programmes = forms.MultipleChoiceField(
        label=gettext_lazy("Programmes"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[("jkk", gettext_lazy("JKK (work accident)")), ("jkm", gettext_lazy("JKM (death)")),
                 ("jht", gettext_lazy("JHT (old-age savings)"))],
        help_text=gettext_lazy("JKK and JKM are mandatory"))

    # kind -> (fields shown, required fields, {field: label}, {field: help text})
    LAYOUT = {
        ChecklistKind.PLACEMENT_AGREEMENT: (
            ("reference_number", "issued_on", "witnessed_by"), ("issued_on", "witnessed_by"),
            {"reference_number": gettext_lazy("Agreement number"), "issued_on": gettext_lazy("Signed on")}, {}),
        ChecklistKind.MEDICAL_FITNESS: (
            ("reference_number", "issued_on", "valid_until", "institution", "sarkes"), ("issued_on",),
            {"reference_number": gettext_lazy("Certificate number"), "issued_on": gettext_lazy("Examined on")},
            {"valid_until": gettext_lazy("Empty: 3 months from the examination")}),
        ChecklistKind.COMPETENCY_CERTIFICATE: (
            ("reference_number", "issued_on", "valid_until", "institution"), ("issued_on",),
            {"reference_number": gettext_lazy("Certificate number"),
             "institution": gettext_lazy("Certification body (LSP)")}, {}),
        ChecklistKind.PASSPORT: (
            ("reference_number",), (),
            {"reference_number": gettext_lazy("Passport number")},
            {"reference_number": gettext_lazy("Empty: the current passport on the person's record; dates are "
                                              "taken from the record")}),
        ChecklistKind.BPJS_MEMBERSHIP: (
            ("reference_number", "issued_on", "valid_until", "programmes"), ("issued_on",),
            {"reference_number": gettext_lazy("Membership number"), "issued_on": gettext_lazy("Covered from"),
             "valid_until": gettext_lazy("Covered until")}, {}),
        ChecklistKind.WORK_VISA: (
            ("reference_number", "issued_on", "valid_until"), ("issued_on",),
            {"reference_number": gettext_lazy("Visa number")}, {}),
        ChecklistKind.EMPLOYMENT_CONTRACT: (
            ("reference_number", "issued_on", "valid_until", "verified_on"), ("issued_on", "verified_on"),
            {"reference_number": gettext_lazy("PK number"), "issued_on": gettext_lazy("Signed on"),
             "valid_until": gettext_lazy("Contract valid until")}, {}),
        ChecklistKind.OPP_ATTENDANCE: (
            ("reference_number", "issued_on"), ("issued_on",),
            {"reference_number": gettext_lazy("OPP certificate number"), "issued_on": gettext_lazy("Attended on")},
            {}),
        ChecklistKind.EPMI_CARD: (
            ("reference_number", "issued_on", "valid_until"), ("issued_on",),
            {"reference_number": gettext_lazy("E-PMI card number")}, {}),
    }
    DETAIL_FIELDS = ("witnessed_by", "verified_on", "sarkes", "programmes", "institution")

    def __init__(self, data=None, *args, kind: str = "", **kwargs):
        if data is not None and not kind:
            kind = data.get("kind", "")
        kind = kind if kind in ChecklistKind.values else ChecklistKind.MEDICAL_FITNESS
        kwargs.setdefault("auto_id", f"id_{kind}_%s")
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("kind", kind)
        initial.setdefault("programmes", ["jkk", "jkm"])
        super().__init__(data, *args, **kwargs)
        self.kind = kind
        shown, required, labels, helps = self.LAYOUT[kind]
        for name in list(self.fields):
            if name != "kind" and name not in shown:
                del self.fields[name]
        for name in shown:
            field = self.fields[name]
            field.required = name in required
            if name in labels:
                field.label = labels[name]
            if name in helps:
                field.help_text = helps[name]
        if "institution" in self.fields:
            kinds = EVIDENCE_INSTITUTION_KINDS[kind]
            self.fields["institution"].choices = [("", "—"), *institution_selectors.institution_choices(kinds)]

    @property
    def kind_label(self) -> str:
        return ChecklistKind(self.kind).label

    @property
    def kind_value(self) -> str:
        return self.kind

    def service_data(self) -> dict:
        data = self.cleaned_data
        details = {}
        if data.get("witnessed_by"):
            details["witnessed_by"] = data["witnessed_by"]
        if data.get("verified_on"):
            details["verified_on"] = data["verified_on"].isoformat()
        if data.get("sarkes"):
            details["sarkes"] = data["sarkes"]
        if data.get("institution"):
            details["institution"] = data["institution"]
        if "programmes" in self.fields:
            details["programmes"] = list(data.get("programmes") or [])
        return {"reference_number": data.get("reference_number", ""), "issued_on": data.get("issued_on"),
                "valid_until": data.get("valid_until"), "details": details}


class ChecklistVoidForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for voiding"), max_length=2000,
                             widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. pregnancy found")}))
    voided_on = _date_field(gettext_lazy("Voided on"), help_text=gettext_lazy("Empty: today"))


# ---------------------------------------------------------------------------------------------
# Job orders and SIP2MI
# ---------------------------------------------------------------------------------------------


class JobOrderFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    agency = forms.ChoiceField(label=gettext_lazy("P3MI"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *JobOrder.Status.choices]
        self.fields["country"].choices = [("", _("All countries")), *country_choices()]
        if actor.role == Role.P3MI_STAFF:
            del self.fields["agency"]
        else:
            self.fields["agency"].choices = [("", _("All P3MI")), *agency_choices(actor)]

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {name: data.get(name) or "" for name in ("status", "country", "agency")}


class JobOrderForm(forms.Form):
    agency = forms.ChoiceField(label=gettext_lazy("P3MI"))
    employer = forms.ChoiceField(label=gettext_lazy("Employer"),
                                 help_text=gettext_lazy("Must be registered in the destination country"))
    foreign_agency = forms.ChoiceField(label=gettext_lazy("Foreign agency"), required=False)
    country = forms.ChoiceField(label=gettext_lazy("Destination country"))
    position_title = forms.CharField(label=gettext_lazy("Position"), max_length=150)
    occupation = forms.ChoiceField(label=gettext_lazy("Occupation (ISCO-08)"))
    headcount_male = forms.IntegerField(label=gettext_lazy("Workers: men"), min_value=0, initial=0, required=False)
    headcount_female = forms.IntegerField(label=gettext_lazy("Workers: women"), min_value=0, initial=0,
                                          required=False)
    headcount_any = forms.IntegerField(label=gettext_lazy("Workers: either"), min_value=0, initial=0,
                                       required=False)
    salary_amount = forms.DecimalField(label=gettext_lazy("Monthly salary"), min_value=0, max_digits=12,
                                       decimal_places=2)
    salary_currency = forms.CharField(label=gettext_lazy("Currency (ISO 4217)"), max_length=3,
                                      widget=forms.TextInput(attrs={"placeholder": "TWD", "size": 3}))
    contract_months = forms.IntegerField(label=gettext_lazy("Contract length (months)"), min_value=1)
    accommodation = forms.CharField(label=gettext_lazy("Accommodation"), max_length=255, required=False)
    destination_permit_number = forms.CharField(label=gettext_lazy("Destination-country permit"), max_length=80,
                                                required=False,
                                                help_text=gettext_lazy("e.g. the Taiwan CLA recruitment permit"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        if actor.role == Role.P3MI_STAFF:
            del self.fields["agency"]  # always their own company
        else:
            self.fields["agency"].choices = BLANK + agency_choices(actor)
        self.fields["employer"].choices = BLANK + employer_choices(actor)
        self.fields["foreign_agency"].choices = BLANK + employer_choices(actor, role=ForeignParty.Role.AGENCY)
        self.fields["country"].choices = BLANK + country_choices()
        self.fields["occupation"].choices = BLANK + occupation_choices()

    def service_data(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        for name in ("headcount_male", "headcount_female", "headcount_any"):
            data.setdefault(name, 0)
        if "salary_amount" in data:
            data["salary_amount"] = str(data["salary_amount"])
        return data


class JobOrderVerifyForm(forms.Form):
    verified_on = _date_field(gettext_lazy("Verified on"), required=True)
    verification_reference = forms.CharField(label=gettext_lazy("Perwakilan reference (endorsement letter)"),
                                             max_length=120)


class JobOrderRejectForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for rejection"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class Sip2miIssueForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("SIP2MI number"), max_length=80)
    quota = forms.IntegerField(label=gettext_lazy("Quota (workers)"), min_value=1)
    valid_from = _date_field(gettext_lazy("Valid from"), required=True)
    valid_until = _date_field(gettext_lazy("Valid until"), required=True)


class Sip2miRevokeForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for revoking"), max_length=2000)
    revoked_on = _date_field(gettext_lazy("Revoked on"), help_text=gettext_lazy("Empty: today"))


class PublicJobOrderFilterForm(forms.Form):
    country = forms.ChoiceField(label=gettext_lazy("Destination country"), required=False)

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries"))] + [
            (c.iso2, localized(c)) for c in countries]
