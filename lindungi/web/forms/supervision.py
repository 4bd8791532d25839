"""Forms of the supervision pages: they only parse; ``supervision.services`` validates and decides
(amounts, currencies, dates and receipts are checked there, the same for the API)."""

from django import forms
from django.utils.translation import gettext_lazy

from lindungi.supervision.models import EntrySource, Financing, FlagStatus, OccupationGroup, PaidTo, Payer

BLANK = [("", "—")]
DATE = {"type": "date"}


def _components(components, language: str):
    return [(c.code, c.name_en if language == "en" else c.name_id) for c in components]


def _placement_label(placement, language: str) -> str:
    country = placement.country.name_en if language == "en" else placement.country.name_id
    occupation = placement.occupation.title_en if language == "en" else placement.occupation.title_id
    return f"{country} · {occupation} · {placement.created_at:%Y-%m-%d}"


class CostEntryForm(forms.Form):
    component = forms.ChoiceField(label=gettext_lazy("Cost component"))
    amount = forms.CharField(label=gettext_lazy("Amount"), max_length=30,
                             widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    currency = forms.CharField(label=gettext_lazy("Currency"), max_length=3, initial="IDR")
    paid_on = forms.CharField(label=gettext_lazy("Paid on"), max_length=10, widget=forms.DateInput(attrs=DATE))
    paid_to_kind = forms.ChoiceField(label=gettext_lazy("Paid to"), choices=PaidTo.choices)
    paid_to_name = forms.CharField(label=gettext_lazy("Name of the payee"), max_length=150, required=False)
    financing = forms.ChoiceField(label=gettext_lazy("Financed by"), choices=Financing.choices)
    source = forms.ChoiceField(label=gettext_lazy("Recorded at"), required=False,
                               choices=[c for c in EntrySource.choices if c[0] != EntrySource.P3MI])
    placement = forms.ChoiceField(label=gettext_lazy("Placement"), required=False)
    receipt = forms.FileField(label=gettext_lazy("Receipt (PDF, JPEG or PNG)"), required=False,
                              widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, components=(), placements=(), language="id", is_p3mi=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component"].choices = _components(components, language)
        self.fields["placement"].choices = [(str(p.public_id), _placement_label(p, language)) for p in placements]
        if is_p3mi:
            del self.fields["source"]

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "receipt"}


class ConfirmationForm(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("The worker"), choices=[
        ("confirmed", gettext_lazy("confirms this cost")), ("disputed", gettext_lazy("disputes this cost"))])
    note = forms.CharField(label=gettext_lazy("What the worker says"), required=False, max_length=2000)


class CostRuleFilterForm(forms.Form):
    country = forms.CharField(label=gettext_lazy("Destination (ISO2)"), max_length=2, required=False)
    component = forms.ChoiceField(label=gettext_lazy("Cost component"), required=False)
    occupation_group = forms.ChoiceField(label=gettext_lazy("Occupation group"), required=False,
                                         choices=BLANK + [c for c in OccupationGroup.choices if c[0]])
    on = forms.DateField(label=gettext_lazy("In force on"), required=False, widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, components=(), language="id", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component"].choices = BLANK + _components(components, language)


class CostRuleForm(forms.Form):
    component = forms.ChoiceField(label=gettext_lazy("Cost component"))
    country = forms.CharField(label=gettext_lazy("Destination (ISO2, empty: all)"), max_length=2, required=False)
    occupation = forms.CharField(label=gettext_lazy("Occupation (ISCO code, empty: all)"), max_length=4,
                                 required=False)
    occupation_group = forms.ChoiceField(label=gettext_lazy("Occupation group"), required=False,
                                         choices=OccupationGroup.choices)
    scheme = forms.CharField(label=gettext_lazy("Scheme code (empty: all)"), max_length=20, required=False)
    payer = forms.ChoiceField(label=gettext_lazy("Who pays"), choices=Payer.choices)
    max_worker_amount = forms.CharField(label=gettext_lazy("Most a worker may be charged"), max_length=30,
                                        initial="0", widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    currency = forms.CharField(label=gettext_lazy("Currency"), max_length=3, initial="IDR")
    valid_from = forms.CharField(label=gettext_lazy("Valid from"), max_length=10, widget=forms.DateInput(attrs=DATE))
    valid_to = forms.CharField(label=gettext_lazy("Valid to"), max_length=10, required=False,
                               widget=forms.DateInput(attrs=DATE))
    legal_basis = forms.CharField(label=gettext_lazy("Legal basis"), max_length=255)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=255, required=False)

    def __init__(self, *args, components=(), language="id", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component"].choices = _components(components, language)


class FlagFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=BLANK + FlagStatus.choices)


class EscalateForm(forms.Form):
    summary = forms.CharField(label=gettext_lazy("Add to the complaint's summary"), required=False, max_length=3000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    complainant_phone = forms.CharField(label=gettext_lazy("Worker's phone (when the registry has none)"),
                                        max_length=30, required=False)
