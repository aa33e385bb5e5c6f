"""A private RabbitMQ virtual host for tests and benchmarks on a shared broker.

A developer's running platform and the test suite use the same broker; in separate virtual hosts
neither consumes the other's messages. Needs ``rabbitmqctl`` (local broker); otherwise the given
URI is used as it is.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager


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
