import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.permissions import has_perm
from lindungi.accounts.roles import LOOKUP_ONLY_ROLES, NATIONAL_ROLES, Role


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ANALYST)
    unit = models.ForeignKey(
        "reference.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="staff",
        help_text=_("For unit officers and checkpoint officers: the unit whose coverage scopes them"),
    )
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="staff",
        help_text=_("For P3MI staff: their own company"),
    )
    must_change_password = models.BooleanField(
        _("must change password"), default=False,
        help_text=_("Set when an administrator gives a temporary password: the next sign-in asks for a new one"),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="p3mi_staff") | models.Q(agency__isnull=False),
                name="p3mi_staff_has_agency",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="unit_officer") | models.Q(unit__isnull=False),
                name="unit_officer_has_unit",
            ),
        ]

    def has_role_perm(self, perm: str) -> bool:
        return has_perm(self, perm)

    @property
    def is_national(self) -> bool:
        return self.role in NATIONAL_ROLES

    @property
    def is_lookup_only(self) -> bool:
        return self.role in LOOKUP_ONLY_ROLES


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """Bearer tokens for API clients. Only the SHA-256 of the token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=8, help_text=_("First characters, to tell tokens apart"))
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class SignInThrottle(models.Model):
    """Failed sign-ins, counted per client address and per (username, client address) pair.

    A pair is blocked after ``LOGIN_MAX_FAILURES`` failures in ``LOGIN_LOCKOUT_MINUTES``; an address
    after ``LOGIN_MAX_FAILURES_PER_ADDRESS`` (password spraying across many names). Nothing is keyed
    by the account alone, so failures from an attacker's address never lock the owner out from theirs,
    and the username is counted as typed, whether or not such an account exists, so a block reveals
    nothing about which usernames exist."""

    class Scope(models.TextChoices):
        ADDRESS = "address", _("Client address")
        PAIR = "pair", _("Username from a client address")

    scope = models.CharField(max_length=10, choices=Scope.choices)
    address = models.CharField(max_length=45)
    username = models.CharField(max_length=150, blank=True, db_index=True, help_text=_("lower case, as typed"))
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField(default=timezone.now)
    blocked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "address", "username"], name="throttle_key_unique")]

    def __str__(self) -> str:
        return f"{self.scope} {self.address} {self.username}".strip()
