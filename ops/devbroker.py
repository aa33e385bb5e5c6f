"""A private RabbitMQ virtual host for tests and benchmarks on a shared broker.

A developer's running platform and the test suite use the same broker; in separate virtual hosts
neither consumes the other's messages. Needs ``rabbitmqctl`` (local broker); otherwise the given
URI is used as it is. :func:`private_node` starts a whole broker node of its own, for tests that
stop and restart the broker.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kombu import Connection

# the node itself, not Debian's wrapper in /usr/sbin that switches to the rabbitmq user
RABBITMQ_SERVER = next(
    (p for p in ("/usr/lib/rabbitmq/bin/rabbitmq-server",) if os.path.exists(p)),
    shutil.which("rabbitmq-server") or "rabbitmq-server",
)


def _rabbitmqctl(*args: str) -> bool:
    try:
        done = subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@contextmanager
def private_vhost(base_uri: str, prefix: str = "khuyenhoc-test") -> Iterator[str]:
    vhost = f"{prefix}-{uuid.uuid4().hex[:8]}"
    if not (
        _rabbitmqctl("add_vhost", vhost)
        and _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    ):
        yield base_uri
        return
    try:
        yield base_uri.rstrip("/") + "/" + vhost
    finally:
        _rabbitmqctl("delete_vhost", vhost)


class PrivateNode:
    """A RabbitMQ node of its own (own name, ports and data directory) that a test may stop,
    kill and start again: restarting the shared broker would break everyone else's work.

    Its data directory survives :meth:`stop`/:meth:`kill`, so durable queues and persistent
    messages come back with the node, as on a real broker restart. Only the process group this
    object started is ever signalled.
    """

    START_TIMEOUT = 90.0

    def __init__(self, base_dir: Path | None = None) -> None:
        self.base_dir = Path(base_dir or tempfile.mkdtemp(prefix="khuyenhoc-rabbit-"))
        self.name = f"khuyenhoc-{uuid.uuid4().hex[:8]}@localhost"
        self.port = _free_port()
        self.dist_port = _free_port()
        self.uri = f"amqp://guest:guest@127.0.0.1:{self.port}/"
        self._process: subprocess.Popen[bytes] | None = None

    def _env(self) -> dict[str, str]:
        base = self.base_dir
        (base / "rabbitmq.conf").write_text(
            f"listeners.tcp.local = 127.0.0.1:{self.port}\nloopback_users = none\n"
        )
        (base / "enabled_plugins").write_text("[].\n")  # no management plugin: no fixed ports
        (base / "rabbitmq-env.conf").write_text("")  # not the system node's settings
        return {
            **os.environ,
            "HOME": str(base),  # its own Erlang cookie
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(base / "log"),
            "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(base / "enabled_plugins"),
            "RABBITMQ_CONF_ENV_FILE": str(base / "rabbitmq-env.conf"),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        }

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Start the node and return once it accepts AMQP connections."""
        if self.running:
            return
        output = open(self.base_dir / "node.out", "ab")  # noqa: SIM115 - owned by the process
        self._process = subprocess.Popen(
            [RABBITMQ_SERVER],
            env=self._env(),
            cwd=self.base_dir,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        output.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"RabbitMQ node exited; see {self.base_dir / 'node.out'}")
            if _amqp_ready(self.uri):
                return
            time.sleep(0.3)
        self.kill()
        raise RuntimeError(f"RabbitMQ node not ready in {timeout:.0f}s")

    def stop(self, timeout: float = 60.0) -> None:
        """A clean shutdown (SIGTERM), as a service manager's restart does."""
        self._signal(signal.SIGTERM, timeout)

    def kill(self) -> None:
        """SIGKILL to the whole node (a crashed broker machine)."""
        self._signal(signal.SIGKILL, 30.0)

    def restart(self) -> None:
        self.stop()
        self.start()

    def _signal(self, signum: int, timeout: float) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        _wait_port_closed(self.port)


@contextmanager
def private_node() -> Iterator[PrivateNode]:
    """A started :class:`PrivateNode`; stopped and its data removed afterwards."""
    node = PrivateNode()
    try:
        node.start()
        yield node
    finally:
        node.kill()
        shutil.rmtree(node.base_dir, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _amqp_ready(uri: str) -> bool:
    try:
        with Connection(uri, connect_timeout=2) as connection:
            connection.connect()
            return True
    except Exception:  # not up yet
        return False


def _wait_port_closed(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return
        time.sleep(0.2)
