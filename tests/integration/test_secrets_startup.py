"""In production the services start on real keys and never write them to a log: the gateway,
registration and scoring started with distinctive keys, a signed and a forged request served,
then every log line of the run searched for the keys."""

import json
import logging
import urllib.error
import urllib.request

import jwt

from gateway.entrypoint import GatewayService
from services.registration.entrypoint import RegistrationService
from services.scoring.entrypoint import ScoringService
from tests.conftest import free_port
from tests.integration.conftest import SECRET, token_for

KEYS = {
    "JWT_SECRET": SECRET,
    "ID_HASH_KEY": "idhash-7c1e9a53b2d84f60aa17e3c5d9b0f2e4",
    "CERTIFICATE_KEY": "certkey-4b8d2f6a1c9e3b7d5f0a2c4e6b8d0f1a",
}
ME = json.dumps({"query": '{ orgUnit(code: "20") { name } }'}).encode()


def post(address: str, token: str) -> int:
    request = urllib.request.Request(
        f"http://{address}/graphql",
        data=ME,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_keys_never_reach_the_logs_of_a_production_start(container_factory, config, caplog):
    caplog.set_level(logging.DEBUG)
    production = {**config, **KEYS, "KHUYENHOC_ENV": "production"}
    for service in (RegistrationService, ScoringService):
        container_factory(service, production).start()
    address = f"127.0.0.1:{free_port()}"
    container_factory(GatewayService, {**production, "WEB_SERVER_ADDRESS": address}).start()

    assert post(address, token_for("20")) == 200
    forged = jwt.encode(
        {"sub": "x", "iss": "khuyenhoc"}, "dev-only-secret-change-me-0123456789abcdef"
    )
    assert post(address, forged) == 401

    logged = "\n".join(record.getMessage() for record in caplog.records) + caplog.text
    assert logged  # the run did log
    for name, value in KEYS.items():
        assert value not in logged, name
