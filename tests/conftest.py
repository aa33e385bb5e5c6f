"""Test fixtures shared by every layer.

eventlet must patch the standard library before anything opens a socket (nameko runs on it);
doing it here, first, is what ``nameko test`` would do.
"""

import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import os  # noqa: E402

# Selenium (tests/browser/) brings trio, whose Hypothesis plugin does not import once eventlet has
# patched socket: Hypothesis loads no plugins (set before it is first imported, by any test).
os.environ.setdefault("HYPOTHESIS_NO_PLUGINS", "1")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from kombu import Connection  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
NX_BINARY = REPO_ROOT / ".venv-nx" / "bin" / "nx-27017"
TEST_TENANTS = "20,01"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout: float = 15.0, interval: float = 0.05, what: str = "condition"):
    """Poll ``check`` until it returns a truthy value; tests wait for effects, never sleep blind."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


@pytest.fixture(scope="session")
def mongo_uri():
    """A MongoDB-compatible server for the session: ``TEST_MONGO_URI`` or a private nx-27017."""
    external = os.environ.get("TEST_MONGO_URI")
    if external:
        yield external
        return
    port = free_port()
    data = tempfile.mkdtemp(prefix="khuyenhoc-nx-")
    log = open(Path(data) / "nx.out", "wb")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(
        [
            str(NX_BINARY),
            "--data-dir",
            data,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-file",
            str(Path(data) / "nx.log"),
            "--pid-file",
            str(Path(data) / "nx.pid"),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def listening():
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", port)) == 0

    wait_until(listening, 30, what="nx-27017")
    yield f"mongodb://127.0.0.1:{port}"
    process.terminate()
    process.wait(10)
    log.close()
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session")
def amqp_uri():
    """The real broker, in a virtual host of its own when we may create one (so a running
    ``make run`` and the tests never consume each other's messages)."""
    from ops.devbroker import private_vhost

    with private_vhost(os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")) as uri:
        yield uri


@pytest.fixture
def config(mongo_uri, amqp_uri):
    """nameko/khuyenhoc config for one test: its own databases, a clean set of queues."""
    from khuyenhoc.storage import client_for
    from khuyenhoc.topology import SUBSCRIPTIONS, dead_letter_queue, subscriber_queues

    prefix = f"t{uuid.uuid4().hex[:10]}_"
    cfg = {
        "AMQP_URI": amqp_uri,
        "MONGO_URI": mongo_uri,
        "DB_PREFIX": prefix,
        "KHUYENHOC_TENANTS": TEST_TENANTS,
        "ID_HASH_KEY": "test-id-hash-key-0123456789abcdef",
        "TENANT_SETTINGS": {
            "20": {
                "citizen_min_age": 15,
                "posting_days": 10,
                "deadlines": {"FAMILY": {"dossier": "01-10", "decision": "01-31"}},
            }
        },
        "CRITERIA_DIR": str(REPO_ROOT / "tests" / "data" / "criteria"),
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}",
        "AUTO_DELETE_EVENT_EXCHANGES": False,
        "serializer": "json",
    }
    queues = [q for kind in SUBSCRIPTIONS for q in subscriber_queues(kind, cfg)]
    queues += [dead_letter_queue(s) for s in ("registration", "scoring", "fund", "notification")]
    with Connection(amqp_uri) as connection:
        channel = connection.default_channel
        for queue in queues:
            queue.bind(channel).delete()
    yield cfg
    client = client_for(mongo_uri)
    for name in client.list_database_names():
        if name.startswith(prefix):
            client.drop_database(name)
