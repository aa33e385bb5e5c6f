"""The running platform for the end-to-end tests: started once per session on free ports, with
its own nx-27017 databases and RabbitMQ virtual host, and stopped at the end."""

import os
import uuid

import pytest

from khuyenhoc.auth import Role
from khuyenhoc.config import load_config
from ops.devbroker import private_vhost
from ops.platform import SERVICES, Platform
from ops.tokens import create_token
from services.registration.commands import load_directory
from tests.conftest import REPO_ROOT, TEST_TENANTS
from tests.e2e.client import free_port_block
from tests.fakes import HttpFake
from tests.fakes_oidc import CLIENT_ID as OIDC_CLIENT_ID
from tests.fakes_oidc import OidcIssuer


@pytest.fixture(scope="package")
def broker():
    """A virtual host of the platform's own: its consumers never see other tests' messages."""
    base = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    with private_vhost(base, "khuyenhoc-e2e") as uri:
        yield uri


@pytest.fixture(scope="package")
def sms_gateway():
    """A fake SMS-gateway API on loopback that the platform's notification service sends to."""
    with HttpFake() as fake:
        yield fake


@pytest.fixture(scope="package")
def oidc_issuer():
    """A fake OpenID Connect issuer on loopback: the province's identity provider."""
    with OidcIssuer() as issuer:
        yield issuer


@pytest.fixture(scope="package")
def platform(tmp_path_factory, mongo_uri, broker, sms_gateway, oidc_issuer):
    env = {
        "MONGO_URI": mongo_uri,
        "AMQP_URI": broker,
        "KHUYENHOC_TENANTS": TEST_TENANTS,
        "DB_PREFIX": f"e2e{uuid.uuid4().hex[:8]}_",
        "CRITERIA_DIR": str(REPO_ROOT / "tests" / "data" / "criteria"),
        "SMS_GATEWAY_URL": sms_gateway.url + "sms",
        "SMS_GATEWAY_API_KEY": "e2e-key",
        "SMS_QUIET_HOURS": "off",
        "NOTIFICATION_BACKOFF_SECONDS": "1",
        "OIDC_ISSUER": oidc_issuer.url,
        "OIDC_CLIENT_ID": OIDC_CLIENT_ID,
        "OIDC_LABEL": "Đăng nhập bằng tài khoản Cổng dịch vụ công tỉnh",
        # the fake partners' webhooks listen on loopback; every other internal address stays
        # refused (tests/e2e/test_privacy.py)
        "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
    }
    run = Platform(
        run_dir=tmp_path_factory.mktemp("run"),
        data_dir=tmp_path_factory.mktemp("data"),
        base_port=free_port_block(len(SERVICES)),
        env=env,
    )
    try:
        run.up(demo_province="20", quiet=True)
        load_directory(load_config(env=run.settings()), "01", "2024", show_progress=False)
        yield run
    finally:
        run.down()


@pytest.fixture(scope="package")
def tokens(platform):
    config = load_config(env=platform.settings())
    holders = {
        "admin": ("20", "20", Role.PROVINCE_ADMIN),
        "officer": ("20", "06184", Role.COMMUNE_OFFICER),
        "sibling": ("20", "06187", Role.COMMUNE_OFFICER),
        "hanoi": ("01", "01", Role.PROVINCE_ADMIN),
        "authority": ("20", "06184", Role.AUTHORITY),
    }
    return {
        name: create_token(config, tenant, unit, role, name, hours=1)
        for name, (tenant, unit, role) in holders.items()
    }


@pytest.fixture(scope="package")
def admin(tokens):
    """The province admin of Lạng Sơn: reads every figure of the demo province."""
    return tokens["admin"]
