"""The fund's printable documents: the workbook holds exact integers, the PDFs render with a
font that has every Vietnamese letter, and nothing a spreadsheet could run as a formula."""

import io

from fontTools.ttLib import TTFont
from openpyxl import load_workbook

from khuyenhoc.pdf import FONTS
from services.fund import documents, messages

VIETNAMESE = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
STATEMENT = {
    "unitCode": "06184",
    "unitName": "Thị trấn Đồng Đăng",
    "unitPath": "20/183/06184",
    "from": "2024-01-01",
    "to": "2024-12-31",
    "threshold": 1_000_000,
    "opening": 0,
    "closing": 9_007_199_254_740_993,
    "total_in": 9_007_199_254_740_993,
    "total_out": 0,
    "money_in": [
        {
            "account": "donations.cash",
            "label": messages.LABELS["donations.cash"],
            "amount": 9_007_199_254_740_993,
            "count": 1,
        },
        {
            "account": "membership_fees",
            "label": messages.LABELS["membership_fees"],
            "amount": 45_000_000_000_123,
            "count": 1,
        },
    ],
    "money_out": [],
    "donors": [
        {
            "name": '=HYPERLINK("x")',
            "amount": 9_007_199_254_740_993,
            "count": 1,
            "receipts": ["06184-2024-000001"],
            "kind": "cash",
        }
    ],
    "awards": [
        {
            "purpose": "award",
            "label": "Khen thưởng",
            "count": 1,
            "amount": 500_000,
            "beneficiaries": [
                {
                    "name": "Đ.T.Á. – THCS Đồng Đăng",
                    "grade": "8",
                    "achievement": "Học sinh giỏi",
                    "amount": 500_000,
                    "paid_on": "2024-12-20",
                }
            ],
        }
    ],
}


def test_the_font_has_every_vietnamese_letter():
    for face in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        cmap = TTFont(FONTS / face).getBestCmap()
        missing = [c for c in VIETNAMESE + VIETNAMESE.upper() if ord(c) not in cmap]
        assert missing == [], face


def test_the_workbook_keeps_amounts_exact_and_neutralises_formulas():
    book = load_workbook(io.BytesIO(documents.statement_xlsx(STATEMENT)))
    values = [c for row in book["Thu chi"].iter_rows(values_only=True) for c in row]
    assert 45_000_000_000_123 in values  # tens of thousands of billions: an exact number cell
    assert "9007199254740993" in values  # beyond what a spreadsheet keeps exact: text
    donors = [c for row in book["Nhà hảo tâm"].iter_rows(values_only=True) for c in row]
    assert '\'=HYPERLINK("x")' in donors


def test_statement_and_receipt_pdfs_render():
    assert documents.statement_pdf(STATEMENT).startswith(b"%PDF")
    receipt = {
        "unitName": "Thị trấn Đồng Đăng",
        "receiptNumber": "06184-2024-000001",
        "donor": {"name": "Nguyễn Văn Hảo", "kind": "person"},
        "amount": 5_000_000_000,
        "kind": "in_kind",
        "goods": "50 bộ sách giáo khoa",
        "channel": "cash",
        "receivedOn": "2024-10-02",
        "purpose": "earmarked",
        "earmark": "Học bổng cho học sinh nghèo",
        "status": "REVERSED",
    }
    assert documents.receipt_pdf(receipt).startswith(b"%PDF")
