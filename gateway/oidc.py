"""Signing in through the deployment's OpenID Connect issuer (cổng định danh), when it has one.

A province that runs an identity provider (Keycloak, a government SSO...) names it with
``OIDC_ISSUER`` and the platform's client there with ``OIDC_CLIENT_ID`` (and
``OIDC_CLIENT_SECRET`` for a confidential client). The web app sends the officer to the
issuer's authorization endpoint (authorization code flow with PKCE and a nonce); back at
``/app/oidc`` it hands the code to ``signInWithOidc``. Here the gateway redeems the code at the
issuer's token endpoint, checks the ID token's signature against the issuer's JWKS, its issuer,
audience, expiry and nonce, and reads the username claim (``OIDC_USERNAME_CLAIM``, default
``preferred_username``). The issuer says who the officer is; the platform's account of that
username says their role and unit (an unknown or disabled account is refused), and the session
is the platform's own, like a password sign-in's.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import jwt
from nameko.extensions import DependencyProvider

from khuyenhoc.config import ConfigError

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
TIMEOUT_SECONDS = 10
DISCOVERY_TTL_SECONDS = 3600
MAX_ANSWER_BYTES = 256 * 1024
DEFAULT_SCOPE = "openid profile"
DEFAULT_LABEL = "Đăng nhập qua cổng định danh"
CALLBACK_PATH = "/app/oidc"


class OidcFailure(Exception):
    """Signing in through the issuer did not succeed; ``key`` names the Vietnamese message."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(f"{key}: {detail}" if detail else key)
        self.key = key


@dataclass(frozen=True)
class Settings:
    issuer: str
    client_id: str
    client_secret: str | None
    username_claim: str
    scope: str
    label: str


def settings(config: dict[str, Any]) -> Settings | None:
    """The issuer's settings, None when the deployment has none; a half-configured issuer stops
    the gateway's start with the reason."""
    issuer = str(config.get("OIDC_ISSUER") or "").strip().rstrip("/")
    client_id = str(config.get("OIDC_CLIENT_ID") or "").strip()
    if not issuer and not client_id:
        return None
    if not issuer or not client_id:
        raise ConfigError("OIDC_ISSUER and OIDC_CLIENT_ID are set together (or neither)")
    parsed = urllib.parse.urlsplit(issuer)
    local = parsed.hostname in {"127.0.0.1", "localhost", "::1"}
    if parsed.scheme != "https" and not (parsed.scheme == "http" and local):
        raise ConfigError("OIDC_ISSUER must be an https:// address (http only on loopback)")
    return Settings(
        issuer=issuer,
        client_id=client_id,
        client_secret=str(config.get("OIDC_CLIENT_SECRET") or "") or None,
        username_claim=str(config.get("OIDC_USERNAME_CLAIM") or "preferred_username"),
        scope=str(config.get("OIDC_SCOPE") or DEFAULT_SCOPE),
        label=str(config.get("OIDC_LABEL") or DEFAULT_LABEL),
    )


def _get_json(url: str, data: bytes | None = None) -> dict[str, Any]:
    headers = {"Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
            body = answer.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as refused:
        raise OidcFailure("oidc_code_refused", f"HTTP {refused.code}") from None
    except (OSError, ValueError) as failed:
        raise OidcFailure("oidc_unreachable", str(failed)) from None
    if len(body) > MAX_ANSWER_BYTES:
        raise OidcFailure("oidc_unreachable", "answer too large")
    try:
        found = json.loads(body)
    except ValueError:
        raise OidcFailure("oidc_unreachable", "not JSON") from None
    if not isinstance(found, dict):
        raise OidcFailure("oidc_unreachable", "not a JSON object")
    return found


class Client:
    """One issuer: its discovery document (kept an hour), its keys (PyJWT's JWKS client keeps
    them and fetches again for an unknown key id), the code redeemed and the ID token checked."""

    def __init__(self, given: Settings) -> None:
        self.settings = given
        self._lock = threading.Lock()
        self._discovered: tuple[float, dict[str, Any]] | None = None
        self._keys: jwt.PyJWKClient | None = None

    def discovery(self) -> dict[str, Any]:
        with self._lock:
            if self._discovered and time.monotonic() - self._discovered[0] < DISCOVERY_TTL_SECONDS:
                return self._discovered[1]
        found = _get_json(f"{self.settings.issuer}/.well-known/openid-configuration")
        needed = ("authorization_endpoint", "token_endpoint", "jwks_uri")
        if found.get("issuer", "").rstrip("/") != self.settings.issuer or not all(
            isinstance(found.get(name), str) for name in needed
        ):
            raise OidcFailure("oidc_unreachable", "discovery document does not match the issuer")
        with self._lock:
            self._discovered = (time.monotonic(), found)
            if self._keys is None or self._keys.uri != found["jwks_uri"]:
                self._keys = jwt.PyJWKClient(
                    found["jwks_uri"], lifespan=3600, timeout=TIMEOUT_SECONDS
                )
        return found

    def options(self) -> dict[str, Any]:
        """What the web app needs to send the officer to the issuer."""
        return {
            "authorization_endpoint": self.discovery()["authorization_endpoint"],
            "client_id": self.settings.client_id,
            "scope": self.settings.scope,
            "label": self.settings.label,
        }

    def username(self, code: str, verifier: str, redirect_uri: str, nonce: str) -> str:
        """The username the issuer vouches for, from a code the web app brought back."""
        if urllib.parse.urlsplit(redirect_uri).path != CALLBACK_PATH:
            raise OidcFailure("oidc_bad_request", "redirect_uri is not the web app's")
        found = self.discovery()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": self.settings.client_id,
            "code_verifier": verifier,
        }
        if self.settings.client_secret:
            form["client_secret"] = self.settings.client_secret
        tokens = _get_json(found["token_endpoint"], urllib.parse.urlencode(form).encode())
        id_token = tokens.get("id_token")
        if not isinstance(id_token, str):
            raise OidcFailure("oidc_token_invalid", "no id_token")
        claims = self._claims(id_token)
        if claims.get("nonce") != nonce:
            raise OidcFailure("oidc_token_invalid", "nonce")
        name = claims.get(self.settings.username_claim)
        if not isinstance(name, str) or not name.strip():
            raise OidcFailure("oidc_token_invalid", f"no {self.settings.username_claim} claim")
        return name.strip()

    def _claims(self, id_token: str) -> dict[str, Any]:
        keys = self._keys
        if keys is None:
            raise OidcFailure("oidc_unreachable", "no keys")
        try:
            key = keys.get_signing_key_from_jwt(id_token)
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key.key,
                algorithms=ALGORITHMS,
                audience=self.settings.client_id,
                issuer=self.settings.issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                leeway=60,
            )
        except jwt.PyJWKClientConnectionError as failed:
            raise OidcFailure("oidc_unreachable", str(failed)) from None
        except jwt.PyJWTError as failed:
            raise OidcFailure("oidc_token_invalid", str(failed)) from None
        return claims


class Oidc(DependencyProvider):
    """The issuer's client, made when the gateway starts (None without an issuer)."""

    client: Client | None

    def setup(self) -> None:
        given = settings(self.container.config)
        self.client = Client(given) if given else None

    def get_dependency(self, worker_ctx: Any) -> Client | None:
        return self.client
