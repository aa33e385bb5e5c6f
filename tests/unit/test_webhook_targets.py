"""Webhook targets (SSRF): internal addresses refused at registration and at delivery, the
connected address checked, no redirect followed, the answer's body never kept. Real HTTP
servers on loopback stand for the partner and for an internal service."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from services.notification.channels import DeliveryFailed, WebhookPoster
from services.notification.targets import TargetPolicy, TargetRefused, public
from tests.fakes import HttpFake

STRICT = TargetPolicy()
LOOPBACK_ALLOWED = TargetPolicy(allowed_hosts=frozenset({"127.0.0.1"}))


def public_resolver(host: str, port: int) -> list[str]:
    return ["93.184.216.34"]


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://127.1.2.3/hook",
        "https://localhost/hook",
        "https://api.localhost/hook",
        "https://10.0.0.5/hook",
        "https://172.16.0.1/hook",
        "https://192.168.1.1/hook",
        "https://100.64.0.1/hook",  # carrier-grade NAT
        "https://169.254.169.254/latest/meta-data",  # a cloud's metadata service
        "https://0.0.0.0/hook",
        "https://224.0.0.1/hook",  # multicast
        "https://240.0.0.1/hook",  # reserved
        "https://[::1]/hook",
        "https://[fe80::1]/hook",  # link-local
        "https://[fd00::1]/hook",  # unique-local
        "https://[fec0::1]/hook",  # site-local (deprecated)
        "https://[ff02::1]/hook",  # multicast
        "https://[::ffff:127.0.0.1]/hook",  # IPv4-mapped loopback
        "https://[::ffff:10.0.0.1]/hook",
        "https://[2002:0a00:0001::1]/hook",  # 6to4 around 10.0.0.1
        "https://[::]/hook",
    ],
)
def test_an_internal_address_is_refused(url):
    with pytest.raises(TargetRefused) as refused:
        STRICT.check(url, resolver=public_resolver)
    assert refused.value.reason == "webhook_private"


def test_a_name_resolving_to_an_internal_address_is_refused_at_registration_and_delivery():
    def internal(host: str, port: int) -> list[str]:
        return ["203.0.113.9", "10.1.2.3"]  # one bad address is enough

    for must_resolve in (False, True):
        with pytest.raises(TargetRefused):
            STRICT.check(
                "https://partner.example.vn/", resolver=internal, must_resolve=must_resolve
            )
    # the real resolver: decimal forms of loopback are resolved, then refused
    for numeric in ("2130706433", "0x7f.1", "127.1", "017700000001"):
        with pytest.raises(TargetRefused):
            STRICT.check(f"https://{numeric}/", resolver=public_resolver, must_resolve=False)


def test_public_https_targets_pass_and_http_only_where_allowed():
    STRICT.check("https://partner.example.vn/events", resolver=public_resolver)
    STRICT.check("https://93.184.216.34:8443/events")
    with pytest.raises(TargetRefused) as refused:
        STRICT.check("http://partner.example.vn/events", resolver=public_resolver)
    assert refused.value.reason == "webhook_https"
    TargetPolicy(development=True).check("http://partner.example.vn/", resolver=public_resolver)
    LOOPBACK_ALLOWED.check("http://127.0.0.1:9/hook")
    TargetPolicy(allow_private=True).check("http://localhost:9/hook")
    for bad in ("ftp://x/", "https://user:pw@partner.example.vn/", "https:///x"):
        with pytest.raises(TargetRefused):
            STRICT.check(bad, resolver=public_resolver)


def test_a_name_that_does_not_resolve_waits_for_delivery_which_refuses_it():
    def nothing(host: str, port: int) -> list[str]:
        raise OSError("no such name")

    STRICT.check("https://not-yet.example.vn/", resolver=nothing, must_resolve=False)
    with pytest.raises(TargetRefused) as refused:
        STRICT.check("https://not-yet.example.vn/", resolver=nothing)
    assert refused.value.reason == "webhook_unresolved"


def test_settings_come_from_the_config():
    policy = TargetPolicy.from_config(
        {
            "NOTIFICATION": {
                "WEBHOOK_ALLOWED_HOSTS": "10.0.0.5, Partner.LAN",
                "ALLOW_PRIVATE_WEBHOOKS": "false",
            }
        }
    )
    assert policy.allowed_hosts == {"10.0.0.5", "partner.lan"} and not policy.allow_private
    assert TargetPolicy.from_config(
        {"NOTIFICATION": {"ALLOW_PRIVATE_WEBHOOKS": "true"}}
    ).allow_private
    assert TargetPolicy.from_config({"KHUYENHOC_ENV": "development"}).development
    assert not public(__import__("ipaddress").ip_address("::ffff:192.168.0.1"))


def test_delivery_to_an_internal_address_is_refused_before_a_byte_is_sent():
    with HttpFake() as internal:
        with pytest.raises(DeliveryFailed) as failed:
            WebhookPoster(2, STRICT).send(internal.url + "admin", "s", b"{}", "m-1")
        assert failed.value.permanent and failed.value.args[0] == "target refused: webhook_private"
        assert internal.requests == []


class _Fooled(TargetPolicy):
    """A check by name that a DNS answer fooled (rebinding): only the connected address is
    left to catch it."""

    def check(self, url: str, resolver: Any = None, must_resolve: bool = True) -> None:
        return None


def test_the_connected_address_is_checked_too():
    with HttpFake() as internal:
        with pytest.raises(DeliveryFailed) as failed:
            WebhookPoster(2, _Fooled()).send(internal.url + "admin", "s", b"{}", "m-1")
        assert failed.value.permanent and internal.requests == []


def test_the_answer_body_is_never_kept_and_redirects_are_not_followed():
    with HttpFake(status=500) as partner:
        with pytest.raises(DeliveryFailed) as failed:
            WebhookPoster(2, LOOPBACK_ALLOWED).send(partner.url + "events", "s", b"{}", "m-1")
        assert failed.value.args[0] == "HTTP 500" and not failed.value.permanent
    with HttpFake() as internal, _Redirecting(internal.url + "secret") as partner_url:
        with pytest.raises(DeliveryFailed) as failed:
            WebhookPoster(2, LOOPBACK_ALLOWED).send(partner_url, "s", b"{}", "m-1")
        assert failed.value.args[0] == "HTTP 302" and failed.value.permanent
        assert internal.requests == []  # the redirect was not followed
    with HttpFake() as partner:
        sent = WebhookPoster(2, LOOPBACK_ALLOWED).send(partner.url + "events", "s", b"{}", "m-1")
        assert sent and len(partner.requests) == 1


class _Redirecting:
    """A partner URL answering 302 to somewhere else."""

    def __init__(self, target: str) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/events"

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
