"""The services outlive a RabbitMQ restart: consumers, RPC and the outbox relay reconnect by
themselves and a donation goes end to end again soon after the broker is back (a private broker
node, never the shared one)."""

import json
import time
import urllib.request

import pytest

from gateway.entrypoint import GatewayService
from khuyenhoc.events import DONATED
from khuyenhoc.metrics import EVENTS_CONSUMED
from ops.devbroker import private_node
from services.fund.entrypoint import FundService
from services.notification.entrypoint import NotificationService
from services.registration.entrypoint import RegistrationService
from services.scoring.entrypoint import ScoringService
from tests.conftest import free_port, wait_until
from tests.integration.conftest import SECRET, token_for
from tests.integration.helpers import load_demo_directory
from tests.integration.test_fund import DONATE, gift

RECOVERY_LIMIT = 90.0  # seconds the issue allows after the broker's return


@pytest.fixture(scope="module")
def node():
    with private_node() as started:
        yield started


@pytest.fixture(scope="module")
def amqp_uri(node):
    """Every container of this module talks to the private node."""
    return node.uri


def consumed(outcome="processed"):
    return EVENTS_CONSUMED.labels("notification", DONATED.name, "20", outcome)._value.get()


def live(containers):
    return [c.service_name for c in containers if not c._died.ready()]


def gateway_at(address):
    def post(query, variables):
        request = urllib.request.Request(
            f"http://{address}/graphql",
            data=json.dumps({"query": query, "variables": variables}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {ADMIN}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.loads(response.read())
        if "errors" in answer:
            raise AssertionError(answer["errors"])
        return answer["data"]

    return post


ADMIN = token_for("20")


def test_every_service_reconnects_after_a_broker_restart(node, config, container_factory):
    config = {**config, "JWT_SECRET": SECRET}
    load_demo_directory(config)
    address = f"127.0.0.1:{free_port()}"
    containers = [
        container_factory(service, config)
        for service in (RegistrationService, ScoringService, FundService, NotificationService)
    ]
    containers.append(container_factory(GatewayService, {**config, "WEB_SERVER_ADDRESS": address}))
    for container in containers:
        container.start()
    gateway = gateway_at(address)
    before = consumed()
    assert gateway(DONATE, gift("restart-000001", "100000"))["recordDonation"]["created"]
    wait_until(lambda: consumed() == before + 1, timeout=30, what="the first donated")

    node.stop()
    time.sleep(3)  # every connection has noticed: consumers retry, the relay fails its passes
    node.start()
    back = time.monotonic()

    def donated_end_to_end():
        try:
            answer = gateway(DONATE, gift("restart-000002", "200000"))
        except Exception:  # not reconnected yet: the gateway answers an error
            return False
        return answer["recordDonation"]["donation"]["id"]

    wait_until(donated_end_to_end, timeout=RECOVERY_LIMIT, interval=1, what="a donation")
    wait_until(lambda: consumed() == before + 2, timeout=RECOVERY_LIMIT, what="the second donated")
    recovered = time.monotonic() - back
    print(f"end to end again {recovered:.1f}s after the broker's return")
    assert live(containers) == [c.service_name for c in containers]
