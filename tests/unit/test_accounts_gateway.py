"""The gateway's side of sign-in: the ``sid`` claim (old tokens without it keep working), the
revoked-session check and its short cache, who manages which accounts."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from gateway.access import may_manage_account
from gateway.accounts import RevokedSessions
from gateway.endpoint import bearer_caller
from khuyenhoc.auth import Caller, InvalidToken, Role, issue_token, verify_token
from khuyenhoc.tenancy import UnitPath

SECRET = "unit-test-secret-0123456789abcdef"


class Registration:
    def __init__(self, revoked: set[str]) -> None:
        self.revoked = revoked
        self.calls = 0
        self.down = False

    def revoked_sessions(self, ids: list[str]) -> dict[str, bool]:
        self.calls += 1
        if self.down:
            raise ConnectionError("registration is away")
        return {i: i in self.revoked for i in ids}

    def inherited_paths(self, tenant: str, path: str) -> list[str]:
        return []


def request(token: str) -> Any:
    return SimpleNamespace(headers={"Authorization": f"Bearer {token}"})


def test_the_session_claim_round_trips_and_old_tokens_have_none() -> None:
    path = UnitPath.parse("20/183/06184")
    signed = issue_token(
        SECRET, subject="lan", role=Role.COMMUNE_OFFICER, unit_path=path, session="s1"
    )
    assert verify_token(SECRET, signed).session == "s1"
    old = issue_token(SECRET, subject="cli", role=Role.COMMUNE_OFFICER, unit_path=path)
    assert verify_token(SECRET, old).session is None


def test_a_revoked_session_is_refused_and_answers_are_cached(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [100.0]
    monkeypatch.setattr("gateway.ttl_cache.monotonic", lambda: clock[0])
    sessions = RevokedSessions(ttl=5.0)
    registration = Registration(set())
    rpc = SimpleNamespace(registration=registration)
    assert sessions.revoked("s1", rpc) is False
    registration.revoked.add("s1")
    assert sessions.revoked("s1", rpc) is False  # within the cache's few seconds
    assert registration.calls == 1
    clock[0] += 5.5
    assert sessions.revoked("s1", rpc) is True
    assert registration.calls == 2
    registration.down = True
    assert sessions.revoked("s2", rpc) is True  # cannot be checked: refused


def test_bearer_caller_checks_sessions_but_not_cli_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    sessions = RevokedSessions(ttl=0.0)
    monkeypatch.setattr("gateway.endpoint.SESSIONS", sessions)
    path = UnitPath.parse("20")
    registration = Registration({"gone"})
    rpc = SimpleNamespace(registration=registration)
    live = issue_token(SECRET, subject="a", role=Role.PROVINCE_ADMIN, unit_path=path, session="ok")
    gone = issue_token(
        SECRET, subject="a", role=Role.PROVINCE_ADMIN, unit_path=path, session="gone"
    )
    cli = issue_token(SECRET, subject="cli", role=Role.PROVINCE_ADMIN, unit_path=path)
    caller = bearer_caller(request(live), SECRET, rpc)
    assert caller is not None and caller.session == "ok"
    with pytest.raises(InvalidToken):
        bearer_caller(request(gone), SECRET, rpc)
    calls = registration.calls
    assert bearer_caller(request(cli), SECRET, rpc) is not None
    assert registration.calls == calls  # no session, no lookup


def caller(path: str, role: Role) -> Caller:
    return Caller("x", "20", role, UnitPath.parse(path))


@pytest.mark.parametrize(
    ("who", "target", "role", "allowed"),
    [
        (caller("20", Role.PROVINCE_ADMIN), "20", Role.PROVINCE_ADMIN, True),
        (caller("20", Role.PROVINCE_ADMIN), "01/001", Role.COMMUNE_OFFICER, False),
        (caller("20/183", Role.DISTRICT_OFFICER), "20/183/06184", Role.COMMUNE_OFFICER, True),
        (caller("20/183", Role.DISTRICT_OFFICER), "20/183/06184", Role.PROVINCE_ADMIN, False),
        (caller("20/183", Role.DISTRICT_OFFICER), "20/183", Role.COMMUNE_OFFICER, False),
        (caller("20/183", Role.DISTRICT_OFFICER), "20/178/06100", Role.COMMUNE_OFFICER, False),
        (caller("20/183/06184", Role.COMMUNE_OFFICER), "20/183/06184", Role.BRANCH_OFFICER, False),
    ],
)
def test_who_manages_which_accounts(who: Caller, target: str, role: Role, allowed: bool) -> None:
    assert may_manage_account(who, UnitPath.parse(target), role) is allowed


def test_the_ready_text_shows_how_to_create_the_first_admin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ops import platform  # noqa: PLC0415 - ops is imported by this test only

    monkeypatch.setattr(platform, "_demo_token", lambda _platform, province: "TOKEN")
    text = platform.Platform().demo_token_hint("20")
    assert '"Authorization": "Bearer TOKEN"' in text
    assert "khuyenhoc accounts create-admin --tenant 20 --username admin" in text
