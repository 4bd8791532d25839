"""Forms of the complaint desk: the public complaint, the tracking look-up, staff intake, the inbox
filters and a case's steps. They only parse; the services validate and decide."""

from django import forms
from django.utils.translation import gettext_lazy

from lindungi.cases.models import Channel, ComplainantRelation, Procedural
from lindungi.cases.rules import CLOSURE_CODES
from lindungi.cases.states import CaseState, ReferralKind

BLANK = [("", "—")]
DEADLINE_CHOICES = [("", gettext_lazy("Any deadline")), ("overdue", gettext_lazy("Overdue")),
                    ("due_soon", gettext_lazy("Due soon")), ("on_time", gettext_lazy("On time")),
                    ("none", gettext_lazy("No deadline running"))]
CLOSURE_LABELS = {
    "documents_incomplete": gettext_lazy("Documents not completed within 30 days"),
    "no_clarification": gettext_lazy("No clarification within 15 working days"),
    "unreachable": gettext_lazy("Complainant unreachable for 60 days"),
    "no_response": gettext_lazy("No response 6 months after being told"),
    "handed_over": gettext_lazy("Handed over to another ministry or agency"),
}


class ComplaintForm(forms.Form):
    """What a worker or a family member tells us (public form and staff intake)."""

    complainant_name = forms.CharField(label=gettext_lazy("Your name"), max_length=150)
    complainant_relation = forms.ChoiceField(label=gettext_lazy("You are"), choices=ComplainantRelation.choices)
    complainant_phone = forms.CharField(label=gettext_lazy("Phone / WhatsApp"), max_length=30, required=False,
                                        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    complainant_email = forms.CharField(label=gettext_lazy("Email"), max_length=150, required=False,
                                        widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    worker_name = forms.CharField(label=gettext_lazy("Name of the worker (if it is not you)"), max_length=150,
                                  required=False)
    worker_nik = forms.CharField(label=gettext_lazy("Worker's NIK (if known)"), max_length=16, required=False,
                                 widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    worker_passport = forms.CharField(label=gettext_lazy("Passport number (if known)"), max_length=12,
                                      required=False)
    country = forms.ChoiceField(label=gettext_lazy("Country where the worker is"), required=False)
    regency = forms.ChoiceField(label=gettext_lazy("Home regency/city of the worker"), required=False)
    categories = forms.MultipleChoiceField(label=gettext_lazy("What is the problem?"),
                                           widget=forms.CheckboxSelectMultiple)
    summary = forms.CharField(label=gettext_lazy("What happened?"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 5}))
    demand = forms.CharField(label=gettext_lazy("What do you ask for?"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    amount_claimed = forms.CharField(label=gettext_lazy("Amount claimed (Rp), if any"), max_length=20,
                                     required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}))

    def __init__(self, *args, categories=(), countries=(), regencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = list(categories)
        self.fields["country"].choices = BLANK + list(countries)
        self.fields["regency"].choices = list(regencies) or BLANK

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class PublicComplaintForm(ComplaintForm):
    # A field people do not see; bots fill it.
    website = forms.CharField(required=False, label="Website",
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))


class CaseIntakeForm(ComplaintForm):
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=Channel.choices)
    procedural = forms.ChoiceField(label=gettext_lazy("Procedural status"), choices=Procedural.choices,
                                   initial=Procedural.OTHER)
    documents_complete = forms.BooleanField(label=gettext_lazy("Documents complete"), required=False)


class TrackForm(forms.Form):
    tracking_code = forms.CharField(label=gettext_lazy("Tracking code"), max_length=16,
                                    widget=forms.TextInput(attrs={"autocapitalize": "characters",
                                                                  "placeholder": "ADU-XXXX-XXXX"}))
    secret = forms.CharField(label=gettext_lazy("Secret"), max_length=20,
                             widget=forms.PasswordInput(attrs={"autocapitalize": "characters",
                                                               "autocomplete": "off"}))


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False, choices=[
        ("open", gettext_lazy("Open")), ("closed", gettext_lazy("Closed")), ("", gettext_lazy("All")),
        *CaseState.choices])
    deadline = forms.ChoiceField(label=gettext_lazy("Deadline"), required=False, choices=DEADLINE_CHOICES)
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False, choices=BLANK + Channel.choices)
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    mine = forms.BooleanField(label=gettext_lazy("Assigned to me"), required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = BLANK + list(categories)


class CaseStepForm(forms.Form):
    to_state = forms.ChoiceField(choices=CaseState.choices)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    question = forms.CharField(label=gettext_lazy("Question"), required=False, max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 2}))
    addressed_to = forms.ChoiceField(label=gettext_lazy("Addressed to"), required=False,
                                     choices=[("p3mi", "P3MI"), ("complainant", gettext_lazy("Complainant"))])
    closure_code = forms.ChoiceField(label=gettext_lazy("Legal reason"), required=False,
                                     choices=BLANK + [(c, CLOSURE_LABELS[c]) for c in CLOSURE_CODES])
    referral_kind = forms.ChoiceField(label=gettext_lazy("Refer to"), required=False,
                                      choices=BLANK + ReferralKind.choices)
    referral_unit = forms.CharField(label=gettext_lazy("Unit code"), required=False, max_length=20)
    referral_agency_name = forms.CharField(label=gettext_lazy("Agency"), required=False, max_length=150)
    mediation_outcome = forms.CharField(label=gettext_lazy("Mediation outcome"), required=False, max_length=5000,
                                        widget=forms.Textarea(attrs={"rows": 2}))
    amount_settled = forms.CharField(label=gettext_lazy("Amount refunded or paid (Rp)"), required=False,
                                     max_length=20)
    berita_acara_number = forms.CharField(label=gettext_lazy("Berita acara number"), required=False, max_length=80)

    def step_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items()
                if k not in ("to_state", "expected_version", "reason") and v not in ("", None)}


class LinkPersonForm(forms.Form):
    person = forms.UUIDField(widget=forms.HiddenInput)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CaseDetailsForm(forms.Form):
    documents_complete = forms.BooleanField(label=gettext_lazy("Documents complete"), required=False)
    unreachable_since = forms.DateField(label=gettext_lazy("Complainant unreachable since"), required=False,
                                        widget=forms.DateInput(attrs={"type": "date"}))
    told_unresolvable_on = forms.DateField(label=gettext_lazy("Told the case cannot be resolved on"),
                                           required=False, widget=forms.DateInput(attrs={"type": "date"}))
    officer = forms.CharField(label=gettext_lazy("Assigned officer (username)"), required=False, max_length=150)
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=2000)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=gettext_lazy("Answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    commitment = forms.CharField(label=gettext_lazy("Commitment"), required=False, max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 2}))


class DispatchForm(forms.Form):
    team = forms.CharField(label=gettext_lazy("Team"), max_length=200)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200)
    dispatched_at = forms.CharField(label=gettext_lazy("Date and time"), max_length=30,
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    partner_agencies = forms.CharField(label=gettext_lazy("Partner agencies"), required=False, max_length=255)
    outcome = forms.CharField(label=gettext_lazy("Outcome"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 2}))
