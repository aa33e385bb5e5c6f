"""The use cases on the in-memory stores (tests/fakes_notification.py): receiving an event
plans its messages once, in its own province; replays, the delivery log and the settings the
gateway changes; reminders and the partner stream across provinces."""

from datetime import UTC, date, datetime

import pytest

from khuyenhoc.envelope import Envelope, new_event
from khuyenhoc.events import RECOGNISED, SCORED
from khuyenhoc.retry import RetryLater
from khuyenhoc.tenancy import UnitPath
from services.notification import service
from services.notification.domain import BUSY, CHANNELS, DEAD, PENDING
from services.notification.records import Change
from services.notification.reminders import plan_reminders
from tests.fakes_notification import Provinces, Stores

NOW = datetime(2024, 11, 20, 3, 0, tzinfo=UTC)


def recognised(path: str = "20/183/06184", subject: str = "hh-1") -> Envelope:
    return Envelope.from_dict(
        new_event(
            RECOGNISED,
            subject=f"assessment/{subject}",
            unit_path=UnitPath.parse(path),
            data={"subjectId": subject, "title": "FAMILY", "year": 2024},
        )
    )


def test_an_event_is_planned_once_for_its_subject_officers_and_partners():
    stores = Stores("20")
    stores.subscriptions.subscribe("183", "20/183", "Huyen@Example.vn", "Cán bộ", [])
    stores.subscriptions.subscribe("06187", "20/183/06187", "other@example.vn", "Cán bộ", [])
    stores.webhooks.register("portal", "https://portal.example.vn/", [])
    event = recognised()
    assert service.receive(stores, event, NOW)
    assert not service.receive(stores, event, NOW)  # delivered again: nothing new
    planned = stores.messages.log(UnitPath.parse("20"))
    assert sorted((m.recipient, m.channel, m.status) for m in planned) == [
        ("email:huyen@example.vn", "email", PENDING),
        ("subject:hh-1", "sms", PENDING),
        ("webhook:portal", "webhook", PENDING),
    ]
    assert {m.event_id for m in planned} == {event.id} and event.id in stores.inbox.planned


def test_a_delivery_arriving_while_another_plans_is_tried_again_later():
    stores = Stores("20")
    stores.inbox.receive = lambda event, now: BUSY
    with pytest.raises(RetryLater):
        service.receive(stores, recognised(), NOW)
    assert stores.messages.kept == {}


def test_replay_revives_the_dead_ones_asked_for_and_the_log_reads_a_subtree():
    stores = Stores("20")
    service.receive(stores, recognised(subject="hh-1"), NOW)
    service.receive(stores, recognised("20/183/06187", "hh-2"), NOW)
    ids = sorted(stores.messages.kept)
    for message_id in ids:
        stores.messages.update(message_id, Change(DEAD, "HTTP 500", tries=5))
    commune = service.delivery_log(stores, UnitPath.parse("20/183/06184"), first=0)
    assert [m.recipient for m in commune] == ["subject:hh-1"]  # at least one asked for
    assert len(service.delivery_log(stores, UnitPath.parse("20/183"))) == 2
    assert service.replay_dead(stores.messages, [ids[0], "msg-unknown"], NOW) == [ids[0]]
    assert stores.messages.get(ids[0]).status == PENDING
    assert stores.messages.get(ids[0]).attempts == 0
    assert service.replay_dead(stores.messages, None, NOW) == [ids[1]]


def test_the_settings_the_gateway_changes():
    stores = Stores("20")
    service.set_opt_out(stores, "subject:hh-1", "sms", True, NOW)
    assert service.opted_out(stores, "subject:hh-1", CHANNELS) == ["sms"]
    service.set_opt_out(stores, "subject:hh-1", "sms", False, NOW)
    assert service.opted_out(stores, "subject:hh-1", CHANNELS) == []

    found = service.subscribe(stores, "06184", "20/183/06184", "Xa@Example.vn", "  Cán  bộ ", [])
    assert (found.email, found.name, found.tenant) == ("xa@example.vn", "Cán bộ", "20")
    assert service.unsubscribe(stores, "06184", "XA@example.vn")
    assert not service.unsubscribe(stores, "06184", "xa@example.vn")

    created = service.register_webhook(stores, "portal", "https://a.example.vn/", [])
    assert created.created and created.secret == created.webhook.secret
    again = service.register_webhook(stores, "portal", "https://b.example.vn/", ["donated"])
    assert not again.created and again.secret is None
    assert again.webhook.url == "https://b.example.vn/"
    assert again.webhook.secret == created.webhook.secret  # kept when the URL changes


def test_reminders_are_planned_per_province_through_its_own_stores():
    provinces = Provinces()
    for tenant, code, path in (("20", "06184", "20/183/06184"), ("01", "00001", "01/001/00001")):
        provinces(tenant).subscriptions.subscribe(code, path, f"{code}@example.vn", "A", [])
    asked = []

    def deadlines(tenant, code, year):
        asked.append((tenant, code, year))
        if year != 2024:  # the 2024 dossier is due in January 2025
            return []
        return [{"title": "FAMILY", "dossier_due": "2025-01-10", "proposed": False}]

    assert plan_reminders(provinces, provinces, deadlines, date(2025, 1, 5), NOW) == 2
    assert plan_reminders(provinces, provinces, deadlines, date(2025, 1, 6), NOW) == 0
    for tenant, code in (("20", "06184"), ("01", "00001")):
        (message,) = provinces(tenant).messages.kept.values()
        assert (message.tenant, message.recipient) == (tenant, f"email:{code}@example.vn")
        assert message.data["daysLeft"] == 5
    assert ("01", "00001", 2024) in asked and ("20", "06184", 2025) in asked


class Publisher:
    def __init__(self, refuse=()):
        self.refuse, self.published = set(refuse), []

    def publish(self, events):
        self.published += events
        return {e["id"] for e in events if e["id"] not in self.refuse}


class Feed:
    """Every province's inbox, as the partner relay reads it."""

    def __init__(self, *stores):
        self.stores = stores

    def pending(self, limit):
        return [e for s in self.stores for e in s.inbox.events.values() if not e.data.get("out")][
            :limit
        ]

    def published(self, event_id):
        for s in self.stores:
            if event_id in s.inbox.events:
                event = s.inbox.events[event_id]
                s.inbox.events[event_id] = type(event)(**{**vars(event), "data": {"out": 1}})

    def published_many(self, event_ids):
        for event_id in event_ids:
            self.published(event_id)


def test_the_partner_stream_gets_every_province_and_only_confirmed_ones_are_done():
    lang_son, hanoi = Stores("20"), Stores("01")
    ours, theirs = recognised(), recognised("01/001/00001", "hh-9")
    service.receive(lang_son, ours, NOW)
    service.receive(hanoi, theirs, NOW)
    publisher = Publisher(refuse={theirs.id})
    feed = Feed(lang_son, hanoi)
    assert service.relay_partner_events(feed, publisher) == 1
    assert {e["tenant"] for e in publisher.published} == {"20", "01"}
    assert [e.id for e in feed.pending(10)] == [theirs.id]  # sent again next time
    assert service.relay_partner_events(Feed(), publisher) == 0


def scored(subject: str = "hh-1") -> Envelope:
    return Envelope.from_dict(
        new_event(
            SCORED,
            subject=f"assessment/{subject}",
            unit_path=UnitPath.parse("20/183/06184"),
            data={
                "enrolmentId": f"20-FAMILY-2024-{subject}",
                "subjectId": subject,
                "title": "FAMILY",
                "year": 2024,
                "stage": "self_assessment",
                "status": "recognised",
                "level": None,
                "total": 90,
            },
        )
    )


def test_a_batch_plans_each_event_once_and_partner_only_events_nobody_hooks_go_straight_out():
    stores = Stores("20")
    stream = Publisher()
    ours, duplicate_free = recognised(subject="hh-1"), recognised(subject="hh-2")
    score = scored()
    found = service.receive_many(stores, [ours, score, duplicate_free], NOW, stream)
    assert found == {ours.id: True, score.id: True, duplicate_free.id: True}
    assert [e["id"] for e in stream.published] == [score.id]  # not kept, on the stream
    assert score.id not in stores.inbox.events and ours.id in stores.inbox.planned
    assert {m.event_id for m in stores.messages.kept.values()} == {ours.id, duplicate_free.id}
    again = service.receive_many(stores, [ours], NOW, stream)
    assert again == {ours.id: False} and len(stores.messages.kept) == 2


def test_a_partner_only_event_a_webhook_wants_is_kept_and_planned_for_it():
    stores = Stores("20")
    stores.webhooks.register("portal", "https://portal.example.vn/", ["scored"])
    stream = Publisher()
    score = scored()
    assert service.receive_many(stores, [score], NOW, stream) == {score.id: True}
    assert stream.published == [] and score.id in stores.inbox.planned
    (message,) = stores.messages.kept.values()
    assert message.recipient == "webhook:portal"


def test_a_batch_whose_partner_events_are_not_confirmed_is_tried_again():
    score = scored()
    with pytest.raises(RetryLater):
        service.receive_many(Stores("20"), [score], NOW, Publisher(refuse={score.id}))
