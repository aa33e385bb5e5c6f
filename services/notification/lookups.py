"""What a message needs of other services at delivery time, asked over RPC: recipients'
contacts (events carry no personal data) and the documents a message carries. Both fit the use
cases' ``Contacts`` and ``Documents`` protocols; the entrypoint hands them its RPC proxies."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import eventlet

from services.notification.channels import Attachment
from services.notification.domain import RECEIPT, SUBJECT

CONTACT_TIMEOUT = 10.0
DOCUMENT_TIMEOUT = 30.0  # a receipt PDF is rendered on request


class RpcContacts:
    """Recipients' contacts, asked at delivery time (events carry none) of the service that
    keeps them: ``<service>.contact(tenant, id)`` per audience of domain.CONTACT_AUDIENCES."""

    def __init__(self, sources: dict[str, Any]) -> None:
        self.sources = sources

    def lookup(self, tenant: str, audience: str, who: str) -> dict[str, Any] | None:
        try:
            with eventlet.Timeout(CONTACT_TIMEOUT):
                return self.sources[audience].contact(tenant, who)
        except eventlet.Timeout as exc:
            raise TimeoutError(f"no contact answer for {audience}") from exc

    def lookup_many(
        self, tenant: str, audience: str, whos: list[str]
    ) -> dict[str, dict[str, Any]] | None:
        """Many contacts in one request, where the source answers many (``contacts``);
        None for an audience asked one at a time."""
        method = MANY.get(audience)
        if method is None:
            return None
        try:
            with eventlet.Timeout(CONTACT_TIMEOUT):
                found = getattr(self.sources[audience], method)(tenant, whos)
        except eventlet.Timeout as exc:
            raise TimeoutError(f"no contacts answer for {audience}") from exc
        return dict(found or {})


MANY = {SUBJECT: "contacts"}  # audience -> its source's RPC answering many at once


class MissingDocument(LookupError):
    """The owning service has no such document (yet): the message is tried again, then DEAD
    with this reason; it is never sent without the document its text announces."""


class RpcDocuments:
    """Documents a message carries, asked at delivery of the service that keeps them: for
    ``receipt``, the fund's ``receipt(tenant, donationId)`` (its PDF as base64)."""

    def __init__(self, fund: Any) -> None:
        self.fund = fund

    def fetch(self, tenant: str, kind: str, data: dict[str, Any]) -> list[Attachment]:
        if kind != RECEIPT:
            raise KeyError(kind)
        donation = data.get("donationId")
        try:
            with eventlet.Timeout(DOCUMENT_TIMEOUT):
                found = self.fund.receipt(tenant, donation)
        except eventlet.Timeout as exc:
            raise TimeoutError(f"no receipt answer for donation {donation}") from exc
        if not found or not found.get("content"):
            raise MissingDocument(f"the fund has no receipt of donation {donation}")
        try:
            content = base64.b64decode(found["content"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise MissingDocument(f"the receipt of donation {donation} is unreadable") from exc
        number = found.get("receiptNumber") or data.get("receiptNumber") or donation
        return [Attachment(f"bien-lai-{number}.pdf", "application/pdf", content)]
