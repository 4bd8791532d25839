"""Indicators are data: what is counted, from which records, by which date, in which unit and for
which plan. Their counting rule (``Indicator.rule``) names one function in ``realisation.py``; the
definition text that the dashboard and the public page show is stored with it, so a change of
definition is a new dated row, not an edit of code. Targets are per indicator, year (optionally a
month), organisational unit and version (planned, revised), each with its source document."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.common.models import EffectiveDated


class Rule(models.TextChoices):
    DEPARTURES = "departures", _("Placements that departed (passed the exit check)")
    SERVICES_COMPLETED = "services_completed", _("Placements whose pre-departure services were completed")
    COMPLAINTS_RESOLVED = "complaints_resolved", _("Complaints resolved within the deadline")
    RETURNS = "returns", _("Returns recorded at an entry point")


class Measure(models.TextChoices):
    PLACEMENTS = "placements", _("placements")
    CASES = "cases", _("cases")
    PEOPLE = "people", _("people")


class Indicator(EffectiveDated):
    code = models.CharField(max_length=40, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    definition_id = models.TextField(_("definition (Indonesian)"))
    definition_en = models.TextField(_("definition (English)"))
    rule = models.CharField(max_length=30, choices=Rule.choices, help_text=_("The records counted"))
    date_basis = models.CharField(max_length=200, help_text=_("The date that places a record in a period"))
    measure = models.CharField(max_length=20, choices=Measure.choices)
    within_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("For time-bound indicators: the number of days allowed"))
    plan_reference = models.CharField(max_length=255, blank=True,
                                      help_text=_("e.g. Renstra 2025-2029, Perjanjian Kinerja"))
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("indicator")

    def __str__(self) -> str:
        return f"{self.code} {self.name_id}"


class TargetVersion(models.TextChoices):
    PLANNED = "planned", _("Planned")
    REVISED = "revised", _("Revised")


class Target(models.Model):
    """One figure of a plan. ``month`` 0 is the whole year. The figure that counts for a unit and
    period is the revised one when there is one, else the planned one."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField(default=0)
    unit = models.ForeignKey("reference.OrgUnit", on_delete=models.PROTECT, related_name="+")
    version = models.CharField(max_length=10, choices=TargetVersion.choices)
    value = models.PositiveBigIntegerField()
    source_document = models.CharField(max_length=255)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["indicator", "year", "month", "unit", "version"]
        verbose_name = _("target")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "month", "unit", "version"],
                                    name="one_target_per_version"),
            models.CheckConstraint(condition=models.Q(month__lte=12), name="target_month_0_to_12"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}/{self.month} {self.unit_id} {self.version}: {self.value}"


class Edition(models.Model):
    """A numbered, frozen monthly publication: the standard tables of departures from 1 January to
    the end of ``month``, as they stood when released. Never changed after release; a correction is
    a new edition of the same period that ``revises`` the earlier one and says why."""

    number = models.PositiveIntegerField(unique=True)
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    released_at = models.DateTimeField()
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    revises = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="revisions")
    reason = models.TextField(blank=True, help_text=_("Why a revised edition was released"))
    definitions = models.JSONField(default=list, help_text=_("The indicator definitions in force at release"))
    tables = models.JSONField(default=dict, help_text=_("Table name -> the table as published"))

    class Meta:
        ordering = ["-number"]
        verbose_name = _("edition")
        constraints = [
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="edition_month_1_to_12"),
        ]

    def __str__(self) -> str:
        return f"No. {self.number} ({self.year}-{self.month:02d})"
