"""Departures: the checkpoint posts (TPI) and who works at them, every departure check with its
verdict and reasons, the watch list of repeat non-procedural travellers and suspected recruiters,
and interceptions of non-procedural travellers.

The verdict itself is composed in ``rules.py`` from the placement guards (no second copy of a rule).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.common.models import TimeStamped


class CheckpointPost(models.Model):
    """An immigration checkpoint (TPI) where departures are checked: airport, seaport or land post."""

    class Kind(models.TextChoices):
        AIRPORT = "airport", _("Airport")
        SEAPORT = "seaport", _("Seaport / ferry terminal")
        LAND = "land", _("Land border post (PLBN)")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    regency = models.ForeignKey("reference.Regency", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("regency/city"))
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("checkpoint post")

    def __str__(self) -> str:
        return self.name


class PostAssignment(models.Model):
    """The post a checkpoint officer works at: departure checks take their location from it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkpoint_post")
    post = models.ForeignKey(CheckpointPost, on_delete=models.PROTECT, related_name="assignments")
    since = models.DateField(auto_now_add=True)

    class Meta:
        verbose_name = _("checkpoint post assignment")

    def __str__(self) -> str:
        return f"{self.user} @ {self.post}"


def _post_scoped(queryset, actor, *, regency_field: str, agency_field: str):
    """National roles see every row; checkpoint officers the rows of their own post; others by the
    usual region/company scope (``scope_queryset``)."""
    from lindungi.accounts.scoping import scope_queryset

    qs = scope_queryset(queryset, actor, regency_field=regency_field, agency_field=agency_field)
    if actor is not None and getattr(actor, "is_authenticated", False) and actor.is_lookup_only:
        return qs.filter(post__assignments__user=actor)
    return qs


class DepartureCheckQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "DepartureCheckQuerySet":
        return _post_scoped(self, actor, regency_field="person__regency", agency_field="placement__agency")


class Verdict(models.TextChoices):
    CLEARED = "cleared", _("Cleared")
    NOT_CLEARED = "not_cleared", _("Not cleared")


class DepartureCheck(TimeStamped):
    """One check of one traveller at a post: who checked, where, when, what was entered, the verdict
    and every reason (``[{code, message_id, message_en}]``). Never edited; a departure that follows
    a cleared check is recorded on it (``departed_at``)."""

    class IdentifierKind(models.TextChoices):
        NIK = "nik", _("NIK")
        PASSPORT = "passport", _("Passport number")

    post = models.ForeignKey(CheckpointPost, on_delete=models.PROTECT, related_name="checks")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(db_index=True)
    identifier_kind = models.CharField(max_length=10, choices=IdentifierKind.choices)
    identifier = models.CharField(max_length=16)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    placement = models.ForeignKey("placements.Placement", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="departure_checks")
    destination = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+")
    flight = models.CharField(_("flight or voyage"), max_length=20)
    travel_date = models.DateField(_("travel date"))
    verdict = models.CharField(max_length=12, choices=Verdict.choices)
    reasons = models.JSONField(default=list, blank=True)
    departed_at = models.DateTimeField(null=True, blank=True)
    client_ref = models.UUIDField(null=True, blank=True, unique=True,
                                  help_text=_("Id given by the desk, so a check uploaded twice is recorded once"))

    objects = DepartureCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_at", "-id"]
        verbose_name = _("departure check")
        indexes = [models.Index(fields=["post", "checked_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(verdict__in=Verdict.values),
                                   name="departure_check_verdict_known"),
            models.CheckConstraint(condition=models.Q(departed_at__isnull=True) | models.Q(verdict="cleared"),
                                   name="departure_only_after_cleared_check"),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} @ {self.post_id} {self.verdict}"


class WatchlistEntryQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "WatchlistEntryQuerySet":
        """Not scoped by region: a watch list works only if every post sees every entry. Roles
        without the watch-list permission are refused by the selectors."""
        from lindungi.accounts.roles import NATIONAL_ROLES, Role

        if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
            return self.none()
        return self if actor.role in NATIONAL_ROLES | {Role.CHECKPOINT} else self.none()

    def in_force(self, day) -> "WatchlistEntryQuerySet":
        return self.filter(removed_at__isnull=True, valid_from__lte=day, valid_until__gte=day)


class WatchlistEntry(TimeStamped):
    """A "subject of interest": a repeat non-procedural traveller or a suspected recruiter/sponsor.

    Matched on exact NIK or passport number. Each entry has an end date and a review date; an entry
    past its end no longer hits, and one past its review date is listed for review."""

    class Kind(models.TextChoices):
        TRAVELLER = "traveller", _("Repeat non-procedural traveller")
        RECRUITER = "recruiter", _("Suspected recruiter or sponsor")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    full_name = models.CharField(_("full name"), max_length=150)
    nik = models.CharField(_("NIK"), max_length=16, blank=True, db_index=True)
    passport_number = models.CharField(_("passport number"), max_length=9, blank=True, db_index=True)
    reason = models.TextField(_("reason"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    review_due = models.DateField(_("review due"))
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    removal_reason = models.TextField(blank=True)

    objects = WatchlistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("watch-list entry")
        verbose_name_plural = _("watch list")
        constraints = [
            models.CheckConstraint(condition=~models.Q(nik="") | ~models.Q(passport_number=""),
                                   name="watchlist_entry_has_identifier"),
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("valid_from")),
                                   name="watchlist_entry_dates_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.kind})"


class InterceptionQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "InterceptionQuerySet":
        return _post_scoped(self, actor, regency_field="person__regency", agency_field="placement__agency")


class Interception(TimeStamped):
    """A non-procedural traveller stopped at a post (domain.md §1.5, §6.5): the declared purpose
    and cover story, the route, the suspected recruiter or sponsor, the companions travelling in the
    same group, and the outcome. ``case_ref`` is the seam to the protection case that may be opened."""

    class Purpose(models.TextChoices):
        TOURISM = "tourism", _("Tourism")
        INTERNSHIP = "internship", _("Internship / apprenticeship")
        PILGRIMAGE = "pilgrimage", _("Pilgrimage (umrah, ziarah)")
        FAMILY_VISIT = "family_visit", _("Visiting family")
        WORK = "work", _("Work (admitted)")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        POSTPONED = "postponed", _("Departure postponed")
        HANDED_TO_BP2MI = "handed_to_bp2mi", _("Handed to the BP2MI desk")
        REFERRED_TO_POLICE = "referred_to_police", _("Referred to the police")

    post = models.ForeignKey(CheckpointPost, on_delete=models.PROTECT, related_name="interceptions")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    intercepted_at = models.DateTimeField(db_index=True)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    placement = models.ForeignKey("placements.Placement", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    departure_check = models.ForeignKey(DepartureCheck, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="interceptions")
    full_name = models.CharField(_("full name"), max_length=150)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    passport_number = models.CharField(_("passport number"), max_length=9, blank=True)
    destination = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+")
    flight = models.CharField(_("flight or voyage"), max_length=20, blank=True)
    declared_purpose = models.CharField(_("declared purpose"), max_length=15, choices=Purpose.choices)
    cover_story = models.TextField(_("cover story"), blank=True)
    route = models.CharField(_("route"), max_length=255, blank=True)
    transit_countries = models.JSONField(_("transit countries"), default=list, blank=True)
    suspected_recruiter = models.CharField(_("suspected recruiter or sponsor"), max_length=255, blank=True)
    group_ref = models.UUIDField(_("group"), db_index=True,
                                 help_text=_("Shared by the travellers intercepted together"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    notes = models.TextField(_("notes"), blank=True)
    case_ref = models.CharField(_("protection case"), max_length=64, blank=True,
                                help_text=_("Public id of the protection case opened for this interception"))

    objects = InterceptionQuerySet.as_manager()

    class Meta:
        ordering = ["-intercepted_at", "-id"]
        verbose_name = _("interception")
        constraints = [
            models.CheckConstraint(condition=~models.Q(nik="") | ~models.Q(passport_number=""),
                                   name="interception_has_identifier"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} @ {self.post_id} ({self.outcome})"


# ---------------------------------------------------------------------------------------------
# Departure credentials (see credentials.py for the token format)
# ---------------------------------------------------------------------------------------------


class CredentialKey(models.Model):
    """An Ed25519 signing key. One key is active (signs); a rotated key is retired (signs nothing
    more) and stays published until ``not_after``, when every credential it signed has expired.
    The private key is stored as PKCS#8 PEM encrypted with the installation's SECRET_KEY."""

    kid = models.CharField(max_length=32, unique=True)
    public_key = models.CharField(max_length=64, help_text=_("Raw public key, base64url"))
    private_key_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    not_after = models.DateTimeField(null=True, blank=True, help_text=_("Published and accepted until then"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("credential signing key")
        constraints = [
            models.UniqueConstraint(fields=["retired_at"], condition=models.Q(retired_at__isnull=True),
                                    name="one_active_credential_key"),
        ]

    def __str__(self) -> str:
        return self.kid


class DepartureCredentialQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "DepartureCredentialQuerySet":
        from lindungi.accounts.scoping import scope_queryset

        return scope_queryset(self, actor, regency_field="placement__person__regency",
                              agency_field="placement__agency")


class DepartureCredential(TimeStamped):
    """The signed credential of a placement that reached ``ready_to_depart``. ``public_id`` is the
    credential id in the token. It is listed as revoked when ``revoked_at`` is set, when its
    placement has left ``ready_to_depart`` or when its P3MI is not in good standing."""

    placement = models.ForeignKey("placements.Placement", on_delete=models.PROTECT, related_name="credentials")
    key = models.ForeignKey(CredentialKey, on_delete=models.PROTECT, related_name="credentials")
    passport_number = models.CharField(max_length=9)
    nik_hash = models.CharField(max_length=43)
    destination = models.CharField(max_length=2)
    p3mi = models.CharField(max_length=60, blank=True)
    valid_until = models.DateField()
    token = models.TextField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=255, blank=True)

    objects = DepartureCredentialQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("departure credential")
        indexes = [models.Index(fields=["valid_until"])]

    def __str__(self) -> str:
        return str(self.public_id)
