"""The gateway's side of certificates, with the services replaced by stand-ins: the PDF reads
back with the holder, title and decision (pypdf), its QR code holds the verification URL (page
1 rasterised by pdfium, every module sampled against the code the URL makes), the public page
escapes what it shows, and the file is only for registrars and authorities in reach."""

import io
from types import SimpleNamespace

import pypdfium2
import pytest
import segno
from pypdf import PdfReader

from gateway import certificates, files
from gateway.schema import schema
from khuyenhoc.auth import Caller, Role
from khuyenhoc.pdf import vietnamese_pdf
from khuyenhoc.tenancy import UnitPath

BASE = "http://127.0.0.1:8000"
UNITS = {
    "20": {"code": "20", "name": "Tỉnh Lạng Sơn", "path": "20"},
    "183": {"code": "183", "name": "Huyện Cao Lộc", "path": "20/183"},
    "06184": {"code": "06184", "name": "Thị trấn Đồng Đăng", "path": "20/183/06184"},
}
PROPOSAL = {
    "_id": "20:06184:FAMILY:2024",
    "unit_code": "06184",
    "unitpath": "20/183/06184",
    "title": "FAMILY",
    "year": 2024,
    "decided": {"number": "45/QĐ-UBND", "date": "2025-01-20", "signer": "Hoàng Văn Sơn"},
}


def cert(n, **changes):
    return {
        "number": f"45/QĐ-UBND-{n:03d}",
        "code": "20-ABCDEFGHIJKLMN" + "ABCDEFGH"[n // 8] + "ABCDEFGH"[n % 8],
        "enrolment_id": f"e{n}",
        "subject_id": f"hh-{n}",
        "subject_kind": "household",
        "title": "FAMILY",
        "year": 2024,
        "level": None,
        "decision_number": "45/QĐ-UBND",
        "decision_date": "2025-01-20",
        "signer": "Hoàng Văn Sơn",
        "signer_position": None,
        "authority": None,
        "valid_until": None,
        "status": "valid",
        "revoked_on": None,
        "unit_code": "06184",
        "unitpath": "20/183/06184",
        "provisional": False,
        **changes,
    }


class Scoring:
    def __init__(self, listed, verified=None):
        self.listed = listed
        self.verified = verified
        self.asked = []

    def proposal(self, tenant, proposal_id):
        return PROPOSAL if (tenant, proposal_id) == ("20", PROPOSAL["_id"]) else None

    def certificates(self, tenant, proposal_id, part, size):
        self.asked.append((tenant, proposal_id, part, size))
        every = self.listed
        return {
            "proposal": PROPOSAL,
            "total": len(every),
            "part": part,
            "parts": 1,
            "certificates": every[(part - 1) * size : part * size],
        }

    def verify_certificate(self, code):
        return self.verified if self.verified and self.verified["code"] == code else None


class Registration:
    def __init__(self, names):
        self.names = names

    def enrolment_names(self, tenant, ids):
        return {i: {"name": self.names[i]} for i in ids if tenant == "20" and i in self.names}

    def get_unit(self, code, tenant=None, at=None):
        return UNITS.get(code) if tenant in (None, "20") else None


def rpc(listed=(), verified=None, names=None):
    names = names or {"e1": "Đặng Thị Ngọc Ánh", "e2": "Nguyễn Văn An", "e3": "Lý Thị Hoa"}
    return SimpleNamespace(
        scoring=Scoring(list(listed), verified), registration=Registration(names)
    )


def caller(role=Role.COMMUNE_OFFICER, unit="20/183/06184", tenant="20"):
    return Caller(subject="t", tenant=tenant, role=role, unit_path=UnitPath.parse(unit))


def pdf_of(services, who=None):
    answer = files.certificates_pdf(services, who or caller(), PROPOSAL["_id"], 1, BASE)
    return answer.get_data()


def test_each_recognised_subject_gets_a_page_that_reads_back_in_vietnamese():
    listed = [cert(1, level=2, valid_until="2028-01-19"), cert(2), cert(3)]
    reader = PdfReader(io.BytesIO(pdf_of(rpc(listed))))
    assert len(reader.pages) == 3
    first = reader.pages[0].extract_text()
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN",
        "THỊ TRẤN ĐỒNG ĐĂNG",
        "GIẤY CÔNG NHẬN",
        "GIA ĐÌNH HỌC TẬP",
        "Mức độ 2",
        "Đặng Thị Ngọc Ánh",
        "Thị trấn Đồng Đăng, Huyện Cao Lộc, Tỉnh Lạng Sơn",
        "Theo Quyết định số 45/QĐ-UBND ngày 20 tháng 01 năm 2025",
        "Có giá trị đến hết ngày 19/01/2028",
        "Đồng Đăng, ngày 20 tháng 01 năm 2025",
        "Số: 45/QĐ-UBND-001",
        "Hoàng Văn Sơn",
        f"{BASE}/verify/{listed[0]['code']}",
    ):
        assert expected in first, expected
    assert "Nguyễn Văn An" in reader.pages[1].extract_text()
    assert "Mức độ" not in reader.pages[1].extract_text()  # a title without levels


def test_the_qr_code_on_the_page_holds_the_verification_url():
    listed = [cert(1)]
    page = pypdfium2.PdfDocument(pdf_of(rpc(listed)))[0]
    scale = 6  # pixels per point
    image = page.render(scale=scale).to_pil().convert("L")
    expected = segno.make(f"{BASE}/verify/{listed[0]['code']}", error="m", micro=False)
    matrix = [list(row) for row in expected.matrix]
    module_mm = certificates.QR_SIZE / len(matrix)
    px_per_mm = scale * 72 / 25.4
    read = [
        [
            image.getpixel(
                (
                    round((certificates.QR_X + (x + 0.5) * module_mm) * px_per_mm),
                    round((certificates.QR_Y + (y + 0.5) * module_mm) * px_per_mm),
                )
            )
            < 128
            for x in range(len(matrix))
        ]
        for y in range(len(matrix))
    ]
    assert read == [[bool(m) for m in row] for row in matrix]
    # and the quiet zone around it is white
    left = round((certificates.QR_X - 2) * px_per_mm)
    assert all(
        image.getpixel((left, round((certificates.QR_Y + d) * px_per_mm))) > 200
        for d in range(0, int(certificates.QR_SIZE))
    )


def test_the_file_is_for_registrars_and_authorities_in_reach_only():
    services = rpc([cert(1)])
    assert pdf_of(services, caller(Role.AUTHORITY)).startswith(b"%PDF")
    assert pdf_of(services, caller(Role.PROVINCE_ADMIN, "20")).startswith(b"%PDF")
    refusals = {
        "another province": (caller(Role.PROVINCE_ADMIN, "01", "01"), 404),
        "a sibling commune": (caller(Role.COMMUNE_OFFICER, "20/183/06187"), 403),
        "a partner in reach": (caller(Role.PARTNER, "20"), 403),
        "an auditor in reach": (caller(Role.AUDITOR, "20"), 403),
    }
    for what, (who, status) in refusals.items():
        with pytest.raises(files.Refusal) as refused:
            pdf_of(services, who)
        assert refused.value.status == status, what
    assert [asked[0] for asked in services.scoring.asked] == ["20", "20"]  # never for others


def test_a_part_is_a_positive_number():
    assert files.part_number(None) == 1 and files.part_number("3") == 3
    for bad in ("0", "-1", "x", "1.5", "99999"):
        with pytest.raises(files.Refusal) as refused:
            files.part_number(bad)
        assert refused.value.status == 400 and "phần" in refused.value.message


VERIFIED = {
    **cert(1, level=2, valid_until="2028-01-19"),
    "tenant": "20",
    "holder_names": "initials",
}


def test_the_public_sees_the_status_and_a_person_by_initials():
    found = certificates.verification(rpc(verified=VERIFIED), VERIFIED["code"])
    assert found["holder_name"] == "Đ.T.N.Á."
    assert (found["status"], found["status_text"]) == ("valid", "Còn hiệu lực")
    assert (found["title_name"], found["unit_name"]) == ("Gia đình học tập", "Thị trấn Đồng Đăng")
    full = {**VERIFIED, "holder_names": "full"}
    assert certificates.verification(rpc(verified=full), full["code"])["holder_name"] == (
        "Đặng Thị Ngọc Ánh"
    )
    assert certificates.verification(rpc(verified=VERIFIED), "20-ZZZZZZZZZZZZZZZZ") is None


def test_a_qr_code_is_drawn_exactly_as_segno_made_it():
    url = f"{BASE}/verify/20-ABCDEFGHIJKLMNOP"
    width, blocks = certificates.qr_blocks(url)
    grid = [[False] * width for _ in range(width)]
    for row, column, across, down in blocks:
        for y in range(row, row + down):
            for x in range(column, column + across):
                assert not grid[y][x]
                grid[y][x] = True
    matrix = segno.make(url, error="m", micro=False).matrix
    assert grid == [[bool(m) for m in row] for row in matrix]


LIST = """query($id: String!) { certificates(proposalId: $id) { total parts
  items { number code holderName status statusText titleName provisional } } }"""
VERIFY = """query($code: String!) { verifyCertificate(code: $code) { status holderName
  titleName unitName provisional } }"""


def run(query, variables, services, who):
    context = SimpleNamespace(rpc=services, caller=who)
    return schema.execute(query, variable_values=variables, context_value=context)


def test_the_certificates_query_lists_full_names_for_those_in_reach_only():
    services = rpc([cert(1), cert(2, status="revoked", revoked_on="2025-02-03")])
    found = run(LIST, {"id": PROPOSAL["_id"]}, services, caller(Role.AUTHORITY))
    assert found.errors is None
    listed = found.data["certificates"]
    assert (listed["total"], listed["parts"]) == (2, 1)
    assert [(i["holderName"], i["status"], i["statusText"]) for i in listed["items"]] == [
        ("Đặng Thị Ngọc Ánh", "VALID", "Còn hiệu lực"),
        ("Nguyễn Văn An", "REVOKED", "Đã bị thu hồi"),
    ]
    for who, code in (
        (caller(Role.COMMUNE_OFFICER, "20/183/06187"), "FORBIDDEN"),
        (caller(Role.PARTNER, "20"), "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
    ):
        refused = run(LIST, {"id": PROPOSAL["_id"]}, services, who)
        assert refused.errors[0].extensions["code"] == code
    elsewhere = run(
        LIST, {"id": PROPOSAL["_id"]}, services, caller(Role.PROVINCE_ADMIN, "01", "01")
    )
    assert elsewhere.errors is None and elsewhere.data["certificates"] is None


def test_verify_certificate_needs_no_token():
    services = rpc(verified=VERIFIED)
    found = run(VERIFY, {"code": VERIFIED["code"]}, services, None)
    assert found.errors is None
    assert found.data["verifyCertificate"] == {
        "status": "VALID",
        "holderName": "Đ.T.N.Á.",
        "titleName": "Gia đình học tập",
        "unitName": "Thị trấn Đồng Đăng",
        "provisional": False,
    }
    assert run(VERIFY, {"code": "20-X"}, services, None).data["verifyCertificate"] is None


def test_long_names_and_decisions_shrink_and_wrap_above_the_signers_block():
    longest = ("Nguyễn Thị Minh Khai " * 6)[:120]  # registration keeps names to 120 characters
    number = "1234/QĐ-UBND-KHXH-" + "X" * 40
    base = cert(1, subject_kind="community", signer_position="TM. Ủy ban nhân dân\nChủ tịch")
    listed = {
        "proposal": PROPOSAL,
        "certificates": [
            {**base, "decision_number": number, "valid_until": "2028-01-19", "level": 2}
        ],
    }
    (page,) = certificates.pages(rpc(names={"e1": longest}), "20", listed, BASE)
    pdf = vietnamese_pdf("L")
    assert certificates.draw_page(pdf, page) < certificates.SIGNER_Y - 2
    text = PdfReader(io.BytesIO(certificates.render([page]))).pages[0].extract_text()
    assert "Công nhận cộng đồng" in text and "CHỦ TỊCH" in text and "Minh Khai" in text
