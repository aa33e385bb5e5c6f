"""The channels, each a real protocol client: SMTP e-mail, an HTTP SMS-gateway API, signed
webhooks. A channel raises :class:`DeliveryFailed` (``permanent`` when trying again cannot
help, e.g. the gateway refused the number) and returns the provider's reference on success.

Where no endpoint is configured (a developer's ``make run``) a channel is *log-only*: it
writes the message to the log and records it as sent by ``log``; the delivery log shows it.
"""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
import time
import uuid
from dataclasses import dataclass
from email import encoders
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, make_msgid
from typing import Any

import requests

from services.notification.messages import TEXTS
from services.notification.signing import signed_headers

log = logging.getLogger(__name__)
LOG_ONLY = "log"


class DeliveryFailed(Exception):
    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


@dataclass(frozen=True)
class Attachment:
    file_name: str
    content_type: str
    content: bytes


def _http_failure(response: requests.Response) -> DeliveryFailed:
    # 4xx but "too many"/"timeout" are the request's fault: sending it again will not help.
    permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 429)
    return DeliveryFailed(f"HTTP {response.status_code}: {response.text[:200]}", permanent)


def international(phone: str) -> str:
    """Vietnamese numbers in E.164: 0912345678 → +84912345678."""
    digits = phone.strip().replace(" ", "")
    return "+84" + digits[1:] if digits.startswith("0") else digits


class SmsGateway:
    """JSON over HTTPS: ``POST <url>`` with ``Authorization: Bearer <key>`` and
    ``{"from", "to", "text", "encoding", "segments", "reference"}``; the answer's ``id`` is
    the provider's reference. ``reference`` (our message id) lets the gateway drop a repeat."""

    def __init__(self, url: str, api_key: str, sender: str, timeout: float = 10.0) -> None:
        self.url, self.api_key, self.sender, self.timeout = url, api_key, sender, timeout

    def send(self, to: str, text: str, encoding: str, segments: int, reference: str) -> str:
        if not self.url:
            log.info("SMS (log-only) to %s, %d %s segment(s): %s", to, segments, encoding, text)
            return LOG_ONLY
        payload = {
            "from": self.sender,
            "to": international(to),
            "text": text,
            "encoding": encoding,
            "segments": segments,
            "reference": reference,
        }
        try:
            response = requests.post(
                self.url,
                data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "Authorization": f"Bearer {self.api_key}",
                },
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise DeliveryFailed(f"SMS gateway unreachable: {exc}") from exc
        if not response.ok:
            raise _http_failure(response)
        try:
            return str(response.json().get("id") or reference)
        except ValueError:
            return reference


class SmtpMailer:
    """E-mail over SMTP (smtplib): STARTTLS when configured, login when a user is given."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        username: str = "",
        password: str = "",
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password = username, password
        self.starttls, self.timeout = starttls, timeout

    def send(
        self,
        to: str,
        subject: str,
        body: str,
        reference: str,
        attachments: tuple[Attachment, ...] = (),
    ) -> str:
        message = _mime(self.sender, to, subject, body, reference, attachments)
        if not self.host:
            log.info("E-mail (log-only) to %s: %s", to, subject)
            return LOG_ONLY
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryFailed(f"recipient refused: {exc.recipients}", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"SMTP: {exc}") from exc
        return str(message["Message-ID"])


def _mime(
    sender: str,
    to: str,
    subject: str,
    body: str,
    reference: str,
    attachments: tuple[Attachment, ...],
) -> MIMEMultipart:
    """The MIME message. Built with the ``email.mime`` classes and ``Header``: the newer
    ``EmailMessage`` folds a long Vietnamese subject into encoded words and drops the space
    between them ("nộp hồ sơ" arrives as "nộphồ sơ", Python 3.11)."""
    message = MIMEMultipart()
    message["From"] = formataddr((TEXTS["sender_name"], sender), charset="utf-8")
    message["To"] = to
    message["Subject"] = Header(subject, "utf-8")  # type: ignore[assignment]  # typeshed: str only
    message["Message-ID"] = make_msgid(idstring=reference, domain="khuyenhoc.invalid")
    message["X-Khuyenhoc-Message"] = reference
    message.attach(MIMEText(body, "plain", "utf-8"))
    for item in attachments:
        main, _, sub = item.content_type.partition("/")
        part = MIMEBase(main or "application", sub or "octet-stream")
        part.set_payload(item.content)
        encoders.encode_base64(part)
        name = item.file_name if item.file_name.isascii() else ("utf-8", "", item.file_name)
        part.add_header("Content-Disposition", "attachment", filename=name)
        message.attach(part)
    return message


class WebhookPoster:
    """POSTs the CloudEvent to a partner URL, signed (see :mod:`signing`)."""

    def __init__(self, timeout: float = 10.0) -> None:
        self.timeout = timeout

    def send(self, url: str, secret: str, body: bytes, reference: str) -> str:
        headers = {
            "Content-Type": "application/cloudevents+json; charset=utf-8",
            "X-Khuyenhoc-Delivery": reference,
            **signed_headers(secret, int(time.time()), body),
        }
        try:
            response = requests.post(url, data=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise DeliveryFailed(f"webhook unreachable: {exc}") from exc
        if not response.ok:
            raise _http_failure(response)
        return response.headers.get("X-Request-Id") or str(uuid.uuid4())


@dataclass(frozen=True)
class Channels:
    sms: SmsGateway
    email: SmtpMailer
    webhook: WebhookPoster

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Channels:
        settings = config.get("NOTIFICATION") or {}
        sms = settings.get("SMS") or {}
        smtp = settings.get("SMTP") or {}
        return cls(
            sms=SmsGateway(
                str(sms.get("URL") or ""),
                str(sms.get("API_KEY") or ""),
                str(sms.get("SENDER") or "KHUYENHOC"),
                float(sms.get("TIMEOUT") or 10),
            ),
            email=SmtpMailer(
                str(smtp.get("HOST") or ""),
                int(smtp.get("PORT") or 25),
                str(smtp.get("FROM") or "khuyenhoc@localhost"),
                str(smtp.get("USERNAME") or ""),
                str(smtp.get("PASSWORD") or ""),
                str(smtp.get("STARTTLS") or "").lower() in ("1", "true", "yes"),
                float(smtp.get("TIMEOUT") or 10),
            ),
            webhook=WebhookPoster(float(settings.get("WEBHOOK_TIMEOUT") or 10)),
        )
