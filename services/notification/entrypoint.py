"""The notification service: receives the events people must hear about into its inbox.
Channels (SMS, e-mail, webhooks), templates and the partner stream arrive with their issue."""

from __future__ import annotations

from datetime import UTC, datetime

from khuyenhoc.envelope import Envelope
from khuyenhoc.events import (
    DISBURSED,
    DONATED,
    MEMBER_JOINED,
    RECOGNISED,
    REGISTERED,
    SCORED,
    WITHDRAWN,
)
from khuyenhoc.messaging import DUPLICATE, PROCESSED, consumes
from khuyenhoc.storage import MongoDatabase
from khuyenhoc.web import ObservableService
from services.notification import inbox


class NotificationService(ObservableService):
    name = "notification"

    db = MongoDatabase(prepare=inbox.prepare)

    @consumes(REGISTERED)
    def on_registered(self, event: Envelope) -> str:
        return self._receive(event)

    @consumes(WITHDRAWN)
    def on_withdrawn(self, event: Envelope) -> str:
        return self._receive(event)

    @consumes(MEMBER_JOINED)
    def on_member_joined(self, event: Envelope) -> str:
        return self._receive(event)

    @consumes(SCORED)
    def on_scored(self, event: Envelope) -> str:
        return self._receive(event)

    @consumes(RECOGNISED)
    def on_recognised(self, event: Envelope) -> str:
        return self._receive(event)

    @consumes(DONATED)
    def on_donated(self, event: Envelope) -> str:
        return self._receive(event)

    @consumes(DISBURSED)
    def on_disbursed(self, event: Envelope) -> str:
        return self._receive(event)

    def _receive(self, event: Envelope) -> str:
        return PROCESSED if inbox.receive(self.db, event, datetime.now(UTC)) else DUPLICATE
