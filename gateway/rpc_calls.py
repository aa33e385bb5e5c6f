"""Counting and bounding the gateway's calls to the services: a Prometheus counter per service
and method (``khuyenhoc_gateway_rpc_calls_total``), a per-request tally a debugging client may
ask to see (``extensions.rpcCalls``, only with the debug header: see :mod:`gateway.endpoint`),
and a timeout on every call (nameko 2.14's proxies wait for ever: a service whose queue exists
but which is down would hold the request, and a worker of the gateway, until it came back)."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import eventlet
from graphql import GraphQLError
from prometheus_client import Counter

from gateway.messages import message

log = logging.getLogger(__name__)

RPC_TIMEOUT_SECONDS = 10.0  # default of the config's RPC_TIMEOUT_SECONDS
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
RPC_TIMEOUTS = Counter(
    "khuyenhoc_gateway_rpc_timeouts_total",
    "RPC calls of the gateway that got no answer within RPC_TIMEOUT_SECONDS",
    ["service", "method"],
)


class ServiceUnavailable(GraphQLError):
    """A service did not answer in time: a client error to retry later, never an internal one
    (answered as is by GraphQL, as HTTP 503 by the file routes)."""

    def __init__(self, service: str) -> None:
        super().__init__(
            message("service_unavailable"),
            extensions={"code": "SERVICE_UNAVAILABLE", "service": service},
        )
        self.service = service


class _TimedMethod:
    """A method proxy whose call gives up after ``seconds`` (``call_async`` passes through).
    A service that gave up once is not asked again by the same request (``silent``): a query
    of many fields answers within one timeout, not one per field."""

    def __init__(self, method: Any, seconds: float, service: str, name: str, silent: set[str]):
        self._method = method
        self._seconds = seconds
        self._service = service
        self._name = name
        self._silent = silent

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._service in self._silent:
            raise ServiceUnavailable(self._service)
        call_async = getattr(self._method, "call_async", None)
        if call_async is None:  # an in-process stand-in (tests): nothing to wait for
            return self._method(*args, **kwargs)
        reply = call_async(*args, **kwargs)
        try:
            with eventlet.Timeout(self._seconds):
                return reply.result()
        except eventlet.Timeout:
            self._silent.add(self._service)
            RPC_TIMEOUTS.labels(service=self._service, method=self._name).inc()
            log.warning("%s.%s: no answer in %ss", self._service, self._name, self._seconds)
            raise ServiceUnavailable(self._service) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._method, name)


class _TimedService:
    def __init__(self, proxy: Any, seconds: float, service: str, silent: set[str]) -> None:
        self._proxy = proxy
        self._seconds = seconds
        self._service = service
        self._silent = silent

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._proxy, name)
        if name.startswith("_") or not callable(method):
            return method
        return _TimedMethod(method, self._seconds, self._service, name, self._silent)


def timed(proxies: dict[str, Any], seconds: float | None) -> dict[str, Any]:
    """The services' proxies for one request, each call bounded by ``seconds`` (the default
    when None)."""
    limit = float(seconds) if seconds else RPC_TIMEOUT_SECONDS
    silent: set[str] = set()
    return {name: _TimedService(proxy, limit, name, silent) for name, proxy in proxies.items()}


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
