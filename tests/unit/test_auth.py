from datetime import UTC, datetime, timedelta

import jwt
import pytest

from khuyenhoc.auth import Caller, InvalidToken, Role, issue_token, verify_token
from khuyenhoc.tenancy import UnitPath

SECRET = "s" * 32
COMMUNE = UnitPath.parse("20/183/06184")


def signed(**changes):
    """A hand-made token: valid claims unless ``changes`` break them."""
    now = datetime.now(UTC)
    claims = {
        "sub": "a",
        "tenant": "20",
        "role": "auditor",
        "unitpath": "20",
        "iss": "khuyenhoc",
        "iat": now,
        "exp": now + timedelta(hours=1),
        **changes,
    }
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, SECRET, "HS256")


def token(**overrides):
    args = {"subject": "officer", "role": Role.COMMUNE_OFFICER, "unit_path": COMMUNE}
    return issue_token(SECRET, **{**args, **overrides})


def test_a_token_round_trips_to_its_caller():
    caller = verify_token(SECRET, token())
    assert caller == Caller("officer", "20", Role.COMMUNE_OFFICER, COMMUNE)


@pytest.mark.parametrize(
    "bad",
    [
        lambda: token(now=datetime.now(UTC) - timedelta(hours=9)),  # expired
        lambda: issue_token("x" * 32, subject="a", role=Role.AUDITOR, unit_path=COMMUNE),
        lambda: signed(iss="someone-else"),
        lambda: signed(tenant="01"),  # the tenant and the unit disagree
        lambda: signed(role="king"),
        lambda: signed(exp=None),  # no expiry
        lambda: signed(unitpath="20/../01"),
        lambda: "not-a-token",
    ],
)
def test_bad_tokens_are_refused(bad):
    with pytest.raises(InvalidToken):
        verify_token(SECRET, bad())


def test_a_short_secret_is_refused():
    with pytest.raises(ValueError, match="at least 32"):
        issue_token("short", subject="a", role=Role.AUDITOR, unit_path=COMMUNE)


def test_a_caller_covers_its_subtree_only():
    district = Caller("d", "20", Role.DISTRICT_OFFICER, UnitPath.parse("20/183"))
    assert district.covers(UnitPath.parse("20/183"))
    assert district.covers(UnitPath.parse("20/183/06184"))
    assert not district.covers(UnitPath.parse("20"))
    assert not district.covers(UnitPath.parse("20/184/06200"))
    assert not district.covers(UnitPath.parse("01/183/06184"))  # same codes, other tenant


@pytest.mark.filterwarnings("ignore:The HMAC key is 32 bytes long")
@pytest.mark.parametrize(
    "forged",
    [
        # alg "none": no signature at all
        lambda claims: jwt.encode(claims, None, algorithm="none"),
        # signed with another key (e.g. the published development default)
        lambda claims: jwt.encode(claims, "dev-only-secret-change-me-0123456789abcdef", "HS256"),
        # another HMAC algorithm with the right key: only HS256 is accepted
        lambda claims: jwt.encode(claims, SECRET, "HS512"),
        # a valid token whose claims were edited (role raised) after signing
        lambda claims: _edited(jwt.encode(claims, SECRET, "HS256"), role="province_admin"),
    ],
)
def test_forged_tokens_are_refused(forged):
    now = datetime.now(UTC)
    claims = {
        "sub": "a",
        "tenant": "20",
        "role": "auditor",
        "unitpath": "20",
        "iss": "khuyenhoc",
        "iat": now,
        "exp": now + timedelta(hours=1),
    }
    with pytest.raises(InvalidToken):
        verify_token(SECRET, forged(claims))


def _edited(token: str, **changes: str) -> str:
    """The same header and signature around a payload with ``changes`` applied."""
    import base64  # noqa: PLC0415 - only this forgery needs it
    import json  # noqa: PLC0415 - only this forgery needs it

    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body = json.dumps({**claims, **changes}).encode()
    edited = base64.urlsafe_b64encode(body).rstrip(b"=").decode()
    return f"{header}.{edited}.{signature}"
