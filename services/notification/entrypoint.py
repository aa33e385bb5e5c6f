"""The nameko face of notification: consumes events, runs the delivery and partner-stream
workers on timers, answers the delivery log and its settings over RPC. Each method loads its
request (``schemas``), builds the province's stores, calls a use case (``service``) and dumps
the answer; nothing more."""

from __future__ import annotations

import random
import time
from datetime import UTC, date, datetime
from typing import Any

import eventlet
from nameko.dependency_providers import Config
from nameko.timer import timer

from khuyenhoc.batching import consumes_batch
from khuyenhoc.envelope import Envelope
from khuyenhoc.events import (
    DISBURSED,
    DONATED,
    MEMBER_JOINED,
    RECOGNISED,
    REGISTERED,
    REVOKED,
    SCORED,
    WITHDRAWN,
)
from khuyenhoc.messaging import DUPLICATE, PROCESSED
from khuyenhoc.metrics import NOTIFICATIONS
from khuyenhoc.rpc import TimedRpcProxy, rpc
from khuyenhoc.storage import MongoDatabase
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.timers import idle_timer
from khuyenhoc.validation import answered
from khuyenhoc.web import ObservableService
from services.notification import delivery, reminders, service, store
from services.notification.channels import Channels
from services.notification.domain import CHANNELS, DONOR, SUBJECT
from services.notification.inbox_store import AllTenantsPartnerFeed
from services.notification.lookups import RpcContacts, RpcDocuments
from services.notification.partners import PartnerStream, exchange_name
from services.notification.schemas import (
    LOG_ENTRIES,
    MESSAGES,
    OPT_OUT,
    SUBSCRIPTION,
    WEBHOOK,
    OptOutSchema,
    SubscriptionSchema,
    UnsubscribeSchema,
    WebhookSchema,
)

DELIVERY_SECONDS = 1.0
PARTNER_SECONDS = 1.0
# The slowest polls while there is nothing to do: a message or a partner event waits at most
# this long after an idle spell (the pace is back to the above as soon as one is found).
IDLE_DELIVERY_SECONDS = 4.0
IDLE_PARTNER_SECONDS = 4.0
PARTNER_BATCH = 500  # events per confirmed publish to the partner stream
REMINDER_SECONDS = 3600.0
SENDERS = 10  # messages sent at once by one delivery worker
EVENT_BATCH = 200  # events consumed per call


class NotificationService(ObservableService):
    name = "notification"

    config = Config()
    db = MongoDatabase(prepare=store.prepare)
    registration = TimedRpcProxy("registration")
    scoring = TimedRpcProxy("scoring")
    fund = TimedRpcProxy("fund")

    # One line per event type; who is told what is decided by domain.ROUTES. Events come in
    # batches (khuyenhoc.batching), each province's share received in a few writes.
    @consumes_batch(REGISTERED, size=EVENT_BATCH)
    def on_registered(self, events: list[Envelope]) -> dict[str, str]:
        return self._receive(events)

    @consumes_batch(WITHDRAWN, size=EVENT_BATCH)
    def on_withdrawn(self, events: list[Envelope]) -> dict[str, str]:
        return self._receive(events)

    @consumes_batch(MEMBER_JOINED, size=EVENT_BATCH)
    def on_member_joined(self, events: list[Envelope]) -> dict[str, str]:
        return self._receive(events)

    @consumes_batch(SCORED, size=EVENT_BATCH)
    def on_scored(self, events: list[Envelope]) -> dict[str, str]:
        return self._receive(events)

    @consumes_batch(RECOGNISED, size=EVENT_BATCH)
    def on_recognised(self, events: list[Envelope]) -> dict[str, str]:
        return self._receive(events)

    @consumes_batch(REVOKED, size=EVENT_BATCH)
    def on_revoked(self, events: list[Envelope]) -> dict[str, str]:
        return self._receive(events)

    @consumes_batch(DONATED, size=EVENT_BATCH)
    def on_donated(self, events: list[Envelope]) -> dict[str, str]:
        return self._receive(events)

    @consumes_batch(DISBURSED, size=EVENT_BATCH)
    def on_disbursed(self, events: list[Envelope]) -> dict[str, str]:
        return self._receive(events)

    def _receive(self, events: list[Envelope]) -> dict[str, str]:
        by_tenant: dict[str, list[Envelope]] = {}
        for event in events:
            by_tenant.setdefault(event.tenant, []).append(event)
        stream = PartnerStream(self.config["AMQP_URI"], exchange_name(self.config))
        outcomes: dict[str, str] = {}
        for tenant, own in by_tenant.items():
            created = service.receive_many(self._stores(tenant), own, datetime.now(UTC), stream)
            outcomes.update({eid: PROCESSED if new else DUPLICATE for eid, new in created.items()})
        return outcomes

    @idle_timer(interval=DELIVERY_SECONDS, idle_interval=IDLE_DELIVERY_SECONDS)
    def deliver(self) -> bool:
        """Send what is due (leased, so several workers or replicas never send one twice);
        while nothing is due it polls less often (True: it sent or tried something)."""
        worker = delivery.Delivery(
            store.AllTenantsDueMessages(self.db),
            self._stores,
            Channels.from_config(self.config),
            RpcContacts({SUBJECT: self.registration, DONOR: self.fund}),
            delivery.Settings.from_config(self.config),
            rng=random.random,
            parallel=eventlet.GreenPool(SENDERS).imap,
            documents=RpcDocuments(self.fund),
        )
        outcomes = worker.run()
        for channel, tenant, outcome in outcomes:
            NOTIFICATIONS.labels(channel, tenant, outcome).inc()
        return bool(outcomes)

    @idle_timer(interval=PARTNER_SECONDS, idle_interval=IDLE_PARTNER_SECONDS)
    def relay_partner_events(self) -> bool:
        """Republish received events to partners; polls less often while there is none
        (True: it relayed some)."""
        stream = PartnerStream(self.config["AMQP_URI"], exchange_name(self.config))
        feed = AllTenantsPartnerFeed(self.db)
        ends = time.monotonic() + PARTNER_SECONDS
        # a backlog (a wave of recognitions) goes on at once instead of one batch a tick
        relayed = last = service.relay_partner_events(feed, stream, PARTNER_BATCH)
        while last == PARTNER_BATCH and time.monotonic() <= ends:
            last = service.relay_partner_events(feed, stream, PARTNER_BATCH)
            relayed += last
        return relayed > 0

    @timer(interval=REMINDER_SECONDS, eager=True)
    def remind(self) -> None:
        """Deadline reminders to the officers subscribed at each unit (once per deadline)."""
        self.send_reminders(date.today().isoformat())

    @rpc
    def send_reminders(self, today: str) -> int:
        """Plan the reminders due on ``today`` (ISO date); returns how many are new."""
        return reminders.plan_reminders(
            store.AllTenantsSubscribedUnits(self.db),
            self._stores,
            lambda tenant, code, year: self.scoring.deadlines(tenant, code, year),
            date.fromisoformat(today),
            datetime.now(UTC),
        )

    # -- RPC for the gateway and operators --------------------------------------------------

    @rpc
    def delivery_log(
        self,
        tenant: str,
        unit_path: str,
        recipient: str | None = None,
        event_id: str | None = None,
        status: str | None = None,
        first: int = 50,
    ) -> list[dict[str, Any]]:
        """Messages at or below a unit of ``tenant``, newest first."""
        found = service.delivery_log(
            self._stores(tenant), UnitPath.parse(unit_path), recipient, event_id, status, first
        )
        return list(LOG_ENTRIES.dump(found))

    @rpc
    def set_opt_out(self, payload: dict[str, Any]) -> dict[str, Any]:
        """``{tenant, recipient: "subject:<id>" | "email:<address>", channel, optedOut}``."""

        def run() -> dict[str, Any]:
            data = MESSAGES.load(OptOutSchema(), payload)
            service.set_opt_out(
                self._stores(data["tenant"]),
                data["recipient"],
                data["channel"],
                data["opted_out"],
                datetime.now(UTC),
            )
            return {"optOut": OPT_OUT.dump(data)}

        return answered(run)

    @rpc
    def opted_out(self, tenant: str, recipient: str) -> list[str]:
        return service.opted_out(self._stores(tenant), recipient, CHANNELS)

    @rpc
    def subscribe(self, payload: dict[str, Any]) -> dict[str, Any]:
        """An officer's e-mail subscription at a unit (recognitions and reminders by default):
        ``{tenant, unitCode, unitPath, unitName, email, name, events}``."""

        def run() -> dict[str, Any]:
            data = MESSAGES.load(SubscriptionSchema(), payload)
            found = service.subscribe(
                self._stores(data["tenant"]),
                data["unit_code"],
                data["unit_path"],
                data["email"],
                data["name"],
                data["events"],
                data["unit_name"],
            )
            return {"subscription": SUBSCRIPTION.dump(found)}

        return answered(run)

    @rpc
    def unsubscribe(self, payload: dict[str, Any]) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            data = MESSAGES.load(UnsubscribeSchema(), payload)
            stores = self._stores(data["tenant"])
            return {"removed": service.unsubscribe(stores, data["unit_code"], data["email"])}

        return answered(run)

    @rpc
    def register_webhook(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A partner URL of a tenant (``{tenant, name, url, events}``); its signing secret is
        in the answer only when the webhook is created."""

        def run() -> dict[str, Any]:
            data = MESSAGES.load(WebhookSchema(), payload)
            registered = service.register_webhook(
                self._stores(data["tenant"]), data["name"], data["url"], data["events"]
            )
            return {"webhook": WEBHOOK.dump(registered)}

        return answered(run)

    @rpc
    def replay(self, tenant: str, message_ids: list[str] | None = None) -> list[str]:
        """DEAD messages of ``tenant`` (all, or those named) are sent again."""
        messages = self._stores(tenant).messages
        return service.replay_dead(messages, message_ids, datetime.now(UTC))

    def _stores(self, tenant: str) -> store.Stores:
        """The province's stores: they see nothing of another province."""
        return store.Stores.of(self.db, tenant)
