"""The public pages' rendering (gateway/web/public.py): formats, escaping, refusals, with the
GraphQL answers given by a fake query function (the e2e runs them on the platform)."""

import re
from datetime import date

import pytest

from gateway.assets import ASSETS
from gateway.web import public

SCRIPT = "<script>alert(1)</script>"
TODAY = date(2025, 6, 30)


def statement(**changes):
    found = {
        "unitCode": "00031",
        "unitName": "Phường Quán Thánh",
        "from": "2025-01-01",
        "to": "2025-12-31",
        "opening": "0",
        "totalIn": "1234567",
        "totalOut": "200000",
        "closing": "1034567",
        "moneyIn": [{"label": "Ủng hộ", "amount": "1234567", "count": 1}],
        "moneyOut": [{"label": "Khen thưởng học sinh", "amount": "200000", "count": 2}],
        "earmarks": [
            {"name": "Tủ sách", "opening": "0", "received": "5", "spent": "0", "closing": "5"}
        ],
        "donors": [{"name": SCRIPT, "amount": "1234567", "count": 1}],
        "othersCount": 0,
        "othersAmount": "0",
        "threshold": "500000",
        "xlsxUrl": "/files/funds/00031/statement-2025-01-01_2025-12-31.xlsx",
        "pdfUrl": "/files/funds/00031/statement-2025-01-01_2025-12-31.pdf",
    }
    return {**found, **changes}


class Recorded:
    """A query function answering one field, remembering what it was asked."""

    def __init__(self, field, value, errors=()):
        self.field, self.value, self.errors, self.asked = field, value, list(errors), []

    def __call__(self, text, variables):
        self.asked.append(variables)
        if self.errors:
            return None, self.errors
        return {self.field: self.value}, []


def test_money_and_days_are_written_the_vietnamese_way():
    assert public.money("1234567") == "1.234.567 đ"
    assert public.money("0") == "0 đ"
    assert public.money(5_000_000_000) == "5.000.000.000 đ"
    assert public.day("2025-01-31") == "31/01/2025"
    assert public.day(None) == ""


def test_the_statement_shows_figures_and_escapes_a_donors_name():
    query = Recorded("publicFundStatement", statement())
    status, headers, body = public.answer_statement(
        query, "00031", {"tu": "2025-01-01", "den": "2025-12-31"}, TODAY
    )
    assert status == 200
    assert query.asked == [{"unitCode": "00031", "from": "2025-01-01", "to": "2025-12-31"}]
    assert SCRIPT not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script" not in body
    assert '<html lang="vi">' in body
    assert "1.234.567 đ" in body and "1.034.567 đ" in body
    assert "từ 01/01/2025 đến 31/12/2025" in body
    assert 'href="/files/funds/00031/statement-2025-01-01_2025-12-31.pdf"' in body
    assert '<th scope="col" class="num">Số tiền</th>' in body
    assert "script-src" not in headers["Content-Security-Policy"]
    assert headers["Content-Type"] == "text/html; charset=utf-8"


def test_the_stylesheet_is_the_gateways_own_with_its_hash():
    _, _, body = public.answer_statement(
        Recorded("publicFundStatement", statement()), "00031", {}, TODAY
    )
    link = re.search(r'href="/static/public/public.css\?v=([0-9a-f]+)"', body)
    assert link and link.group(1) == ASSETS["public/public.css"].version
    assert "http://" not in body and "https://" not in body


def test_no_period_means_this_year_up_to_today():
    query = Recorded("publicFundStatement", statement())
    public.answer_statement(query, "00031", {}, TODAY)
    assert query.asked[0]["from"] == "2025-01-01" and query.asked[0]["to"] == "2025-06-30"


@pytest.mark.parametrize(
    "args",
    [
        {"tu": "2025-13-01", "den": "2025-12-31"},
        {"tu": "2025-01-01"},
        {"tu": "2025-02-01", "den": "2025-01-01"},
        {"tu": "2024-01-01", "den": "2025-01-01"},  # 367 days
    ],
)
def test_a_bad_period_is_a_vietnamese_400_and_asks_nothing(args):
    query = Recorded("publicFundStatement", statement())
    status, _, body = public.answer_statement(query, "00031", args, TODAY)
    assert status == 400 and query.asked == []
    assert "Yêu cầu không hợp lệ" in body and 'role="alert"' in body


def test_a_year_of_366_days_is_allowed():
    query = Recorded("publicFundStatement", statement())
    status, _, _ = public.answer_statement(
        query, "00031", {"tu": "2024-01-01", "den": "2024-12-31"}, TODAY
    )
    assert status == 200


def test_an_unknown_unit_is_a_vietnamese_404():
    status, _, body = public.answer_statement(
        Recorded("publicFundStatement", None), "99999", {}, TODAY
    )
    assert status == 404 and "Không tìm thấy đơn vị này." in body
    odd = Recorded("publicFundStatement", statement())
    assert public.answer_statement(odd, "<b>", {}, TODAY)[0] == 404 and odd.asked == []
    assert public.answer_honour_roll(odd, None, "2025")[0] == 404
    assert public.answer_postings(odd, None, "2025")[0] == 404


def test_the_services_input_errors_show_their_message_others_do_not():
    bad = [{"message": "Kỳ <không> hợp lệ", "extensions": {"code": "BAD_USER_INPUT"}}]
    status, _, body = public.answer_statement(
        Recorded("publicFundStatement", None, bad), "00031", {}, TODAY
    )
    assert status == 400 and "Kỳ &lt;không&gt; hợp lệ" in body
    boom = [{"message": "Traceback secret", "extensions": {"code": "INTERNAL"}}]
    status, _, body = public.answer_statement(
        Recorded("publicFundStatement", None, boom), "00031", {}, TODAY
    )
    assert status == 500 and "secret" not in body


UNIT = {"code": "00031", "name": "Phường <Quán> Thánh"}


def test_the_honour_roll_escapes_and_caps():
    lines = [{"rank": 1, "name": SCRIPT, "kind": "person", "total": "2000000", "count": 2}]
    query = Recorded("honourRoll", lines)
    status, _, body = public.answer_honour_roll(query, UNIT, "2025")
    assert status == 200
    assert query.asked == [{"unitCode": "00031", "year": 2025, "first": public.HONOUR_ROLL_CAP}]
    assert "<script" not in body and "&lt;script&gt;" in body
    assert "Phường &lt;Quán&gt; Thánh" in body
    assert "2.000.000 đ" in body and "Cá nhân" in body
    assert 'href="/files/fund/00031/2025/honour-roll.pdf"' in body
    assert public.answer_honour_roll(query, UNIT, "20x5")[0] == 400
    assert public.answer_honour_roll(query, UNIT, "1999")[0] == 400


def test_the_postings_show_names_as_given_and_say_when_capped():
    posting = {
        "id": "01:00031:FAMILY:2025",
        "unitCode": "00031",
        "unitName": "Phường Quán Thánh",
        "title": "FAMILY",
        "year": 2025,
        "postedFrom": "2025-10-01",
        "postingEnds": "2025-10-10",
        "ended": False,
        "decided": False,
        "total": 250,
        "rows": {
            "nodes": [{"name": "N.V.<A>", "subjectKind": "household", "level": 2}],
            "pageInfo": {"hasNextPage": True, "endCursor": "c/1"},
        },
    }
    query = Recorded("postings", [posting])
    status, _, body = public.answer_postings(query, UNIT, "2025")
    assert status == 200 and query.asked[0]["first"] == public.POSTING_ROWS_CAP
    assert "Gia đình học tập năm 2025" in body
    assert "N.V.&lt;A&gt;" in body and "Hộ gia đình" in body
    assert "từ 01/10/2025 đến 10/10/2025" in body and "Đang niêm yết" in body
    assert "Đã hiển thị 1–1 trên tổng số 250" in body
    assert 'href="/cong-khai/danh-sach/01%3A00031%3AFAMILY%3A2025?sau=c%2F1&amp;stt=2"' in body
    _, _, empty = public.answer_postings(Recorded("postings", []), UNIT, "2025")
    assert "Hiện không có danh sách nào đang niêm yết." in empty


def test_a_posted_list_pages_on_with_its_cursor_and_numbers_on():
    posting = {
        "id": "01:00031:FAMILY:2025",
        "unitCode": "00031",
        "unitName": "Phường Quán Thánh",
        "title": "FAMILY",
        "year": 2025,
        "postedFrom": "2025-10-01",
        "postingEnds": "2025-10-10",
        "ended": True,
        "total": 3,
        "rows": {
            "nodes": [{"name": "T.V.B.", "subjectKind": "household", "level": None}],
            "pageInfo": {"hasNextPage": False, "endCursor": "c/3"},
        },
    }
    query = Recorded("posting", posting)
    status, _, body = public.answer_posting(
        query, "01:00031:FAMILY:2025", {"sau": "c/2", "stt": "3"}
    )
    assert status == 200
    assert query.asked == [
        {"id": "01:00031:FAMILY:2025", "after": "c/2", "first": public.POSTING_ROWS_CAP}
    ]
    assert '<td class="num">3</td><th scope=row>T.V.B.</th>' in body and "Xem tiếp" not in body
    assert "Đã hết thời gian niêm yết" in body
    assert 'href="/cong-khai/niem-yet/00031/2025"' in body
    status, _, body = public.answer_posting(Recorded("posting", None), "x", {"stt": "-1"})
    assert status == 404 and "Không có danh sách này" in body


def test_verification_has_a_labelled_form_and_answers_404_for_an_unknown_code():
    status, _, body = public.answer_verification(Recorded("verifyCertificate", None), {})
    assert status == 200 and '<label>Mã tra cứu <input name="ma"' in body
    query = Recorded("verifyCertificate", None)
    status, _, body = public.answer_verification(query, {"ma": '"><script>x</script>'})
    assert status == 404 and "<script" not in body
    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in body
    found = {
        "code": "20-ABCD",
        "number": "12/GCN",
        "status": "REVOKED",
        "statusText": "Đã bị thu hồi",
        "titleName": "Gia đình học tập",
        "year": 2024,
        "level": None,
        "holderName": SCRIPT,
        "unitName": "Thị trấn Đồng Đăng",
        "decisionNumber": "15/QĐ-UBND",
        "decisionDate": "2024-11-30",
        "validUntil": None,
        "revokedOn": "2025-02-01",
    }
    status, _, body = public.answer_verification(
        Recorded("verifyCertificate", found), {"so": "20-ABCD"}
    )
    assert status == 200 and "Đã bị thu hồi ngày 01/02/2025" in body
    assert "<script" not in body and "Số 15/QĐ-UBND ngày 30/11/2024" in body


def test_the_index_form_leads_to_the_chosen_page():
    status, _, body = public.answer_index({})
    assert status == 200 and '<label>Mã đơn vị (xã, phường…) <input name="don-vi"' in body
    status, headers, _ = public.answer_index({"don-vi": "00097", "nam": "2025", "xem": "quy"})
    assert (status, headers["Location"]) == (
        303,
        "/cong-khai/quy/00097?tu=2025-01-01&den=2025-12-31",
    )
    honour = public.answer_index({"don-vi": "00097", "nam": "2025", "xem": "vinh-danh"})
    assert honour[1]["Location"] == "/cong-khai/vinh-danh/00097/2025"
    status, headers, body = public.answer_index({"don-vi": "<x>", "nam": "2025"})
    assert status == 400 and "Location" not in headers and "&lt;x&gt;" in body
    status, _, body = public.answer_index({"don-vi": "00097", "nam": "năm"})
    assert status == 400 and "Năm phải là số" in body


def test_the_pages_queries_are_valid_against_the_schema():
    from graphql import parse, validate

    from gateway.schema import schema

    texts = [v for k, v in vars(public).items() if k.endswith("_QUERY") and isinstance(v, str)]
    assert len(texts) >= 5
    for text in texts:
        assert validate(schema.graphql_schema, parse(text)) == [], text
