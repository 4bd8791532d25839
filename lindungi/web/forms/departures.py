"""Forms of the checkpoint desk, the watch list and interceptions. They only shape input: the rules
live in ``lindungi.departures.services`` and reach the form through ``apply_domain_error``."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from lindungi.departures.models import Interception, WatchlistEntry
from lindungi.web.choices import BLANK, country_choices


class DeskForm(forms.Form):
    """One field for the traveller; the trip (destination, flight, date) stays filled in from the
    previous check, because an officer checks a whole flight in a row."""

    identifier = forms.CharField(
        label=gettext_lazy("NIK, passport number or credential"), max_length=1024,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "autocapitalize": "characters",
                                      "inputmode": "text", "class": "desk-input", "spellcheck": "false"}))
    destination = forms.ChoiceField(label=gettext_lazy("Destination"), choices=())
    flight = forms.CharField(label=gettext_lazy("Flight or voyage"), max_length=20)
    travel_date = forms.DateField(label=gettext_lazy("Travel date"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    post = forms.CharField(label=gettext_lazy("Checkpoint post code"), required=False, max_length=20,
                           help_text=gettext_lazy("Only if you are not assigned to a post"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination"].choices = BLANK + country_choices()
        self.fields["travel_date"].initial = timezone.localdate()


class WatchlistForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=WatchlistEntry.Kind.choices)
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150)
    nik = forms.CharField(label=gettext_lazy("NIK"), required=False, max_length=16)
    passport_number = forms.CharField(label=gettext_lazy("Passport number"), required=False, max_length=9)
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    valid_until = forms.DateField(label=gettext_lazy("Valid until"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class WatchlistReviewForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Review note"), widget=forms.Textarea(attrs={"rows": 2}))
    valid_until = forms.DateField(label=gettext_lazy("New end date"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class WatchlistRemoveForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for removal"), widget=forms.Textarea(attrs={"rows": 2}))


class InterceptionForm(forms.Form):
    """The first traveller and up to four companions on one page; the API takes any group size."""

    COMPANIONS = 4

    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150)
    nik = forms.CharField(label=gettext_lazy("NIK"), required=False, max_length=16)
    passport_number = forms.CharField(label=gettext_lazy("Passport number"), required=False, max_length=9)
    destination = forms.ChoiceField(label=gettext_lazy("Destination"), choices=())
    flight = forms.CharField(label=gettext_lazy("Flight or voyage"), required=False, max_length=20)
    declared_purpose = forms.ChoiceField(label=gettext_lazy("Declared purpose"), choices=Interception.Purpose.choices)
    cover_story = forms.CharField(label=gettext_lazy("Cover story"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    route = forms.CharField(label=gettext_lazy("Route"), required=False, max_length=255,
                            help_text=gettext_lazy("e.g. CGK – KUL – PNH"))
    transit_countries = forms.CharField(label=gettext_lazy("Transit countries"), required=False, max_length=60,
                                        help_text=gettext_lazy("ISO codes separated by commas, e.g. MY, TH"))
    suspected_recruiter = forms.CharField(label=gettext_lazy("Suspected recruiter or sponsor"), required=False,
                                          max_length=255)
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=Interception.Outcome.choices)
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    post = forms.CharField(label=gettext_lazy("Checkpoint post code"), required=False, max_length=20,
                           help_text=gettext_lazy("Only if you are not assigned to a post"))
    departure_check = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination"].choices = BLANK + country_choices()
        for i in range(1, self.COMPANIONS + 1):
            self.fields[f"companion_{i}_name"] = forms.CharField(
                label=gettext_lazy("Companion %(n)d: name") % {"n": i}, required=False, max_length=150)
            self.fields[f"companion_{i}_id"] = forms.CharField(
                label=gettext_lazy("Companion %(n)d: NIK or passport") % {"n": i}, required=False, max_length=16)

    def companion_rows(self):
        return [(self[f"companion_{i}_name"], self[f"companion_{i}_id"]) for i in range(1, self.COMPANIONS + 1)]
