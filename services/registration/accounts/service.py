"""The accounts' use cases: create, disable/enable, reset and change a password, sign in,
refresh and sign out. Who may manage whom is decided at the gateway (it holds the caller);
these check the rules of the data. Passwords are hashed here (argon2id) and never returned,
logged or put in events; the gateway signs the access tokens (the secret never comes here).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from services.registration.accounts.domain import (
    Account,
    Failures,
    Policy,
    Rotation,
    Session,
    Status,
    check_password,
    checked_full_name,
    checked_username,
    generated_password,
    new_refresh_token,
    new_session_id,
    session_of,
    token_hash,
    username_key,
)
from services.registration.errors import Refused

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Store(Protocol):
    def add(self, account: Account) -> bool: ...
    def get(self, username: str) -> Account | None: ...
    def save(self, account: Account) -> None: ...
    def of_tenant(self, tenant: str, after: str | None, limit: int) -> list[Account]: ...
    def add_session(self, session: Session) -> None: ...
    def session(self, session_id: str) -> Session | None: ...
    def replace_session(self, before: Session, after: Session) -> bool: ...
    def revoke(self, session_id: str) -> None: ...
    def revoke_all(self, username: str) -> None: ...
    def revoked(self, session_ids: list[str]) -> dict[str, bool]: ...
    def failures_of(self, username: str) -> Failures: ...
    def set_failures(self, username: str, failures: Failures) -> None: ...
    def add_failure(self, username: str, at: datetime, keep: int) -> tuple[datetime, ...]: ...
    def clear_failures(self, username: str) -> None: ...


@dataclass
class Accounts:
    """The use cases over one store, with a password hasher, a policy and a clock."""

    store: Store
    policy: Policy = Policy()
    hasher: PasswordHasher = PasswordHasher()
    clock: Clock = utc_now

    # -- administration ------------------------------------------------------------------

    def create(
        self,
        *,
        tenant: str,
        username: str,
        full_name: str,
        role: str,
        unit: dict[str, Any],
        password: str | None,
        by: str,
    ) -> tuple[Account, str | None]:
        """A new active account at ``unit`` (a directory unit of ``tenant``); with no
        password, one is generated and answered once (the holder changes it)."""
        key = checked_username(username)
        name = checked_full_name(full_name)
        generated = None
        if password is None:
            password = generated = generated_password()
        check_password(password, key)
        now = self.clock()
        account = Account(
            username=key,
            tenant=tenant,
            full_name=name,
            role=role,
            unit_code=unit["code"],
            unit_path=unit["path"],
            password_hash=self.hasher.hash(password),
            created_by=by,
            updated_by=by,
            created_at=now,
            updated_at=now,
            must_change_password=generated is not None,
        )
        if not self.store.add(account):
            raise Refused("username", "username_taken")
        return account, generated

    def account(self, tenant: str, username: str) -> Account | None:
        """The account of ``tenant`` named ``username``; None for another province's."""
        found = self.store.get(username_key(username))
        return found if found is not None and found.tenant == tenant else None

    def set_status(self, tenant: str, username: str, status: Status, by: str) -> Account:
        account = self._existing(tenant, username)
        account = replace(account, status=status, updated_by=by, updated_at=self.clock())
        self.store.save(account)
        if status == Status.DISABLED:
            self.store.revoke_all(account.username)
        return account

    def reset_password(self, tenant: str, username: str, by: str) -> tuple[Account, str]:
        """A one-time generated password; every session of the account is revoked."""
        account = self._existing(tenant, username)
        password = generated_password()
        account = replace(
            account,
            password_hash=self.hasher.hash(password),
            must_change_password=True,
            updated_by=by,
            updated_at=self.clock(),
        )
        self.store.save(account)
        self.store.revoke_all(account.username)
        self.store.clear_failures(account.username)
        return account, password

    def change_password(self, tenant: str, username: str, old: str, new: str) -> Account:
        """The holder's own change: the old password is required; other sessions stay."""
        account = self._existing(tenant, username)
        if not self._verifies(account.password_hash, old):
            raise Refused("oldPassword", "old_password_wrong")
        check_password(new, account.username, "newPassword")
        account = replace(
            account,
            password_hash=self.hasher.hash(new),
            must_change_password=False,
            updated_by=account.username,
            updated_at=self.clock(),
        )
        self.store.save(account)
        return account

    def page(
        self, tenant: str, within: Callable[[Account], bool], after: str | None, first: int
    ) -> tuple[list[Account], str | None]:
        """Up to ``first`` accounts of ``tenant`` that ``within`` keeps, in username order,
        and the cursor of the next page (None at the end)."""
        kept: list[Account] = []
        cursor = after
        while len(kept) <= first:
            batch = self.store.of_tenant(tenant, cursor, 200)
            kept.extend(a for a in batch if within(a))
            if len(batch) < 200:
                break
            cursor = batch[-1].username
        page = kept[:first]
        return page, (page[-1].username if len(kept) > first else None)

    # -- sign-in -------------------------------------------------------------------------

    def sign_in(self, username: str, password: str) -> tuple[Account, Session, str]:
        """The account, its new session and refresh token; the same refusal for an unknown
        username and a wrong password, a lock after repeated failures (for either)."""
        key = username_key(username)[:64]
        now = self.clock()
        failures = self.store.failures_of(key)
        if failures.locked(now):
            raise Refused("username", "locked")
        account = self.store.get(key)
        # an unknown username costs the same hash check as a known one
        if account is None:
            self._verifies(DUMMY_HASH, password)
        if account is None or not self._verifies(account.password_hash, password):
            # recorded atomically (parallel guesses all count), then judged
            times = self.store.add_failure(key, now, self.policy.max_failures)
            failures = Failures.after(times, now, self.policy)
            if failures.locked(now):
                self.store.set_failures(key, failures)
            raise Refused("username", "locked" if failures.locked(now) else "sign_in_failed")
        if not account.active:
            raise Refused("username", "account_disabled")
        if failures.times:
            self.store.clear_failures(key)
        session, refresh = self._open_session(account, now)
        return account, session, refresh

    def federated_sign_in(self, username: str) -> tuple[Account, Session, str]:
        """A session for an account the deployment's OIDC issuer vouched for (the gateway
        checked the issuer's signed ID token): no password, so no lock-out; the account must
        exist on the platform (its role and unit are the platform's) and be active."""
        account = self.store.get(username_key(username)[:64])
        if account is None:
            raise Refused("username", "federated_unknown")
        if not account.active:
            raise Refused("username", "account_disabled")
        session, refresh = self._open_session(account, self.clock())
        return account, session, refresh

    def refresh(self, refresh_token: str) -> tuple[Account, Session, str]:
        """A new refresh token for the old one (used once); a used one again revokes the
        session (its holder and the thief both have to sign in again)."""
        sid = session_of(refresh_token)
        before = self.store.session(sid) if sid else None
        if before is None:
            raise Refused("refreshToken", "session_invalid")
        now = self.clock()
        fresh = new_refresh_token(before.id)
        after = before.rotate(refresh_token, now, fresh, self.policy)
        outcome = after.outcome(before)
        if outcome == Rotation.REUSED:
            self.store.revoke(before.id)
            raise Refused("refreshToken", "session_reused")
        if outcome == Rotation.INVALID or not self.store.replace_session(before, after):
            raise Refused("refreshToken", "session_invalid")
        account = self.store.get(after.username)
        if account is None or not account.active:
            self.store.revoke(before.id)
            raise Refused("refreshToken", "session_invalid")
        return account, after, fresh

    def sign_out(self, session_id: str) -> None:
        self.store.revoke(session_id)

    def revoked(self, session_ids: list[str]) -> dict[str, bool]:
        return self.store.revoked(session_ids)

    # -- helpers -------------------------------------------------------------------------

    def _open_session(self, account: Account, now: datetime) -> tuple[Session, str]:
        sid = new_session_id()
        refresh = new_refresh_token(sid)
        session = Session(
            sid,
            account.username,
            account.tenant,
            token_hash(refresh),
            now + self.policy.refresh_ttl,
        )
        self.store.add_session(session)
        return session, refresh

    def _existing(self, tenant: str, username: str) -> Account:
        account = self.account(tenant, username)
        if account is None:
            raise Refused("username", "account_not_found")
        return account

    def _verifies(self, hashed: str, password: str) -> bool:
        try:
            return bool(self.hasher.verify(hashed, password))
        except (VerificationError, InvalidHashError):
            return False


DUMMY_HASH = PasswordHasher().hash("not-a-password-of-anyone")
