"""Forms of the import screens."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lindungi.imports.models import ValueMapping


class ValueMappingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ValueMapping.Kind.choices)
    source = forms.CharField(label=_("Value in the old system"), max_length=200,
                             help_text=_("Case, punctuation and spacing are ignored when a file is read."))
    target = forms.CharField(label=_("Code in Lindungi"), max_length=20,
                             help_text=_("ISCO-08 code, regency/city code, scheme code or ISO2 country code."))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)
