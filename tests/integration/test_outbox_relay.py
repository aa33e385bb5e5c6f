"""The outbox relay against the real broker and store: nothing lost, nothing blocked."""

from kombu import Connection

from khuyenhoc.contracts import validate_event
from khuyenhoc.events import REGISTERED
from khuyenhoc.outbox import EventPublisher, Relay, _events_of, outbox_update, with_outbox
from khuyenhoc.storage import service_database
from khuyenhoc.topology import SUBSCRIPTIONS, subscriber_queues
from tests.integration.helpers import registered_event


def drain(config, queue):
    bodies = []
    with Connection(config["AMQP_URI"]) as connection:
        bound = queue(connection.default_channel)
        while (message := bound.get(no_ack=True)) is not None:
            assert message.delivery_info["exchange"] == "registration.events"
            assert message.properties["delivery_mode"] == 2  # persistent
            bodies.append(message.decode())
    return bodies


def relay_for(config):
    db = service_database(config, "registration")
    return db, Relay(db, ("enrolments",), EventPublisher(config, "registration"))


def test_an_event_written_without_a_running_relay_is_published_later(config):
    db, relay = relay_for(config)
    event = registered_event()
    db.enrolments.insert_one(with_outbox({"_id": "e1", "tenant": "20"}, event))
    # the process that wrote it "crashed" here; a relay started afterwards publishes it
    assert relay.run_once() == 1
    for queue in subscriber_queues(REGISTERED, config):  # every consumer gets its copy
        bodies = drain(config, queue)
        assert [b["id"] for b in bodies] == [event["id"]], queue.name
        validate_event(bodies[0])
    doc = db.enrolments.find_one({"_id": "e1"})
    assert doc["outbox"] == {} and doc["outbox_pending"] == 0
    assert relay.run_once() == 0  # nothing left to publish


def test_an_event_added_during_a_pass_keeps_the_document_pending(config):
    db, relay = relay_for(config)
    first, second = registered_event("hh-1"), registered_event("hh-2")
    db.enrolments.insert_one(with_outbox({"_id": "e1", "tenant": "20"}, first))
    doc = db.enrolments.find_one({"_id": "e1"})
    db.enrolments.update_one({"_id": "e1"}, outbox_update(second))  # a write races the relay
    events = _events_of(doc)  # what the relay read: only the first
    confirmed = relay.publisher.publish_many(events)
    other = {"_id": "e2", "tenant": "20"}  # settled in the same bulk write, untouched since
    db.enrolments.insert_one(with_outbox(other, third := registered_event("hh-3")))
    read = [doc, db.enrolments.find_one({"_id": "e2"})]
    confirmed |= relay.publisher.publish_many([third])
    ordered = {"e1": events, "e2": [third]}
    assert relay._settle(db.enrolments, read, ordered, confirmed) == (2, 0)
    assert db.enrolments.find_one({"_id": "e1"})["outbox_pending"] == 1
    assert first["id"] not in db.enrolments.find_one({"_id": "e1"})["outbox"]
    assert db.enrolments.find_one({"_id": "e2"}) | {"outbox": {}} == {
        **other,
        "outbox": {},
        "outbox_pending": 0,
        "outbox_rev": 1,
    }
    assert relay.run_once() == 1  # the next pass publishes the second
    for queue in subscriber_queues(REGISTERED, config):
        assert [b["id"] for b in drain(config, queue)] == [
            first["id"],
            third["id"],
            second["id"],
        ]


def test_an_event_nobody_can_receive_stays_in_the_outbox(config, monkeypatch):
    db, relay = relay_for(config)
    monkeypatch.setitem(SUBSCRIPTIONS, REGISTERED, ())  # no consumer queue is declared
    event = registered_event()
    db.enrolments.insert_one(with_outbox({"_id": "e1", "tenant": "20"}, event))
    assert relay.run_once() == 0  # mandatory publishing: the broker returned it
    doc = db.enrolments.find_one({"_id": "e1"})
    assert list(doc["outbox"]) == [event["id"]] and doc["outbox_pending"] == 1


def test_the_publisher_keeps_its_connection_and_survives_losing_it(config):
    db, relay = relay_for(config)
    publisher = relay.publisher
    first, second, third = (registered_event(f"hh-{n}") for n in (1, 2, 3))
    assert publisher.publish(first)
    kept = publisher._connection
    assert kept is not None and publisher._declared == {REGISTERED.type}
    assert publisher.publish(second)
    assert publisher._connection is kept  # one connection, declared once
    kept.connection.sock.close()  # the broker (or the network) dropped it meanwhile
    assert publisher.publish(third)  # retried at once on a new connection
    assert publisher._connection is not kept
    for queue in subscriber_queues(REGISTERED, config):
        ids = [b["id"] for b in drain(config, queue)]
        assert ids == [first["id"], second["id"], third["id"]], queue.name
    publisher.close()
    assert publisher._connection is None
