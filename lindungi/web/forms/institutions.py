"""Forms of the supporting-institution screens and of the "Skills and health" section of a person.

They only shape input; every rule lives in ``lindungi.institutions.services`` and reaches the form
through ``apply_domain_error``. Field names equal the service's keys.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from lindungi.institutions import rules
from lindungi.institutions import selectors as institution_selectors
from lindungi.institutions.models import (
    CertificateKind,
    InstitutionKind,
    InstitutionStatus,
    MedicalResult,
    TrainingEnrolment,
)
from lindungi.web.choices import BLANK, grouped_regency_choices, occupation_choices, regency_choices

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


def _date(label, required=True, **kwargs):
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET, **kwargs)


class InstitutionFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or number"), required=False,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    regency = forms.ChoiceField(label=_("Regency/city"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *InstitutionKind.choices]
        self.fields["status"].choices = [("", _("All statuses")), *InstitutionStatus.choices]
        self.fields["regency"].choices = [("", _("All regencies/cities")), *regency_choices()]


class InstitutionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=BLANK + list(InstitutionKind.choices))
    registration_number = forms.CharField(label=_("Registration / licence number"), max_length=80)
    regency = forms.ChoiceField(label=_("Regency/city"))
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    accreditation_grade = forms.CharField(label=_("Accreditation grade"), max_length=20, required=False)
    accreditation_body = forms.CharField(label=_("Accreditation body"), max_length=120, required=False,
                                         help_text=_("e.g. BNSP, KARS, Kemnaker"))
    accreditation_number = forms.CharField(label=_("Accreditation number"), max_length=80, required=False)
    valid_from = _date(_("Licence valid from"))
    valid_until = _date(_("Licence valid until"), required=False)
    reason = forms.CharField(label=_("Reason or source document"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, actor=None, current_regency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regency"].choices = grouped_regency_choices(actor, extra=current_regency)


class SuspendForm(forms.Form):
    suspended_from = _date(_("Suspended from"))
    suspended_until = _date(_("Suspended until"), required=False,
                            help_text=_("Leave empty for a suspension until reinstated."))
    decree_number = forms.CharField(label=_("Decree number"), max_length=120)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReinstateForm(forms.Form):
    reinstated_on = _date(_("Reinstated on"), required=False, help_text=_("Leave empty for today."))
    decree_number = forms.CharField(label=_("Decree number"), max_length=120, required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class RevokeForm(forms.Form):
    revoked_on = _date(_("Revoked on"), required=False, help_text=_("Leave empty for today."))
    decree_number = forms.CharField(label=_("Decree number"), max_length=120)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


def _institution_field(actor, kinds) -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Institution"), choices=BLANK + institution_selectors.institution_choices(kinds))


class TrainingForm(forms.Form):
    programme = forms.CharField(label=_("Programme"), max_length=200)
    start_on = _date(_("Start"))
    end_on = _date(_("End"), required=False)
    hours = forms.IntegerField(label=_("Lesson hours"), min_value=1, max_value=5000, required=False)
    result = forms.ChoiceField(label=_("Result"), choices=TrainingEnrolment.Result.choices)

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, prefix="training", **kwargs)
        self.fields = {"institution": _institution_field(actor, rules.ENROLMENT_KINDS), **self.fields}


class CertificateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=BLANK + list(CertificateKind.choices))
    number = forms.CharField(label=_("Certificate number"), max_length=80)
    title = forms.CharField(label=_("Scheme or test"), max_length=200, required=False,
                            help_text=_("e.g. Caregiver (SKKNI), EPS-TOPIK, JFT-Basic"))
    occupation = forms.ChoiceField(label=_("Occupation (competency)"), required=False)
    level = forms.CharField(label=_("Level"), max_length=40, required=False)
    score = forms.IntegerField(label=_("Score"), min_value=0, max_value=100000, required=False)
    issued_on = _date(_("Issued on"))
    expires_on = _date(_("Expires on"), required=False)

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, prefix="certificate", **kwargs)
        issuers = frozenset().union(*rules.CERTIFICATE_ISSUERS.values())
        self.fields = {"institution": _institution_field(actor, issuers), **self.fields}
        self.fields["occupation"].choices = BLANK + occupation_choices()


class MedicalResultForm(forms.Form):
    examined_on = _date(_("Examined on"))
    result = forms.ChoiceField(label=_("Result"), choices=BLANK + list(MedicalResult.Result.choices))
    valid_until = _date(_("Valid until"), required=False, help_text=_("Leave empty: 3 months for a fit result."))
    reference_number = forms.CharField(label=_("Certificate number"), max_length=80, required=False)
    examiner = forms.CharField(label=_("Examining doctor"), max_length=150, required=False)

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, prefix="medical", **kwargs)
        self.fields = {"institution": _institution_field(actor, rules.MEDICAL_KINDS), **self.fields}
