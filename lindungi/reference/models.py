"""Reference data shipped with the code, editable afterwards, each row with its validity period.

Region codes follow Kemendagri (Permendagri/Kepmendagri kode wilayah), stored as digits only
("3201"), shown dotted ("32.01"). Codes retired by a split stay in the table with ``valid_to`` and
a successor, because a NIK keeps the code of first registration for life.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.common.models import EffectiveDated


class Province(EffectiveDated):
    code = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=100)
    successor = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Regency(EffectiveDated):
    class Kind(models.TextChoices):
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")

    code = models.CharField(max_length=4, unique=True, help_text=_("Kemendagri code, digits only"))
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="regencies")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, help_text=_("Code that replaced this one")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("regency/city")
        verbose_name_plural = _("regencies/cities")

    def __str__(self) -> str:
        return f"{self.dotted_code} {self.name}"

    @property
    def dotted_code(self) -> str:
        return f"{self.code[:2]}.{self.code[2:]}"

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class Village(models.Model):
    """Desa/kelurahan; loaded by ``load_reference_data --villages`` (about 84,000 rows)."""

    code = models.CharField(max_length=10, unique=True, help_text=_("Kemendagri code, digits only"))
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="villages")
    district_name = models.CharField(max_length=100)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("village")

    def __str__(self) -> str:
        return f"{self.name}, {self.district_name}"


class Country(EffectiveDated):
    iso2 = models.CharField(max_length=2, unique=True)
    iso3 = models.CharField(max_length=3, unique=True)
    name_id = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)

    class Meta:
        ordering = ["name_id"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name_id


class Occupation(EffectiveDated):
    """ISCO-08 unit groups (4 digits) with Indonesian titles."""

    isco_code = models.CharField(max_length=4, unique=True)
    title_id = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    zero_cost = models.BooleanField(
        default=False, help_text=_("One of the 10 jobs whose placement costs the worker may not bear (Perban 9/2020)")
    )
    domestic_worker = models.BooleanField(default=False, help_text=_("Household (informal) job"))

    class Meta:
        ordering = ["isco_code"]
        verbose_name = _("occupation")

    def __str__(self) -> str:
        return f"{self.isco_code} {self.title_id}"


class OrgUnit(EffectiveDated):
    class Kind(models.TextChoices):
        HQ = "pusat", _("Ministry headquarters")
        BP3MI = "bp3mi", _("BP3MI")
        P4MI = "p4mi", _("P4MI post")
        LTSA = "ltsa", _("LTSA office")

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    seat = models.ForeignKey(Regency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["code"]
        verbose_name = _("organisational unit")

    def __str__(self) -> str:
        return self.name


class UnitCoverage(EffectiveDated):
    """A unit serves a whole province or a single regency. Data, not code: a province can be
    served from a neighbour, and border posts serve single regencies."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="coverage")
    province = models.ForeignKey(Province, null=True, blank=True, on_delete=models.PROTECT)
    regency = models.ForeignKey(Regency, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("unit coverage")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(province__isnull=False, regency__isnull=True)
                    | models.Q(province__isnull=True, regency__isnull=False)
                ),
                name="coverage_province_xor_regency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.province or self.regency}"
