"""GraphQL of signing in through the deployment's OIDC issuer (see :mod:`gateway.oidc`):
``signInOptions`` tells the web app which ways it has, ``signInWithOidc`` trades the issuer's
code for the platform's own session (the same answer as ``signIn``)."""

from __future__ import annotations

import logging
from typing import Any

import graphene

from gateway.accounts import Session, public_sign_in
from gateway.messages import message
from gateway.oidc import OidcFailure
from gateway.wire import field_error

logger = logging.getLogger(__name__)
MAX_TEXT = 2048


class OidcOptions(graphene.ObjectType):
    """Where the web app sends an officer to sign in with the province's identity provider
    (cổng định danh)."""

    authorization_endpoint = graphene.String(
        required=True, description="The issuer's authorization endpoint (code flow with PKCE)"
    )
    client_id = graphene.String(required=True, description="The platform's client id there")
    scope = graphene.String(required=True, description="The scopes to ask for")
    label = graphene.String(required=True, description="The button's text, in Vietnamese")


class SignInOptions(graphene.ObjectType):
    """The ways to sign in this deployment offers (cách đăng nhập)."""

    password = graphene.Boolean(required=True, description="Username and password: always")
    oidc = graphene.Field(
        OidcOptions, description="The province's identity provider, when the deployment has one"
    )


def resolve_sign_in_options(root: Any, info: Any) -> dict[str, Any]:
    client = getattr(info.context, "oidc", None)
    if client is None:
        return {"password": True, "oidc": None}
    try:
        return {"password": True, "oidc": client.options()}
    except OidcFailure:
        # the issuer is down: password sign-in still works, the button is not offered
        return {"password": True, "oidc": None}


class SignInWithOidcInput(graphene.InputObjectType):
    """What the web app brought back from the issuer (đăng nhập qua cổng định danh)."""

    code = graphene.String(required=True, description="The authorization code")
    code_verifier = graphene.String(required=True, description="The PKCE verifier it made")
    redirect_uri = graphene.String(required=True, description="The address the code came to")
    nonce = graphene.String(required=True, description="The nonce it sent")


def _vouched(info: Any, given: dict[str, Any]) -> dict[str, Any]:
    """The issuer's username for the code, then the platform's session for that account."""
    client = getattr(info.context, "oidc", None)
    if client is None:
        raise field_error("code", "oidc_not_configured", message("oidc_not_configured"))
    for name, value in given.items():
        if not isinstance(value, str) or not value or len(value) > MAX_TEXT:
            raise field_error(name, "oidc_bad_request", message("oidc_bad_request"))
    try:
        username = client.username(
            given["code"], given["code_verifier"], given["redirect_uri"], given["nonce"]
        )
    except OidcFailure as failed:
        # what went wrong for the operator (an HTTP status, a claim's name: no personal data)
        logger.warning("OIDC sign-in refused: %s", failed)
        raise field_error("code", failed.key, message(failed.key)) from None
    answer: dict[str, Any] = info.context.rpc.registration.federated_sign_in(username)
    return answer


SignInWithOidc = public_sign_in(
    "SignInWithOidc",
    SignInWithOidcInput,
    "Sign in with the province's identity provider (đăng nhập qua cổng định danh): the "
    "issuer vouches for the username, the platform's account of that name says the role and "
    "unit; an unknown or disabled account is refused.",
    _vouched,
)

QUERIES: dict[str, Any] = {
    "sign_in_options": graphene.Field(
        graphene.NonNull(SignInOptions),
        resolver=resolve_sign_in_options,
        description="The ways to sign in (cách đăng nhập); public",
    ),
}

MUTATIONS: dict[str, Any] = {"sign_in_with_oidc": SignInWithOidc.Field()}

__all__ = ["QUERIES", "MUTATIONS", "Session"]
