"""Where a webhook may point: a public address of the internet, never the platform's own
network (SSRF). Checked when a webhook is registered and again at every delivery, on the
addresses the name resolves to then and on the address actually connected to.

Refused unless the deployment allows it: loopback, private (RFC 1918, CGNAT), link-local,
unique-local (fc00::/7), multicast, reserved, unspecified and site-local addresses, in IPv4
and IPv6, an IPv4-mapped or 6to4/Teredo IPv6 address judged by the IPv4 inside. ``http`` only in
development (``KHUYENHOC_ENV=development``), with private targets allowed, or to a host of
the allow-list.

Settings (``NOTIFICATION`` of the config): ``WEBHOOK_ALLOWED_HOSTS`` (host names or addresses,
comma separated, that may be private: a partner inside the province's network) and
``ALLOW_PRIVATE_WEBHOOKS`` (any address and ``http``: tests, whose fake partners listen on
127.0.0.1).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

DEVELOPMENT = "development"
_TRUE = ("1", "true", "yes", "on")


class TargetRefused(ValueError):
    """A webhook URL the platform will not call; ``reason`` is a message key (no address)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (A and AAAA)."""
    found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in found})


def public(address: Address) -> bool:
    """Whether an address is on the public internet (see the module's list)."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if inner is not None:
            return public(inner)
        if address.is_site_local:
            return False
    return not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


@dataclass(frozen=True)
class TargetPolicy:
    """The deployment's rule for webhook targets."""

    allow_private: bool = False
    allowed_hosts: frozenset[str] = frozenset()
    development: bool = False

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> TargetPolicy:
        settings = config.get("NOTIFICATION") or {}
        raw = settings.get("WEBHOOK_ALLOWED_HOSTS") or config.get("WEBHOOK_ALLOWED_HOSTS") or ""
        items = raw if isinstance(raw, list) else str(raw).split(",")
        flag = settings.get("ALLOW_PRIVATE_WEBHOOKS") or config.get("ALLOW_PRIVATE_WEBHOOKS")
        env = str(config.get("KHUYENHOC_ENV") or "").strip().lower()
        return cls(
            allow_private=str(flag or "").strip().lower() in _TRUE,
            allowed_hosts=frozenset(_host(i) for i in items if str(i).strip()),
            development=env == DEVELOPMENT,
        )

    def host_allowed(self, host: str) -> bool:
        return self.allow_private or host.lower().strip("[]") in self.allowed_hosts

    def address_allowed(self, host: str, address: str) -> bool:
        """Whether connecting to ``address`` (for ``host``) is allowed."""
        if self.host_allowed(host) or address.lower() in self.allowed_hosts:
            return True
        try:
            return public(ipaddress.ip_address(address.split("%")[0]))
        except ValueError:
            return False

    def check_url(self, url: str) -> tuple[str, int]:
        """``(host, port)`` of a URL the platform may call, resolution aside; else
        :class:`TargetRefused`."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TargetRefused("url_format")
        if parts.username or parts.password:
            raise TargetRefused("url_format")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            raise TargetRefused("url_format") from exc
        host = parts.hostname
        local = host in ("localhost", "localhost.localdomain") or host.endswith(".localhost")
        if local and not self.host_allowed(host):
            raise TargetRefused("webhook_private")
        literal = _literal(host)
        if literal is not None and not self.address_allowed(host, str(literal)):
            raise TargetRefused("webhook_private")
        if parts.scheme == "http" and not (self.development or self.host_allowed(host)):
            raise TargetRefused("webhook_https")
        return host, port

    def check(self, url: str, resolver: Resolver = resolve, must_resolve: bool = True) -> None:
        """The URL's form and every address its host resolves to now. A name that does not
        resolve is refused at delivery (``must_resolve``) and let through at registration
        (a partner may set its DNS up later; delivery checks again)."""
        host, port = self.check_url(url)
        if _literal(host) is not None or self.host_allowed(host):
            return
        try:
            addresses = resolver(host, port)
        except OSError as exc:
            if must_resolve:
                raise TargetRefused("webhook_unresolved") from exc
            return
        if must_resolve and not addresses:
            raise TargetRefused("webhook_unresolved")
        if not all(self.address_allowed(host, a) for a in addresses):
            raise TargetRefused("webhook_private")

    def refused_peers(self, host: str, peers: Iterable[str]) -> list[str]:
        return [peer for peer in peers if not self.address_allowed(host, peer)]


def _host(item: object) -> str:
    return str(item).strip().lower().strip("[]")


def _literal(host: str) -> Address | None:
    """The address a host names by itself, IPv4's old forms included (``2130706433``,
    ``0x7f.1``, ``127.1``: what C resolvers read as 127.0.0.1)."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        pass
    if re.fullmatch(r"[0-9a-fx.]+", host.lower()):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None
