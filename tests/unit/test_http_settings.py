"""The HTTP surface's settings and log hygiene: CORS origins per deployment (exact origins, ``*``
only in development, a bad value stops the start), and /graphql's query strings redacted from
the server's access log."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from gateway.access_log import REDACTED, install, redact
from gateway.cors import Cors, CorsPolicy
from khuyenhoc.config import ConfigError, cors_origins, load_config


def test_no_origin_by_default():
    assert cors_origins(load_config(env={})) == frozenset()


def test_exact_origins_from_the_environment():
    config = load_config(env={"CORS_ORIGINS": "https://app.example.vn, http://10.0.0.5:8080"})
    assert cors_origins(config) == {"https://app.example.vn", "http://10.0.0.5:8080"}


@pytest.mark.parametrize(
    "value", ["https://app.example.vn/", "app.example.vn", "https://a.vn/path", "ftp://a.vn"]
)
def test_what_is_not_an_origin_is_refused(value):
    with pytest.raises(ConfigError, match="not an origin"):
        cors_origins({"CORS_ORIGINS": value})


def test_any_origin_only_in_development():
    with pytest.raises(ConfigError, match="KHUYENHOC_ENV=development"):
        cors_origins(load_config(env={"CORS_ORIGINS": "*"}))
    with pytest.raises(ConfigError):
        cors_origins(load_config(env={"CORS_ORIGINS": "*", "KHUYENHOC_ENV": "production"}))
    config = load_config(env={"CORS_ORIGINS": "*", "KHUYENHOC_ENV": "development"})
    assert CorsPolicy(cors_origins(config)).allowed("http://localhost:5173")


def test_the_gateway_does_not_start_with_a_wildcard_outside_development():
    provider = Cors()
    provider.container = SimpleNamespace(config={"CORS_ORIGINS": "*"})
    with pytest.raises(ConfigError):
        provider.setup()


def test_an_unlisted_origin_is_not_echoed():
    policy = CorsPolicy(frozenset({"https://app.example.vn"}))
    request = SimpleNamespace(headers={"Origin": "https://app.example.vn.evil.test"})
    _, headers, _ = policy.decorate(request, (200, {"Vary": "Accept"}, "{}"))
    assert "Access-Control-Allow-Origin" not in headers and headers["Vary"] == "Accept, Origin"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            '127.0.0.1 - - [x] "GET /graphql?query=%7B+a+%7D&variables=%7B%7D HTTP/1.1" 200 9',
            f'127.0.0.1 - - [x] "GET /graphql?{REDACTED} HTTP/1.1" 200 9',
        ),
        ('"GET /graphql/?q=1 HTTP/1.1"', f'"GET /graphql/?{REDACTED} HTTP/1.1"'),
        ('"POST /graphql HTTP/1.1" 200', '"POST /graphql HTTP/1.1" 200'),
        ('"GET /verify?code=20-AB HTTP/1.1"', '"GET /verify?code=20-AB HTTP/1.1"'),
    ],
)
def test_redaction(line, expected):
    assert redact(line) == expected


def test_the_filter_rewrites_the_server_logger_once_installed(caplog):
    install("tests.http_settings.server")
    install("tests.http_settings.server")  # idempotent
    logger = logging.getLogger("tests.http_settings.server")
    assert len(logger.filters) == 1
    with caplog.at_level(logging.INFO, logger=logger.name):
        logger.info('"GET /graphql?query=%s HTTP/1.1"', "0912345678")
    assert caplog.records[-1].getMessage() == f'"GET /graphql?{REDACTED} HTTP/1.1"'
