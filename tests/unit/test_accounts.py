"""Officer accounts' rules with an in-memory store and a hand-moved clock: password rules,
lock-out windows, refresh-token rotation and reuse detection, revocation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher

from services.registration.accounts.domain import Account, Failures, Policy, Session, Status
from services.registration.accounts.messages import refused
from services.registration.accounts.service import Accounts
from services.registration.errors import Refused

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
UNIT = {"code": "20", "path": "20"}
COMMUNE = {"code": "06184", "path": "20/180/06184"}
PASSWORD = "mat-khau-dai-1"


class MemoryStore:
    def __init__(self) -> None:
        self.accounts: dict[str, Account] = {}
        self.sessions: dict[str, Session] = {}
        self.fails: dict[str, Failures] = {}

    def add(self, account: Account) -> bool:
        if account.username in self.accounts:
            return False
        self.accounts[account.username] = account
        return True

    def get(self, username: str) -> Account | None:
        return self.accounts.get(username)

    def save(self, account: Account) -> None:
        self.accounts[account.username] = account

    def of_tenant(self, tenant: str, after: str | None, limit: int) -> list[Account]:
        names = sorted(n for n, a in self.accounts.items() if a.tenant == tenant)
        return [self.accounts[n] for n in names if after is None or n > after][:limit]

    def add_session(self, session: Session) -> None:
        self.sessions[session.id] = session

    def session(self, session_id: str) -> Session | None:
        return self.sessions.get(session_id)

    def replace_session(self, before: Session, after: Session) -> bool:
        if self.sessions.get(before.id) != before:
            return False
        self.sessions[before.id] = after
        return True

    def revoke(self, session_id: str) -> None:
        if session_id in self.sessions:
            self.sessions[session_id] = replace(self.sessions[session_id], revoked=True)

    def revoke_all(self, username: str) -> None:
        for sid, session in list(self.sessions.items()):
            if session.username == username:
                self.sessions[sid] = replace(session, revoked=True)

    def revoked(self, session_ids: list[str]) -> dict[str, bool]:
        return {s: (self.sessions[s].revoked if s in self.sessions else True) for s in session_ids}

    def failures_of(self, username: str) -> Failures:
        return self.fails.get(username, Failures())

    def set_failures(self, username: str, failures: Failures) -> None:
        self.fails[username] = failures

    def add_failure(self, username: str, at: datetime, keep: int) -> tuple[datetime, ...]:
        failures = self.fails.get(username, Failures())
        self.fails[username] = Failures((failures.times + (at,))[-keep:], failures.locked_until)
        return self.fails[username].times

    def clear_failures(self, username: str) -> None:
        self.fails.pop(username, None)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(clock: Clock) -> Accounts:
    fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    service = Accounts(MemoryStore(), Policy(), fast, clock)
    service.create(
        tenant="20",
        username="Lan.Nguyen",
        full_name="Nguyễn Thị  Lan",
        role="commune_officer",
        unit=COMMUNE,
        password=PASSWORD,
        by="admin",
    )
    return service


def refused_key(run: object) -> str:
    with pytest.raises(Refused) as caught:
        run()  # type: ignore[operator]
    return caught.value.key


# --- creating accounts ----------------------------------------------------------------------


def test_usernames_are_unique_without_case_and_names_are_tidied(accounts: Accounts) -> None:
    found = accounts.account("20", "LAN.NGUYEN")
    assert found is not None and found.username == "lan.nguyen"
    assert found.full_name == "Nguyễn Thị Lan"
    assert found.created_by == "admin" and found.status == Status.ACTIVE
    again: dict[str, Any] = dict(
        tenant="20", full_name="Lan", role="commune_officer", unit=COMMUNE, by="x"
    )
    assert refused_key(lambda: accounts.create(username="lan.nguyen", password=None, **again)) == (
        "username_taken"
    )


@pytest.mark.parametrize(
    ("password", "key"),
    [
        ("ngan", "password_short"),
        ("123456789", "password_short"),
        ("Hoa.Tran12", "password_is_username"),
    ],
)
def test_password_rules(accounts: Accounts, password: str, key: str) -> None:
    def create() -> object:
        return accounts.create(
            tenant="20",
            username="hoa.tran12",
            full_name="Trần Hoa",
            role="commune_officer",
            unit=COMMUNE,
            password=password,
            by="admin",
        )

    assert refused_key(create) == key
    assert accounts.account("20", "hoa.tran12") is None


def test_a_generated_password_is_answered_once_and_works(accounts: Accounts) -> None:
    account, password = accounts.create(
        tenant="20",
        username="minh",
        full_name="Lê Minh",
        role="commune_officer",
        unit=COMMUNE,
        password=None,
        by="admin",
    )
    assert password is not None and len(password) >= 10
    assert account.must_change_password
    assert password not in repr(accounts.store.get("minh"))
    assert accounts.sign_in("minh", password)[0].username == "minh"


def test_another_province_does_not_see_the_account(accounts: Accounts) -> None:
    assert accounts.account("01", "lan.nguyen") is None
    assert refused_key(lambda: accounts.set_status("01", "lan.nguyen", Status.DISABLED, "x")) == (
        "account_not_found"
    )


# --- lock-out -------------------------------------------------------------------------------


def test_lock_after_five_failures_in_the_window(accounts: Accounts, clock: Clock) -> None:
    for _ in range(4):
        assert refused_key(lambda: accounts.sign_in("lan.nguyen", "sai-mat-khau")) == (
            "sign_in_failed"
        )
        clock.advance(minutes=1)
    assert refused_key(lambda: accounts.sign_in("lan.nguyen", "sai-mat-khau")) == "locked"
    # locked: even the right password is refused, until the lock ends
    clock.advance(minutes=14)
    assert refused_key(lambda: accounts.sign_in("lan.nguyen", PASSWORD)) == "locked"
    clock.advance(minutes=1, seconds=1)
    assert accounts.sign_in("lan.nguyen", PASSWORD)[0].username == "lan.nguyen"


def test_failures_outside_the_window_do_not_count(accounts: Accounts, clock: Clock) -> None:
    for _ in range(4):
        refused_key(lambda: accounts.sign_in("lan.nguyen", "sai-mat-khau"))
    clock.advance(minutes=16)
    assert refused_key(lambda: accounts.sign_in("lan.nguyen", "sai-mat-khau")) == ("sign_in_failed")


def test_an_unknown_username_gets_the_same_answers(accounts: Accounts) -> None:
    keys = [refused_key(lambda: accounts.sign_in("khong.co", "sai-mat-khau")) for _ in range(5)]
    assert keys == ["sign_in_failed"] * 4 + ["locked"]


def test_the_lock_message_says_the_numbers() -> None:
    policy = Policy(max_failures=3, window=timedelta(minutes=10), lock=timedelta(minutes=30))
    text = refused(Refused("username", "locked"), policy)["errors"][0]["message"]
    assert "3 lần trong 10 phút" in text and "sau 30 phút" in text


def test_failures_are_cleared_by_a_good_sign_in(accounts: Accounts) -> None:
    for _ in range(4):
        refused_key(lambda: accounts.sign_in("lan.nguyen", "sai-mat-khau"))
    accounts.sign_in("lan.nguyen", PASSWORD)
    assert refused_key(lambda: accounts.sign_in("lan.nguyen", "sai-mat-khau")) == ("sign_in_failed")


# --- sessions -------------------------------------------------------------------------------


def test_refresh_rotates_and_a_reused_token_revokes_the_session(accounts: Accounts) -> None:
    _, session, first = accounts.sign_in("lan.nguyen", PASSWORD)
    _, same, second = accounts.refresh(first)
    assert same.id == session.id and second != first
    _, _, third = accounts.refresh(second)
    assert refused_key(lambda: accounts.refresh(first)) == "session_reused"
    assert accounts.revoked([session.id]) == {session.id: True}
    # the thief's and the holder's latest tokens are both dead now
    assert refused_key(lambda: accounts.refresh(third)) == "session_invalid"


def test_a_made_up_or_expired_refresh_token_is_refused(accounts: Accounts, clock: Clock) -> None:
    _, session, token = accounts.sign_in("lan.nguyen", PASSWORD)
    assert refused_key(lambda: accounts.refresh(session.id + ".bia")) == "session_invalid"
    assert refused_key(lambda: accounts.refresh("khong-phai-ma")) == "session_invalid"
    assert accounts.revoked([session.id]) == {session.id: False}  # a guess revokes nothing
    clock.advance(hours=13)
    assert refused_key(lambda: accounts.refresh(token)) == "session_invalid"


def test_disabling_and_resetting_revoke_every_session(accounts: Accounts) -> None:
    _, one, _ = accounts.sign_in("lan.nguyen", PASSWORD)
    _, two, token = accounts.sign_in("lan.nguyen", PASSWORD)
    accounts.set_status("20", "lan.nguyen", Status.DISABLED, "admin")
    assert accounts.revoked([one.id, two.id]) == {one.id: True, two.id: True}
    assert refused_key(lambda: accounts.sign_in("lan.nguyen", PASSWORD)) == "account_disabled"
    assert refused_key(lambda: accounts.refresh(token)) == "session_invalid"
    accounts.set_status("20", "lan.nguyen", Status.ACTIVE, "admin")
    _, three, _ = accounts.sign_in("lan.nguyen", PASSWORD)
    _, password = accounts.reset_password("20", "lan.nguyen", "admin")
    assert accounts.revoked([three.id]) == {three.id: True}
    assert refused_key(lambda: accounts.sign_in("lan.nguyen", PASSWORD)) == "sign_in_failed"
    assert accounts.sign_in("lan.nguyen", password)[0].must_change_password


def test_a_federated_sign_in_needs_an_active_platform_account_and_no_password(
    accounts: Accounts,
) -> None:
    """The OIDC issuer vouches for who it is; the platform's account says what they may do."""
    account, session, token = accounts.federated_sign_in("LAN.NGUYEN")
    assert (account.username, account.role, account.unit_code) == (
        "lan.nguyen",
        "commune_officer",
        COMMUNE["code"],
    )
    assert accounts.refresh(token)[1].id == session.id  # an ordinary session
    assert refused_key(lambda: accounts.federated_sign_in("someone.else")) == "federated_unknown"
    accounts.set_status("20", "lan.nguyen", Status.DISABLED, "admin")
    assert refused_key(lambda: accounts.federated_sign_in("lan.nguyen")) == "account_disabled"
    assert accounts.revoked([session.id]) == {session.id: True}


def test_changing_ones_password_needs_the_old_one(accounts: Accounts) -> None:
    new = "mot-mat-khau-moi"
    assert refused_key(lambda: accounts.change_password("20", "lan.nguyen", "sai", new)) == (
        "old_password_wrong"
    )
    assert refused_key(
        lambda: accounts.change_password("20", "lan.nguyen", PASSWORD, "lan.nguyen")
    ) == ("password_is_username")
    accounts.change_password("20", "lan.nguyen", PASSWORD, new)
    assert accounts.sign_in("lan.nguyen", new)[0].username == "lan.nguyen"


def test_pages_keep_to_the_subtree(accounts: Accounts) -> None:
    for n in range(5):
        accounts.create(
            tenant="20",
            username=f"can.bo{n}",
            full_name="Cán bộ",
            role="commune_officer",
            unit=UNIT if n % 2 else COMMUNE,
            password=PASSWORD,
            by="admin",
        )

    def within(account: Account) -> bool:
        return account.unit_path.startswith("20/180/06184")

    first, cursor = accounts.page("20", within, None, 2)
    assert [a.username for a in first] == ["can.bo0", "can.bo2"]
    rest, end = accounts.page("20", within, cursor, 2)
    assert [a.username for a in rest] == ["can.bo4", "lan.nguyen"] and end is None
