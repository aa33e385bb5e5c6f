"""What every benchmark shares: a private copy of the platform (own ports, own nx-27017, own
RabbitMQ virtual host) and a GraphQL client with a province admin's token."""

from __future__ import annotations

import json
import random
import socket
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from khuyenhoc.auth import Role
from khuyenhoc.config import load_config
from ops.devbroker import private_vhost
from ops.platform import Platform
from ops.tokens import create_token


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_port_block(count: int = 10) -> int:
    """The first of ``count`` consecutive free ports below the kernel's ephemeral range (where
    outgoing connections, tests and other platforms on this machine take ports from), so a
    platform's services on ``base + offset`` do not meet a port taken meanwhile."""
    rng = random.Random()
    for _ in range(200):
        base = rng.randrange(20_000, 32_000 - count)
        if all(_bindable(base + offset) for offset in range(count)):
            return base
    raise RuntimeError(f"no {count} consecutive free ports between 20000 and 32000")


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class Client:
    url: str
    token: str | None  # None: the public, without a login
    config: dict[str, Any]

    def acting_as(self, role: Role, tenant: str, unit: str) -> Client:
        """The same gateway, with the token of another role and unit (by its code)."""
        token = create_token(self.config, tenant, unit, role, f"bench {role}", hours=2)
        return Client(self.url, token, self.config)

    def public(self) -> Client:
        """The same gateway without a token."""
        return Client(self.url, None, self.config)

    def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The data of a GraphQL answer; errors raise (a benchmark must not count failures)."""
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(
            self.url,
            data=json.dumps({"query": query, "variables": variables or {}}).encode(),
            headers=headers,
        )
        with urllib.request.urlopen(request, timeout=300) as response:
            answer = json.loads(response.read())
        if "errors" in answer:
            raise RuntimeError(answer["errors"])
        return answer["data"]


@contextmanager
def running_platform(
    province: str = "20", env: dict[str, str] | None = None
) -> Iterator[tuple[Platform, Client]]:
    """The whole platform with ``province`` loaded (and ``env`` on top of the defaults), and a
    client for its gateway."""
    with private_vhost("amqp://guest:guest@127.0.0.1:5672/", "khuyenhoc-bench") as amqp:
        work = Path(tempfile.mkdtemp(prefix="khuyenhoc-bench-"))
        base = free_port_block(11)  # the services on base + 0..4, nx-27017 on base + 10
        platform = Platform(
            run_dir=work / "run",
            data_dir=work / "data",
            base_port=base,
            mongo_port=base + 10,
            env={"AMQP_URI": amqp, **(env or {})},
        )
        platform.up(demo_province=province, quiet=True)
        try:
            config = load_config(env=platform.settings())
            token = create_token(config, province, province, Role.PROVINCE_ADMIN, "bench", hours=2)
            yield platform, Client(platform.url(platform.gateway, "/graphql"), token, config)
        finally:
            platform.down()
