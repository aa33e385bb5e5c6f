"""Past years on the running platform, through /graphql only: a commune imports a household's
2021–2023 recognitions; the 2022 figures count them, the title history shows three imported
years, and a live 2024 recognition makes the streak four. Nobody gets an SMS for the imported
years; the live one sends exactly one. Another province, a sibling commune and a wrong role are
refused; a subject of another commune is refused for its row."""

import base64
import json
import random
from datetime import UTC, datetime, timedelta

import pytest

from khuyenhoc.auth import Role
from khuyenhoc.config import load_config
from ops.tokens import create_token
from services.scoring.domain import vietnam_day
from tests.conftest import wait_until
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

CHILDREN = """query { orgUnit(code: "183") { children { code } } }"""
REGISTER = """mutation($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId } }"""
IMPORT = """mutation($input: ImportTitleHistoryInput!) { importTitleHistory(input: $input) {
  rows imported unchanged errors { row field key message } } }"""
FIGURES = """query($code: String!, $year: Int!) { orgUnit(code: $code) { stats(year: $year) {
  title(title: FAMILY) { registered reviewed eligible recognised } } } }"""
HISTORY = """query($code: String!, $search: String!) { orgUnit(code: $code) {
  subjects(year: 2024, title: FAMILY, search: $search) { nodes { enrolmentId titleHistory {
    consecutiveYears importedYears years { year recognised imported decisionNumber } } } } } }"""
ASSESSMENT = """query($id: String!) { assessment(enrolmentId: $id) { status } }"""
SELF = """mutation($input: ScoreInput!) { submitSelfAssessment(input: $input) {
  selfAssessment { verdict { status } } } }"""
REVIEW = """mutation($input: ReviewInput!) { recordReview(input: $input) {
  review { verdict { status } } } }"""
PROPOSE = """mutation($input: ProposeInput!) { proposeRecognition(input: $input) { id } }"""
DECIDE = """mutation($input: DecideInput!) { decideRecognition(input: $input) { recognised } }"""
LOG = """query($code: String!, $recipient: String) { notifications(unitCode: $code,
  recipient: $recipient) { nodes { event channel status } } }"""


def ask(platform, query, variables, token):
    answer = graphql(platform, query, variables, token=token)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


def refusal(platform, query, variables, token):
    answer = graphql(platform, query, variables, token=token)
    assert answer.get("data") is None or answer["data"].get("importTitleHistory") is None
    return answer["errors"][0]


def answers():
    given = {f"c{c}.i{i}": 9 for c in (1, 2) for i in (1, 2, 3)}
    given.update({"c3.i1": 15, "c4.i1": 15})
    return [{"indicator": k, "points": v} for k, v in given.items()]


def history_rows(subject_id, years):
    return [
        {
            "subjectId": subject_id,
            "title": "FAMILY",
            "year": year,
            "decisionNumber": f"{year - 2000}/QĐ-UBND",
            "decisionDate": f"{year}-12-15",
            "signer": "Chủ tịch UBND Hoàng Văn Sơn",
        }
        for year in years
    ]


def test_a_communes_past_years_count_and_send_no_sms(platform, tokens, sms_gateway):
    admin = tokens["admin"]
    config = load_config(env=platform.settings())
    children = [c["code"] for c in ask(platform, CHILDREN, {}, admin)["orgUnit"]["children"]]
    # communes of their own, so the other end-to-end files' proposals do not meet this one's
    code, other = [c for c in children if c not in ("06184", "06187")][-2:]

    def token(unit, role, name):
        return create_token(config, "20", unit, role, name, hours=1)

    officer = token(code, Role.COMMUNE_OFFICER, "history-officer")
    authority = token(code, Role.AUTHORITY, "history-authority")
    sibling = token(other, Role.COMMUNE_OFFICER, "history-sibling")
    phone = "09" + "".join(random.choice("0123456789") for _ in range(8))
    household = {
        "communeCode": code,
        "headName": "Lường Thị Hồng Nhung",
        "address": f"Thôn Bản Hẻo {phone}",
        "year": 2024,
        "phone": phone,
    }
    enrolment_id = ask(platform, REGISTER, {"input": household}, officer)["registerHousehold"][
        "enrolmentId"
    ]
    subject_id = enrolment_id.split("-", 3)[3]
    elsewhere = {"communeCode": other, "headName": "Vi Văn Thắng", "address": "Thôn Pò Mã"}
    elsewhere["year"] = 2024
    other_id = ask(platform, REGISTER, {"input": elsewhere}, sibling)["registerHousehold"][
        "enrolmentId"
    ]
    other_subject = other_id.split("-", 3)[3]
    before = ask(platform, FIGURES, {"code": code, "year": 2022}, admin)["orgUnit"]["stats"]
    rows = history_rows(subject_id, (2021, 2022, 2023))
    wanted = {"unitCode": code, "rows": rows}

    # who may not: another province, a sibling commune, a role that does not register
    hanoi = refusal(platform, IMPORT, {"input": wanted}, tokens["hanoi"])
    assert hanoi["extensions"]["fields"][0]["key"] == "unit_not_found"
    assert refusal(platform, IMPORT, {"input": wanted}, sibling)["extensions"]["code"] == (
        "FORBIDDEN"
    )
    assert refusal(platform, IMPORT, {"input": wanted}, authority)["extensions"]["code"] == (
        "FORBIDDEN"
    )
    # a subject of another commune: refused for its row, and nothing is written
    mixed = {"unitCode": code, "rows": [*rows, *history_rows(other_subject, (2022,))]}
    done = ask(platform, IMPORT, {"input": mixed}, officer)["importTitleHistory"]
    assert (done["rows"], done["imported"]) == (4, 0)
    assert [(e["row"], e["field"], e["key"]) for e in done["errors"]] == [
        (4, "subjectId", "subject_out_of_reach")
    ]
    assert ask(platform, FIGURES, {"code": code, "year": 2022}, admin)["orgUnit"]["stats"] == before

    done = ask(platform, IMPORT, {"input": wanted}, officer)["importTitleHistory"]
    assert (done["imported"], done["unchanged"], done["errors"]) == (3, 0, [])
    again = ask(platform, IMPORT, {"input": wanted}, officer)["importTitleHistory"]
    assert (again["imported"], again["unchanged"]) == (0, 3)

    figures = ask(platform, FIGURES, {"code": code, "year": 2022}, admin)["orgUnit"]["stats"]
    was = before["title"]
    assert figures["title"] == {
        "registered": was["registered"] + 1,
        "reviewed": was["reviewed"] + 1,
        "eligible": was["eligible"] + 1,
        "recognised": was["recognised"] + 1,
    }
    province = ask(platform, FIGURES, {"code": "20", "year": 2022}, admin)["orgUnit"]["stats"]
    assert province["title"]["recognised"] >= 1

    def title_history():
        found = ask(platform, HISTORY, {"code": code, "search": "Hồng Nhung"}, officer)
        (item,) = found["orgUnit"]["subjects"]["nodes"]
        return item["titleHistory"]

    imported = title_history()
    assert imported["consecutiveYears"] == 3 and imported["importedYears"] == [2021, 2022, 2023]
    assert [(y["year"], y["imported"]) for y in imported["years"] if y["recognised"]] == [
        (2021, True),
        (2022, True),
        (2023, True),
    ]

    # the live 2024 recognition
    wait_until(lambda: ask(platform, ASSESSMENT, {"id": enrolment_id}, officer)["assessment"])
    score = {"enrolmentId": enrolment_id, "answers": answers()}
    ask(platform, SELF, {"input": score}, officer)
    ask(platform, REVIEW, {"input": {**score, "minutes": "Biên bản họp thôn"}}, officer)
    today = vietnam_day(datetime.now(UTC))
    posted = (today - timedelta(days=10)).isoformat()  # the list was posted on paper
    proposal = ask(
        platform,
        PROPOSE,
        {"input": {"unitCode": code, "title": "FAMILY", "year": 2024, "postedFrom": posted}},
        officer,
    )["proposeRecognition"]
    decision = {
        "proposalId": proposal["id"],
        "decisionNumber": "78/QĐ-UBND",
        "decisionDate": today.isoformat(),
        "signer": "Chủ tịch UBND Hoàng Văn Sơn",
        "enrolmentIds": [enrolment_id],
    }
    decided = ask(platform, DECIDE, {"input": decision}, authority)["decideRecognition"]
    assert decided["recognised"] == [enrolment_id]
    live = title_history()
    assert live["consecutiveYears"] == 4 and live["importedYears"] == [2021, 2022, 2023]

    def to_household():
        bodies = map(json.loads, (r["body"] for r in sms_gateway.requests))
        return [b for b in bodies if b["to"] == "+84" + phone[1:]]

    (sms,) = wait_until(to_household, 30, what="the live recognition's SMS")
    assert "năm 2024" in sms["text"] and "78/QĐ-UBND" in sms["text"]

    def logged():
        entries = ask(platform, LOG, {"code": code, "recipient": f"subject:{subject_id}"}, officer)
        found = entries["notifications"]["nodes"]
        return all(e["status"] == "SENT" for e in found) and found

    entries = wait_until(logged, 30, what="the delivery log")
    assert [(e["event"], e["channel"]) for e in entries] == [("recognised", "SMS")]
    assert len(to_household()) == 1  # the three imported years sent nothing


FILE_IMPORT = """mutation($input: ImportTitleHistoryFileInput!) {
  importTitleHistoryFile(input: $input) { rows imported unchanged errorReport
    errors { row field key message } } }"""


def download(platform, path, token):
    import urllib.error  # noqa: PLC0415 - this test only
    import urllib.request  # noqa: PLC0415 - this test only

    request = urllib.request.Request(
        platform.url(platform.gateway, path), headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def fill(template, values_by_name):
    import io  # noqa: PLC0415 - this test only

    from openpyxl import load_workbook  # noqa: PLC0415 - this test only

    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    found = next(r for r in sheet.iter_rows() if "Mã đối tượng" in [c.value for c in r])
    headers = [c.value for c in found]
    for line in sheet.iter_rows(min_row=found[0].row + 1):
        wanted = values_by_name.get(line[headers.index("Tên đối tượng")].value, {})
        for header, value in wanted.items():
            line[headers.index(header)].value = value
    out = io.BytesIO()
    book.save(out)
    return base64.b64encode(out.getvalue()).decode()


def test_past_years_from_the_filled_in_template(platform, tokens):
    admin = tokens["admin"]
    config = load_config(env=platform.settings())
    children = [c["code"] for c in ask(platform, CHILDREN, {}, admin)["orgUnit"]["children"]]
    code, other = [c for c in children if c not in ("06184", "06187")][-4:-2]
    officer = create_token(config, "20", code, Role.COMMUNE_OFFICER, "sheet-officer", hours=1)
    sibling = create_token(config, "20", other, Role.COMMUNE_OFFICER, "sheet-sibling", hours=1)
    for name in ("Hoàng Văn Sáu", "Nông Thị Bảy"):
        household = {"communeCode": code, "headName": name, "address": "Bản Nà", "year": 2024}
        ask(platform, REGISTER, {"input": household}, officer)
    path = f"/files/templates/history/{code}.xlsx?year=2024"
    assert download(platform, path, sibling)[0] == 403
    status, template = download(platform, path, officer)
    assert status == 200 and template[:2] == b"PK"
    decided = {"Năm công nhận": 2022, "Số quyết định": "12/QĐ-UBND", "Ngày ký": "15/12/2022"}
    bad = fill(template, {"Hoàng Văn Sáu": decided, "Nông Thị Bảy": {**decided, "Ngày ký": "x"}})
    wanted = {"unitCode": code, "fileName": "cac-nam-truoc.xlsx", "content": bad}
    done = ask(platform, FILE_IMPORT, {"input": wanted}, officer)["importTitleHistoryFile"]
    assert (done["rows"], done["imported"]) == (2, 0)
    assert [(e["field"], e["key"]) for e in done["errors"]] == [("decisionDate", "not_a_date")]
    assert done["errorReport"] and base64.b64decode(done["errorReport"])[:2] == b"PK"
    good = fill(template, {"Hoàng Văn Sáu": decided, "Nông Thị Bảy": decided})
    done = ask(platform, FILE_IMPORT, {"input": {**wanted, "content": good}}, officer)[
        "importTitleHistoryFile"
    ]
    assert (done["imported"], done["errors"], done["errorReport"]) == (2, [], None)
    figures = ask(platform, FIGURES, {"code": code, "year": 2022}, admin)["orgUnit"]["stats"]
    assert figures["title"]["recognised"] == 2
