"""Returns and repatriation (Perban 1/2024; domain.md §2.10): one arrival record per person
arriving home, by type and entry point, with the SPLP, reasons, shelter stay, onward transport and
handover; a sick worker's hospital referral and a deceased worker's cargo and handover. It links to
the person, the placement and the case; the placement's state follows only through
``placements.services.placement_transition``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindungi.common.models import TimeStamped


class ArrivalType(models.TextChoices):
    CONTRACT_COMPLETED = "contract_completed", _("Contract completed")
    IN_DIFFICULTY = "in_difficulty", _("In difficulty (terkendala)")
    DEPORTED = "deported", _("Deported")
    SICK = "sick", _("Sick")
    REMAINS = "remains", _("Remains (jenazah)")
    FAILED_CANDIDATE = "failed_candidate", _("Candidate who failed to depart")
    FAMILY = "family", _("Family member")


class EntryPointKind(models.TextChoices):
    AIRPORT = "airport", _("Airport")
    SEAPORT = "seaport", _("Seaport")
    LAND_BORDER = "land_border", _("Land border post (PLBN)")


class Handover(models.TextChoices):
    FAMILY = "family", _("Family")
    LOCAL_GOVERNMENT = "local_government", _("Local government (Pemda)")
    HOSPITAL = "hospital", _("Hospital")
    OTHER_UNIT = "other_unit", _("Another unit")
    SELF = "self", _("Went home independently")


REASON_CODES: dict[str, tuple[str, str]] = {
    "no_documents": ("Tidak berdokumen", "No documents"),
    "overstay": ("Overstay", "Overstay"),
    "drugs": ("Narkoba", "Drugs"),
    "other_crime": ("Tindak pidana lain", "Other crime"),
    "contract_end": ("Kontrak selesai", "Contract ended"),
    "illness": ("Sakit", "Illness"),
    "death": ("Meninggal dunia", "Death"),
    "abuse": ("Kekerasan / eksploitasi", "Abuse or exploitation"),
    "unpaid_wages": ("Gaji tidak dibayar", "Unpaid wages"),
    "other": ("Lainnya", "Other"),
}


class ArrivalQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "ArrivalQuerySet":
        """A unit sees the arrivals it received; a P3MI those of its placements; national roles
        all; lookup-only roles none."""
        from lindungi.accounts.scoping import scope_queryset

        return scope_queryset(self, actor, regency_field=None, agency_field=None,
                              unit_filter=lambda unit_id: Q(unit_id=unit_id),
                              agency_filter=lambda agency_id: Q(placement__agency_id=agency_id),
                              lookup_only_sees_all=False)


class Arrival(TimeStamped):
    kind = models.CharField(max_length=20, choices=ArrivalType.choices)
    arrived_at = models.DateTimeField()
    entry_point_kind = models.CharField(max_length=12, choices=EntryPointKind.choices)
    entry_point = models.CharField(max_length=120, help_text=_("e.g. Soekarno-Hatta T3, Pelabuhan Tunon Taka"))
    unit = models.ForeignKey("reference.OrgUnit", on_delete=models.PROTECT, related_name="+")
    # Who arrived, as recorded; linked to the registry when known.
    full_name = models.CharField(max_length=150)
    nik = models.CharField(max_length=16, blank=True)
    passport_number = models.CharField(max_length=12, blank=True)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="arrivals")
    placement = models.ForeignKey("placements.Placement", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="arrivals")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="arrivals")
    country = models.ForeignKey("reference.Country", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text=_("Country returned from"))
    splp_number = models.CharField(_("SPLP number"), max_length=60, blank=True)
    detention_depot = models.CharField(max_length=120, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    shelter = models.CharField(max_length=120, blank=True, help_text=_("e.g. Rumah Ramah, Rusunawa"))
    shelter_from = models.DateField(null=True, blank=True)
    shelter_to = models.DateField(null=True, blank=True)
    onward_transport = models.CharField(max_length=200, blank=True)
    handover_to = models.CharField(max_length=20, choices=Handover.choices, blank=True)
    handover_name = models.CharField(max_length=150, blank=True)
    handed_over_on = models.DateField(null=True, blank=True)
    # Sick workers.
    hospital = models.CharField(max_length=150, blank=True)
    hospital_referral_number = models.CharField(max_length=60, blank=True)
    follow_up = models.TextField(blank=True)
    # Remains.
    cargo_airway_bill = models.CharField(max_length=60, blank=True)
    cause_of_death = models.CharField(max_length=200, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    placement_moved_to = models.CharField(max_length=30, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    objects = ArrivalQuerySet.as_manager()

    class Meta:
        ordering = ["-arrived_at", "-id"]
        indexes = [models.Index(fields=["unit", "entry_point", "arrived_at"]), models.Index(fields=["arrived_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="sick") | ~Q(hospital=""), name="sick_arrival_has_hospital"),
            models.CheckConstraint(condition=~Q(kind="remains") | ~Q(cargo_airway_bill=""),
                                   name="remains_arrival_has_cargo"),
            models.CheckConstraint(condition=Q(shelter_to__isnull=True) | Q(shelter_from__isnull=True)
                                   | Q(shelter_to__gte=models.F("shelter_from")), name="shelter_dates_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} {self.entry_point} {self.arrived_at:%Y-%m-%d}"
