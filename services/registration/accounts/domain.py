"""Officer accounts and their sessions: the rules, with no storage and no clock of their own.

An account is an officer's sign-in: a username unique in the deployment (compared without
case), a full name, a role and the unit it acts for. A session is one sign-in: a refresh token
that is used once and replaced (rotation); presenting a used one again means it was stolen, and
the whole session is revoked. Repeated wrong passwords lock a username for a while, whether or
not it names an account (the answer never tells which).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from services.registration.errors import Refused

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 256
MAX_FULL_NAME = 120
USED_TOKENS_KEPT = 20  # a session's used refresh tokens remembered, to detect a reuse


class Status(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


@dataclass(frozen=True)
class Policy:
    """Lock-out after ``max_failures`` wrong passwords within ``window``, for ``lock``;
    a refresh token lives ``refresh_ttl``."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=15)
    refresh_ttl: timedelta = timedelta(hours=12)


def username_key(username: str) -> str:
    """The username as stored and compared: trimmed, without case."""
    return unicodedata.normalize("NFC", username).strip().casefold()


def checked_username(username: str) -> str:
    key = username_key(username)
    if not USERNAME.match(key):
        raise Refused("username", "username_invalid")
    return key


def checked_full_name(full_name: str) -> str:
    name = " ".join(unicodedata.normalize("NFC", full_name).split())
    if not name or len(name) > MAX_FULL_NAME:
        raise Refused("fullName", "full_name_invalid")
    return name


def check_password(password: str, username: str, field_name: str = "password") -> None:
    """At least :data:`MIN_PASSWORD` characters and not the username (in any case)."""
    if len(password) < MIN_PASSWORD or len(password) > MAX_PASSWORD:
        raise Refused(field_name, "password_short")
    if username_key(password) == username_key(username):
        raise Refused(field_name, "password_is_username")


def generated_password() -> str:
    """A one-time password an admin hands over (16 characters, letters and digits)."""
    return secrets.token_urlsafe(12)


# --- lock-out ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Failures:
    """A username's recent wrong passwords (their times) and the end of its lock, if any."""

    times: tuple[datetime, ...] = ()
    locked_until: datetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def after_failure(self, now: datetime, policy: Policy) -> Failures:
        """One more failure: the window's failures kept, a lock when they reach the limit."""
        return Failures.after(self.times + (now,), now, policy)

    @staticmethod
    def after(times: tuple[datetime, ...], now: datetime, policy: Policy) -> Failures:
        """The state after the failures at ``times`` (the last one now): a lock when those
        within the window reach the limit."""
        recent = tuple(t for t in times if now - t < policy.window)
        if len(recent) >= policy.max_failures:
            return Failures((), now + policy.lock)
        return Failures(recent, None)


# --- sessions and refresh tokens --------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_session_id() -> str:
    return secrets.token_hex(16)


def new_refresh_token(session_id: str) -> str:
    """``<session id>.<secret>``: the session is found by ``_id``, the secret by its hash."""
    return f"{session_id}.{secrets.token_urlsafe(32)}"


def session_of(refresh_token: str) -> str | None:
    sid, dot, rest = refresh_token.partition(".")
    return sid if dot and rest and re.fullmatch(r"[0-9a-f]{32}", sid) else None


class Rotation(StrEnum):
    ROTATED = "rotated"
    REUSED = "reused"  # a used token again: the session is revoked
    INVALID = "invalid"  # unknown, expired or revoked


@dataclass(frozen=True)
class Session:
    id: str
    username: str
    tenant: str
    refresh_hash: str
    expires_at: datetime
    used: tuple[str, ...] = ()
    revoked: bool = False

    def rotate(self, presented: str, now: datetime, fresh: str, policy: Policy) -> Session:
        """The session after ``presented`` is used: a new token (``fresh``) when it is the
        current one; revoked when it is one already used."""
        digest = token_hash(presented)
        if self.revoked or now >= self.expires_at:
            return self
        if digest == self.refresh_hash:
            used = ((self.refresh_hash,) + self.used)[:USED_TOKENS_KEPT]
            return Session(
                self.id,
                self.username,
                self.tenant,
                token_hash(fresh),
                now + policy.refresh_ttl,
                used,
            )
        if digest in self.used:
            return Session(
                self.id,
                self.username,
                self.tenant,
                self.refresh_hash,
                self.expires_at,
                self.used,
                revoked=True,
            )
        return self

    def outcome(self, before: Session) -> Rotation:
        if self.revoked and not before.revoked:
            return Rotation.REUSED
        return Rotation.ROTATED if self.refresh_hash != before.refresh_hash else Rotation.INVALID


@dataclass
class Account:
    username: str
    tenant: str
    full_name: str
    role: str
    unit_code: str
    unit_path: str
    password_hash: str
    status: Status = Status.ACTIVE
    created_by: str = ""
    updated_by: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    must_change_password: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.status == Status.ACTIVE
