"""Talking to the running platform over HTTP, as any GraphQL client would."""

import json
import random
import socket
import urllib.request


def free_port_block(size: int) -> int:
    """A block of free ports below the kernel's ephemeral range (32768-60999 on Linux), so no
    outgoing connection of the starting services can take one before its server binds it."""
    for _ in range(200):
        base = random.randrange(20000, 32000 - size)
        if all(_free(base + i) and _bindable(base + i) for i in range(size)):
            return base
    raise RuntimeError("no free block of ports")


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


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
