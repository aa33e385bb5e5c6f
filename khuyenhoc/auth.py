"""Bearer tokens and the caller they identify: a tenant, a role, and the unit it belongs to.

Signed JWTs (HS256, with expiry and issuer) carry the unit's path, so checking that a caller may
touch a unit is a comparison of paths, with no lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import jwt

from khuyenhoc.tenancy import UnitPath

ISSUER = "khuyenhoc"
ALGORITHM = "HS256"
MIN_SECRET_BYTES = 32


class Role(StrEnum):
    PROVINCE_ADMIN = "province_admin"
    DISTRICT_OFFICER = "district_officer"
    COMMUNE_OFFICER = "commune_officer"
    BRANCH_OFFICER = "branch_officer"
    AUTHORITY = "authority"  # the People's Committee signer at its level
    FUND_MANAGER = "fund_manager"
    AUDITOR = "auditor"
    PARTNER = "partner"


class InvalidToken(ValueError):
    """The token is missing a claim, badly signed, expired or not ours."""


@dataclass(frozen=True)
class Caller:
    subject: str
    tenant: str
    role: Role
    unit_path: UnitPath
    # The units its unit was formed from (a 2025 commune's old communes, transitively): their
    # records are now its officers'. Filled by the gateway from the directory, never the token.
    inherited: tuple[UnitPath, ...] = ()
    # The sign-in session the token belongs to (``sid``); None for a token printed by the CLI.
    # The gateway refuses a token whose session was revoked (sign-out, disabled account).
    session: str | None = None

    def covers(self, path: UnitPath) -> bool:
        """The caller's subtree: its own unit and everything below, inside its tenant; and
        the subtrees of the units its unit inherited (only theirs, not their old parents')."""
        own = self.unit_path.codes
        if path.tenant == self.tenant and path.codes[: len(own)] == own:
            return True
        return any(path.codes[: len(old.codes)] == old.codes for old in self.inherited)


def issue_token(
    secret: str,
    *,
    subject: str,
    role: Role,
    unit_path: UnitPath,
    ttl: timedelta = timedelta(hours=8),
    now: datetime | None = None,
    session: str | None = None,
) -> str:
    """A signed token; ``session`` adds the ``sid`` claim of a sign-in session."""
    now = now or datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "sub": subject,
        "tenant": unit_path.tenant,
        "role": role.value,
        "unit": unit_path.code,
        "unitpath": str(unit_path),
        "iat": now,
        "exp": now + ttl,
    }
    if session is not None:
        claims["sid"] = session
    return jwt.encode(claims, _checked(secret), algorithm=ALGORITHM)


def verify_token(secret: str, token: str) -> Caller:
    try:
        claims = jwt.decode(
            token,
            _checked(secret),
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "iss", "sub"]},
        )
        path = UnitPath.parse(claims["unitpath"])
        if claims["tenant"] != path.tenant:
            raise InvalidToken("the token's tenant and unit disagree")
        session = claims.get("sid")
        if session is not None and not isinstance(session, str):
            raise InvalidToken("the session claim must be a string")
        return Caller(claims["sub"], claims["tenant"], Role(claims["role"]), path, session=session)
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    except (KeyError, ValueError) as exc:
        raise InvalidToken(f"malformed claims: {exc}") from exc


def _checked(secret: str) -> str:
    if len(secret.encode("utf-8")) < MIN_SECRET_BYTES:
        raise ValueError(f"JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes")
    return secret
