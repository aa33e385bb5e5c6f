"""Accounts, sessions and sign-in failures in MongoDB, for the whole deployment (a username is
unique across provinces, and sign-in names no province): every read is by ``_id`` — the
username, the session id — except an admin's list, which reads one province's accounts by the
single-field ``tenant`` index."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from services.registration.accounts.domain import Account, Failures, Session, Status

ACCOUNTS = "accounts"
SESSIONS = "account_sessions"
FAILURES = "sign_in_failures"


def prepare(db: Database) -> None:
    db[ACCOUNTS].create_index([("tenant", ASCENDING)])
    db[SESSIONS].create_index([("username", ASCENDING)])


def _aware(value: Any) -> Any:
    """A stored time as an aware datetime (written as ISO text, read back either way)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class AllTenantsAccounts:
    """Accounts, sessions and failures of every province: a username names one account in the
    deployment and sign-in names no province. Each account carries its ``tenant``; the use
    cases answer only a province's own accounts (:meth:`Accounts.account`)."""

    def __init__(self, db: Database) -> None:
        self.accounts = db[ACCOUNTS]
        self.sessions = db[SESSIONS]
        self.failures = db[FAILURES]

    # -- accounts ------------------------------------------------------------------------

    def add(self, account: Account) -> bool:
        """False when the username is taken."""
        try:
            self.accounts.insert_one(_account_doc(account))
        except DuplicateKeyError:
            return False
        return True

    def get(self, username: str) -> Account | None:
        found = self.accounts.find_one({"_id": username})
        return _account(found) if found else None

    def save(self, account: Account) -> None:
        self.accounts.replace_one({"_id": account.username}, _account_doc(account))

    def of_tenant(self, tenant: str, after: str | None, limit: int) -> list[Account]:
        """The province's accounts in username order, after ``after``, at most ``limit``
        (the caller filters by subtree and asks again for more)."""
        query: dict[str, Any] = {"tenant": tenant}
        if after:
            query["_id"] = {"$gt": after}
        found = self.accounts.find(query).sort("_id", ASCENDING).limit(limit)
        return [_account(doc) for doc in found]

    # -- sessions ------------------------------------------------------------------------

    def add_session(self, session: Session) -> None:
        self.sessions.insert_one(_session_doc(session))

    def session(self, session_id: str) -> Session | None:
        found = self.sessions.find_one({"_id": session_id})
        return _session(found) if found else None

    def replace_session(self, before: Session, after: Session) -> bool:
        """Compare-and-set on the current token hash: two refreshes with one token, one wins."""
        done = self.sessions.replace_one(
            {"_id": before.id, "refresh_hash": before.refresh_hash, "revoked": before.revoked},
            _session_doc(after),
        )
        return bool(done.modified_count)

    def revoke(self, session_id: str) -> None:
        self.sessions.update_one({"_id": session_id}, {"$set": {"revoked": True}})

    def revoke_all(self, username: str) -> None:
        self.sessions.update_many({"username": username}, {"$set": {"revoked": True}})

    def revoked(self, session_ids: list[str]) -> dict[str, bool]:
        """Whether each session is revoked (an unknown one counts as revoked)."""
        found = {
            doc["_id"]: bool(doc.get("revoked"))
            for doc in self.sessions.find({"_id": {"$in": session_ids}}, {"revoked": 1})
        }
        return {sid: found.get(sid, True) for sid in session_ids}

    # -- failures ------------------------------------------------------------------------

    def failures_of(self, username: str) -> Failures:
        found = self.failures.find_one({"_id": username})
        if not found:
            return Failures()
        return Failures(
            tuple(_aware(t) for t in found.get("times", [])), _aware(found.get("locked_until"))
        )

    def set_failures(self, username: str, failures: Failures) -> None:
        self.failures.update_one(
            {"_id": username},
            {
                "$set": {
                    "times": [t.isoformat() for t in failures.times],
                    "locked_until": _iso(failures.locked_until),
                }
            },
            upsert=True,
        )

    def add_failure(self, username: str, at: datetime, keep: int) -> tuple[datetime, ...]:
        """One more failure, pushed atomically (the last ``keep`` kept): all failures now."""
        found = self.failures.find_one_and_update(
            {"_id": username},
            {"$push": {"times": {"$each": [at.isoformat()], "$slice": -max(1, keep)}}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return tuple(_aware(t) for t in (found or {}).get("times", []))

    def clear_failures(self, username: str) -> None:
        self.failures.delete_one({"_id": username})


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _account_doc(account: Account) -> dict[str, Any]:
    doc = asdict(account)
    doc["_id"] = doc.pop("username")
    doc["status"] = account.status.value
    doc.pop("extra", None)
    return doc


def _account(doc: dict[str, Any]) -> Account:
    return Account(
        username=doc["_id"],
        tenant=doc["tenant"],
        full_name=doc["full_name"],
        role=doc["role"],
        unit_code=doc["unit_code"],
        unit_path=doc["unit_path"],
        password_hash=doc["password_hash"],
        status=Status(doc["status"]),
        created_by=doc.get("created_by", ""),
        updated_by=doc.get("updated_by", ""),
        created_at=_aware(doc.get("created_at")),
        updated_at=_aware(doc.get("updated_at")),
        must_change_password=bool(doc.get("must_change_password")),
    )


def _session_doc(session: Session) -> dict[str, Any]:
    return {
        "_id": session.id,
        "username": session.username,
        "tenant": session.tenant,
        "refresh_hash": session.refresh_hash,
        "expires_at": session.expires_at.isoformat(),
        "used": list(session.used),
        "revoked": session.revoked,
    }


def _session(doc: dict[str, Any]) -> Session:
    return Session(
        doc["_id"],
        doc["username"],
        doc["tenant"],
        doc["refresh_hash"],
        _aware(doc["expires_at"]),
        tuple(doc.get("used", [])),
        bool(doc.get("revoked")),
    )
