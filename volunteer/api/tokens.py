"""Sign-in tokens: POST login and password, get a bearer token; list and revoke them."""

from flask import current_app
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from volunteer.access import PUBLIC, SIGNED_IN, Rule, acting_user
from volunteer.api.base import api_access, bp, committed
from volunteer.extensions import db, limiter
from volunteer.i18n import gettext as _
from volunteer.models import ApiScope, ApiToken, TokenKind, utcnow
from volunteer.services import accounts, api_tokens, permissions

OWNER_OF_TOKEN = Rule(
    "owner of a token (or admin)",
    model=ApiToken,
    id_arg="token_id",
    as_arg="token",
    scope_check=lambda user, token: token.user_id == user.id or permissions.is_admin(user),
)


class SignInSchema(Schema):
    login = fields.String(
        required=True,
        validate=validate.Length(min=1, max=50),
        metadata={"description": "Mobile number or ID number."},
    )
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))
    client_name = fields.String(
        validate=validate.Length(max=80),
        metadata={"description": "Shown in the token list on the profile page."},
    )


class TokenSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.Enum(TokenKind, by_value=True, required=True)
    scopes = fields.List(fields.Enum(ApiScope, by_value=True), required=True)
    hint = fields.String(required=True, metadata={"description": "The token's first characters."})
    created_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True)


class IssuedTokenSchema(TokenSchema):
    token = fields.String(required=True, metadata={"description": "Send as `Bearer <token>`."})
    token_type = fields.String(required=True, metadata={"example": "Bearer"})


class TokenListSchema(Schema):
    items = fields.List(fields.Nested(TokenSchema), required=True)


def _token_rate_limit() -> str:
    return current_app.config["API_TOKEN_RATE_LIMIT"]


@bp.route("/tokens", methods=["POST"])
@api_access(PUBLIC)
@limiter.limit(_token_rate_limit)
@bp.arguments(SignInSchema)
@bp.response(201, IssuedTokenSchema)
def create_token(body: dict):
    """Sign in with login and password; answers a bearer token and its expiry."""
    with committed():
        user = accounts.authenticate(body["login"], body["password"])
        if user is None:
            db.session.rollback()
            abort(
                401,
                code="invalid_credentials",
                message=_("The phone/ID number or password is wrong."),
            )
        issued = api_tokens.issue_sign_in_token(user, body.get("client_name"), utcnow())
        result = {**_token_dict(issued.token), "token": issued.secret, "token_type": "Bearer"}
    return result


@bp.route("/tokens", methods=["GET"])
@api_access(SIGNED_IN)
@bp.response(200, TokenListSchema)
def list_tokens():
    """The signed-in account's tokens still in force (never their secrets)."""
    return {"items": [_token_dict(t) for t in api_tokens.tokens_of(acting_user(), utcnow())]}


@bp.route("/tokens/<int:token_id>", methods=["DELETE"])
@api_access(OWNER_OF_TOKEN)
@bp.response(204)
def revoke_token(token: ApiToken):
    """Revoke one of one's tokens (signing out an app); it stops working at once."""
    with committed():
        api_tokens.revoke(token, acting_user(), utcnow())
    return ""


def _token_dict(token: ApiToken) -> dict:
    return {
        "id": token.id,
        "name": token.name,
        "kind": token.kind,
        "scopes": [ApiScope(scope) for scope in token.scopes],
        "hint": token.hint,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
    }
