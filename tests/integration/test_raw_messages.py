"""Raw messages straight to every service's queues, as a buggy or hostile producer would send
them: each one that cannot be answered or applied is dead-lettered with its reason, and every
service keeps answering (nameko alone died on the first, and again after each restart)."""

import contextlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kombu import Connection, Exchange
from nameko.exceptions import IncorrectSignature, MethodNotFound, RemoteError
from nameko.standalone.rpc import ClusterRpcProxy

from khuyenhoc.deadletters import peek
from khuyenhoc.events import DONATED, REGISTERED
from services.fund.entrypoint import FundService
from services.notification.entrypoint import NotificationService
from services.registration.entrypoint import RegistrationService
from services.scoring.entrypoint import ScoringService
from tests.conftest import wait_until
from tests.integration.helpers import publish_raw

SERVICES = {
    "registration": (RegistrationService, "contact"),
    "scoring": (ScoringService, "proposal"),
    "fund": (FundService, "entry"),
    "notification": (NotificationService, "opted_out"),
}
RPC = Exchange("nameko-rpc", type="topic", durable=True)
TEN_MB = b'{"args": [' + b'"x",' * (10 * 1024 * 1024 // 4) + b'"x"], "kwargs": {}}'


@pytest.fixture
def services(container_factory, config):
    config = {**config, "MAX_RPC_MESSAGE_BYTES": 1024 * 1024}
    for service, _ in SERVICES.values():
        container_factory(service, config).start()
    return config


def send(config, service, method, body, content_type="application/json", **properties):
    with Connection(config["AMQP_URI"]) as connection:
        connection.Producer().publish(
            body,
            exchange=RPC,
            routing_key=f"{service}.{method}",
            content_type=content_type,
            content_encoding="binary" if isinstance(body, bytes) else "utf-8",
            mandatory=True,
            **properties,
        )


def answers(config):
    """Every service answers a real call (an unknown id: nothing found)."""
    with ClusterRpcProxy(config, timeout=20) as cluster:
        for service, (_, method) in SERVICES.items():
            assert getattr(cluster, service).__getattr__(method)("20", "nothing-here") in (None, [])


ANSWERABLE = {"reply_to": "nobody", "correlation_id": "c-1"}
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)
GARBAGE = st.one_of(
    # not JSON at all, or bytes under a content type nameko does not accept
    st.tuples(st.binary(min_size=1, max_size=200), st.just("application/json"), st.just({})),
    st.tuples(
        st.binary(max_size=50),
        st.sampled_from(["text/plain", "application/x-python-serialize", "application/xml"]),
        st.just(ANSWERABLE),
    ),
    # JSON of the wrong shape (a scalar, a list, no args/kwargs, args of the wrong type)
    st.tuples(
        JSON_VALUES.filter(lambda v: not isinstance(v, dict)).map(json.dumps),
        st.just("application/json"),
        st.just(ANSWERABLE),
    ),
    st.tuples(
        st.fixed_dictionaries({"args": JSON_VALUES.filter(lambda v: not isinstance(v, list))}).map(
            lambda b: json.dumps({**b, "kwargs": {}})
        ),
        st.just("application/json"),
        st.just(ANSWERABLE),
    ),
    # a well-formed call nobody can be answered about: no reply_to or no correlation_id
    st.tuples(
        st.just(json.dumps({"args": ["20", "x"], "kwargs": {}})),
        st.just("application/json"),
        st.sampled_from([{}, {"reply_to": "nobody"}, {"correlation_id": "c-2"}]),
    ),
)


def dead_letters(config, service):
    return peek(config["AMQP_URI"], service, limit=1000)


def test_garbage_on_the_rpc_queues_is_dead_lettered_and_every_service_keeps_serving(services):
    config = services
    sent = dict.fromkeys(SERVICES, 0)

    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.sampled_from(sorted(SERVICES)), GARBAGE)
    def publish(service, garbage):
        body, content_type, properties = garbage
        send(config, service, SERVICES[service][1], body, content_type, **properties)
        sent[service] += 1

    publish()
    for service in SERVICES:  # 10 MB, over the (test's) 1 MB limit, though it would answer
        send(config, service, SERVICES[service][1], TEN_MB, **ANSWERABLE)
        sent[service] += 1
    for service, count in sent.items():
        wait_until(
            lambda s=service, c=count: len(dead_letters(config, s)) == c,
            timeout=60,
            what=f"{count} dead letters of {service}",
        )
        assert all(letter.reason for letter in dead_letters(config, service))
    answers(config)
    reasons = {letter.reason for s in SERVICES for letter in dead_letters(config, s)}
    assert any("undecodable" in reason for reason in reasons)
    assert any("bytes; at most 1048576" in reason for reason in reasons)


def test_answerable_nonsense_is_answered_not_a_crash(services):
    """A request that can be answered gets an answer (an error, mostly), and is no dead letter."""
    config = services
    with ClusterRpcProxy(config, timeout=20) as cluster:
        for call in (
            lambda: cluster.fund.reconcile("99"),  # unknown tenant
            lambda: cluster.fund.entry(["20"], {"x": 1}),  # wrong types
            lambda: cluster.scoring.stats("20", "not a path", "year"),
        ):
            with contextlib.suppress(RemoteError):
                call()
        for call in (
            lambda: cluster.fund.entry("20"),  # wrong arity
            lambda: cluster.fund.no_such_method(),
        ):
            with pytest.raises((IncorrectSignature, MethodNotFound)):
                call()
    answers(config)
    assert dead_letters(config, "fund") == []


def test_garbage_on_the_event_queues_is_dead_lettered_with_its_reason(services):
    config = services
    good = {"type": REGISTERED.type}
    bad = [
        (b"\xff\xfe not json", "application/json"),
        ({"type": DONATED.type, "tenant": "20"}, None),  # another event type on this queue
        ({**good, "specversion": "9.9", "tenant": "20"}, None),  # unknown version, no fields
        ({**good, "tenant": "99"}, None),  # unknown tenant
        ({**good}, None),  # no tenant
        ([1, 2, 3], None),  # not an object
        (b"x" * (10 * 1024 * 1024), "application/octet-stream"),  # 10 MB of nothing
    ]
    for body, content_type in bad:
        publish_raw(config, body, REGISTERED, content_type)
    # REGISTERED has two consumers (scoring, notification): each parks its own copy
    for service in ("scoring", "notification"):
        wait_until(
            lambda s=service: len(dead_letters(config, s)) == len(bad),
            timeout=60,
            what=f"{len(bad)} dead event letters of {service}",
        )
    answers(config)
