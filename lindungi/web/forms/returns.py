"""Forms of the arrivals board: they only parse; ``returns.services`` validates and decides."""

from django import forms
from django.utils.translation import gettext_lazy

from lindungi.returns.models import REASON_CODES, ArrivalType, EntryPointKind, Handover

BLANK = [("", "—")]


class ArrivalFilterForm(forms.Form):
    entry_point = forms.ChoiceField(label=gettext_lazy("Entry point"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Type"), required=False, choices=BLANK + ArrivalType.choices)
    on = forms.DateField(label=gettext_lazy("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, entry_points=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry_point"].choices = BLANK + [(e, e) for e in entry_points]


class ArrivalForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=ArrivalType.choices)
    arrived_at = forms.CharField(label=gettext_lazy("Arrived at"), max_length=30,
                                 widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    entry_point_kind = forms.ChoiceField(label=gettext_lazy("Entry point type"), choices=EntryPointKind.choices)
    entry_point = forms.CharField(label=gettext_lazy("Entry point"), max_length=120)
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150, required=False)
    nik = forms.CharField(label="NIK", max_length=16, required=False)
    passport_number = forms.CharField(label=gettext_lazy("Passport number"), max_length=12, required=False)
    placement = forms.CharField(label=gettext_lazy("Placement id"), max_length=40, required=False)
    case = forms.CharField(label=gettext_lazy("Case id"), max_length=40, required=False)
    country = forms.CharField(label=gettext_lazy("Country returned from (ISO2)"), max_length=2, required=False)
    splp_number = forms.CharField(label=gettext_lazy("SPLP number"), max_length=60, required=False)
    reasons = forms.MultipleChoiceField(label=gettext_lazy("Reasons"), required=False,
                                        widget=forms.CheckboxSelectMultiple,
                                        choices=[(k, v[0]) for k, v in REASON_CODES.items()])
    shelter = forms.CharField(label=gettext_lazy("Shelter"), max_length=120, required=False)
    onward_transport = forms.CharField(label=gettext_lazy("Onward transport"), max_length=200, required=False)
    handover_to = forms.ChoiceField(label=gettext_lazy("Handed over to"), required=False,
                                    choices=BLANK + Handover.choices)
    handover_name = forms.CharField(label=gettext_lazy("Received by"), max_length=150, required=False)
    hospital = forms.CharField(label=gettext_lazy("Hospital (sick worker)"), max_length=150, required=False)
    hospital_referral_number = forms.CharField(label=gettext_lazy("Referral number"), max_length=60, required=False)
    cargo_airway_bill = forms.CharField(label=gettext_lazy("Cargo airway bill (remains)"), max_length=60,
                                        required=False)
    cause_of_death = forms.CharField(label=gettext_lazy("Cause of death"), max_length=200, required=False)
