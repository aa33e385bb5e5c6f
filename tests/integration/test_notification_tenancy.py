"""Every notification store, built for one province, handed an id or key of another province:
finds nothing and changes nothing (on the server the tests run on)."""

from datetime import UTC, datetime

import pytest

from khuyenhoc.envelope import Envelope
from khuyenhoc.storage import service_database
from khuyenhoc.tenancy import UnitPath
from services.notification.domain import DEAD, PLAN, Notice
from services.notification.records import Change
from services.notification.service import replay_dead, schedule
from services.notification.store import Stores, prepare
from tests.integration.helpers import registered_event

NOW = datetime(2024, 11, 20, 3, 0, tzinfo=UTC)
HANOI_PATH = "01/001/00001"


@pytest.fixture
def db(config):
    db = service_database(config, "notification")
    prepare(db)
    return db


@pytest.fixture
def hanoi(db):
    """Province 01 with one of everything."""
    stores = Stores.of(db, "01")
    event = Envelope.from_dict(registered_event("hh-01", HANOI_PATH))
    assert stores.inbox.receive(event, NOW) == PLAN
    notice = Notice(event.id, "recognised", "01", HANOI_PATH, {"subjectId": "hh-01"})
    stores.subscriptions.subscribe("00001", HANOI_PATH, "hn@example.vn", "Cán bộ", [])
    hook, _ = stores.webhooks.register("portal", "https://hn.example.vn/", [])
    assert schedule(stores, notice, NOW) == 3  # the subject, the officer, the partner
    for message in stores.messages.log(UnitPath.parse("01")):
        stores.messages.update(message.id, Change(DEAD, "HTTP 500", tries=5))
    stores.optouts.set("subject:hh-01", "sms", True, NOW)
    return {"stores": stores, "event": event, "hook": hook}


@pytest.fixture
def lang_son(db):
    return Stores.of(db, "20")


def snapshot(db) -> dict[str, list[dict]]:
    return {
        name: sorted(db[name].find({}), key=lambda d: d["_id"])
        for name in ("inbox", "messages", "subscriptions", "webhooks", "optouts")
    }


def test_messages_of_another_province_are_never_read_changed_or_replayed(db, hanoi, lang_son):
    before = snapshot(db)
    theirs = hanoi["stores"].messages.log(UnitPath.parse("01"))
    assert len(theirs) == 3
    for message in theirs:
        assert lang_son.messages.get(message.id) is None
        lang_son.messages.update(message.id, Change("SENT", tries=1))
        assert not lang_son.messages.revive(message.id, NOW.timestamp(), NOW.isoformat())
    assert lang_son.messages.log(UnitPath.parse("01")) == []
    assert lang_son.messages.log(UnitPath.parse(HANOI_PATH)) == []
    assert lang_son.messages.dead() == []
    assert replay_dead(lang_son.messages, [m.id for m in theirs], NOW) == []
    assert snapshot(db) == before


def test_the_inbox_of_another_province_is_never_read_or_marked(db, hanoi, lang_son):
    before = snapshot(db)
    event = hanoi["event"]
    assert lang_son.inbox.get(event.id) is None
    lang_son.inbox.mark_planned(event.id)
    assert snapshot(db) == before
    assert hanoi["stores"].inbox.get(event.id).tenant == "01"


def test_subscriptions_webhooks_and_opt_outs_of_another_province_stay_theirs(db, hanoi, lang_son):
    before = snapshot(db)
    assert lang_son.subscriptions.along(UnitPath.parse(HANOI_PATH)) == []
    assert not lang_son.subscriptions.unsubscribe("00001", "hn@example.vn")
    assert lang_son.webhooks.get("portal") is None
    assert lang_son.webhooks.all() == []
    assert not lang_son.optouts.has("subject:hh-01", "sms")
    assert lang_son.optouts.has_many([("subject:hh-01", "sms")]) == set()
    lang_son.optouts.set("subject:hh-01", "sms", False, NOW)  # removes only its own
    assert snapshot(db) == before

    # the same names in province 20 are province 20's own documents, apart
    hook, created = lang_son.webhooks.register("portal", "https://ls.example.vn/", [])
    assert created and hook.secret != hanoi["hook"].secret
    assert hanoi["stores"].webhooks.get("portal").url == "https://hn.example.vn/"
    lang_son.subscriptions.subscribe("00001", HANOI_PATH, "hn@example.vn", "Khác", [])
    (theirs,) = hanoi["stores"].subscriptions.along(UnitPath.parse(HANOI_PATH))
    assert theirs.name == "Cán bộ"
    assert hanoi["stores"].optouts.has("subject:hh-01", "sms")
    asked = [("subject:hh-01", "sms"), ("subject:hh-01", "email"), ("subject:hh-02", "sms")]
    assert hanoi["stores"].optouts.has_many(asked) == {("subject:hh-01", "sms")}


def test_an_event_of_another_province_is_planned_nowhere_else(db, hanoi, lang_son):
    """Planning goes by the event's own province: province 20's officers and partners are
    never told of province 01's event, even at a unit code both might use."""
    lang_son.subscriptions.subscribe("00001", "20/183/00001", "ls@example.vn", "Cán bộ", [])
    lang_son.webhooks.register("bank", "https://bank.example.vn/", [])
    notice = Notice("evt-x", "recognised", "01", HANOI_PATH, {"subjectId": "hh-x"})
    assert schedule(hanoi["stores"], notice, NOW) == 3
    planned = {m.recipient for m in hanoi["stores"].messages.log(UnitPath.parse("01"))}
    assert "email:ls@example.vn" not in planned and "webhook:bank" not in planned
