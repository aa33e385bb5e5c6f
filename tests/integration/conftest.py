"""Fixtures of the integration layer: the services as nameko containers behind the gateway."""

import json
import urllib.request
from datetime import timedelta

import pytest

from gateway.entrypoint import GatewayService
from khuyenhoc.auth import Role, issue_token
from khuyenhoc.tenancy import UnitPath
from services.fund.entrypoint import FundService
from services.registration.entrypoint import RegistrationService
from services.scoring.entrypoint import ScoringService
from tests.conftest import free_port

SECRET = "integration-secret-0123456789abcdef"


def token_for(path: str, role: Role = Role.PROVINCE_ADMIN) -> str:
    return issue_token(
        SECRET,
        subject=f"{role.value}@{path}",
        role=role,
        unit_path=UnitPath.parse(path),
        ttl=timedelta(hours=1),
    )


class GraphQLError(AssertionError):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors

    @property
    def code(self):
        return self.errors[0]["extensions"]["code"]


@pytest.fixture
def gateway(container_factory, config):
    """Registration, scoring, fund and the gateway; returns ``post(query, variables, token)`` that
    answers the data or raises :class:`GraphQLError` (default token: Lạng Sơn's admin)."""
    config = {**config, "JWT_SECRET": SECRET}
    for service in (RegistrationService, ScoringService, FundService):
        container_factory(service, config).start()
    address = f"127.0.0.1:{free_port()}"
    container_factory(GatewayService, {**config, "WEB_SERVER_ADDRESS": address}).start()
    admin = token_for("20")

    def post(query, variables=None, token=admin):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(
            f"http://{address}/graphql",
            data=json.dumps({"query": query, "variables": variables or {}}).encode(),
            headers=headers,
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.loads(response.read())
        if "errors" in answer:
            raise GraphQLError(answer["errors"])
        return answer["data"]

    post.address = address  # for the file downloads next to /graphql
    post.admin = admin
    return post
