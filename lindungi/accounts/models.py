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
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

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

    def is_locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > timezone.now())


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
