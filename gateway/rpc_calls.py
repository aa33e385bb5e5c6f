"""Counting the gateway's calls to the services: a Prometheus counter per service and method
(``khuyenhoc_gateway_rpc_calls_total``), and a per-request tally a debugging client may ask to
see (``extensions.rpcCalls``, only with the debug header: see :mod:`gateway.endpoint`)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from prometheus_client import Counter

RPC_CALLS = Counter(
    "khuyenhoc_gateway_rpc_calls_total",
    "RPC calls the gateway made to the services, by service and method",
    ["service", "method"],
)
SERVICES = ("registration", "scoring", "notification", "fund")


class Tally:
    """The calls of one request (or of one file download)."""

    def __init__(self) -> None:
        self.calls = 0
        self.by_method: dict[str, int] = {}

    def count(self, service: str, method: str) -> None:
        self.calls += 1
        name = f"{service}.{method}"
        self.by_method[name] = self.by_method.get(name, 0) + 1
        RPC_CALLS.labels(service=service, method=method).inc()


class _CountedMethod:
    """A method proxy that counts each call; anything else (``call_async``…) passes through."""

    def __init__(self, method: Any, tally: Tally, service: str, name: str) -> None:
        self._method = method
        self._tally = tally
        self._service = service
        self._name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._tally.count(self._service, self._name)
        return self._method(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name == "call_async":
            self._tally.count(self._service, self._name)
        return getattr(self._method, name)


class _CountedService:
    def __init__(self, proxy: Any, tally: Tally, service: str) -> None:
        self._proxy = proxy
        self._tally = tally
        self._service = service

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._proxy, name)
        if name.startswith("_") or not callable(method):
            return method
        return _CountedMethod(method, self._tally, self._service, name)


def counted(rpc: SimpleNamespace, tally: Tally | None = None) -> tuple[SimpleNamespace, Tally]:
    """The services' proxies, each call counted in ``tally`` (a new one by default)."""
    tally = tally or Tally()
    proxies = {
        name: _CountedService(proxy, tally, name)
        for name, proxy in vars(rpc).items()
        if name in SERVICES
    }
    return SimpleNamespace(**{**vars(rpc), **proxies}), tally
