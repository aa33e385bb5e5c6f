"""Talking to the running platform over HTTP, as any GraphQL client would."""

import json
import socket
import urllib.request

from tests.conftest import free_port


def free_port_block(size: int) -> int:
    for _ in range(50):
        base = free_port()
        if base + size < 65000 and all(_free(base + i) for i in range(size)):
            return base
    raise RuntimeError("no free block of ports")


def _free(port: int) -> bool:

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def graphql(platform, query, variables=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        platform.url(platform.gateway, "/graphql"),
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers=headers,
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        return json.loads(response.read())
