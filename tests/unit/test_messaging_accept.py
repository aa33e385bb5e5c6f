"""What a consumer accepts and what it dead-letters, decided before any I/O."""

from datetime import UTC, datetime

import pytest

from khuyenhoc.events import REGISTERED
from khuyenhoc.messaging import PoisonMessage, accept_event
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.topology import SUBSCRIPTIONS, is_subscribed, subscriber_queues
from services.registration.enrolment.domain import Enrolment, SubjectKind, Title

KNOWN = frozenset({"20"})


def event(**changes):
    base = Enrolment(
        "hh-1", SubjectKind.HOUSEHOLD, Title.FAMILY, 2024, UnitPath.parse("20/183/06184")
    ).registered_event(datetime.now(UTC))
    return {**base, **changes}


def test_valid_event_is_accepted():
    envelope = accept_event(event(), REGISTERED, KNOWN)
    assert envelope.tenant == "20" and str(envelope.unitpath) == "20/183/06184"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not an object", "not a JSON object"),
        (event(type="vn.khuyenhoc.registration.registered.v2"), "unsupported event type"),
        (event(tenant="01", unitpath="01/001/00001"), "unknown tenant"),
        (event(data={"year": 2024}), "data"),
        ({k: v for k, v in event().items() if k != "tenant"}, "tenant"),
    ],
)
def test_poison_is_named(body, reason):
    with pytest.raises(PoisonMessage, match=reason):
        accept_event(body, REGISTERED, KNOWN)


def test_every_subscription_has_a_durable_queue_named_like_nameko():
    assert is_subscribed(REGISTERED, "scoring", "on_registered")
    for kind in SUBSCRIPTIONS:
        for queue in subscriber_queues(kind, {}):
            assert queue.durable and not queue.auto_delete
            assert queue.name.startswith(f"evt-{kind.service}-{kind.name}--")
            assert queue.exchange.name == f"{kind.service}.events"
