"""The partner event stream over the real broker: every event republished as the same
CloudEvent with routing key ``<tenant>.<event>``, and a partner of province 20 confined by
RabbitMQ's topic permissions to ``20.*`` keys and to its own queues."""

import json
import subprocess
import sys
import uuid

import amqp.exceptions
import pytest
from kombu import Connection, Queue

from khuyenhoc.contracts import validate_event
from services.notification.entrypoint import NotificationService
from services.notification.partners import PARTNER_EXCHANGE, create_partner, delete_partner
from tests.conftest import REPO_ROOT, wait_until
from tests.integration.helpers import publish, registered_event

DELETED: set[str] = set()  # partners a test deleted itself (each rabbitmqctl call takes seconds)


@pytest.fixture
def partner(config):
    name = f"p-{uuid.uuid4().hex[:8]}"
    account = create_partner(config["AMQP_URI"], "20", name)
    yield account
    if name not in DELETED:
        delete_partner(config["AMQP_URI"], "20", name)


def gone(config, queue_name: str) -> bool:
    with Connection(config["AMQP_URI"]) as connection:
        try:
            connection.channel().queue_declare(queue_name, passive=True)
        except amqp.exceptions.NotFound:
            return True
    return False


def refused(uri: str, action) -> bool:
    with Connection(uri) as connection:
        channel = connection.channel()
        try:
            action(channel)
        except amqp.exceptions.AccessRefused:
            return True
    return False


def test_a_province_20_partner_reads_20_only(container_factory, config, partner):
    if partner.vhost == "/":
        pytest.skip("needs the private virtual host the test broker gives (rabbitmqctl)")
    container_factory(NotificationService, config).start()
    uri = partner.amqp_uri()
    queue_name = f"{partner.queue_prefix}events"
    with Connection(uri) as connection:
        queue = Queue(queue_name, durable=True, auto_delete=False)(connection.default_channel)
        queue.declare()
        queue.bind_to(exchange=PARTNER_EXCHANGE.name, routing_key="20.#")

    ours = registered_event("hh-20", "20/183/06184")
    theirs = registered_event("hh-01", "01/001/00001")
    publish(config, theirs)
    publish(config, ours)

    with Connection(uri) as connection:
        queue = Queue(queue_name, durable=True)(connection.default_channel)
        message = wait_until(lambda: queue.get(no_ack=False), what="the partner event")
        assert message.delivery_info["routing_key"] == "20.registered"
        assert message.properties["delivery_mode"] == 2
        assert message.content_type == "application/cloudevents+json"
        event = json.loads(message.body)
        validate_event(event)
        assert event == ours
        message.ack()

    # not another province's keys, not a catch-all, not another partner's queue
    assert refused(uri, lambda ch: ch.queue_bind(queue_name, PARTNER_EXCHANGE.name, "01.#"))
    assert refused(uri, lambda ch: ch.queue_bind(queue_name, PARTNER_EXCHANGE.name, "#"))
    assert refused(uri, lambda ch: ch.queue_declare("partner.01.other.events", durable=True))
    assert refused(uri, lambda ch: ch.basic_get("dlq.notification"))
    assert not refused(uri, lambda ch: ch.queue_bind(queue_name, PARTNER_EXCHANGE.name, "20.*"))

    # the runnable example consumer reads the stream with the same account
    publish(config, registered_event("hh-20b", "20/183/06184"))
    done = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "examples" / "partner_consumer.py"),
            "--uri",
            uri,
            "--queue",
            queue_name,
            "--bind",
            "20.registered",
            "--max-messages",
            "1",
            "--idle-timeout",
            "20",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "vn.khuyenhoc.registration.registered.v1  tỉnh 20  20/183/06184" in done.stdout

    # ``partners delete``: the user goes and so does every queue it declared, with its
    # bindings; nothing piles up for a partner that is gone (634 and growing, issue 16)
    with Connection(uri) as connection:
        audit = Queue(f"{partner.queue_prefix}audit", durable=True)(connection.default_channel)
        audit.declare()
        audit.bind_to(exchange=PARTNER_EXCHANGE.name, routing_key="20.#")
    DELETED.add(partner.name)
    deleted = delete_partner(config["AMQP_URI"], "20", partner.name)
    assert deleted == sorted([queue_name, f"{partner.queue_prefix}audit"])
    assert gone(config, queue_name) and gone(config, f"{partner.queue_prefix}audit")
    with pytest.raises(amqp.exceptions.AccessRefused), Connection(uri) as gone_user:
        gone_user.connect()
