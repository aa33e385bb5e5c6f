"""Configuration: one YAML file with ``${VAR:default}`` environment substitution.

nameko reads the same file with the same syntax (``nameko run --config``); this loader serves the
code that runs outside nameko (CLI, platform runner, tests) so both see identical settings.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_PATH = REPO_ROOT / "deploy" / "config.yaml"

_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}")


# nameko's ``!raw_env_var ${VAR}``: the value kept as a string, never read as YAML (``*``).
_RAW_ENV_REFERENCE = re.compile(r"!raw_env_var\s+\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}")


def _substitute(text: str, env: dict[str, str]) -> str:
    text = _RAW_ENV_REFERENCE.sub(
        lambda m: json.dumps(env.get(m.group(1), m.group(2) or ""), ensure_ascii=False), text
    )
    return _ENV_REFERENCE.sub(lambda m: env.get(m.group(1), m.group(2) or ""), text)


def load_config(
    path: Path | str | None = None, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Read the YAML config, substituting environment variables the way nameko does."""
    raw = Path(path or DEFAULT_CONFIG_PATH).read_text(encoding="utf-8")
    return yaml.safe_load(_substitute(raw, dict(os.environ) if env is None else env)) or {}


def tenants(config: dict[str, Any]) -> frozenset[str]:
    """Province codes this deployment serves (``KHUYENHOC_TENANTS``, comma separated).

    YAML turns ``20`` into an int, so values are normalised back to two-digit codes.
    """
    raw = config.get("KHUYENHOC_TENANTS", "")
    items = raw if isinstance(raw, list) else str(raw).split(",")
    return frozenset(str(item).strip().zfill(2) for item in items if str(item).strip())


def database_name(config: dict[str, Any], service: str) -> str:
    """Database-per-service: ``<DB_PREFIX><service>``."""
    return f"{config.get('DB_PREFIX') or 'khuyenhoc_'}{service}"


DEVELOPMENT = "development"
ANY_ORIGIN = "*"
_ORIGIN = re.compile(
    r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$"
)


class ConfigError(ValueError):
    """A setting the deployment cannot start with."""


def cors_origins(config: dict[str, Any]) -> frozenset[str]:
    """The web origins allowed to call the gateway from a browser (``CORS_ORIGINS``, comma
    separated, each exactly ``scheme://host[:port]``); none by default (same origin only).
    ``*`` (any origin) is accepted only where ``KHUYENHOC_ENV`` is ``development``."""
    raw = config.get("CORS_ORIGINS") or ""
    items = raw if isinstance(raw, list) else str(raw).split(",")
    origins = frozenset(str(item).strip() for item in items if str(item).strip())
    if ANY_ORIGIN in origins:
        if str(config.get("KHUYENHOC_ENV") or "").strip().lower() != DEVELOPMENT:
            raise ConfigError(
                "CORS_ORIGINS='*' is allowed only with KHUYENHOC_ENV=development; "
                "list the exact origins, e.g. https://app.example.vn"
            )
        return frozenset({ANY_ORIGIN})
    bad = sorted(origin for origin in origins if not _ORIGIN.match(origin))
    if bad:
        raise ConfigError(
            f"CORS_ORIGINS: not an origin (scheme://host[:port], no path): {', '.join(bad)}"
        )
    return frozenset(origin.lower() for origin in origins)
