"""Every Vietnamese text of the fund, keyed by English keys: refusals (with their parameters),
field messages of the edge, the public report's line labels and the descriptions stored with
ledger transactions. The rules (ledger, domain, use cases) raise keys; the edge renders them here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from khuyenhoc.validation import MessageCatalogue


def format_dong(amount: int) -> str:
    """Vietnamese thousands separator: 76180000 -> "76.180.000"."""
    return f"{amount:,}".replace(",", ".")


REFUSALS: Mapping[str, str] = MappingProxyType(
    {
        # the ledger
        "insufficient_funds": (
            "Quỹ {fund_id} không đủ số dư: hiện còn {available} đồng, không thể chi {amount} đồng."
        ),
        "fund_required": "Phải chỉ rõ quỹ.",
        "unknown_account": "Tài khoản không hợp lệ: {name}.",
        "amount_not_integer": "Số tiền phải là số nguyên đồng.",
        "amount_not_positive": "Số tiền phải lớn hơn 0 đồng.",
        "amount_too_large": "Số tiền vượt quá giới hạn {limit} đồng.",
        "invalid_date": "Ngày giao dịch không hợp lệ.",
        "transaction_id_required": "Phải có mã giao dịch.",
        "foreign_account": "Hai tài khoản phải thuộc cùng quỹ của giao dịch.",
        "same_account": "Không thể ghi nợ và ghi có cùng một tài khoản.",
        "no_cash_side": "Mỗi giao dịch phải làm thay đổi tiền của quỹ.",
        "reversal_mismatch": "Bút toán đảo phải chỉ rõ giao dịch gốc.",
        "unknown_donation_kind": "Hình thức ủng hộ không hợp lệ: {kind}.",
        "unknown_purpose": "Mục đích chi không hợp lệ: {purpose}.",
        "same_fund_transfer": "Không thể chuyển tiền trong cùng một quỹ.",
        "reversal_of_reversal": "Không thể đảo một bút toán đảo.",
        "reason_required": "Phải nêu lý do đảo bút toán.",
        "reversal_before_original": "Ngày đảo bút toán không được trước ngày giao dịch gốc.",
        "already_reversed": "Giao dịch {transaction_id} đã được đảo bút toán trước đó.",
        "invalid_period": "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.",
        "invalid_fund_code": "Mã quỹ không hợp lệ: {code!r}.",
        "invalid_year": "Năm không hợp lệ: {year!r}.",
        "invalid_sequence": "Số thứ tự biên lai không hợp lệ: {sequence!r}.",
        "invalid_receipt_number": "Số biên lai không hợp lệ: {text!r}.",
        # the gate of a fund
        "wrong_fund": "Giao dịch không thuộc quỹ này.",
        "payment_before_last_movement": (
            "Ngày chi không được trước ngày của giao dịch gần nhất ({last_day})."
        ),
        "balance_too_large": "Số dư quỹ vượt quá giới hạn cho phép.",
        "future_date": "Ngày {of} không được sau hôm nay.",
        # earmarked gifts
        "unknown_earmark": "Quỹ không có khoản ủng hộ chỉ định «{earmark}».",
        "earmark_insufficient": (
            "Khoản ủng hộ chỉ định «{earmark}» chỉ còn {available} đồng, "
            "không thể chi {amount} đồng."
        ),
        "earmark_reversal_spent": (
            "Không thể đảo khoản ủng hộ này: khoản chỉ định «{earmark}» đã được chi, "
            "chỉ còn {available} đồng."
        ),
    }
)
"""What a refused movement says, by its key; ``{name}`` is a parameter of the refusal."""


DAY_OF: Mapping[str, str] = MappingProxyType(
    {"movement": "giao dịch", "payment": "chi", "transfer": "chuyển"}
)
"""Whose day a ``future_date`` refusal names (its parameter ``of``)."""


def refusal_text(key: str, params: Mapping[str, Any]) -> str:
    """The Vietnamese text of a refusal; amounts (``available``, ``amount``) with separators."""
    shown = {
        k: format_dong(v) if k in ("available", "amount", "limit") else v for k, v in params.items()
    }
    if "last_day" in shown and hasattr(shown["last_day"], "strftime"):
        shown["last_day"] = f"{shown['last_day']:%d/%m/%Y}"
    if key == "future_date":
        shown["of"] = DAY_OF[str(params.get("of") or "movement")]
    template = REFUSALS.get(key) or MESSAGES.messages.get(key) or MESSAGES["invalid"]
    return template.format(**shown)


MESSAGES = MessageCatalogue(
    {
        "amount": (
            "Số tiền phải là số nguyên đồng, lớn hơn 0 và không quá 9.223.372.036.854.775.807."
        ),
        "text_length": "Không được để trống và không quá dài.",
        "too_long": "Quá dài.",
        "date_format": "Ngày phải có dạng YYYY-MM-DD.",
        "idempotency_key": "Mã chống trùng phải gồm 8–100 ký tự chữ, số, '-', '_', ':' hoặc '.'.",
        "idempotency_conflict": "Mã chống trùng này đã dùng cho một khoản khác (nội dung khác).",
        "donor_kind": "Loại nhà hảo tâm không hợp lệ.",
        "donation_kind": "Hình thức ủng hộ phải là cash (tiền) hoặc in_kind (hiện vật).",
        "channel": "Kênh nhận phải là cash, bank_transfer hoặc vietqr.",
        "purpose": "Mục đích không hợp lệ.",
        "goods_required": "Ủng hộ bằng hiện vật cần mô tả hiện vật.",
        "earmark_required": "Ủng hộ có chỉ định cần nêu mục đích chỉ định.",
        "email": "Địa chỉ e-mail không hợp lệ.",
        "phone": "Số điện thoại không hợp lệ.",
        "beneficiary_kind": "Loại người nhận không hợp lệ.",
        "birth_year": "Năm sinh không hợp lệ.",
        "year": "Năm phải từ 2000 đến 2100.",
        "unit_not_found": "Không tìm thấy đơn vị này.",
        "fee_branch_only": "Hội phí được nộp vào quỹ của chi hội.",
        "disbursement_not_found": "Không tìm thấy đề nghị chi này.",
        "not_proposed": "Đề nghị chi này không còn chờ duyệt.",
        "own_proposal": "Người đề nghị chi không được tự duyệt đề nghị của mình.",
        "entry_not_found": "Không tìm thấy giao dịch này.",
        "fee_conflict": "Hội viên này đã nộp hội phí năm này với số tiền khác.",
        "same_fund_transfer": "Không thể chuyển tiền trong cùng một quỹ.",
        "other_tenant_transfer": "Chỉ chuyển quỹ trong cùng một tỉnh.",
        "busy": "Quỹ đang có nhiều giao dịch đồng thời, vui lòng thử lại.",
    }
)
"""Field messages of the edge (schemas) and of use-case refusals without parameters."""


LABELS: Mapping[str, str] = MappingProxyType(
    {
        "cash": "Tiền của quỹ",
        "donations.cash": "Ủng hộ bằng tiền",
        "donations.in_kind": "Ủng hộ bằng hiện vật (quy ra tiền)",
        "membership_fees": "Hội phí",
        "other_income": "Thu khác",
        "transfers_in": "Nhận chuyển quỹ",
        "disbursements.scholarship": "Học bổng",
        "disbursements.award": "Khen thưởng",
        "disbursements.university_prize": "Thưởng tân sinh viên",
        "disbursements.sponsorship": "Con nuôi khuyến học",
        "disbursements.community_learning": "Hỗ trợ học tập cộng đồng",
        "disbursements.other": "Chi khác",
        "transfers_out": "Chuyển quỹ",
    }
)
"""Vietnamese line labels of the transparency report, by ledger account."""

ANONYMOUS_DONOR = "Nhà hảo tâm ẩn danh"


def donation_description(public_name: str) -> str:
    return f"Ủng hộ: {public_name}"


def fee_description(year: int) -> str:
    return f"Hội phí năm {year}"


def disbursement_description(purpose: str, public_beneficiary: str) -> str:
    return f"{LABELS['disbursements.' + purpose]}: {public_beneficiary}"
