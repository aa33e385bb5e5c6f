"""The deployment's keys, refused at start-up when they are not secret.

``deploy/config.yaml`` publishes development defaults for ``JWT_SECRET`` and ``ID_HASH_KEY`` so
``make run`` works out of the box; a token signed with a published default opens everything. So
outside ``KHUYENHOC_ENV=development`` a service does not start on a default, a placeholder
(``CHANGE_ME``) or a short key: the start stops with the variable's name (never its value).
Webhook signing secrets are not configuration: each is drawn at random when its webhook is
registered (services/notification/partners.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from nameko.extensions import DependencyProvider

from khuyenhoc.config import DEVELOPMENT, ConfigError, load_config

MIN_SECRET_BYTES = 32
PLACEHOLDER = "CHANGE_ME"
JWT_SECRET, ID_HASH_KEY, CERTIFICATE_KEY = "JWT_SECRET", "ID_HASH_KEY", "CERTIFICATE_KEY"
SECRET_NAMES = (JWT_SECRET, ID_HASH_KEY, CERTIFICATE_KEY)

# The keys each service signs or hashes with. Scoring keys certificates with CERTIFICATE_KEY,
# else JWT_SECRET (services/scoring/certificates.py): whichever it would use is checked.
SERVICE_SECRETS: dict[str, tuple[str, ...]] = {
    "gateway": (JWT_SECRET,),
    "registration": (ID_HASH_KEY,),
    "scoring": (CERTIFICATE_KEY,),
}


def is_development(config: Mapping[str, Any]) -> bool:
    """Only an explicit ``KHUYENHOC_ENV=development``; unset means production."""
    return str(config.get("KHUYENHOC_ENV") or "").strip().lower() == DEVELOPMENT


@cache
def published_defaults() -> frozenset[str]:
    """The values deploy/config.yaml falls back to: public, so never secret."""
    defaults = load_config(env={})
    return frozenset(str(defaults[name]) for name in SECRET_NAMES if defaults.get(name))


def secret_problem(name: str, value: Any) -> str | None:
    """Why ``value`` cannot be the key ``name`` outside development (None when it can)."""
    text = "" if value is None else str(value)
    if not text:
        return f"{name} is not set"
    if text in published_defaults():
        return f"{name} is the development default published in deploy/config.yaml"
    if PLACEHOLDER in text.upper():
        return f"{name} is still the placeholder of deploy/k8s/secret.example.yaml"
    if len(text.encode("utf-8")) < MIN_SECRET_BYTES:
        return f"{name} is shorter than {MIN_SECRET_BYTES} bytes"
    return None


def check_secrets(config: Mapping[str, Any], names: tuple[str, ...]) -> None:
    """Raise :class:`ConfigError` naming every unusable key among ``names`` (none is checked
    with ``KHUYENHOC_ENV=development``)."""
    if is_development(config):
        return
    problems = [p for p in (_problem(config, name) for name in names) if p]
    if problems:
        raise ConfigError(
            "; ".join(problems)
            + ". Give it a random value of at least 32 bytes (e.g. `openssl rand -hex 32`), "
            "or set KHUYENHOC_ENV=development on a developer's machine."
        )


def _problem(config: Mapping[str, Any], name: str) -> str | None:
    if name == CERTIFICATE_KEY:
        if config.get(CERTIFICATE_KEY):
            return secret_problem(CERTIFICATE_KEY, config[CERTIFICATE_KEY])
        fallback = config.get(JWT_SECRET)
        if not fallback:  # no key at all: certificates refuse to print, nothing to forge
            return None
        problem = secret_problem(JWT_SECRET, fallback)
        return f"CERTIFICATE_KEY is not set and {problem}" if problem else None
    return secret_problem(name, config.get(name))


def check_service_secrets(service_name: str, config: Mapping[str, Any]) -> None:
    """The start-up check of one service (a service with no key passes)."""
    check_secrets(config, SERVICE_SECRETS.get(service_name, ()))


class SecretsCheck(DependencyProvider):
    """Stops a service's start when the keys it uses are defaults, placeholders or short."""

    def setup(self) -> None:
        check_service_secrets(self.container.service_name, self.container.config)

    def get_dependency(self, worker_ctx: Any) -> None:
        return None
