"""Who is told what, through which channel, and when: the notification rules (pure).

The routing table :data:`ROUTES` maps an event name to its routes: an audience (the subject
the event is about, the officers subscribed at its unit or above, the province's partner
webhooks) and a channel. Adding an event type is one entry here and one template file per
channel. Every message has a deterministic id from (event, recipient, channel), so an event
delivered again plans the same messages and nobody is told twice.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from khuyenhoc.envelope import CONTENT_TYPE, SPEC_VERSION
from khuyenhoc.events import ALL_EVENT_TYPES, DONATED, DONATED_V1
from khuyenhoc.vocabulary import TITLE_NAMES
from services.notification.messages import TEXTS
from services.notification.records import ReceivedEvent, Subscription, Webhook

SMS, EMAIL, WEBHOOK = "sms", "email", "webhook"
CHANNELS = (SMS, EMAIL, WEBHOOK)
SUBJECT, OFFICERS, PARTNERS = "subject", "officers", "partners"
DONOR = "donor"  # the person or organisation who gave to a Quỹ Khuyến học
RECEIPT = "receipt"  # the fund's receipt PDF (biên lai), attached to the donor's thank-you

# Message states. PENDING waits for ``next_at``; SENDING is leased to a worker until
# ``next_at``; SENT, DEAD (every try failed, or a permanent refusal) and SKIPPED (no contact,
# opted out) are final until an operator replays a DEAD one.
PENDING, SENDING, SENT, DEAD, SKIPPED = "PENDING", "SENDING", "SENT", "DEAD", "SKIPPED"
FINAL = frozenset({SENT, DEAD, SKIPPED})
# What the inbox tells a delivery of an event: plan its messages, they were planned before, or
# another delivery is planning them right now.
PLAN, DONE, BUSY = "plan", "done", "busy"

REMINDER = "reminder"  # not an event: the schedule's reminder of a deadline


@dataclass(frozen=True)
class Route:
    audience: str
    channel: str
    when: Callable[[Mapping[str, Any]], bool] | None = None  # on the event's data
    attach: str | None = None  # a document kind fetched at delivery (the fund's "receipt")

    def applies(self, data: Mapping[str, Any]) -> bool:
        return self.when is None or self.when(data)


# A household or citizen hears by SMS once a year, when it is recognised: an SMS costs money
# for every one of millions of registrations, and the decision is what the family waits for.
ROUTES: dict[str, tuple[Route, ...]] = {
    "registered": (Route(PARTNERS, WEBHOOK),),
    "withdrawn": (Route(PARTNERS, WEBHOOK),),
    "member.joined": (Route(PARTNERS, WEBHOOK),),
    "scored": (Route(PARTNERS, WEBHOOK),),
    # A recognition imported from past years (``imported``) is history: partners see it, nobody
    # is told by SMS or e-mail of a decision long gone.
    "recognised": (
        Route(SUBJECT, SMS, when=lambda data: not data.get("imported")),
        Route(OFFICERS, EMAIL, when=lambda data: not data.get("imported")),
        Route(PARTNERS, WEBHOOK),
    ),
    "revoked": (Route(SUBJECT, SMS), Route(PARTNERS, WEBHOOK)),
    # A donor is thanked privately, by e-mail with the receipt and by SMS, at the contacts the
    # donor gave (none given: the message is skipped); partners get the donation unnamed.
    "donated": (
        Route(DONOR, EMAIL, attach=RECEIPT),
        Route(DONOR, SMS),
        Route(PARTNERS, WEBHOOK),
    ),
    "disbursed": (Route(PARTNERS, WEBHOOK),),
    REMINDER: (Route(OFFICERS, EMAIL),),
}
# Audiences reached through a contact another service keeps (events carry no personal data):
# the audience names the event field with their id, and the recipient is "<audience>:<id>".
# A donor is asked of the fund by the donation (a donor has no identity across donations).
CONTACT_AUDIENCES: dict[str, str] = {SUBJECT: "subjectId", DONOR: "donationId"}
# What an officer's e-mail subscription covers unless it names its own list.
DEFAULT_OFFICER_EVENTS = ("recognised", REMINDER)

VERDICTS = {  # scoring's assessment statuses, as a sentence says them
    "recognised": TEXTS["verdict_recognised"],
    "not_recognised": TEXTS["verdict_not_recognised"],
    "undecidable": TEXTS["verdict_undecidable"],
}


@dataclass(frozen=True)
class Notice:
    """What the planner needs of an event (or a reminder)."""

    id: str
    name: str  # event name (routing key) or "reminder"
    tenant: str
    unitpath: str
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Planned:
    recipient: str  # "subject:<id>", "email:<address>", "webhook:<name>"
    channel: str
    template: str  # "<event>.<channel>"
    attach: str | None = None


def message_id(event_id: str, recipient: str, channel: str) -> str:
    """At most one message per (event, recipient, channel): the id is that triple's digest."""
    digest = hashlib.sha256(f"{event_id}\x1f{recipient}\x1f{channel}".encode()).hexdigest()
    return f"msg-{digest[:32]}"


def plan(
    notice: Notice,
    subscriptions: Iterable[Subscription],
    webhooks: Iterable[Webhook],
) -> list[Planned]:
    """The messages an event calls for; ``subscriptions`` are the officers' e-mail
    subscriptions at the event's unit and above, ``webhooks`` the province's partner URLs (both
    read from the event's province's stores, which hold nothing of another province)."""
    found: dict[tuple[str, str], Planned] = {}
    for route in ROUTES.get(notice.name, ()):
        if not route.applies(notice.data):
            continue
        for recipient in _audience(route.audience, notice, subscriptions, webhooks):
            key = (recipient, route.channel)
            template = f"{notice.name}.{route.channel}"
            found.setdefault(key, Planned(recipient, route.channel, template, route.attach))
    return list(found.values())


def _audience(
    audience: str,
    notice: Notice,
    subscriptions: Iterable[Subscription],
    webhooks: Iterable[Webhook],
) -> list[str]:
    if audience in CONTACT_AUDIENCES:
        who = notice.data.get(CONTACT_AUDIENCES[audience])
        return [f"{audience}:{who}"] if who else []
    if audience == OFFICERS:
        return sorted(
            {
                f"email:{s.email}"
                for s in subscriptions
                if notice.name in (s.events or DEFAULT_OFFICER_EVENTS)
            }
        )
    if audience == PARTNERS:
        return sorted(
            f"webhook:{w.name}"
            for w in webhooks
            if w.active and (not w.events or notice.name in w.events)
        )
    raise ValueError(f"unknown audience {audience!r}")


# -- what partners may see ---------------------------------------------------------------

EVENT_KINDS = {kind.type: kind for kind in ALL_EVENT_TYPES}
# Majors no longer published, and the current major partners receive them as.
RETIRED = {DONATED_V1.type: DONATED}


def for_partners(event_name: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """An event's data as partner systems receive it (stream and webhooks). Events carry no
    personal data since ``donated`` v2; one received as v1 before the upgrade (the donor's
    name, e-mail, phone) is reduced to v2's donor, its kind."""
    if event_name != "donated" or not isinstance(data.get("donor"), Mapping):
        return dict(data)
    return {**data, "donor": {"kind": data["donor"].get("kind")}}


def cloud_event(event: ReceivedEvent) -> dict[str, Any]:
    """The event as partners receive it (stream and webhooks), from the inbox: the structured
    CloudEvent its producer published (a retired major as its current one)."""
    kind = EVENT_KINDS.get(event.type) or RETIRED[event.type]
    return {
        "specversion": SPEC_VERSION,
        "id": event.id,
        "source": kind.source,
        "type": kind.type,
        "time": event.time,
        "subject": event.subject,
        "datacontenttype": CONTENT_TYPE,
        "dataschema": kind.dataschema,
        "tenant": event.tenant,
        "unitpath": event.unitpath,
        "data": for_partners(kind.name, event.data),
    }


# -- rendering ---------------------------------------------------------------------------


class TemplateProblem(ValueError):
    """A template names a value the message does not have, or is missing."""


def context(name: str, data: Mapping[str, Any], contact: Mapping[str, Any]) -> dict[str, str]:
    """The values templates may use (``${name}``), in Vietnamese where they are words."""
    values: dict[str, Any] = {
        "name": contact.get("name") or "",
        "unit_name": contact.get("unit_name") or data.get("unitName") or data.get("unitCode") or "",
        "title_name": TITLE_NAMES.get(str(data.get("title")), str(data.get("title") or "")),
        "year": data.get("year", ""),
        "decision_number": data.get("decisionNumber") or "",
        "decision_date": _vn_date(data.get("decisionDate")),
        "signer": data.get("signer") or "",
        "level_text": _level_text(data.get("level")),
        "valid_until": _vn_date(data.get("validUntil")),
        "verdict": VERDICTS.get(str(data.get("status")), str(data.get("status") or "")),
        "total": "" if data.get("total") is None else data["total"],
        "due_date": _vn_date(data.get("dueDate")),
        "days_left": data.get("daysLeft", ""),
        "what": data.get("what") or "",
        "reason": data.get("reason") or "",
        "amount": vn_amount(data.get("amount")),
        "receipt_number": data.get("receiptNumber") or "",
        "received_on": _vn_date(data.get("receivedOn")),
    }
    return {key: str(value) for key, value in values.items()}


def _level_text(level: Any) -> str:
    return TEXTS["level_text"].format(level=level) if level else ""


def render(template: str, values: Mapping[str, str]) -> str:
    """``${placeholder}`` substitution: no attribute access or code in tenant-edited files."""
    try:
        return string.Template(template).substitute(values).strip()
    except (KeyError, ValueError) as exc:
        raise TemplateProblem(f"template uses an unknown or malformed placeholder: {exc}") from exc


def email_parts(rendered: str) -> tuple[str, str]:
    """An e-mail template's first line is the subject, the rest (after a blank line) the body."""
    subject, _, body = rendered.partition("\n")
    return subject.strip(), body.strip() + "\n"


def vn_amount(value: Any) -> str:
    """An amount of đồng (the events' decimal string) as Vietnamese write it: "5000000000" →
    "5.000.000.000 đồng". Exact at any size: digits are grouped, never passed through a float."""
    digits = str(value).strip() if value is not None else ""
    if not (digits.isascii() and digits.isdigit()):
        return digits
    return TEXTS["amount"].format(amount=f"{int(digits):,}".replace(",", "."))


def _vn_date(value: Any) -> str:
    if not value:
        return ""
    try:
        return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


# -- when --------------------------------------------------------------------------------


def retry_delay(attempt: int, base: float, cap: float, rng: Callable[[], float]) -> float:
    """Exponential backoff with (equal) jitter: between half and all of ``base·2^(n-1)``,
    capped, so failing deliveries spread out instead of retrying in lock-step."""
    ceiling: float = min(cap, base * 2.0 ** max(0, attempt - 1))
    return ceiling / 2 + rng() * ceiling / 2


@dataclass(frozen=True)
class QuietHours:
    """A nightly window (local time) when no SMS is sent; messages wait for its end."""

    start: time
    end: time
    zone: tzinfo

    @classmethod
    def parse(cls, window: str | None, zone: tzinfo) -> QuietHours | None:
        """``"21:00-07:00"``; empty or ``off`` for none."""
        if not window or str(window).strip().lower() in ("off", "none", "false"):
            return None
        start, _, end = str(window).partition("-")
        return cls(time.fromisoformat(start.strip()), time.fromisoformat(end.strip()), zone)

    def ends(self, now: datetime) -> datetime | None:
        """When the window holding ``now`` ends (UTC), or None when ``now`` is outside it."""
        local = now.astimezone(self.zone)
        clock = local.time().replace(tzinfo=None)
        overnight = self.start > self.end
        inside = (
            (clock >= self.start or clock < self.end)
            if overnight
            else (self.start <= clock < self.end)
        )
        if not inside:
            return None
        end = datetime.combine(local.date(), self.end, tzinfo=self.zone)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(UTC)
