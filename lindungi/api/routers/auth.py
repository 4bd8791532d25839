from ninja import Field, Router, Schema
from ninja.responses import Status

from lindungi.accounts.services import (
    api_token_issue,
    api_token_revoke,
    password_change_by_credentials,
    user_authenticate,
)
from lindungi.accounts.throttle import client_address
from lindungi.api.auth import API_AUTH
from lindungi.api.schemas import ERRORS, InputSchema

router = Router(tags=["auth"])


class TokenIn(InputSchema):
    username: str
    password: str
    name: str = ""


class TokenOut(Schema):
    id: int
    token: str
    token_type: str = "Bearer"
    expires_at: str


@router.post("/token", auth=None, response={200: TokenOut, **ERRORS}, operation_id="auth_token_create")
def token_create(request, payload: TokenIn):
    """Exchange a username and password for a bearer token. Repeated failures from one client are
    refused with 429 for a while (the same answer whether or not the username exists); an account
    holding a temporary password must change it first (POST /auth/password)."""
    user = user_authenticate(username=payload.username, password=payload.password, via="api",
                             client_ip=client_address(request.META))
    token, raw = api_token_issue(user=user, name=payload.name)
    return {"id": token.id, "token": raw, "expires_at": token.expires_at.isoformat()}


@router.delete("/token/{token_id}", auth=API_AUTH, response={204: None, **ERRORS}, operation_id="auth_token_revoke")
def token_revoke(request, token_id: int):
    """Revoke a token (your own, or anyone's for an administrator)."""
    api_token_revoke(actor=request.user, token_id=token_id, via="api")
    return Status(204, None)


class PasswordIn(InputSchema):
    username: str
    old_password: str
    new_password: str = Field(..., description="at least 10 characters; not like the username, unit or company; "
                                               "not a common password nor a word followed by a number")


@router.post("/password", auth=None, response={204: None, **ERRORS}, operation_id="auth_password_change")
def password_change(request, payload: PasswordIn):
    """Change a password with the current one (e.g. the temporary password an administrator gave).
    Throttled like sign-in; every rule the new password breaks is reported at once (422)."""
    password_change_by_credentials(username=payload.username, old_password=payload.old_password,
                                   new_password=payload.new_password, via="api",
                                   client_ip=client_address(request.META))
    return Status(204, None)
