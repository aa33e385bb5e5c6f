"""The chaos suite's platforms: each module starts its own (own nx-27017 server, which the
suite may kill, own databases, own broker vhost or private broker node, own fake SMS gateway).

The long scenarios (marker ``chaos_long``) run only with CHAOS_LONG=1, which ``make chaos`` sets;
a plain ``pytest`` (``make test``) runs the short ones."""

from __future__ import annotations

import contextlib
import os
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

import eventlet
import pytest

from khuyenhoc.auth import Role
from khuyenhoc.config import load_config
from ops.devbroker import PrivateNode, private_node, private_vhost
from ops.platform import SERVICES, Platform, _stop
from ops.tokens import create_token
from tests.chaos.client import Client
from tests.chaos.scenarios import Stage
from tests.chaos.wave import communes
from tests.conftest import REPO_ROOT, TEST_TENANTS, free_port
from tests.e2e.client import free_port_block
from tests.fakes import HttpFake

LONG = os.environ.get("CHAOS_LONG") == "1"


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="long chaos scenario: make chaos (CHAOS_LONG=1) runs it")
    for item in items:
        if "chaos_long" in item.keywords and not LONG:
            item.add_marker(skip)


@contextlib.contextmanager
def stage(workdir: Path, amqp_uri: str, node: PrivateNode | None = None) -> Iterator[Stage]:
    with HttpFake() as sms:
        env = {
            "MONGO_URI": "",  # the platform starts nx-27017 itself: the suite kills it
            "AMQP_URI": amqp_uri,
            "KHUYENHOC_TENANTS": TEST_TENANTS,
            "DB_PREFIX": f"chaos{uuid.uuid4().hex[:8]}_",
            "JWT_SECRET": secrets.token_hex(32),
            "CRITERIA_DIR": str(REPO_ROOT / "tests" / "data" / "criteria"),
            "SMS_GATEWAY_URL": sms.url + "sms",
            "SMS_GATEWAY_API_KEY": "chaos-key",
            "SMS_QUIET_HOURS": "off",
            "NOTIFICATION_BACKOFF_SECONDS": "1",
        }
        platform = Platform(
            run_dir=workdir / "run",
            data_dir=workdir / "data",
            base_port=free_port_block(len(SERVICES)),
            mongo_port=free_port(),
            env=env,
        )
        try:
            platform.up(demo_province="20", quiet=True)
            client = Client(platform.url(platform.gateway, "/graphql"))
            config = load_config(env=platform.settings())
            admin = create_token(config, "20", "20", Role.PROVINCE_ADMIN, "chaos-admin", hours=1)
            yield Stage(platform, client, sms, communes(client, admin), node)
        finally:
            _down(platform)


def _down(platform: Platform) -> None:
    """Stop the services at once (each waits for its own grace), then the database."""
    pool = eventlet.GreenPool(len(SERVICES))
    for service in SERVICES:
        pool.spawn(_stop, platform.run_dir / f"{service.name}.pid", service.target)
    pool.waitall()
    platform.down()


@pytest.fixture(scope="module")
def short_stage(tmp_path_factory) -> Iterator[Stage]:
    """On the shared broker, in a vhost of its own (nothing here restarts the broker)."""
    base = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    with (
        private_vhost(base, "khuyenhoc-chaos") as uri,
        stage(tmp_path_factory.mktemp("chaos"), uri) as made,
    ):
        yield made


@pytest.fixture(scope="module")
def long_stage(tmp_path_factory) -> Iterator[Stage]:
    """On a private broker node, which the broker scenario restarts."""
    with private_node() as node, stage(tmp_path_factory.mktemp("chaos"), node.uri, node) as made:
        yield made
