"""Filters of the statistics pages: they only parse; ``statistics.selectors`` validates and scopes."""

from django import forms
from django.utils.translation import gettext_lazy

from lindungi.statistics.models import TargetVersion

BREAKDOWN_LABELS = {
    "province": gettext_lazy("Province of origin"),
    "regency": gettext_lazy("Regency of origin (by sex)"),
    "country": gettext_lazy("Destination country"),
    "scheme": gettext_lazy("Placement scheme"),
    "sex": gettext_lazy("Sex"),
    "sector": gettext_lazy("Sector (formal/informal)"),
    "occupation": gettext_lazy("Occupation"),
    "education": gettext_lazy("Education"),
    "month": gettext_lazy("Month of departure"),
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


class EditionReleaseForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=gettext_lazy("Month"), min_value=1, max_value=12)
    reason = forms.CharField(label=gettext_lazy("Reason for a revised edition"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label=gettext_lazy("Indicator"))
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=gettext_lazy("Month (0 = whole year)"), min_value=0, max_value=12, initial=0)
    unit = forms.ChoiceField(label=gettext_lazy("Unit"))
    version = forms.ChoiceField(label=gettext_lazy("Version"), choices=TargetVersion.choices)
    value = forms.IntegerField(label=gettext_lazy("Target"), min_value=0)
    source_document = forms.CharField(label=gettext_lazy("Source document"), max_length=255,
                                      help_text=gettext_lazy("e.g. Perjanjian Kinerja 2025, or the revision letter"))
    reason = forms.CharField(label=gettext_lazy("Reason for a change"), required=False)

    def __init__(self, *args, indicators=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = list(indicators)
        self.fields["unit"].choices = list(units)
