"""A small bounded cache whose answers expire: what the gateway keeps of a service's answer
about a caller (the paths its unit inherited, whether its session was revoked), so a request
costs a lookup, not an RPC, and a change reaches every gateway within the time to live."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from time import monotonic
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    """At most ``size`` answers, each kept ``ttl`` seconds; the least recently stored go first."""

    def __init__(self, ttl: float, size: int) -> None:
        self.ttl = ttl
        self.size = size
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._lock = Lock()

    def get(self, key: K, fetch: Callable[[], V]) -> V:
        """The answer kept for ``key``, else ``fetch()``'s, kept from now on (an exception of
        ``fetch`` reaches the caller and nothing is kept)."""
        now = monotonic()
        with self._lock:
            found = self._entries.get(key)
            if found is not None and now - found[0] < self.ttl:
                return found[1]
        value = fetch()
        with self._lock:
            self._entries[key] = (now, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def forget(self, key: K) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
