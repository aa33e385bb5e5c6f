"""End to end: the fund on the running platform — a donation of five billion đồng reaches the
notification inbox exactly, the public statement is readable without a token, the books
reconcile."""

import urllib.request

import pytest

from khuyenhoc.config import load_config
from khuyenhoc.events import DONATED
from khuyenhoc.storage import service_database
from services.fund.commands import reconcile
from tests.conftest import wait_until
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

DONATE = """mutation($input: DonationInput!) { recordDonation(input: $input) {
  created donation { id amount receiptNumber receiptUrl } } }"""
PUBLIC = """{ publicFundStatement(unitCode: "06184", from: "2024-01-01", to: "2024-12-31") {
  closing donors { name amount } pdfUrl } }"""


def test_a_donation_end_to_end(platform, tokens):
    config = load_config(env=platform.settings())
    officer = tokens["officer"]
    gift = {
        "unitCode": "06184",
        "idempotencyKey": "e2e-gift-000001",
        "donor": {"name": "Công ty Cổ phần Đồng Đăng", "kind": "ENTERPRISE"},
        "amount": "5000000000",
        "channel": "BANK_TRANSFER",
        "receivedOn": "2024-10-02",
    }
    first = graphql(platform, DONATE, {"input": gift}, officer)["data"]["recordDonation"]
    again = graphql(platform, DONATE, {"input": gift}, officer)["data"]["recordDonation"]
    assert (first["created"], again["created"]) == (True, False)
    assert first["donation"]["amount"] == "5000000000"

    inbox = service_database(config, "notification")["inbox"]
    found = wait_until(
        lambda: inbox.find_one({"type": DONATED.type, "data.donationId": first["donation"]["id"]}),
        what="the donated event in the notification inbox",
    )
    assert found["data"]["amount"] == "5000000000"
    same = {"type": DONATED.type, "data.donationId": first["donation"]["id"]}
    assert inbox.count_documents(same) == 1  # the retry published nothing (other tests donate)

    public = graphql(platform, PUBLIC)["data"]["publicFundStatement"]  # no token
    assert public["closing"] == "5000000000"
    assert public["donors"] == [{"name": "Công ty Cổ phần Đồng Đăng", "amount": "5000000000"}]
    with urllib.request.urlopen(platform.url(platform.gateway, public["pdfUrl"])) as pdf:
        assert pdf.read().startswith(b"%PDF")

    sibling = graphql(
        platform, DONATE, {"input": {**gift, "idempotencyKey": "e2e-x-0001"}}, tokens["sibling"]
    )
    assert sibling["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    books = reconcile(config, "20")
    assert books["discrepancies"] == [] and books["balanced"]
