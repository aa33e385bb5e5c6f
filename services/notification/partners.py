"""The partner event stream: every event, republished as the same CloudEvent on the topic
exchange ``khuyenhoc.partners`` with routing key ``<tenant>.<event name>`` (``20.recognised``,
``20.member.joined``), persistent, publisher-confirmed; at-least-once (partners de-duplicate on
``id``).

Provisioning a partner creates a RabbitMQ user in the platform's virtual host that may only
declare, bind and read its own queues ``partner.<tenant>.<name>.*`` and whose *topic
permissions* on the exchange admit only routing keys of its tenant: RabbitMQ checks a binding's
key from a topic exchange against the read pattern, so a partner of province 20 binding
``84.#`` gets ACCESS_REFUSED.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import subprocess
import time
from contextlib import suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlparse

import amqp.exceptions
from kombu import Connection, Exchange
from kombu.exceptions import KombuError

from khuyenhoc.events import ALL_EVENT_TYPES

log = logging.getLogger(__name__)

PARTNER_EXCHANGE = Exchange("khuyenhoc.partners", type="topic", durable=True)
PARTNER_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")
EVENT_NAMES = {kind.type: kind.name for kind in ALL_EVENT_TYPES}


def routing_key(event: dict[str, Any]) -> str:
    return f"{event['tenant']}.{EVENT_NAMES[event['type']]}"


def exchange_name(config: dict[str, Any]) -> str:
    return str((config.get("NOTIFICATION") or {}).get("PARTNER_EXCHANGE") or PARTNER_EXCHANGE.name)


class PartnerStream:
    """Publishes CloudEvents to the partner exchange and waits for the broker's confirms."""

    CONFIRM_TIMEOUT = 30.0

    def __init__(self, amqp_uri: str, exchange: str = PARTNER_EXCHANGE.name) -> None:
        self.amqp_uri = amqp_uri
        self.exchange = Exchange(exchange, type="topic", durable=True)

    def declare(self) -> None:
        with Connection(self.amqp_uri) as connection:
            self.exchange(connection.default_channel).declare()

    def publish(self, events: list[dict[str, Any]]) -> set[str]:
        """The ids the broker confirmed (unrouted is fine: no partner listens yet)."""
        if not events:
            return set()
        try:
            with Connection(self.amqp_uri) as connection:
                return self._publish(connection, events)
        except (KombuError, OSError, amqp.exceptions.AMQPError) as exc:
            log.warning("%d partner events not published yet: %r", len(events), exc)
            return set()

    def _publish(self, connection: Connection, events: list[dict[str, Any]]) -> set[str]:
        channel = connection.channel()
        self.exchange(channel).declare()
        channel.confirm_select()
        acked: dict[int, bool] = {}

        def settle(ok: bool) -> Any:
            def callback(delivery_tag: int, multiple: bool, *args: Any) -> None:
                for tag in range(1, delivery_tag + 1) if multiple else (delivery_tag,):
                    acked.setdefault(tag, ok)

            return callback

        channel.events["basic_ack"].add(settle(True))
        channel.events["basic_nack"].add(settle(False))
        for event in events:
            body = json.dumps(event, ensure_ascii=False).encode("utf-8")
            message = channel.prepare_message(
                body,
                content_type="application/cloudevents+json",
                content_encoding="utf-8",
                headers={"ce-id": event["id"], "ce-type": event["type"]},
                properties={"delivery_mode": 2, "message_id": event["id"]},
            )
            channel.basic_publish(
                message, exchange=self.exchange.name, routing_key=routing_key(event)
            )
        deadline = time.monotonic() + self.CONFIRM_TIMEOUT
        while len(acked) < len(events) and time.monotonic() < deadline:
            connection.drain_events(timeout=max(0.1, deadline - time.monotonic()))
        channel.close()
        return {event["id"] for tag, event in enumerate(events, start=1) if acked.get(tag)}


# -- provisioning ------------------------------------------------------------------------


class ProvisioningFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class PartnerAccount:
    tenant: str
    name: str
    user: str
    password: str
    vhost: str
    exchange: str
    queue_prefix: str

    def amqp_uri(self, host: str = "127.0.0.1", port: int = 5672) -> str:
        vhost = "" if self.vhost == "/" else self.vhost
        return f"amqp://{self.user}:{self.password}@{host}:{port}/{vhost}"


def vhost_of(amqp_uri: str) -> str:
    path = unquote(urlparse(amqp_uri).path.lstrip("/"))
    return path or "/"


def _password() -> str:
    """A random password rabbitmqctl takes as an argument: never starting with '-', which it
    would read as an option (about one password in 64 did)."""
    return "p" + secrets.token_urlsafe(24)


def _rabbitmqctl(*args: str) -> str:
    try:
        done = subprocess.run(
            ["rabbitmqctl", "-q", *args], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ProvisioningFailed(f"rabbitmqctl unavailable: {exc}") from exc
    if done.returncode != 0:
        raise ProvisioningFailed(f"rabbitmqctl {args[0]}: {done.stderr.strip() or done.stdout}")
    return done.stdout


def create_partner(
    amqp_uri: str, tenant: str, name: str, exchange: str = PARTNER_EXCHANGE.name
) -> PartnerAccount:
    """A broker user for a partner of ``tenant``: its own queues, its tenant's keys only."""
    if not re.fullmatch(r"\d{2}", tenant):
        raise ValueError("tenant must be a 2-digit province code")
    if not PARTNER_NAME.fullmatch(name):
        raise ValueError("partner name: 2-41 lower-case letters, digits or '-'")
    vhost = vhost_of(amqp_uri)
    PartnerStream(amqp_uri, exchange).declare()  # partners bind to it before anything flows
    account = PartnerAccount(
        tenant=tenant,
        name=name,
        user=f"partner-{tenant}-{name}",
        password=_password(),
        vhost=vhost,
        exchange=exchange,
        queue_prefix=f"partner.{tenant}.{name}.",
    )
    own_queues = "^" + re.escape(account.queue_prefix) + ".*"
    exchange_re = re.escape(exchange)
    _rabbitmqctl("add_user", account.user, account.password)
    _rabbitmqctl(
        "set_permissions",
        "-p",
        vhost,
        account.user,
        own_queues,  # configure: declare and delete its own queues only
        own_queues,  # write: bind to its own queues (queue.bind needs write on the queue)
        f"^({re.escape(account.queue_prefix)}.*|{exchange_re})$",  # read: its queues, the exchange
    )
    tenant_keys = f"^{tenant}\\..*"
    _rabbitmqctl(
        "set_topic_permissions", "-p", vhost, account.user, exchange, tenant_keys, tenant_keys
    )
    return account


def partner_queues(amqp_uri: str, tenant: str, name: str) -> list[str]:
    """The queues a partner declared (``partner.<tenant>.<name>.*``) in the platform's vhost."""
    prefix = f"partner.{tenant}.{name}."
    listed = _rabbitmqctl("list_queues", "-p", vhost_of(amqp_uri), "--no-table-headers", "name")
    return sorted({line.strip() for line in listed.splitlines() if line.strip().startswith(prefix)})


def delete_partner(amqp_uri: str, tenant: str, name: str) -> list[str]:
    """The partner's user removed (its connections closed), then its queues (and so their
    bindings): nothing keeps filling for a partner that is gone. The queues deleted."""
    if not re.fullmatch(r"\d{2}", tenant) or not PARTNER_NAME.fullmatch(name):
        raise ValueError("tenant must be a 2-digit province code, name as at creation")
    user = f"partner-{tenant}-{name}"
    try:
        _rabbitmqctl("delete_user", user)
    except ProvisioningFailed as exc:
        if "no_such_user" not in str(exc) and "does not exist" not in str(exc):
            raise
    with suppress(ProvisioningFailed):  # RabbitMQ 3.11+ closes them on delete_user anyway
        _rabbitmqctl("close_all_user_connections", user, "partner removed")
    queues = partner_queues(amqp_uri, tenant, name)
    try:
        with Connection(amqp_uri) as connection:
            channel = connection.default_channel
            for queue in queues:
                channel.queue_delete(queue)
    except (KombuError, OSError, amqp.exceptions.AMQPError) as exc:
        raise ProvisioningFailed(f"queues of {user} not deleted: {exc!r}") from exc
    return queues
