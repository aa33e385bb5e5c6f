"""The channels, each a real protocol client: SMTP e-mail, an HTTP SMS-gateway API, signed
webhooks. A channel raises :class:`DeliveryFailed` (``permanent`` when trying again cannot
help, e.g. the gateway refused the number) and returns the provider's reference on success.

Where no endpoint is configured (a developer's ``make run``) a channel is *log-only*: it
logs that a message went out (the address masked, never the text: it names people) and records
it as sent by ``log``; the delivery log shows it. A failure keeps the HTTP status only, never
the answer's body (a webhook's answer is the partner's, and could be anyone's: see
:mod:`targets`).
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
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from services.notification.messages import TEXTS
from services.notification.signing import signed_headers
from services.notification.targets import TargetPolicy, TargetRefused

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
    """The status only: the body is the other side's and is never kept. 4xx but "too many" /
    "timeout" are the request's fault, and a redirect is never followed: sending it again will
    not help."""
    status = response.status_code
    permanent = (400 <= status < 500 and status not in (408, 429)) or 300 <= status < 400
    return DeliveryFailed(f"HTTP {status}", permanent)


def mask_phone(phone: str) -> str:
    """``0912345678`` → ``09******78``: enough to tell two numbers apart in a log."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 6:
        return "*" * len(digits)
    return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]


def mask_email(address: str) -> str:
    """``nguyen.van.a@gmail.com`` → ``n***@g***.com``."""
    local, _, domain = address.partition("@")
    host, _, top = domain.rpartition(".")
    return f"{local[:1]}***@{host[:1]}***.{top}" if host else f"{local[:1]}***"


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
            log.info("SMS (log-only) to %s, %d %s segment(s)", mask_phone(to), segments, encoding)
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
            log.info("E-mail (log-only) to %s, %d characters", mask_email(to), len(body))
            return LOG_ONLY
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:  # the reason is logged: no address
            codes = sorted({str(code) for code, _ in exc.recipients.values()})
            raise DeliveryFailed(f"recipient refused: {','.join(codes)}", permanent=True) from exc
        except smtplib.SMTPResponseException as exc:
            raise DeliveryFailed(f"SMTP {exc.smtp_code}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"SMTP: {type(exc).__name__}") from exc
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


def _guarded_pools(policy: TargetPolicy) -> dict[str, type[HTTPConnectionPool]]:
    """Connection pools whose connections check the address actually connected to before a
    byte is sent (a name that resolved to a public address a moment ago may not now)."""

    def checked(connection: HTTPConnection, sock: Any) -> Any:
        peer = str(sock.getpeername()[0])
        if not policy.address_allowed(connection.host, peer):
            sock.close()
            raise TargetRefused("webhook_private")
        return sock

    class GuardedHttp(HTTPConnection):
        def _new_conn(self) -> Any:
            return checked(self, super()._new_conn())

    class GuardedHttps(HTTPSConnection):
        def _new_conn(self) -> Any:
            return checked(self, super()._new_conn())

    class GuardedHttpPool(HTTPConnectionPool):
        ConnectionCls = GuardedHttp

    class GuardedHttpsPool(HTTPSConnectionPool):
        ConnectionCls = GuardedHttps

    return {"http": GuardedHttpPool, "https": GuardedHttpsPool}


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, policy: TargetPolicy) -> None:
        self.pools = _guarded_pools(policy)
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self.pools


class WebhookPoster:
    """POSTs the CloudEvent to a partner URL, signed (see :mod:`signing`), only to a target
    the deployment allows (:mod:`targets`: checked on the name's addresses, then on the
    connected address), without following redirects or proxies, keeping the status only."""

    def __init__(self, timeout: float = 10.0, policy: TargetPolicy | None = None) -> None:
        self.timeout = timeout
        self.policy = policy or TargetPolicy()

    def send(self, url: str, secret: str, body: bytes, reference: str) -> str:
        headers = {
            "Content-Type": "application/cloudevents+json; charset=utf-8",
            "X-Khuyenhoc-Delivery": reference,
            **signed_headers(secret, int(time.time()), body),
        }
        try:
            self.policy.check(url)
            with requests.Session() as session:
                session.trust_env = False  # no proxy from the environment: we check the peer
                adapter = _GuardedAdapter(self.policy)
                session.mount("http://", adapter)
                session.mount("https://", adapter)
                response = session.post(
                    url,
                    data=body,
                    headers=headers,
                    timeout=self.timeout,
                    allow_redirects=False,
                    stream=True,  # the body is never read
                )
                response.close()
        except TargetRefused as exc:
            raise DeliveryFailed(f"target refused: {exc.reason}", permanent=True) from exc
        except requests.RequestException as exc:
            raise DeliveryFailed(f"webhook unreachable: {type(exc).__name__}") from exc
        if not 200 <= response.status_code < 300:  # a redirect is not an answer
            raise _http_failure(response)
        return _reference(response.headers.get("X-Request-Id"))


def _reference(given: str | None) -> str:
    """The partner's request id if it looks like one, else ours."""
    if given and len(given) <= 64 and all(ch.isalnum() or ch in "-_.:" for ch in given):
        return given
    return str(uuid.uuid4())


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
            webhook=WebhookPoster(
                float(settings.get("WEBHOOK_TIMEOUT") or 10), TargetPolicy.from_config(config)
            ),
        )
