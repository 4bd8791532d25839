from ninja import Router, Schema
from ninja.responses import Status

from lindungi.accounts.services import api_token_issue, api_token_revoke, user_authenticate
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
    """Exchange a username and password for a bearer token. Repeated failures lock the account."""
    user = user_authenticate(username=payload.username, password=payload.password, via="api")
    token, raw = api_token_issue(user=user, name=payload.name)
    return {"id": token.id, "token": raw, "expires_at": token.expires_at.isoformat()}


@router.delete("/token/{token_id}", auth=API_AUTH, response={204: None, **ERRORS}, operation_id="auth_token_revoke")
def token_revoke(request, token_id: int):
    """Revoke a token (your own, or anyone's for an administrator)."""
    api_token_revoke(actor=request.user, token_id=token_id, via="api")
    return Status(204, None)
