"""End to end: the fund's public documents on the running platform (Hà Nội, tenant 01, wards of
Hoàn Kiếm no other e2e file uses): the honour roll as xlsx and PDF for anyone, every donor named
but the anonymous; the receipt (phiếu thu) with the amount in words for the ward's fund keepers,
refused to another province, a sibling ward's officer and a wrong role."""

import io
import urllib.error
import urllib.request

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from khuyenhoc.auth import Role
from khuyenhoc.config import load_config
from ops.tokens import create_token
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

TENANT, WARD, SIBLING = "01", "00073", "00076"  # Hà Nội: Cửa Nam and Hàng Bông (Hoàn Kiếm)
DONATE = """mutation($input: DonationInput!) { recordDonation(input: $input) {
  donation { id receiptUrl unitName } } }"""


@pytest.fixture(scope="module")
def keys(platform):
    config = load_config(env=platform.settings())
    return {
        name: create_token(config, TENANT, unit, role, f"fd-{name}", hours=1)
        for name, (unit, role) in {
            "officer": (WARD, Role.COMMUNE_OFFICER),
            "sibling": (SIBLING, Role.COMMUNE_OFFICER),
            "partner": (WARD, Role.PARTNER),
        }.items()
    }


def fetch(platform, path, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(platform.url(platform.gateway, path), headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def text_of(pdf_bytes):
    pdf = pdfium.PdfDocument(pdf_bytes)
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def donate(platform, token, key, amount, name, anonymous=False):
    gift = {
        "tenant": TENANT,
        "unitCode": WARD,
        "idempotencyKey": key,
        "donor": {"name": name, "anonymous": anonymous},
        "amount": amount,
        "receivedOn": "2024-09-05",
    }
    answer = graphql(platform, DONATE, {"input": gift}, token)
    assert "errors" not in answer, answer
    return answer["data"]["recordDonation"]["donation"]


def test_the_honour_roll_and_the_receipt(platform, tokens, keys):
    officer = keys["officer"]
    first = donate(platform, officer, "e2e-roll-0001", "1200000", "Bà Nguyễn Thị Lụa")
    donate(platform, officer, "e2e-roll-0002", "50000", "Ông Phạm Văn Tơ")
    donate(platform, officer, "e2e-roll-0003", "7000000", "Ông Đỗ Văn Kín", anonymous=True)
    assert first["unitName"] == "Phường Cửa Nam"

    book = load_workbook(io.BytesIO(fetch(platform, f"/files/fund/{WARD}/2024/honour-roll.xlsx")))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Hội Khuyến học phường Cửa Nam"
    assert [r[1] for r in rows[4:7]] == [
        "Nhà hảo tâm ẩn danh",
        "Bà Nguyễn Thị Lụa",
        "Ông Phạm Văn Tơ",
    ]
    assert "Đỗ Văn Kín" not in str(rows)
    roll = text_of(fetch(platform, f"/files/fund/{WARD}/2024/honour-roll.pdf"))
    assert "Tám triệu hai trăm năm mươi nghìn đồng" in roll

    receipt = text_of(fetch(platform, first["receiptUrl"], officer))
    assert "HỘI KHUYẾN HỌC PHƯỜNG CỬA NAM" in receipt
    assert "Một triệu hai trăm nghìn đồng" in receipt and "Người nộp tiền" in receipt
    for token, status in (
        (tokens["officer"], 404),  # Lạng Sơn's officer: another province
        (keys["sibling"], 403),
        (keys["partner"], 403),
        (None, 401),
    ):
        with pytest.raises(urllib.error.HTTPError) as refused:
            fetch(platform, first["receiptUrl"], token)
        assert refused.value.code == status
