"""Reads of accounts for account managers (``user.manage``)."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts import throttle
from lindungi.accounts.models import ApiToken, User
from lindungi.accounts.permissions import require_perm
from lindungi.accounts.perms import USER_MANAGE
from lindungi.accounts.roles import Role
from lindungi.common.errors import NotFound, ValidationFailed
from lindungi.common.pagination import Page, paginate


def _require(actor) -> None:
    require_perm(actor, USER_MANAGE, _("You are not allowed to manage accounts."))


def user_list_for(actor, *, q: str = "", role: str = "", active: str = "", page: int = 1,
                  page_size: int = 25) -> Page:
    """Accounts by username or name fragment, role and state, with their count of active tokens."""
    _require(actor)
    q, role, active = (q or "").strip(), (role or "").strip(), (active or "").strip()
    errors = {}
    if role and role not in Role.values:
        errors["role"] = [_("Choose one of: %(k)s.") % {"k": ", ".join(Role.values)}]
    if active not in ("", "yes", "no"):
        errors["active"] = [_("Choose one of: %(k)s.") % {"k": "yes, no"}]
    if len(q) > 150:
        errors["q"] = [_("At most %(n)d characters (this has %(len)d).") % {"n": 150, "len": len(q)}]
    if errors:
        raise ValidationFailed.from_fields(errors)
    qs: QuerySet = User.objects.select_related("unit", "agency")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q))
    if role:
        qs = qs.filter(role=role)
    if active:
        qs = qs.filter(is_active=active == "yes")
    now = timezone.now()
    qs = qs.annotate(active_tokens=Count("api_tokens", filter=Q(api_tokens__revoked_at__isnull=True,
                                                                 api_tokens__expires_at__gt=now)))
    return paginate(qs.order_by("username"), page=page, page_size=page_size)


def user_get_for(actor, user_id) -> dict:
    """One account with its API tokens (newest first) and the addresses it is blocked from."""
    _require(actor)
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        raise NotFound(_("Account not found."))
    user = User.objects.select_related("unit", "agency").filter(pk=pk).first()
    if user is None:
        raise NotFound(_("Account not found."))
    return {"user": user, "tokens": list(ApiToken.objects.filter(user=user).order_by("-created_at", "-id")),
            "blocks": throttle.blocked_addresses_for(user.username)}


def user_tokens_for(actor, user_id) -> list[ApiToken]:
    return user_get_for(actor, user_id)["tokens"]
