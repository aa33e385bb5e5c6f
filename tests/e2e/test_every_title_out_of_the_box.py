"""Every title through the whole year on the shipped criteria alone (tenant 01, Hà Nội, has no
province files): a clan, a village community, a learning citizen, a commune-level and a
district-level learning unit registered for 2024 are self-assessed, reviewed in one meeting's
list (biên bản bình xét), proposed after a posting done on paper, decided by the authority of
the right level, and recognised — every indicator named, and the provisional sets saying so."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from khuyenhoc.auth import Role
from khuyenhoc.config import load_config
from ops.tokens import create_token
from services.scoring.domain import vietnam_day
from tests.conftest import wait_until
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

TENANT, DISTRICT, COMMUNE = "01", "001", "00007"  # Hà Nội, Ba Đình, Cống Vị ward
SETS = """query($title: Title!) { criteriaSets(title: $title, year: 2024) { id level group
  provisional meetingDecides totalPoints indicators { id name kind maxPoints } } }"""
REGISTER = {
    kind: f"""mutation($input: Register{kind}Input!) {{ register{kind}(input: $input) {{
  enrolmentId subjectId unitPath }} }}"""
    for kind in ("Clan", "Community", "LearningUnit", "Citizen")
}
FIGURES = """query($code: String!) { orgUnit(code: $code) { stats(year: 2024) {
  title(title: COMMUNITY) { registered recognised } } } }"""
ASSESSMENT = """query($id: String!) { assessment(enrolmentId: $id) { status provisional
  selfAssessment { setId verdict { status } computedFigures { name value } }
  review { setId verdict { status decidedByMeeting explanation { name indicators { id name } } } }
  recognition { decisionNumber decisionDate provisional authority } } }"""
SELF = """mutation($input: ScoreInput!) { submitSelfAssessment(input: $input) {
  selfAssessment { setId verdict { status } } } }"""
LIST_REVIEW = """mutation($input: ListReviewInput!) { recordListReview(input: $input) {
  id state rows { enrolmentId agreed adopted status setId provisional } } }"""
PROPOSE = """mutation($input: ProposeInput!) { proposeRecognition(input: $input) {
  id enrolmentIds } }"""
DECIDE = """mutation($input: DecideInput!) { decideRecognition(input: $input) {
  recognised skipped } }"""


@pytest.fixture(scope="module")
def people(platform, tokens):
    config = load_config(env=platform.settings())

    def token(unit, role):
        return create_token(config, TENANT, unit, role, f"all-{unit}-{role.value}", hours=1)

    return {
        "officer": token(COMMUNE, Role.COMMUNE_OFFICER),
        "commune_authority": token(COMMUNE, Role.AUTHORITY),
        "district_officer": token(DISTRICT, Role.DISTRICT_OFFICER),
        "district_authority": token(DISTRICT, Role.AUTHORITY),
        "province_authority": token(TENANT, Role.AUTHORITY),
    }


def ask(platform, query, variables, token=None):
    answer = graphql(platform, query, variables, token=token)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


def shipped(platform, title, level=None, group=None):
    found = [
        s
        for s in ask(platform, SETS, {"title": title})["criteriaSets"]
        if (level is None or s["level"] in (None, level)) and (group is None or s["group"] == group)
    ]
    assert found, f"no shipped set for {title} {level} {group}"
    return found[0]


def full_answers(criteria_set):
    """Met indicators met; points in full where the maximum is known, the rest sharing what
    the set's total leaves (the QĐ 448 tables lump criteria 3-4)."""
    indicators = criteria_set["indicators"]
    answers = [{"indicator": i["id"], "met": True} for i in indicators if i["kind"] == "MET"]
    points = [i for i in indicators if i["kind"] == "POINTS"]
    given = {i["id"]: i["maxPoints"] for i in points if i["maxPoints"] is not None}
    open_ = [i["id"] for i in points if i["maxPoints"] is None]
    if open_:
        left = (criteria_set["totalPoints"] or 10 * len(open_)) - sum(given.values())
        given |= {i: left // len(open_) for i in open_}
    return answers + [{"indicator": k, "points": v} for k, v in given.items()]


def register(platform, kind, given, token):
    done = ask(platform, REGISTER[kind], {"input": {**given, "year": 2024}}, token)
    enrolment = done[f"register{kind}"]
    wait_until(
        lambda: ask(platform, ASSESSMENT, {"id": enrolment["enrolmentId"]}, token)["assessment"]
    )
    return enrolment


def through_the_year(
    platform, title, unit_code, enrolment_ids, registrar, authority, number, not_theirs=()
):
    """The meeting adopts the self-assessments in one list, the unit proposes (posted on paper
    ten days ago) and the authority decides today; authorities of another level
    (``not_theirs``) are refused first."""
    today = vietnam_day(datetime.now(UTC))
    review = {
        "unitCode": unit_code,
        "title": title,
        "year": 2024,
        "documentId": f"BB-{title}-{uuid.uuid4().hex[:6]}",
        "meetingDate": (today - timedelta(days=12)).isoformat(),
        "minutes": f"Biên bản họp bình xét danh hiệu năm 2024 ({title})",
        "chair": "Nguyễn Văn Chủ",
        "rows": [{"enrolmentId": e, "agree": True} for e in enrolment_ids],
    }
    recorded = ask(platform, LIST_REVIEW, {"input": review}, registrar)["recordListReview"]
    assert recorded["state"] == "RECORDED"
    assert {r["enrolmentId"]: (r["adopted"], r["status"]) for r in recorded["rows"]} == {
        e: (True, "RECOGNISED") for e in enrolment_ids
    }
    proposal = ask(
        platform,
        PROPOSE,
        {
            "input": {
                "unitCode": unit_code,
                "title": title,
                "year": 2024,
                "postedFrom": (today - timedelta(days=10)).isoformat(),
            }
        },
        registrar,
    )["proposeRecognition"]
    assert set(enrolment_ids) <= set(proposal["enrolmentIds"])
    decision = {
        "proposalId": proposal["id"],
        "decisionNumber": number,
        "decisionDate": today.isoformat(),
        "signer": "Chủ tịch UBND Trần Văn Ký",
        "enrolmentIds": enrolment_ids,
    }
    for other in not_theirs:
        refused = graphql(platform, DECIDE, {"input": decision}, token=other)
        assert refused.get("errors") and not (refused.get("data") or {}).get("decideRecognition")
    return ask(platform, DECIDE, {"input": decision}, authority)["decideRecognition"]


def recognised(platform, enrolment_id, token, number):
    found = ask(platform, ASSESSMENT, {"id": enrolment_id}, token)["assessment"]
    assert found["recognition"]["decisionNumber"] == number
    for criterion in found["review"]["verdict"]["explanation"]:
        assert criterion["name"]
        for indicator in criterion["indicators"]:
            assert indicator["name"] and indicator["name"] != indicator["id"]
    return found


def self_assess(platform, enrolment_id, criteria_set, token, group=None):
    given = {"enrolmentId": enrolment_id, "answers": full_answers(criteria_set), "group": group}
    return ask(platform, SELF, {"input": given}, token)["submitSelfAssessment"]["selfAssessment"]


def community_figures(platform, code, token):
    found = ask(platform, FIGURES, {"code": code}, token)["orgUnit"]["stats"]["title"]
    return found["registered"], found["recognised"]


def test_a_clan_and_a_village_community_are_recognised_by_the_commune(platform, people):
    officer, tag = people["officer"], uuid.uuid4().hex[:5]
    above, reader = (COMMUNE, DISTRICT, TENANT), people["province_authority"]
    before = {code: community_figures(platform, code, reader) for code in above}
    clan = register(
        platform,
        "Clan",
        {
            "communeCode": COMMUNE,
            "clanName": f"Họ Nguyễn Đình {tag}",
            "headName": "Nguyễn Đình Tộc",
        },
        officer,
    )
    community = register(
        platform, "Community", {"communeCode": COMMUNE, "name": f"Tổ dân phố số {tag}"}, officer
    )
    # kept at its hamlet (a new one, made for its name), proposed and decided by the commune
    hamlet = community["unitPath"].rsplit("/", 1)[-1]
    assert community["unitPath"] == f"{TENANT}/{DISTRICT}/{COMMUNE}/{hamlet}"
    assert hamlet.startswith(f"{COMMUNE}-T")
    for title, enrolment in (("CLAN", clan), ("COMMUNITY", community)):
        criteria_set = shipped(platform, title)
        assert criteria_set["provisional"] and criteria_set["meetingDecides"]
        own = self_assess(platform, enrolment["enrolmentId"], criteria_set, officer)
        assert (own["setId"], own["verdict"]["status"]) == (criteria_set["id"], "UNDECIDABLE")
        number = f"{tag}/QĐ-UBND-{title}"
        decided = through_the_year(
            platform,
            title,
            COMMUNE,
            [enrolment["enrolmentId"]],
            officer,
            people["commune_authority"],
            number,
            # the district's and the province's authorities do not sign a commune's list
            not_theirs=(people["district_authority"], people["province_authority"]),
        )
        assert decided["recognised"] == [enrolment["enrolmentId"]]
        found = recognised(platform, enrolment["enrolmentId"], officer, number)
        assert found["provisional"] and found["recognition"]["provisional"]

    # the hamlet's figures are its own, and counted in its commune's, district's and province's
    wait_until(lambda: community_figures(platform, hamlet, officer) == (1, 1), what="the hamlet's")
    for code in above:
        registered, recognised_ = before[code]
        wait_until(
            lambda c=code, r=registered, k=recognised_: (
                community_figures(platform, c, reader) == (r + 1, k + 1)
            ),
            what=f"COMMUNITY at {code}",
        )


def test_a_citizen_and_the_learning_units_they_belong_to_are_recognised_at_their_levels(
    platform, people
):
    officer, tag = people["officer"], uuid.uuid4().hex[:5]
    # a district-level unit (TT 24/2023) with one member, and a commune-level unit (QĐ 448)
    district_unit = register(
        platform,
        "LearningUnit",
        {
            "unitCode": DISTRICT,
            "level": "DISTRICT",
            "name": f"Phòng Văn hóa và Thông tin {tag}",
            "unitKind": "AGENCY",
            "staff": 1,
        },
        people["district_officer"],
    )
    commune_unit = register(
        platform,
        "LearningUnit",
        {
            "unitCode": COMMUNE,
            "name": f"Trường Mầm non Hoa Sen {tag}",
            "unitKind": "SCHOOL",
            "staff": 20,
        },
        officer,
    )
    citizen = register(
        platform,
        "Citizen",
        {
            "communeCode": COMMUNE,
            "fullName": f"Phạm Thị Học {tag}",
            "birthYear": 1990,
            "nationalId": "0011900" + f"{uuid.uuid4().int % 100000:05d}",
            "labourGroup": "PROFESSIONAL",
            "learningUnitId": district_unit["subjectId"],
        },
        officer,
    )

    # the learning citizen: decided by the known rule (≥ 80 of 100, none below 5)
    citizen_set = shipped(platform, "CITIZEN", group="professional")
    assert not citizen_set["meetingDecides"]
    answers = [{"indicator": i["id"], "points": 9} for i in citizen_set["indicators"]]
    given = {"enrolmentId": citizen["enrolmentId"], "answers": answers, "group": "professional"}
    own = ask(platform, SELF, {"input": given}, officer)["submitSelfAssessment"]["selfAssessment"]
    assert own["verdict"]["status"] == "RECOGNISED"
    number = f"{tag}/QĐ-UBND-CDHT"
    decided = through_the_year(
        platform,
        "CITIZEN",
        COMMUNE,
        [citizen["enrolmentId"]],
        officer,
        people["commune_authority"],
        number,
    )
    assert decided["recognised"] == [citizen["enrolmentId"]]
    recognised(platform, citizen["enrolmentId"], officer, number)

    # the commune-level unit: the association's set, the commune decides
    unit_set = shipped(platform, "UNIT", level="commune")
    assert unit_set["meetingDecides"]
    self_assess(platform, commune_unit["enrolmentId"], unit_set, officer)
    number = f"{tag}/QĐ-UBND-DVHT"
    decided = through_the_year(
        platform,
        "UNIT",
        COMMUNE,
        [commune_unit["enrolmentId"]],
        officer,
        people["commune_authority"],
        number,
    )
    assert decided["recognised"] == [commune_unit["enrolmentId"]]
    recognised(platform, commune_unit["enrolmentId"], officer, number)

    # the district-level unit: TT 24/2023; its one member is now a learning citizen (100%)
    district_set = shipped(platform, "UNIT", level="district", group=None)
    registrar = people["district_officer"]

    def judged_with_its_member():
        stage = self_assess(platform, district_unit["enrolmentId"], district_set, registrar)
        return stage["verdict"]["status"] == "RECOGNISED" and stage

    stage = wait_until(judged_with_its_member, timeout=30, what="the member's share")
    assert stage["setId"].startswith("tt24-learning-unit-2024")
    number = f"{tag}/QĐ-UBND-H"
    decided = through_the_year(
        platform,
        "UNIT",
        DISTRICT,
        [district_unit["enrolmentId"]],
        registrar,
        people["district_authority"],
        number,
        # TT 22/24: the People's Committee of the unit's own level, not the commune's or province's
        not_theirs=(people["commune_authority"], people["province_authority"]),
    )
    assert decided["recognised"] == [district_unit["enrolmentId"]]
    recognised(platform, district_unit["enrolmentId"], registrar, number)
