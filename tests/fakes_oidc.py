"""A fake OpenID Connect issuer on 127.0.0.1 (a real HTTP server): discovery, JWKS, an
authorization endpoint that signs in the user it is told to (a 302 back with a code), and a
token endpoint that checks the PKCE verifier and answers an RS256 ID token."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.conftest import free_port

CLIENT_ID = "khuyenhoc-web"


class OidcIssuer:
    """``issuer.user`` is who signs in next; ``issuer.claims`` adds or overrides ID-token claims
    (e.g. a wrong ``aud``); ``issuer.key`` may be swapped to sign with a key not in the JWKS."""

    def __init__(self, port: int | None = None) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.published = self.key.public_key()
        self.user = "officer"
        self.claims: dict[str, Any] = {}
        self.codes: dict[str, dict[str, str]] = {}
        self.token_requests: list[dict[str, str]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/.well-known/openid-configuration":
                    self._json(200, fake.discovery())
                elif url.path == "/jwks":
                    jwk = json.loads(RSAAlgorithm.to_jwk(fake.published))
                    self._json(200, {"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]})
                elif url.path == "/auth":
                    self._authorize(query)
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                fake.token_requests.append(form)
                status, body = fake.token(form)
                self._json(status, body)

            def _authorize(self, query: dict[str, str]) -> None:
                if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                    self._json(400, {"error": "invalid_request"})
                    return
                code = secrets.token_urlsafe(16)
                fake.codes[code] = {
                    "user": fake.user,
                    "nonce": query.get("nonce", ""),
                    "challenge": query.get("code_challenge", ""),
                    "redirect_uri": query["redirect_uri"],
                }
                back = {"code": code, "state": query.get("state", "")}
                target = f"{query['redirect_uri']}?{urllib.parse.urlencode(back)}"
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port or free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/auth",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        grant = self.codes.pop(form.get("code", ""), None)  # a code is used once
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if challenge.decode() != grant["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        return 200, {
            "id_token": self.id_token(grant["user"], grant["nonce"]),
            "token_type": "Bearer",
        }

    def id_token(self, user: str, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.url,
            "aud": CLIENT_ID,
            "sub": f"sub-{user}",
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "preferred_username": user,
            **self.claims,
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "k1"})

    def grant(self, user: str, nonce: str, verifier: str, redirect_uri: str) -> str:
        """A code as the authorization endpoint would give it (for tests without a browser)."""
        code = secrets.token_urlsafe(16)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(
            b"="
        )
        self.codes[code] = {
            "user": user,
            "nonce": nonce,
            "challenge": challenge.decode(),
            "redirect_uri": redirect_uri,
        }
        return code

    def __enter__(self) -> OidcIssuer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
