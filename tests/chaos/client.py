"""A GraphQL client that retries like a patient officer's browser: a request that failed for
a reason of the platform (connection refused or reset, timeout, 5xx, an error that is not the
caller's fault) is sent again, unchanged, until it is answered. The mutations the wave sends are
idempotent (same identity, same idempotency key, same decision), so a retry counts once."""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

# Refusals that are the caller's fault: sending the request again would be refused again.
CALLER_FAULTS = frozenset({"BAD_USER_INPUT", "FORBIDDEN", "UNAUTHENTICATED", "NOT_FOUND"})


class Refused(Exception):
    """The platform answered with the caller's fault (field errors, forbidden)."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(json.dumps(errors, ensure_ascii=False)[:500])
        self.errors = errors

    @property
    def keys(self) -> set[str]:
        return {
            f.get("key", "")
            for e in self.errors
            for f in (e.get("extensions") or {}).get("fields") or []
        }


@dataclass
class Client:
    url: str
    patience: float = 180.0  # seconds a request is retried before the wave gives up on it
    timeout: float = 30.0
    retries: int = 0  # requests sent again (each counted once per retry)
    failures: list[str] = field(default_factory=list)  # the platform's answers while retried

    def ask(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None):
        deadline = time.monotonic() + self.patience
        while True:
            try:
                return self._once(query, variables or {}, token)
            except Refused:
                raise
            except Exception as failure:  # noqa: BLE001 - any failure of the platform is retried
                self._note(failure)
                if time.monotonic() > deadline:
                    raise
                self.retries += 1
                time.sleep(0.5)

    def _once(self, query: str, variables: dict[str, Any], token: str | None) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        body = json.dumps({"query": query, "variables": variables}).encode()
        request = urllib.request.Request(self.url, data=body, headers=headers)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            answer = json.loads(response.read())
        errors = answer.get("errors")
        if errors:
            codes = {(e.get("extensions") or {}).get("code") for e in errors}
            if codes <= CALLER_FAULTS:
                raise Refused(errors)
            raise PlatformFailure(json.dumps(errors, ensure_ascii=False)[:300])
        return answer["data"]

    def _note(self, failure: Exception) -> None:
        if isinstance(failure, urllib.error.HTTPError):
            text = f"HTTP {failure.code}"
        elif isinstance(failure, urllib.error.URLError):
            text = f"URLError {failure.reason}"
        elif isinstance(failure, http.client.HTTPException | OSError):
            text = type(failure).__name__
        else:
            text = f"{type(failure).__name__}: {str(failure)[:120]}"
        if len(self.failures) < 200:
            self.failures.append(text)


class PlatformFailure(Exception):
    """An error answer that is the platform's fault (unavailable, internal): retried."""
