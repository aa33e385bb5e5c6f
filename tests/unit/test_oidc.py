"""Checking what the province's OIDC issuer says (gateway/oidc.py) against a real issuer on
loopback (tests/fakes_oidc.py): a good code gives the username; a code used twice, a wrong
PKCE verifier, a wrong nonce, audience or signing key, an expired token, another redirect and an
issuer that does not answer are each refused with their key."""

from __future__ import annotations

import time

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway import oidc
from khuyenhoc.config import ConfigError
from tests.fakes_oidc import CLIENT_ID, OidcIssuer

REDIRECT = "http://127.0.0.1:8000/app/oidc"
VERIFIER = "v" * 64


@pytest.fixture
def issuer():
    with OidcIssuer() as running:
        yield running


@pytest.fixture
def client(issuer):
    given = oidc.settings({"OIDC_ISSUER": issuer.url + "/", "OIDC_CLIENT_ID": CLIENT_ID})
    assert given is not None
    return oidc.Client(given)


def refused(run) -> str:
    with pytest.raises(oidc.OidcFailure) as caught:
        run()
    return caught.value.key


def test_settings_are_both_or_neither_and_https_outside_loopback():
    assert oidc.settings({}) is None
    with pytest.raises(ConfigError):
        oidc.settings({"OIDC_ISSUER": "https://sso.langson.gov.vn"})
    with pytest.raises(ConfigError):
        oidc.settings({"OIDC_ISSUER": "http://sso.langson.gov.vn", "OIDC_CLIENT_ID": "x"})
    given = oidc.settings({"OIDC_ISSUER": "https://sso.langson.gov.vn/", "OIDC_CLIENT_ID": "x"})
    assert given and given.issuer == "https://sso.langson.gov.vn"
    assert (given.username_claim, given.label) == ("preferred_username", oidc.DEFAULT_LABEL)


def test_a_good_code_gives_the_username_once(issuer, client):
    assert client.options()["authorization_endpoint"] == issuer.url + "/auth"
    code = issuer.grant("lan.nguyen", "n-1", VERIFIER, REDIRECT)
    assert client.username(code, VERIFIER, REDIRECT, "n-1") == "lan.nguyen"
    assert issuer.token_requests[-1]["code_verifier"] == VERIFIER
    # the same code again: the issuer refuses it
    assert refused(lambda: client.username(code, VERIFIER, REDIRECT, "n-1")) == "oidc_code_refused"


def test_what_does_not_hold_is_refused(issuer, client):
    code = issuer.grant("lan", "n", VERIFIER, REDIRECT)
    assert refused(lambda: client.username(code, "w" * 64, REDIRECT, "n")) == "oidc_code_refused"
    code = issuer.grant("lan", "n", VERIFIER, REDIRECT)
    assert refused(lambda: client.username(code, VERIFIER, REDIRECT, "other")) == (
        "oidc_token_invalid"
    )
    elsewhere = "http://127.0.0.1:8000/somewhere"
    code = issuer.grant("lan", "n", VERIFIER, elsewhere)
    assert refused(lambda: client.username(code, VERIFIER, elsewhere, "n")) == "oidc_bad_request"
    for claims in ({"aud": "another-client"}, {"iss": "https://evil.test"}, {"exp": 1}):
        issuer.claims = claims
        code = issuer.grant("lan", "n", VERIFIER, REDIRECT)
        assert refused(lambda code=code: client.username(code, VERIFIER, REDIRECT, "n")) == (
            "oidc_token_invalid"
        ), claims
    issuer.claims = {"preferred_username": ""}
    code = issuer.grant("lan", "n", VERIFIER, REDIRECT)
    assert refused(lambda: client.username(code, VERIFIER, REDIRECT, "n")) == "oidc_token_invalid"


def test_a_token_signed_with_a_key_not_published_is_refused(issuer, client):
    issuer.claims = {}
    issuer.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    code = issuer.grant("lan", "n", VERIFIER, REDIRECT)
    assert refused(lambda: client.username(code, VERIFIER, REDIRECT, "n")) == "oidc_token_invalid"


def test_an_issuer_that_does_not_answer_is_said_plainly():
    with OidcIssuer() as gone:
        url = gone.url
    given = oidc.settings({"OIDC_ISSUER": url, "OIDC_CLIENT_ID": CLIENT_ID})
    assert given is not None
    started = time.monotonic()
    assert refused(oidc.Client(given).options) == "oidc_unreachable"
    assert time.monotonic() - started < oidc.TIMEOUT_SECONDS + 5  # bounded, not a hang
