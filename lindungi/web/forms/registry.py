"""Forms of the people registry screens.

They only shape input: every rule (NIK structure, codes, dates, required fields of the service)
lives in ``lindungi.registry.validation`` and reaches the form through ``apply_domain_error``.
Field names equal the service's keys, so service errors land on the right field.
"""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lindungi.registry.models import DuplicateCandidate, Education, FamilyContact, MaritalStatus, Religion, Sex
from lindungi.web.choices import BLANK, agency_choices, grouped_regency_choices, province_choices, village_choices

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=150,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, NIK or passport number"),
                                      "autocomplete": "off"}),
    )
    province = forms.ChoiceField(label=_("Province"), required=False)
    regency = forms.CharField(
        label=_("Regency/city code"), required=False, max_length=5,
        widget=forms.TextInput(attrs={"list": "regency-codes", "placeholder": "32.01", "autocomplete": "off"}),
    )
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=BLANK + list(Sex.choices))
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = BLANK + province_choices()

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {name: (data.get(name) or "") for name in ("q", "province", "regency", "sex")}

    def page_number(self) -> int:
        return (self.cleaned_data.get("page") if self.is_valid() else None) or 1


class LookupForm(forms.Form):
    """Lookup-only roles (checkpoints, partners) search by exact identifier."""

    q = forms.CharField(
        label=_("NIK or passport number"), required=False, max_length=20,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("16-digit NIK or passport number"),
                                      "autocomplete": "off"}),
    )

    def filters(self) -> dict:
        return {"q": self.cleaned_data.get("q", "") if self.is_valid() else ""}

    def page_number(self) -> int:
        return 1


class PersonForm(forms.Form):
    nik = forms.CharField(label=_("NIK"), max_length=16, widget=forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{16}"}),
        help_text=_("16 digits, as on the KTP/KK"))
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    sex = forms.ChoiceField(label=_("Sex"), choices=BLANK + list(Sex.choices))
    birth_date = forms.CharField(label=_("Date of birth"), widget=DATE_WIDGET)
    birth_place = forms.CharField(label=_("Place of birth"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=255)
    regency_code = forms.ChoiceField(label=_("Regency/city"))
    village_code = forms.CharField(label=_("Village code (Kemendagri)"), required=False, max_length=13)
    village_name = forms.CharField(label=_("Village (desa/kelurahan)"), required=False, max_length=100)
    education = forms.ChoiceField(label=_("Education"), choices=BLANK + list(Education.choices))
    marital_status = forms.ChoiceField(label=_("Marital status"), choices=BLANK + list(MaritalStatus.choices))
    religion = forms.ChoiceField(label=_("Religion"), required=False, choices=BLANK + list(Religion.choices))
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    agency = forms.ChoiceField(label=_("P3MI"), required=False)
    reason = forms.CharField(label=_("Reason for change"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Required when correcting a NIK; kept in the change history."))

    SERVICE_FIELDS = ("nik", "full_name", "sex", "birth_date", "birth_place", "address", "regency_code",
                      "village_code", "village_name", "education", "marital_status", "religion", "phone")

    def __init__(self, *args, actor, person=None, **kwargs):
        from lindungi.accounts.roles import Role

        if person is not None:
            kwargs.setdefault("initial", self.initial_for(person))
        super().__init__(*args, **kwargs)
        self.fields["regency_code"].choices = grouped_regency_choices(actor, extra=person.regency if person else None)
        self._choose_village_by_name()
        if person is not None:
            # Editing: the company is not changed here, but the reason is asked for.
            del self.fields["agency"]
        else:
            del self.fields["reason"]
            if actor.role == Role.P3MI_STAFF:
                del self.fields["agency"]  # always their own company
            else:
                self.fields["agency"].choices = BLANK + agency_choices(actor)

    def _choose_village_by_name(self) -> None:
        """Where the regency's villages are loaded, the village is picked by name from that regency
        (grouped by district; the form refreshes it when the regency changes) instead of typed."""
        regency = self.data.get("regency_code") if self.is_bound else self.initial.get("regency_code")
        regency_widget = self.fields["regency_code"].widget
        regency_widget.attrs = {**regency_widget.attrs, "hx-get": reverse("web:person-village-field"),
                                "hx-target": "#village-field", "hx-swap": "innerHTML"}
        options = village_choices(regency or "")
        if options:
            self.fields["village_code"].label = _("Village (desa/kelurahan)")
            self.fields["village_code"].widget = forms.Select(choices=BLANK + options)
            del self.fields["village_name"]  # the registry takes the name from the chosen village

    @staticmethod
    def initial_for(person) -> dict:
        return {
            "nik": person.nik, "full_name": person.full_name, "sex": person.sex,
            "birth_date": person.birth_date.isoformat(), "birth_place": person.birth_place,
            "address": person.address, "regency_code": person.regency.code,
            "village_code": person.village.code if person.village_id else "",
            "village_name": person.village_name, "education": person.education,
            "marital_status": person.marital_status, "religion": person.religion, "phone": person.phone,
        }

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in self.SERVICE_FIELDS if name in self.fields}

    def changed_service_data(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in self.changed_data if name in self.SERVICE_FIELDS}


class PassportForm(forms.Form):
    number = forms.CharField(label=_("Passport number"), max_length=12, required=False,
                             widget=forms.TextInput(attrs={"autocomplete": "off"}))
    issuing_office = forms.CharField(label=_("Issuing office"), max_length=100, required=False,
                                     help_text=_("e.g. Kantor Imigrasi Bogor"))
    issue_date = forms.CharField(label=_("Issue date"), required=False, widget=DATE_WIDGET)
    expiry_date = forms.CharField(label=_("Expiry date"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, require: bool = False, **kwargs):
        kwargs.setdefault("prefix", "passport")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = require

    def is_blank(self) -> bool:
        return not any((self.cleaned_data or {}).get(name) for name in self.fields)

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in self.fields}


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    relationship = forms.ChoiceField(label=_("Relationship"), required=False,
                                     choices=BLANK + list(FamilyContact.Relationship.choices))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    is_heir = forms.BooleanField(label=_("Heir (ahli waris)"), required=False)

    def __init__(self, *args, require: bool = False, **kwargs):
        kwargs.setdefault("prefix", "contact")
        super().__init__(*args, **kwargs)
        if require:
            self.fields["name"].required = self.fields["relationship"].required = True

    def is_blank(self) -> bool:
        data = self.cleaned_data or {}
        return not any(data.get(name) for name in ("name", "relationship", "phone", "address"))

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False,
                             widget=forms.TextInput(attrs={"autocomplete": "off"}))


class UnmergeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for undoing the merge"), max_length=500,
                             widget=forms.TextInput(attrs={"autocomplete": "off"}))


class DuplicateFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=DuplicateCandidate.Status.choices)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def status_value(self) -> str:
        return (self.cleaned_data.get("status") if self.is_valid() else "") or DuplicateCandidate.Status.PENDING

    def page_number(self) -> int:
        return (self.cleaned_data.get("page") if self.is_valid() else None) or 1


class DuplicateDecisionForm(forms.Form):
    SAME, DIFFERENT = "same", "different"

    decision = forms.ChoiceField(choices=[(SAME, _("Same person")), (DIFFERENT, _("Different people"))],
                                 widget=forms.HiddenInput)
    survivor = forms.ChoiceField(label=_("Record that survives"), required=False, widget=forms.RadioSelect,
                                 choices=[("a", _("Record A")), ("b", _("Record B"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))
