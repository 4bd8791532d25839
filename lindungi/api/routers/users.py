"""Account management for central administrators (``user.manage``): accounts, their role and unit or
company, deactivation, unlocking, password resets with a one-time temporary password, and API tokens.
Every write is audited; a deactivation or token revocation is refused on the account's next request."""

from datetime import datetime
from uuid import UUID

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from lindungi.accounts import selectors, services
from lindungi.api.schemas import ERRORS, InputSchema

router = Router(tags=["users"])


class UserFilter(InputSchema):
    q: str = Field("", description="part of the username or name")
    role: str = Field("", description="admin, analyst, unit_officer, p3mi_staff, checkpoint or partner_api")
    active: str = Field("", description="yes or no")
    page: int = 1
    page_size: int = 25


class UserIn(InputSchema):
    username: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    role: str = Field(..., description="admin, analyst, unit_officer, p3mi_staff, checkpoint or partner_api")
    unit: str | None = Field(None, description="unit code (unit officers, checkpoint officers)")
    agency: str | None = Field(None, description="public id of the P3MI (P3MI staff)")


class UserPatch(InputSchema):
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    role: str | None = None
    unit: str | None = None
    agency: str | None = None
    reason: str = ""


class AccountReasonIn(InputSchema):
    reason: str = ""


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    role: str
    unit: str | None = None
    agency: UUID | None = None
    is_active: bool
    must_change_password: bool
    last_login: datetime | None = None

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code if obj.unit_id else None

    @staticmethod
    def resolve_agency(obj):
        return obj.agency.public_id if obj.agency_id else None


class UserPageOut(Schema):
    items: list[UserOut]
    total: int
    page: int
    page_size: int


class TemporaryPasswordOut(Schema):
    user: UserOut
    temporary_password: str = Field(..., description="shown once; must be changed at the first sign-in")


class TokenInfoOut(Schema):
    id: int
    prefix: str
    name: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    is_active: bool


class UnlockOut(Schema):
    user: UserOut
    blocks_lifted: int


def _page(result) -> dict:
    return {"items": result.items, "total": result.total, "page": result.page, "page_size": result.page_size}


@router.get("", response={200: UserPageOut, **ERRORS}, operation_id="users_list")
def users_list(request, filters: Query[UserFilter]):
    """Accounts by username or name, role and state."""
    return _page(selectors.user_list_for(request.user, **filters.dict()))


@router.post("", response={201: TemporaryPasswordOut, **ERRORS}, operation_id="users_create")
def users_create(request, payload: UserIn):
    """Create an account; the answer holds its one-time temporary password."""
    user, temporary = services.user_create(actor=request.user, data=payload.dict(), via="api")
    return Status(201, {"user": user, "temporary_password": temporary})


@router.get("/{user_id}", response={200: UserOut, **ERRORS}, operation_id="users_detail")
def users_detail(request, user_id: int):
    return selectors.user_get_for(request.user, user_id)["user"]


@router.patch("/{user_id}", response={200: UserOut, **ERRORS}, operation_id="users_update")
def users_update(request, user_id: int, payload: UserPatch):
    """Change names, e-mail, role and unit or company (only the fields sent)."""
    return services.user_update(actor=request.user, user_id=user_id, data=payload.dict(), via="api")


@router.post("/{user_id}/deactivate", response={200: UserOut, **ERRORS}, operation_id="users_deactivate")
def users_deactivate(request, user_id: int, payload: AccountReasonIn):
    return services.user_set_active(actor=request.user, user_id=user_id, active=False, reason=payload.reason,
                                    via="api")


@router.post("/{user_id}/activate", response={200: UserOut, **ERRORS}, operation_id="users_activate")
def users_activate(request, user_id: int, payload: AccountReasonIn):
    return services.user_set_active(actor=request.user, user_id=user_id, active=True, reason=payload.reason,
                                    via="api")


@router.post("/{user_id}/unlock", response={200: UnlockOut, **ERRORS}, operation_id="users_unlock")
def users_unlock(request, user_id: int):
    """Lift every sign-in block on the account's username."""
    user, lifted = services.user_unlock(actor=request.user, user_id=user_id, via="api")
    return {"user": user, "blocks_lifted": lifted}


@router.post("/{user_id}/reset-password", response={200: TemporaryPasswordOut, **ERRORS},
             operation_id="users_reset_password")
def users_reset_password(request, user_id: int):
    """A one-time temporary password; the account's API tokens are revoked."""
    user, temporary = services.user_reset_password(actor=request.user, user_id=user_id, via="api")
    return {"user": user, "temporary_password": temporary}


@router.get("/{user_id}/tokens", response={200: list[TokenInfoOut], **ERRORS}, operation_id="users_tokens")
def users_tokens(request, user_id: int):
    """The account's API tokens, newest first (revoke one with DELETE /api/v1/auth/token/{id})."""
    return selectors.user_tokens_for(request.user, user_id)
