"""Filters of the statistics pages: they only parse; ``statistics.selectors`` validates and scopes."""

from django import forms
from django.utils.translation import gettext_lazy

BREAKDOWN_LABELS = {
    "province": gettext_lazy("Province of origin"),
    "regency": gettext_lazy("Regency of origin (by sex)"),
    "country": gettext_lazy("Destination country"),
    "scheme": gettext_lazy("Placement scheme"),
    "sex": gettext_lazy("Sex"),
}


class StatisticsFilterForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=2000, max_value=2100)
    unit = forms.ChoiceField(label=gettext_lazy("Unit"), required=False)

    def __init__(self, *args, units=(), national=False, **kwargs):
        super().__init__(*args, **kwargs)
        blank = [("", gettext_lazy("National"))] if national else []
        self.fields["unit"].choices = blank + list(units)


class PublicStatisticsForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=2000, max_value=2100)
    by = forms.ChoiceField(label=gettext_lazy("Breakdown"), required=False,
                           choices=list(BREAKDOWN_LABELS.items()))
