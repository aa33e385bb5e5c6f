"""Officer accounts and sign-in through the gateway, with registration's real store: the first
admin from the CLI, sessions (refresh, reuse, sign-out, disable), lock-out, and every refusal
by tenant, unit and role."""

from __future__ import annotations

import json
import time
import urllib.error

import pytest
import yaml

from gateway.accounts import SESSIONS
from khuyenhoc.auth import Role
from ops.cli import main, parser
from tests.integration.conftest import GraphQLError, token_for
from tests.integration.helpers import load_demo_directory

SIGN_IN = """mutation SignIn($input: SignInInput!) { signIn(input: $input) {
  accessToken expiresAt refreshToken account { username fullName role unitCode } } }"""
REFRESH = """mutation Refresh($input: RefreshSessionInput!) { refreshSession(input: $input) {
  accessToken refreshToken account { username } } }"""
SIGN_OUT = "mutation SignOut { signOut }"
ME = "query Me { me { username fullName role unitCode status mustChangePassword } }"
CREATE = """mutation Create($input: CreateAccountInput!) { createAccount(input: $input) {
  password account { username role unitCode unitPath status createdBy } } }"""
DISABLE = """mutation Disable($input: AccountInput!) { disableAccount(input: $input) {
  username status } }"""
ENABLE = """mutation Enable($input: AccountInput!) { enableAccount(input: $input) {
  username status } }"""
RESET = """mutation Reset($input: AccountInput!) { resetPassword(input: $input) {
  password account { username mustChangePassword } } }"""
CHANGE = """mutation Change($input: ChangePasswordInput!) { changePassword(input: $input) {
  username mustChangePassword } }"""
ACCOUNTS = """query Accounts($code: String!, $after: String, $first: Int) {
  accounts(unitCode: $code, after: $after, first: $first) {
  nodes { username unitCode } pageInfo { hasNextPage endCursor } } }"""
PASSWORD = "mat-khau-cua-lan"


@pytest.fixture
def admin(config, tmp_path, capsys):
    """The province's first admin, created by the CLI as an operator types it: (username, the
    generated password it printed once)."""
    load_demo_directory(config, "20", "01")
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    command = ["accounts", "create-admin", "--tenant", "20", "--username", "Admin.LS"]
    assert main([*command, "--full-name", "Quản trị  Lạng Sơn", "--config", str(path)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "Đã tạo tài khoản quản trị tỉnh admin.ls (20)."
    password = printed[1].rsplit(": ", 1)[1]
    assert len(password) >= 10
    # the same username again is refused, in Vietnamese
    assert main([*command, "--config", str(path)]) == 1
    assert "Tên đăng nhập này đã có người dùng." in capsys.readouterr().err
    return "admin.ls", password


def sign_in(gateway, username, password):
    return gateway(SIGN_IN, {"input": {"username": username, "password": password}}, token=None)[
        "signIn"
    ]


def token_refused(gateway, token):
    """Whether the gateway answers the token 401 UNAUTHENTICATED (it runs ``me`` otherwise)."""
    try:
        gateway(ME, token=token)
    except urllib.error.HTTPError as error:
        body = json.loads(error.read())
        return error.code == 401 and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    return False


def refusal(run):
    with pytest.raises(GraphQLError) as caught:
        run()
    return caught.value


def field_key(error):
    return error.errors[0]["extensions"]["fields"][0]["key"]


def create(gateway, token, username="lan.nguyen", role="COMMUNE_OFFICER", unit="06184", **extra):
    variables = {
        "input": {
            "username": username,
            "fullName": "Nguyễn Thị Lan",
            "role": role,
            "unitCode": unit,
            **extra,
        }
    }
    return gateway(CREATE, variables, token=token)["createAccount"]


def test_the_cli_admin_signs_in_creates_an_officer_who_signs_in(admin, gateway):
    username, password = admin
    session = sign_in(gateway, "ADMIN.ls", password)
    assert session["account"] == {
        "username": "admin.ls",
        "fullName": "Quản trị Lạng Sơn",
        "role": "PROVINCE_ADMIN",
        "unitCode": "20",
    }
    token = session["accessToken"]
    assert gateway(ME, token=token)["me"]["mustChangePassword"] is True
    created = create(gateway, token, password=PASSWORD)
    assert created["password"] is None
    assert created["account"] == {
        "username": "lan.nguyen",
        "role": "COMMUNE_OFFICER",
        "unitCode": "06184",
        "unitPath": "20/183/06184",
        "status": "ACTIVE",
        "createdBy": "admin.ls",
    }
    officer = sign_in(gateway, "lan.nguyen", PASSWORD)["accessToken"]
    # the officer's token works like any other: its own commune, not its sibling
    assert gateway(ME, token=officer)["me"]["unitCode"] == "06184"
    page = gateway(ACCOUNTS, {"code": "20", "first": 1}, token=token)["accounts"]
    assert page["nodes"] == [{"username": "admin.ls", "unitCode": "20"}]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = gateway(ACCOUNTS, {"code": "20", "after": page["pageInfo"]["endCursor"]}, token=token)
    assert rest["accounts"]["nodes"] == [{"username": "lan.nguyen", "unitCode": "06184"}]
    assert rest["accounts"]["pageInfo"]["hasNextPage"] is False
    assert refusal(lambda: gateway(ACCOUNTS, {"code": "20"}, token=officer)).code == "FORBIDDEN"
    # the CLI's own command line knows the command
    args = parser().parse_args(["accounts", "create-admin", "--tenant", "20", "--username", "x"])
    assert args.full_name == "Quản trị tỉnh"


def test_refresh_rotates_and_reuse_revokes_the_session(admin, gateway, monkeypatch):
    monkeypatch.setattr(SESSIONS.cache, "ttl", 0.0)
    first = sign_in(gateway, *admin)
    second = gateway(REFRESH, {"input": {"refreshToken": first["refreshToken"]}}, token=None)
    second = second["refreshSession"]
    assert second["refreshToken"] != first["refreshToken"]
    assert gateway(ME, token=second["accessToken"])["me"]["username"] == "admin.ls"
    reused = refusal(
        lambda: gateway(REFRESH, {"input": {"refreshToken": first["refreshToken"]}}, token=None)
    )
    assert field_key(reused) == "session_reused"
    assert token_refused(gateway, first["accessToken"])
    assert token_refused(gateway, second["accessToken"])
    latest = refusal(
        lambda: gateway(REFRESH, {"input": {"refreshToken": second["refreshToken"]}}, token=None)
    )
    assert field_key(latest) == "session_invalid"


def test_sign_out_refuses_the_token_at_once(admin, gateway):
    session = sign_in(gateway, *admin)
    token = session["accessToken"]
    assert gateway(ME, token=token)["me"]["username"] == "admin.ls"  # cached as alive
    assert gateway(SIGN_OUT, token=token)["signOut"] is True
    assert token_refused(gateway, token)
    again = refusal(
        lambda: gateway(REFRESH, {"input": {"refreshToken": session["refreshToken"]}}, token=None)
    )
    assert field_key(again) == "session_invalid"


def refused_within_seconds(gateway, token, seconds=15.0):
    """The token is refused once the gateway's short cache of its session runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if token_refused(gateway, token):
            return True
        time.sleep(0.5)
    return False


def test_disabling_or_resetting_refuses_the_officers_tokens(admin, gateway):
    admin_token = sign_in(gateway, *admin)["accessToken"]
    create(gateway, admin_token, password=PASSWORD)
    officer = sign_in(gateway, "lan.nguyen", PASSWORD)
    assert gateway(ME, token=officer["accessToken"])["me"]["status"] == "ACTIVE"
    disabled = gateway(DISABLE, {"input": {"username": "Lan.Nguyen"}}, token=admin_token)
    assert disabled["disableAccount"] == {"username": "lan.nguyen", "status": "DISABLED"}
    assert refused_within_seconds(gateway, officer["accessToken"])
    stopped = refusal(lambda: sign_in(gateway, "lan.nguyen", PASSWORD))
    assert field_key(stopped) == "account_disabled"
    gateway(ENABLE, {"input": {"username": "lan.nguyen"}}, token=admin_token)
    again = sign_in(gateway, "lan.nguyen", PASSWORD)["accessToken"]
    reset = gateway(RESET, {"input": {"username": "lan.nguyen"}}, token=admin_token)
    one_time = reset["resetPassword"]["password"]
    assert reset["resetPassword"]["account"]["mustChangePassword"] is True
    assert refused_within_seconds(gateway, again)
    fresh = sign_in(gateway, "lan.nguyen", one_time)["accessToken"]
    change = {"input": {"oldPassword": one_time, "newPassword": "lan.nguyen"}}
    assert field_key(refusal(lambda: gateway(CHANGE, change, token=fresh))) == (
        "password_is_username"
    )
    change["input"]["newPassword"] = "mat-khau-moi-cua-lan"
    changed = gateway(CHANGE, change, token=fresh)["changePassword"]
    assert changed == {"username": "lan.nguyen", "mustChangePassword": False}
    assert sign_in(gateway, "lan.nguyen", "mat-khau-moi-cua-lan")["account"]["unitCode"] == "06184"


def test_wrong_passwords_lock_and_unknown_users_get_the_same_answer(admin, gateway):
    username, password = admin
    answers = []
    for name in (username, "khong.ai.ca"):
        for _ in range(5):
            error = refusal(lambda n=name: sign_in(gateway, n, "sai-mat-khau-roi"))
            answers.append(
                (field_key(error), error.errors[0]["extensions"]["fields"][0]["message"])
            )
        assert answers[-5:-1] == [("sign_in_failed", "Tên đăng nhập hoặc mật khẩu không đúng.")] * 4
        key, text = answers[-1]
        assert key == "locked"
        assert "5 lần trong 15 phút" in text and "thử lại sau 15 phút" in text
    assert answers[:5] == answers[5:]
    # locked: the right password waits too
    assert field_key(refusal(lambda: sign_in(gateway, username, password))) == "locked"


def test_who_may_manage_which_accounts(admin, gateway):
    admin_token = sign_in(gateway, *admin)["accessToken"]
    create(gateway, admin_token, password=PASSWORD)
    lan = {"input": {"username": "lan.nguyen"}}

    # another province's admin: neither the unit nor the account exists for it
    hanoi = token_for("01")
    assert field_key(refusal(lambda: create(gateway, hanoi, "x.hn", unit="06184"))) == (
        "unit_not_found"
    )
    assert field_key(refusal(lambda: gateway(DISABLE, lan, token=hanoi))) == "account_not_found"

    # a commune officer creates no account, not even in its own commune
    commune = token_for("20/183/06184", Role.COMMUNE_OFFICER)
    assert refusal(lambda: create(gateway, commune, "x.xa")).code == "FORBIDDEN"
    assert refusal(lambda: gateway(DISABLE, lan, token=commune)).code == "FORBIDDEN"
    # the sibling commune's officer cannot touch this commune's accounts either
    sibling = token_for("20/183/06187", Role.COMMUNE_OFFICER)
    assert refusal(lambda: gateway(RESET, lan, token=sibling)).code == "FORBIDDEN"
    assert refusal(lambda: gateway(ACCOUNTS, {"code": "06184"}, token=sibling)).code == (
        "FORBIDDEN"
    )

    # a district officer: the communes below it, roles below its own
    district = token_for("20/183", Role.DISTRICT_OFFICER)
    made = create(gateway, district, "tuan.le", unit="06187")
    assert made["password"] and made["account"]["unitPath"] == "20/183/06187"
    admin_role = lambda: create(gateway, district, "x.admin", role="PROVINCE_ADMIN")  # noqa: E731
    assert refusal(admin_role).code == "FORBIDDEN"
    other_district = token_for("20/178", Role.DISTRICT_OFFICER)
    assert refusal(lambda: gateway(DISABLE, lan, token=other_district)).code == "FORBIDDEN"
    assert gateway(DISABLE, lan, token=district)["disableAccount"]["status"] == "DISABLED"

    # bad input changes nothing, in Vietnamese
    short = refusal(lambda: create(gateway, admin_token, "hoa.tran", password="ngan"))
    assert (
        field_key(short) == "password_short"
        and "10 ký tự" in short.errors[0]["extensions"]["fields"][0]["message"]
    )
    taken = refusal(lambda: create(gateway, admin_token, "LAN.NGUYEN", unit="06187"))
    assert field_key(taken) == "username_taken"
    # a CLI token (no session) still works, as before
    assert gateway(ME, token=token_for("20"))["me"] is None
