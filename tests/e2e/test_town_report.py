"""A town's five-year review out of the data, on a platform of its own (the 2025 reorganisation
of Lạng Sơn is applied half-way, which the shared end-to-end platform must not see).

Đồng Đăng (06184) enters, through /graphql only, what its 2020–2024 report (Kết luận
49-KL/TW) is drawn from: branches by kind and their members, population, households and the
other denominators, households, a clan, a hamlet community and the commune's own community,
their past recognitions (history import), donations and student awards (with an award of
another purpose that is not one). The report's every figure equals what was entered; the former
district's and the province's figures equal the sums of their units'; progress against the
shipped targets is computed on the denominators; the xlsx and PDF files open and read in
Vietnamese. Then ``khuyenhoc directory reorganise 20`` runs, as an operator would: the
province's figures are unchanged, its 2025 communes' 2024 figures sum to the province's with the
split commune Hồng Phong (06079) counted once, a registration into a commune that has ended is
refused naming its successor, and the new Đồng Đăng's officer reads its predecessors' records.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import openpyxl
import pypdfium2
import pytest

from khuyenhoc.auth import Role
from khuyenhoc.config import load_config
from ops.devbroker import private_vhost
from ops.platform import SERVICES, Platform
from ops.tokens import create_token
from tests.conftest import REPO_ROOT, TEST_TENANTS, wait_until
from tests.e2e.client import free_port_block, graphql

pytestmark = pytest.mark.e2e

TOWN, SPLIT, DISTRICT, PROVINCE = "06184", "06079", "183", "20"
YEARS = (2020, 2021, 2022, 2023, 2024)
# Households of the town by year of their recognition (history): 2020: 3 ... 2023: 6.
HEADS = (
    "Hoàng Văn Thụ",
    "Nông Thị Lan",
    "Lương Văn Tri",
    "Vi Thị Hoa",
    "Chu Văn Tấn",
    "Lý Thị Mai",
)
RECOGNISED_FAMILIES = {2020: 3, 2021: 4, 2022: 5, 2023: 6}
BRANCHES = (
    ("Chi hội khu Nam Quan", "RESIDENTIAL", 120),
    ("Chi hội khu Ga", "RESIDENTIAL", 95),
    ("Chi hội Trường THCS Đồng Đăng", "SCHOOL", 40),
    ("Chi hội dòng họ Hoàng", "CLAN", 31),
    ("Ban khuyến học thị trấn", "BOARD", 9),
)
DENOMINATORS = {"population": 1000, "households": 250, "adults": 640, "clans": 3, "units": 7}
# Student awards (count, amount) per year, and one payment of another purpose each year.
AWARDS = {2020: (2, 1_000_000), 2021: (3, 1_500_000), 2022: (2, 2_000_000)}
AWARD_PURPOSES = ("scholarship", "award", "university_prize")
DONATION = 10_000_000  # each year's gift

REGISTER = """mutation($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId } }"""
CLAN = """mutation($input: RegisterClanInput!) { registerClan(input: $input) { enrolmentId } }"""
COMMUNITY = """mutation($input: RegisterCommunityInput!) {
  registerCommunity(input: $input) { enrolmentId } }"""
COMMUNE = """mutation($input: RegisterCommuneCommunityInput!) {
  registerCommuneCommunity(input: $input) { enrolmentId } }"""
HISTORY = """mutation($input: ImportTitleHistoryInput!) { importTitleHistory(input: $input) {
  imported errors { row field key message } } }"""
BRANCH = """mutation($input: CreateBranchInput!) { createBranch(input: $input) {
  branch { code } } }"""
MEMBERS = """mutation($input: BranchMembersInput!) { setBranchMembers(input: $input) {
  __typename } }"""
DENOMINATE = """mutation($input: SetDenominatorsInput!) { setDenominators(input: $input) {
  __typename } }"""
DONATE = """mutation($input: DonationInput!) { recordDonation(input: $input) { created } }"""
PROPOSE_PAYMENT = """mutation($input: DisbursementProposalInput!) {
  proposeDisbursement(input: $input) { id } }"""
APPROVE = """mutation($input: DisbursementApprovalInput!) { approveDisbursement(input: $input) {
  status } }"""
REPORT = """query($code: String!, $from: Int!, $to: Int!) {
  report(unitCode: $code, fromYear: $from, toYear: $to) {
    unit { code name } issuer population households members membersShareOfPopulation
    branches { kind kindName count } branchesTotal
    titles { title year registered recognised recognisedLevel1 recognisedLevel2
      rateOfRegistered denominator rateOfDenominator }
    communityRatings { year level label }
    awards { count amount } fund { donationsTotal disbursedTotal balance }
    progress { numerator denominator share met missing target { code share provisional } }
    children { code name households recognised { title count } registered { title count } }
    notes } }"""
STATS_2024 = """query($code: String!) { orgUnit(code: $code) { code level
  stats(year: 2024) { title(title: FAMILY) { registered recognised } }
  children { code level stats(year: 2024) { title(title: FAMILY) { registered recognised } } }
} }"""
SUBJECTS = """query($code: String!) { orgUnit(code: $code) {
  subjects(year: 2024, title: FAMILY, first: 50) { nodes { name unitPath } } } }"""
UNIT = """query($code: String!) { orgUnit(code: $code) { code path validTo
  predecessorLinks { code partial carriesFigures }
  children { code level kind validFrom } } }"""


@pytest.fixture(scope="module")
def town(tmp_path_factory, mongo_uri):
    """A platform of its own with Lạng Sơn loaded (2024 map) and the criteria sets shipped."""
    base = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    with private_vhost(base, "khuyenhoc-town") as amqp:
        env = {
            "MONGO_URI": mongo_uri,
            "AMQP_URI": amqp,
            "KHUYENHOC_TENANTS": TEST_TENANTS,
            "DB_PREFIX": f"town{uuid.uuid4().hex[:8]}_",
            "SMS_QUIET_HOURS": "off",
        }
        run = Platform(
            run_dir=tmp_path_factory.mktemp("town-run"),
            data_dir=tmp_path_factory.mktemp("town-data"),
            base_port=free_port_block(len(SERVICES)),
            env=env,
        )
        try:
            run.up(demo_province=PROVINCE, quiet=True)
            yield run
        finally:
            run.down()


def token(platform, unit: str, role: Role) -> str:
    config = load_config(env=platform.settings())
    return create_token(config, PROVINCE, unit, role, f"town {role.value} {unit}", hours=1)


def ask(platform, query: str, variables: dict, bearer: str) -> dict:
    answer = graphql(platform, query, variables, token=bearer)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


def history(platform, officer: str, subject_id: str, title: str, years, level=None) -> None:
    rows = [
        {
            "subjectId": subject_id,
            "title": title,
            "year": year,
            "decisionNumber": f"{year - 2000}/QĐ-UBND",
            "decisionDate": f"{year}-12-15",
            "signer": "Chủ tịch UBND Hoàng Văn Sơn",
            **({"level": level} if level else {}),
        }
        for year in years
    ]
    done = ask(platform, HISTORY, {"input": {"unitCode": TOWN, "rows": rows}}, officer)
    assert done["importTitleHistory"] == {"imported": len(rows), "errors": []}


def subject_of(enrolment_id: str) -> str:
    return enrolment_id.split("-", 3)[3]


def enter_the_town(platform) -> dict:
    """Everything the report is drawn from, through the public API; answers what was entered."""
    officer = token(platform, TOWN, Role.COMMUNE_OFFICER)
    authority = token(platform, TOWN, Role.AUTHORITY)
    for name, kind, members in BRANCHES:
        created = ask(
            platform,
            BRANCH,
            {"input": {"communeCode": TOWN, "name": name, "kind": kind, "openedOn": "2019-01-01"}},
            officer,
        )
        code = created["createBranch"]["branch"]["code"]
        ask(platform, MEMBERS, {"input": {"code": code, "year": 2024, "count": members}}, officer)
    for year in YEARS:
        figures = {k: v + (year - 2020) * 10 for k, v in DENOMINATORS.items()}
        given = {"unitCode": TOWN, "year": year, **figures, "hamlets": 7}
        given |= {"source": "Báo cáo thống kê của UBND thị trấn", "asOf": f"{year}-12-31"}
        ask(platform, DENOMINATE, {"input": given}, officer)
    households = []
    for index, head in enumerate(HEADS):
        household = {
            "communeCode": TOWN,
            "headName": head,
            "address": f"Khu Nam Quan, số {index + 1}",
            "year": 2024,
        }
        enrolled = ask(platform, REGISTER, {"input": household}, officer)["registerHousehold"]
        households.append(subject_of(enrolled["enrolmentId"]))
    for year, count in RECOGNISED_FAMILIES.items():
        for subject in households[:count]:
            history(platform, officer, subject, "FAMILY", (year,))
    clan = {"communeCode": TOWN, "clanName": "Họ Hoàng", "headName": "Hoàng Văn Thụ", "year": 2024}
    clan_id = subject_of(
        ask(platform, CLAN, {"input": clan}, officer)["registerClan"]["enrolmentId"]
    )
    history(platform, officer, clan_id, "CLAN", (2021, 2022, 2023))
    hamlet = {"communeCode": TOWN, "name": "Khu Nam Quan", "year": 2024}
    found = ask(platform, COMMUNITY, {"input": hamlet}, officer)["registerCommunity"]
    history(platform, officer, subject_of(found["enrolmentId"]), "COMMUNITY", YEARS[:4])
    mine = {"communeCode": TOWN, "year": 2024}
    found = ask(platform, COMMUNE, {"input": mine}, officer)["registerCommuneCommunity"]
    history(platform, officer, subject_of(found["enrolmentId"]), "COMMUNE_COMMUNITY", YEARS[:4], 3)
    for year in YEARS:
        gift = {
            "unitCode": TOWN,
            "idempotencyKey": f"town-gift-{year}",
            "donor": {"name": f"Công ty Cổ phần Đồng Đăng {year}", "kind": "enterprise"},
            "amount": str(DONATION),
            "receivedOn": f"{year}-03-01",
        }
        ask(platform, DONATE, {"input": gift}, officer)
    paid = []
    for year, (count, amount) in AWARDS.items():
        for n in range(count):
            paid.append((year, AWARD_PURPOSES[n % 3], amount // count))
        paid.append((year, "community_learning", 700_000))  # not a student award
    for year, purpose, amount in paid:
        proposal = {
            "unitCode": TOWN,
            "amount": str(amount),
            "purpose": purpose,
            "paidOn": f"{year}-09-05",
            "beneficiary": {"kind": "student", "name": "Nông Văn Hải", "school": "THCS Đồng Đăng"},
        }
        found = ask(platform, PROPOSE_PAYMENT, {"input": proposal}, officer)
        decided = ask(
            platform,
            APPROVE,
            {"input": {"disbursementId": found["proposeDisbursement"]["id"]}},
            authority,
        )
        assert decided["approveDisbursement"]["status"] == "APPROVED"
    return {
        "households": households,
        "disbursed": sum(amount for *_, amount in paid),
    }


def report(platform, code: str, bearer: str, first: int = 2020, last: int = 2024) -> dict:
    return ask(platform, REPORT, {"code": code, "from": first, "to": last}, bearer)["report"]


def row(found: dict, title: str, year: int) -> dict:
    return next(r for r in found["titles"] if r["title"] == title and r["year"] == year)


def counts(child: dict, field: str, title: str) -> int:
    return next(c["count"] for c in child[field] if c["title"] == title)


def download(platform, path: str, bearer: str) -> bytes:
    request = urllib.request.Request(
        platform.url(platform.gateway, path), headers={"Authorization": f"Bearer {bearer}"}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.status == 200
        return answer.read()


def test_the_towns_report_before_and_after_the_reorganisation(town, tmp_path):
    admin = token(town, PROVINCE, Role.PROVINCE_ADMIN)
    entered = enter_the_town(town)
    # a household of the split commune Hồng Phong, for the roll-ups across the reform
    split_officer = token(town, SPLIT, Role.COMMUNE_OFFICER)
    split = {"communeCode": SPLIT, "headName": "Triệu Văn Pao", "address": "Thôn Nà Hin"}
    ask(town, REGISTER, {"input": {**split, "year": 2024}}, split_officer)
    wait_until(
        lambda: row(report(town, TOWN, admin), "FAMILY", 2024)["registered"] == len(HEADS),
        timeout=60,
        what="the town's registrations counted",
    )

    # -- the town's report: every figure what was entered ------------------------------------
    found = report(town, TOWN, admin)
    assert found["unit"]["code"] == TOWN and "Đồng Đăng" in found["unit"]["name"]
    assert found["issuer"].startswith("Hội Khuyến học")
    last = {k: v + 40 for k, v in DENOMINATORS.items()}  # 2024's entry
    assert (found["population"], found["households"]) == (last["population"], last["households"])
    assert found["members"] == sum(m for *_, m in BRANCHES) == 295
    assert found["membersShareOfPopulation"] == pytest.approx(295 / last["population"], abs=1e-4)
    kinds = {b["kind"]: b["count"] for b in found["branches"]}
    assert kinds["residential"] == 2 and kinds["school"] == kinds["clan"] == kinds["board"] == 1
    assert found["branchesTotal"] == len(BRANCHES)
    for year, count in RECOGNISED_FAMILIES.items():
        family = row(found, "FAMILY", year)
        assert (family["registered"], family["recognised"]) == (count, count)
        households = DENOMINATORS["households"] + (year - 2020) * 10
        assert family["denominator"] == households
        assert family["rateOfDenominator"] == pytest.approx(count / households, abs=1e-4)
        assert family["rateOfRegistered"] == pytest.approx(1.0, abs=1e-4)
    family = row(found, "FAMILY", 2024)
    assert (family["registered"], family["recognised"]) == (len(HEADS), 0)
    assert [row(found, "CLAN", y)["recognised"] for y in YEARS] == [0, 1, 1, 1, 0]
    assert [row(found, "COMMUNITY", y)["recognised"] for y in YEARS] == [1, 1, 1, 1, 0]
    ratings = {r["year"]: (r["level"], r["label"]) for r in found["communityRatings"]}
    assert all(ratings[y] == (3, "Tốt") for y in YEARS[:4]) and ratings[2024][0] is None
    awards = sum(count for count, _ in AWARDS.values()), sum(a for _, a in AWARDS.values())
    assert (found["awards"]["count"], int(found["awards"]["amount"])) == awards
    fund = found["fund"]
    assert int(fund["donationsTotal"]) == DONATION * len(YEARS)
    assert int(fund["disbursedTotal"]) == entered["disbursed"]
    assert int(fund["balance"]) == DONATION * len(YEARS) - entered["disbursed"]
    # progress for 2024 against QĐ 387 / QĐ 677, on the denominators
    progress = {p["target"]["code"]: p for p in found["progress"]}
    families = progress["QD387.FAMILY.2025"]
    assert (families["numerator"], families["denominator"]) == (0, last["households"])
    assert families["met"] is False and families["target"]["share"] == pytest.approx(0.70, abs=1e-4)
    assert progress["QD387.CLAN.2025"]["denominator"] == last["clans"]
    assert progress["QD387.COMMUNITY.2025"]["denominator"] == 7
    staff = [p for code, p in progress.items() if code.startswith("QD677") and p["missing"]]
    assert staff and all(p["share"] is None and p["met"] is None for p in staff)
    # 2023: 6 of 280 households, far from 70%
    by_year = ask(
        town,
        """query { orgUnit(code: "06184") { progress(year: 2023) { numerator denominator share
          met target { code } } } }""",
        {},
        admin,
    )["orgUnit"]["progress"]
    family_2023 = next(p for p in by_year if p["target"]["code"] == "QD387.FAMILY.2025")
    assert (family_2023["numerator"], family_2023["denominator"]) == (6, 280)
    assert family_2023["share"] == pytest.approx(6 / 280, abs=1e-4) and family_2023["met"] is False

    # -- every level is the sum of the units below ---------------------------------------------
    for code in (DISTRICT, PROVINCE):
        above = report(town, code, admin)
        for title in ("FAMILY", "CLAN", "COMMUNITY", "COMMUNE_COMMUNITY"):
            total = row(above, title, 2024)
            for field in ("registered", "recognised"):
                below = sum(counts(child, field, title) for child in above["children"])
                assert total[field] == below, (code, title, field)
        assert int(above["fund"]["donationsTotal"]) >= DONATION * len(YEARS)
    district = report(town, DISTRICT, admin)
    town_row = next(c for c in district["children"] if c["code"] == TOWN)
    assert town_row["households"] == last["households"]
    assert row(district, "FAMILY", 2023)["recognised"] == 6

    # -- the files ------------------------------------------------------------------------------
    officer = token(town, TOWN, Role.COMMUNE_OFFICER)
    sheet = download(town, f"/files/reports/{TOWN}/2020-2024.xlsx", officer)
    book = openpyxl.load_workbook(io.BytesIO(sheet))
    cells = " ".join(str(c.value) for ws in book for r in ws.iter_rows() for c in r if c.value)
    assert "Đồng Đăng" in cells and "Gia đình học tập" in cells and "Tốt" in cells
    pdf = download(town, f"/files/reports/{TOWN}/2020-2024.pdf", officer)
    document = pypdfium2.PdfDocument(pdf)
    text = " ".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert "BÁO CÁO" in text and "Đồng Đăng" in text and "Gia đình học tập" in text
    document[0].render(scale=1.5).to_pil().save(tmp_path / "town-report.png")
    (tmp_path / "town-report.pdf").write_bytes(pdf)  # kept to look at
    recognised = download(town, f"/files/recognised/{TOWN}/2022/FAMILY.xlsx", officer)
    listed = openpyxl.load_workbook(io.BytesIO(recognised))
    names = " ".join(str(c.value) for ws in listed for r in ws.iter_rows() for c in r if c.value)
    assert all(head in names for head in HEADS[:5])  # imported recognitions are listed

    # -- the 2025 reorganisation, as an operator runs it ------------------------------------------
    before = {code: report(town, code, admin) for code in (PROVINCE,)}
    reorganised = subprocess.run(
        [sys.executable, "-m", "ops.cli", "directory", "reorganise", PROVINCE],
        env={**os.environ, **town.settings()},
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert reorganised.returncode == 0, reorganised.stderr
    assert "chi hội chuyển sang" in reorganised.stdout
    after = report(town, PROVINCE, admin)
    for title in ("FAMILY", "CLAN", "COMMUNITY", "COMMUNE_COMMUNITY"):
        for year in YEARS:
            was, now = row(before[PROVINCE], title, year), row(after, title, year)
            assert (now["registered"], now["recognised"]) == (was["registered"], was["recognised"])
    # the 2025 communes' 2024 figures sum to the province's: the split commune counted once
    province = ask(town, STATS_2024, {"code": PROVINCE}, admin)["orgUnit"]
    communes = [c for c in province["children"] if c["level"] == "commune"]
    assert len(communes) == 65
    for field in ("registered", "recognised"):
        total = province["stats"]["title"][field]
        assert total == sum(c["stats"]["title"][field] for c in communes), field
    # a registration for 2026 into a commune that has ended names where it went
    gone = graphql(
        town,
        REGISTER,
        {"input": {"communeCode": "06190", "headName": "Lục Văn Pảo", "address": "Khu Ga",
                   "year": 2026}},
        admin,
    )  # fmt: skip
    field = gone["errors"][0]["extensions"]["fields"][0]
    assert field["key"] == "unit_ended" and "Đồng Đăng" in field["message"]
    # the new Đồng Đăng's officer reads its predecessors' 2024 records
    successor = token(town, TOWN, Role.COMMUNE_OFFICER)
    listed = ask(town, SUBJECTS, {"code": TOWN}, successor)["orgUnit"]["subjects"]["nodes"]
    assert {item["name"] for item in listed} >= set(HEADS)
    assert all(item["unitPath"].startswith("20/183/") for item in listed)
    # its branches were carried over, their history kept on the old ones
    new_town = ask(town, UNIT, {"code": TOWN}, admin)["orgUnit"]
    assert new_town["path"] == "20/06184"
    links = {link["code"]: link for link in new_town["predecessorLinks"]}
    assert links[SPLIT] == {"code": SPLIT, "partial": True, "carriesFigures": False}
    assert links[TOWN] == {"code": TOWN, "partial": False, "carriesFigures": True}
    new_split = ask(town, UNIT, {"code": SPLIT}, admin)["orgUnit"]["predecessorLinks"]
    assert {"code": SPLIT, "partial": True, "carriesFigures": True} in new_split
    carried = [c for c in new_town["children"] if c["level"] == "branch"]
    assert len(carried) == len(BRANCHES) and all(c["validFrom"] == "2025-07-01" for c in carried)
    print(f"town report page 1: {Path(tmp_path) / 'town-report.png'}")
