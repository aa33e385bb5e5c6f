"""The fund through the real gateway: exact money end to end, a retried donation counting once,
approvals racing without overdraft, reversals, roll-ups, the public statement and its files, the
events, and who may see and do what."""

import io
import json
import urllib.error
import urllib.request

import eventlet
import pytest
from kombu import Connection
from openpyxl import load_workbook

from khuyenhoc.auth import Role
from khuyenhoc.contracts import validate_event
from khuyenhoc.events import DONATED
from tests.conftest import wait_until
from tests.integration.conftest import GraphQLError, token_for
from tests.integration.helpers import load_demo_directory, tap

DONATE = """mutation($input: DonationInput!) { recordDonation(input: $input) {
  created donation { id receiptNumber receiptUrl amount status donor { name anonymous } } } }"""
PROPOSE = """mutation($input: DisbursementProposalInput!) { proposeDisbursement(input: $input) {
  id status amount } }"""
APPROVE = """mutation($input: DisbursementApprovalInput!) { approveDisbursement(input: $input) {
  id status paidOn } }"""
TRANSFER = """mutation($input: FundTransferInput!) { recordTransfer(input: $input) {
  id amount fromUnitCode toUnitCode } }"""
FEE = """mutation($input: MembershipFeeInput!) { recordMembershipFee(input: $input) {
  id amount year } }"""
REVERSE = """mutation($input: ReversalInput!) { reverseEntry(input: $input) {
  id amount reverses } }"""
FUND = """query($code: String!) { fund(unitCode: $code) { unitCode balance
  statement(from: "2024-01-01", to: "2030-12-31") { opening closing totalIn totalOut
    moneyIn { account amount count } moneyOut { account amount count } }
  donations(first: 2) { nodes { receiptNumber amount donor { name email } }
    pageInfo { hasNextPage endCursor } }
  disbursements { nodes { id status amount beneficiary { name } } } } }"""
DONATIONS = """query($code: String!, $after: String) { fund(unitCode: $code) {
  donations(first: 5, after: $after) { edges { cursor node { receiptNumber } }
    nodes { receiptNumber } pageInfo { hasNextPage endCursor } } } }"""
STATS = """query($code: String!, $year: Int!, $from: Int) { orgUnit(code: $code) {
  stats(year: $year) { fund(fromYear: $from) { donationsTotal donationsCount disbursedTotal
    awardsCount feesTotal balance } } } }"""
PUBLIC = """query($code: String!) { publicFundStatement(unitCode: $code, from: "2024-01-01",
  to: "2030-12-31") { unitName opening closing totalIn totalOut threshold xlsxUrl pdfUrl
  donors { name amount } awards { purpose label count amount
    beneficiaries { name grade amount } } } }"""
ROLL = """query($code: String!) { honourRoll(unitCode: $code, year: 2024) {
  rank name total count } }"""
COMMUNE_OFFICER = token_for("20/183/06184", Role.COMMUNE_OFFICER)
AUTHORITY = token_for("20/183/06184", Role.AUTHORITY)


def gift(key, amount, unit="06184", name="Nguyễn Văn Hảo", anonymous=False, **more):
    return {
        "input": {
            "unitCode": unit,
            "idempotencyKey": key,
            "donor": {"name": name, "anonymous": anonymous, "email": "hao@example.invalid"},
            "amount": amount,
            "receivedOn": "2024-10-02",
            **more,
        }
    }


def award(amount, name="Nguyễn Văn An", unit="06184", **beneficiary):
    return {
        "input": {
            "unitCode": unit,
            "amount": amount,
            "purpose": "AWARD",
            "beneficiary": {
                "kind": "STUDENT",
                "name": name,
                "school": "THCS Đồng Đăng",
                "grade": "8",
                "achievement": "Học sinh giỏi cấp tỉnh",
                **beneficiary,
            },
        }
    }


@pytest.fixture
def platform(config, gateway):
    load_demo_directory(config)
    return gateway


def fund(gateway, code="06184", token=None):
    return gateway(FUND, {"code": code}, **({"token": token} if token else {}))["fund"]


def stats(gateway, code, year=2024, first=None):
    answer = gateway(STATS, {"code": code, "year": year, "from": first})
    return answer["orgUnit"]["stats"]["fund"]


def fields_of(caught):
    return [(f["field"], f["key"]) for f in caught.value.errors[0]["extensions"]["fields"]]


def test_five_billion_dong_pass_every_layer_exactly(platform, config):
    with Connection(config["AMQP_URI"]) as connection:
        queue = tap(config, DONATED)(connection.default_channel)
        queue.declare()
        done = platform(DONATE, gift("exact-000001", "5000000000"))["recordDonation"]
        message = wait_until(lambda: queue.get(no_ack=True), what="donated")
        queue.delete()
    assert done["donation"]["amount"] == "5000000000"
    assert done["donation"]["receiptNumber"] == "06184-2024-000001"
    event = message.decode()
    validate_event(event)
    assert event["data"]["amount"] == "5000000000"
    # donated v2: the donor by kind only; the e-mail stays in the fund (asked by RPC)
    assert event["data"]["donor"] == {"kind": "person"}
    assert "hao@example.invalid" not in str(message.body) and "Hảo" not in str(message.body)
    # an integer beyond 2^53 (where a JavaScript number rounds) comes back exact too
    platform(DONATE, gift("exact-000002", 9_007_199_254_740_993))
    total = 5_000_000_000 + 9_007_199_254_740_993
    assert fund(platform)["balance"] == str(total)
    for code in ("06184", "183", "20"):
        figures = stats(platform, code)
        assert figures["donationsTotal"] == str(total) and figures["balance"] == str(total)
    assert fund(platform)["statement"]["closing"] == str(total)


@pytest.mark.parametrize(
    "amount", [5e9, 1.5, "1.5", "-5", "0", 0, "5e9", "abc", " 5", "99999999999999999999"]
)
def test_money_that_is_not_whole_positive_dong_is_a_field_error(platform, amount):
    with pytest.raises(GraphQLError) as caught:
        platform(DONATE, gift("bad-money-01", amount))
    assert caught.value.code == "BAD_USER_INPUT"
    assert fields_of(caught) == [("amount", "amount")]
    assert fund(platform)["balance"] == "0"


def test_a_retried_donation_counts_once_and_a_changed_one_is_refused(platform):
    first = platform(DONATE, gift("retry-000001", "200000"))["recordDonation"]
    again = platform(DONATE, gift("retry-000001", "200000"))["recordDonation"]
    assert (first["created"], again["created"]) == (True, False)
    assert again["donation"] == first["donation"]
    with pytest.raises(GraphQLError) as caught:
        platform(DONATE, gift("retry-000001", "300000"))
    assert fields_of(caught) == [("idempotencyKey", "idempotency_conflict")]
    assert stats(platform, "20")["donationsCount"] == 1
    assert fund(platform)["balance"] == "200000"


def test_receipt_numbers_have_no_gaps_when_donations_race(platform):
    pool = eventlet.GreenPool(8)
    done = list(pool.imap(lambda n: platform(DONATE, gift(f"race-{n:06d}", 1000 + n)), range(16)))
    numbers = sorted(d["recordDonation"]["donation"]["receiptNumber"] for d in done)
    assert numbers == [f"06184-2024-{n:06d}" for n in range(1, 17)]
    # the donations as a connection, 5 a page: every receipt once, then no next page
    walked, after = [], None
    while True:
        page = platform(DONATIONS, {"code": "06184", "after": after})["fund"]["donations"]
        assert [e["node"] for e in page["edges"]] == page["nodes"] and len(page["nodes"]) <= 5
        walked += [d["receiptNumber"] for d in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(walked) == numbers and len(walked) == len(set(walked))


def test_racing_approvals_cannot_overdraw_and_a_reversal_restores(platform):
    platform(DONATE, gift("fund-000001", "1000000"))
    proposals = [
        platform(PROPOSE, award("700000"), token=COMMUNE_OFFICER)["proposeDisbursement"]["id"]
        for _ in range(3)
    ]
    outcomes = []

    def approve(ident):
        try:
            platform(APPROVE, {"input": {"disbursementId": ident}}, token=AUTHORITY)
            outcomes.append("paid")
        except GraphQLError as exc:
            outcomes.append(fields_of(type("C", (), {"value": exc}))[0][1])

    list(eventlet.GreenPool(3).imap(approve, proposals))
    assert sorted(outcomes) == ["insufficient_funds", "insufficient_funds", "paid"]
    assert fund(platform)["balance"] == "300000"
    paid = next(d for d in fund(platform)["disbursements"]["nodes"] if d["status"] == "APPROVED")
    reversed_ = platform(
        REVERSE, {"input": {"entryId": paid["id"], "reason": "Chi nhầm"}}, token=AUTHORITY
    )["reverseEntry"]
    assert (reversed_["reverses"], reversed_["amount"]) == (paid["id"], "700000")
    assert fund(platform)["balance"] == "1000000"
    figures = stats(platform, "183")
    assert (figures["disbursedTotal"], figures["awardsCount"]) == ("0", 0)


def test_province_sums_are_the_sums_of_communes(platform):
    platform(DONATE, gift("sum-0000001", "3000000"))
    platform(DONATE, gift("sum-0000002", "2000000", unit="06187", name="Công ty ABC"))
    platform(DONATE, gift("sum-0000003", "7000000", unit="05971", name="Công ty ABC"))
    ident = platform(PROPOSE, award("500000"))["proposeDisbursement"]["id"]
    paid = {"disbursementId": ident, "paidOn": "2024-12-20"}
    platform(APPROVE, {"input": paid}, token=AUTHORITY)
    platform(
        TRANSFER,
        {
            "input": {
                "fromUnitCode": "06184",
                "toUnitCode": "183",
                "idempotencyKey": "transfer-0001",
                "amount": "1000000",
                "on": "2024-12-21",
            }
        },
        token=AUTHORITY,
    )
    communes = [stats(platform, code) for code in ("06184", "06187", "05971")]
    province = stats(platform, "20")
    for name in ("donationsTotal", "donationsCount", "disbursedTotal", "awardsCount"):
        assert sum(int(c[name]) for c in communes) == int(province[name])
    assert province["balance"] == str(12_000_000 - 500_000)  # the transfer stays inside
    assert stats(platform, "183")["balance"] == str(5_000_000 - 500_000)
    assert stats(platform, "20", year=2026, first=2023)["donationsTotal"] == "12000000"
    assert stats(platform, "20", year=2023)["balance"] == "0"
    roll = platform(ROLL, {"code": "20"}, token=None)["honourRoll"]
    assert [(r["rank"], r["name"], r["total"]) for r in roll] == [
        (1, "Công ty ABC", "9000000"),
        (2, "Nguyễn Văn Hảo", "3000000"),
    ]


def test_membership_fees_go_to_the_branch_fund(platform):
    branch = platform(
        """mutation { createBranch(input: {communeCode: "06184", name: "Chi hội Khối 1",
        kind: RESIDENTIAL, openedOn: "2019-01-01"}) { branch { code } } }"""
    )["createBranch"]["branch"]["code"]
    fee = {
        "input": {
            "unitCode": branch,
            "memberId": "mb-1",
            "year": 2024,
            "amount": "50000",
            "paidOn": "2024-06-01",
        }
    }
    assert platform(FEE, fee)["recordMembershipFee"]["amount"] == "50000"
    platform(FEE, fee)  # the same fee again changes nothing
    assert fund(platform, branch)["balance"] == "50000"
    assert stats(platform, "06184")["feesTotal"] == "50000"
    with pytest.raises(GraphQLError) as caught:
        platform(FEE, {"input": {**fee["input"], "unitCode": "06184"}})
    assert fields_of(caught) == [("unitCode", "fee_branch_only")]


def test_the_public_statement_needs_no_login_and_protects_people(platform, gateway):
    platform(DONATE, gift("pub-0000001", "5000000", name="Công ty Hồng Phát", anonymous=False))
    platform(DONATE, gift("pub-0000002", "3000000", name="Bà Trần Thị Mai", anonymous=True))
    platform(DONATE, gift("pub-0000003", "100000", name="Ông Lê Văn Nhỏ"))
    ident = platform(PROPOSE, award("500000", name="Đặng Thị Ánh"))["proposeDisbursement"]["id"]
    platform(APPROVE, {"input": {"disbursementId": ident}}, token=AUTHORITY)
    public = platform(PUBLIC, {"code": "06184"}, token=None)["publicFundStatement"]
    assert (public["opening"], public["totalIn"], public["totalOut"], public["closing"]) == (
        "0",
        "8100000",
        "500000",
        "7600000",
    )
    # by default every donor who did not ask for anonymity is named, whatever the amount
    assert [d["name"] for d in public["donors"]] == [
        "Công ty Hồng Phát",
        "Nhà hảo tâm ẩn danh",
        "Ông Lê Văn Nhỏ",
    ]
    (category,) = public["awards"]
    assert (category["label"], category["count"], category["amount"]) == (
        "Khen thưởng",
        1,
        "500000",
    )
    assert category["beneficiaries"][0]["name"] == "Đ.T.Á. – THCS Đồng Đăng"
    assert "Trần Thị Mai" not in json.dumps(public, ensure_ascii=False)

    workbook = load_workbook(io.BytesIO(download(gateway, public["xlsxUrl"])))
    cells = [c for row in workbook["Nhà hảo tâm"].iter_rows(values_only=True) for c in row]
    assert "Nhà hảo tâm ẩn danh" in cells and "Bà Trần Thị Mai" not in cells
    assert 7_600_000 in [c for row in workbook["Thu chi"].iter_rows(values_only=True) for c in row]
    assert download(gateway, public["pdfUrl"]).startswith(b"%PDF")


def download(gateway, path, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(f"http://{gateway.address}{path}", headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def test_receipts_are_printable_inside_the_callers_reach(platform, gateway):
    url = platform(DONATE, gift("receipt-00001", "250000"))["recordDonation"]["donation"][
        "receiptUrl"
    ]
    assert download(gateway, url, COMMUNE_OFFICER).startswith(b"%PDF")
    for token, status in (
        (token_for("20/183/06187", Role.COMMUNE_OFFICER), 403),
        (token_for("01"), 404),
        (None, 401),
    ):
        with pytest.raises(urllib.error.HTTPError) as refused:
            download(gateway, url, token)
        assert refused.value.code == status


OUTSIDERS = [
    pytest.param(token_for("01"), id="another-province"),
    pytest.param(token_for("20/183/06187", Role.COMMUNE_OFFICER), id="sibling-commune"),
]


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_every_query_and_mutation_refuses_outsiders(platform, outsider):
    gift_id = platform(DONATE, gift("mine-0000001", "1000000"))["recordDonation"]["donation"]["id"]
    proposal = platform(PROPOSE, award("100000"))["proposeDisbursement"]["id"]
    sibling_authority = token_for("20/183/06187", Role.AUTHORITY)
    other_province_authority = token_for("01", Role.AUTHORITY)
    # reading the fund: another province does not see it at all; a sibling is forbidden
    try:
        assert platform(FUND, {"code": "06184"}, token=outsider)["fund"] is None
    except GraphQLError as exc:
        assert exc.code == "FORBIDDEN"
    with pytest.raises(GraphQLError) as figures:  # the fund's figures of the commune
        platform(STATS, {"code": "06184", "year": 2024, "from": None}, token=outsider)
    assert figures.value.code == "FORBIDDEN"
    attempts = [
        (DONATE, {"input": {**gift("theirs-00001", "1")["input"], "tenant": "20"}}, outsider),
        (PROPOSE, {"input": {**award("1")["input"], "tenant": "20"}}, outsider),
        (
            FEE,
            {
                "input": {
                    "tenant": "20",
                    "unitCode": "06184",
                    "memberId": "mb-9",
                    "year": 2024,
                    "amount": "1",
                }
            },
            outsider,
        ),
    ]
    for authority in (sibling_authority, other_province_authority):
        attempts += [
            (APPROVE, {"input": {"tenant": "20", "disbursementId": proposal}}, authority),
            (REVERSE, {"input": {"tenant": "20", "entryId": gift_id, "reason": "x"}}, authority),
            (
                TRANSFER,
                {
                    "input": {
                        "tenant": "20",
                        "fromUnitCode": "06184",
                        "toUnitCode": "183",
                        "idempotencyKey": "steal-000001",
                        "amount": "1",
                    }
                },
                authority,
            ),
        ]
    for query, variables, token in attempts:
        with pytest.raises(GraphQLError) as caught:
            platform(query, variables, token=token)
        assert caught.value.code == "FORBIDDEN", query
    # an officer in reach cannot approve: that is the approvers' authority
    with pytest.raises(GraphQLError) as officer:
        platform(APPROVE, {"input": {"disbursementId": proposal}}, token=COMMUNE_OFFICER)
    assert officer.value.code == "FORBIDDEN"
    assert fund(platform)["balance"] == "1000000"
    assert stats(platform, "20")["donationsCount"] == 1


@pytest.fixture
def fund_managers_approve(config):
    config["TENANT_SETTINGS"]["20"]["fund"] = {"approvers": ["fund_manager"]}


def test_the_province_configures_who_approves(fund_managers_approve, platform):
    platform(DONATE, gift("conf-0000001", "1000000"))
    ident = platform(PROPOSE, award("100000"), token=COMMUNE_OFFICER)["proposeDisbursement"]["id"]
    with pytest.raises(GraphQLError) as refused:
        platform(APPROVE, {"input": {"disbursementId": ident}}, token=AUTHORITY)
    assert refused.value.code == "FORBIDDEN"
    manager = token_for("20/183", Role.FUND_MANAGER)
    approved = platform(APPROVE, {"input": {"disbursementId": ident}}, token=manager)
    assert approved["approveDisbursement"]["status"] == "APPROVED"
