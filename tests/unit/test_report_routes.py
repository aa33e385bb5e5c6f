"""The report files' routes (``/files/reports/...``, ``/files/recognised/...``): who gets them
(officers, authorities and auditors whose subtree holds the unit; not partners, not another
tenant, not a sibling commune, not without a token), bad periods refused in Vietnamese, the
files named in UTF-8 with an ASCII fallback."""

from __future__ import annotations

import io
from types import SimpleNamespace
from urllib.parse import unquote

import openpyxl
import pypdfium2
import pytest
from werkzeug.test import EnvironBuilder

from gateway.cors import CorsPolicy
from gateway.entrypoint import GatewayService
from gateway.files import Refusal, ascii_filename
from gateway.reports import files
from khuyenhoc.auth import Caller, Role, issue_token
from khuyenhoc.tenancy import UnitPath
from tests.report_samples import town_report

UNITS = {
    "06184": {"code": "06184", "name": "Phường Đồng Đăng", "path": "20/06184", "tenant": "20"},
    "06187": {"code": "06187", "name": "Xã Cao Lộc", "path": "20/06187", "tenant": "20"},
}
OFFICER = Caller("o", "20", Role.COMMUNE_OFFICER, UnitPath.parse("20/06184"))
ADMIN = Caller("a", "20", Role.PROVINCE_ADMIN, UnitPath.parse("20"))
AUDITOR = Caller("u", "20", Role.AUDITOR, UnitPath.parse("20"))
AUTHORITY = Caller("c", "20", Role.AUTHORITY, UnitPath.parse("20/06184"))
SIBLING = Caller("s", "20", Role.COMMUNE_OFFICER, UnitPath.parse("20/06187"))
HANOI = Caller("h", "01", Role.PROVINCE_ADMIN, UnitPath.parse("01"))
PARTNER = Caller("p", "20", Role.PARTNER, UnitPath.parse("20/06184"))
NAMES = {"e1": "Nguyễn Văn Thắng", "e2": "Hoàng Thị Ánh", "e3": "Lương Đức Hậu"}
DECISIONS = [
    {
        "_id": "d1",
        "number": "112/QĐ-UBND",
        "date": "2024-12-20",
        "title": "FAMILY",
        "authority": None,
        "subjects": [
            {"enrolment_id": "e1", "level": None},
            {"enrolment_id": "e2", "level": None, "provisional": True},
        ],
    },
    {
        "_id": "d2",
        "number": "15/QĐ-UBND",
        "date": "2025-01-10",
        "title": "FAMILY",
        "authority": None,
        "subjects": [{"enrolment_id": "e2"}, {"enrolment_id": "e3", "level": 2}],
    },
    {
        "_id": "d3",
        "number": "113/QĐ-UBND",
        "date": "2024-12-20",
        "title": "CLAN",
        "authority": None,
        "subjects": [{"enrolment_id": "e9"}],
    },
]


class Registration:
    def __init__(self) -> None:
        self.named: list[list[str]] = []

    def unit_for_year(self, code, tenant, year):
        unit = UNITS.get(code)
        return unit if unit and unit["tenant"] == tenant else None

    def enrolment_names(self, tenant, ids):
        self.named.append(list(ids))
        return {i: {"name": NAMES[i]} for i in ids if i in NAMES and tenant == "20"}

    def subject_names(self, tenant, ids):
        return {}  # the sample's holders are all enrolments of their year


class Scoring:
    def decisions(self, tenant, unit_code, year):
        return DECISIONS if (tenant, unit_code, year) == ("20", "06184", 2024) else []

    def title_holders(self, tenant, unit_code, title, year):
        """The holders as scoring keeps them: each subject once, with the decision that
        recognised it (the first), and one recognition imported from the paper records."""
        seen = {}
        for decision in self.decisions(tenant, unit_code, year):
            if decision["title"] != title:
                continue
            for subject in decision["subjects"]:
                seen.setdefault(
                    subject["enrolment_id"],
                    {
                        "enrolment_id": subject["enrolment_id"],
                        "level": subject.get("level"),
                        "decision_number": decision["number"],
                        "decision_date": decision["date"],
                        "provisional": bool(subject.get("provisional")),
                        "imported": False,
                    },
                )
        return list(seen.values())


@pytest.fixture
def rpc():
    return SimpleNamespace(registration=Registration(), scoring=Scoring())


@pytest.fixture
def built(monkeypatch):
    """The route's composer answers the sample town report (the composer itself is tested in
    test_report_compose and end to end)."""
    calls = []

    def build_report(rpc, unit, from_year, to_year, today=None):
        calls.append((unit["code"], from_year, to_year))
        return town_report()

    monkeypatch.setattr(files, "build_report", build_report)
    return calls


def _refused(produce) -> tuple[int, str]:
    with pytest.raises(Refusal) as refused:
        produce()
    return refused.value.status, refused.value.message


@pytest.mark.parametrize("caller", [OFFICER, ADMIN, AUDITOR, AUTHORITY])
def test_officers_in_reach_get_the_report_as_xlsx(rpc, built, caller):
    answer = files.report_file(rpc, caller, "06184", "2021-2025", "xlsx")
    assert answer.status_code == 200
    assert built == [("06184", 2021, 2025)]
    sheet = openpyxl.load_workbook(io.BytesIO(answer.get_data())).active
    assert sheet["A1"].value == "HỘI KHUYẾN HỌC"
    disposition = answer.headers["Content-Disposition"]
    assert 'filename="Bao-cao-Phuong-Dong-Dang-2021-2025.xlsx"' in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == (
        "Báo cáo Phường Đồng Đăng 2021-2025.xlsx"
    )


def test_the_report_as_pdf(rpc, built):
    answer = files.report_file(rpc, OFFICER, "06184", "2025-2025", "pdf")
    assert answer.mimetype == "application/pdf"
    assert built == [("06184", 2025, 2025)]
    assert len(pypdfium2.PdfDocument(answer.get_data())) >= 1
    assert "Phuong-Dong-Dang-2025.pdf" in answer.headers["Content-Disposition"]


@pytest.mark.parametrize("caller, status", [(SIBLING, 403), (PARTNER, 403), (HANOI, 404)])
def test_others_get_no_report(rpc, built, caller, status):
    assert (
        _refused(lambda: files.report_file(rpc, caller, "06184", "2021-2025", "pdf"))[0] == status
    )
    assert built == []


@pytest.mark.parametrize("period", ["2025-2021", "2014-2025", "21-25", "2021", "1999-2001", "x-y"])
def test_bad_periods_are_refused_in_vietnamese(rpc, built, period):
    status, said = _refused(lambda: files.report_file(rpc, OFFICER, "06184", period, "xlsx"))
    assert status == 400 and ("năm" in said)
    assert built == []


def test_at_most_ten_years(rpc, built):
    assert files.years("2016-2025") == (2016, 2025)
    assert _refused(lambda: files.years("2015-2025")) == (400, "Báo cáo gồm tối đa 10 năm.")


def test_only_xlsx_and_pdf(rpc, built):
    assert _refused(lambda: files.report_file(rpc, OFFICER, "06184", "2021-2025", "docx"))[0] == 404


def test_the_recognised_list_names_each_subject_once_with_its_decision(rpc):
    answer = files.recognised_file(rpc, OFFICER, "06184", 2024, "FAMILY", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(answer.get_data())).active
    rows = [[v for v in row if v is not None] for row in sheet.iter_rows(values_only=True)]
    flat = [v for row in rows for v in row]
    assert "GIA ĐÌNH HỌC TẬP ĐƯỢC CÔNG NHẬN NĂM 2024" in flat
    assert "ỦY BAN NHÂN DÂN" in flat
    listed = [row for row in rows if row and row[0] in ("1", "2", "3", "4")]
    assert listed == [
        ["1", "Nguyễn Văn Thắng", "112/QĐ-UBND", "20/12/2024"],
        ["2", "Hoàng Thị Ánh", "112/QĐ-UBND", "20/12/2024", "Theo bộ tiêu chí tạm thời"],
        ["3", "Lương Đức Hậu", "Mức độ 2", "15/QĐ-UBND", "10/01/2025"],
    ]
    assert "Tổng số: 3" in flat
    assert rpc.registration.named == [["e1", "e2", "e3"]]


def test_the_recognised_list_as_pdf_reads_in_vietnamese(rpc):
    answer = files.recognised_file(rpc, AUDITOR, "06184", 2024, "FAMILY", "pdf")
    document = pypdfium2.PdfDocument(answer.get_data())
    text = "\n".join(p.get_textpage().get_text_range() for p in document)
    for expected in (
        "DANH SÁCH",
        "Nguyễn Văn Thắng",
        "Hoàng Thị Ánh",
        "Lương Đức Hậu",
        "Họ và tên chủ hộ",
    ):
        assert expected in text
    name = unquote(answer.headers["Content-Disposition"].split("''")[1])
    assert name == "Danh sách Gia đình học tập Phường Đồng Đăng 2024.pdf"


def test_a_list_with_no_decision_says_so(rpc):
    answer = files.recognised_file(rpc, OFFICER, "06184", 2023, "CLAN", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(answer.get_data())).active
    flat = [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert "Chưa có quyết định công nhận nào cho danh hiệu và năm này." in flat


@pytest.mark.parametrize("caller, status", [(SIBLING, 403), (PARTNER, 403), (HANOI, 404)])
def test_names_are_not_for_others(rpc, caller, status):
    produce = lambda: files.recognised_file(rpc, caller, "06184", 2024, "FAMILY", "pdf")  # noqa: E731
    assert _refused(produce)[0] == status
    assert rpc.registration.named == []


def test_an_unknown_title_is_not_found(rpc):
    assert (
        _refused(lambda: files.recognised_file(rpc, OFFICER, "06184", 2024, "HERO", "pdf"))[0]
        == 404
    )


def test_ascii_fallback_names():
    assert ascii_filename("Báo cáo Phường Đồng Đăng 2021-2025.pdf") == (
        "Bao-cao-Phuong-Dong-Dang-2021-2025.pdf"
    )
    assert ascii_filename("Đặc khu Phú Quốc.xlsx") == "Dac-khu-Phu-Quoc.xlsx"


SECRET = "s" * 40


def _gateway(rpc):
    service = GatewayService.__new__(GatewayService)
    service.config = {"JWT_SECRET": SECRET}
    service.registration, service.scoring = rpc.registration, rpc.scoring
    service.notification = service.fund = None
    service.cors = CorsPolicy(frozenset())  # what the Cors dependency injects: same origin only
    service.oidc = None
    return service


def _request(token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return EnvironBuilder(path="/files/reports/06184/2021-2025.pdf", headers=headers).get_request()


def test_without_a_token_the_routes_answer_401(rpc, built):
    service = _gateway(rpc)
    status, _headers, body = service.report_file(_request(), "06184", "2021-2025", "pdf")
    assert status == 401 and "đăng nhập" in body
    status, *_ = service.recognised_file(_request("not-a-token"), "06184", 2024, "FAMILY", "pdf")
    assert status == 401
    assert built == []


def test_with_a_token_the_route_serves_the_file(rpc, built):
    token = issue_token(
        SECRET, subject="o", role=Role.COMMUNE_OFFICER, unit_path=UnitPath.parse("20/06184")
    )
    answer = _gateway(rpc).report_file(_request(token), "06184", "2021-2025", "pdf")
    assert answer.status_code == 200 and answer.get_data().startswith(b"%PDF")
