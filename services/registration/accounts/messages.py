"""What the accounts' rules say to users, in Vietnamese, keyed by English keys."""

from __future__ import annotations

from typing import Any

from services.registration.accounts.domain import MIN_PASSWORD, Policy
from services.registration.errors import Refused

MESSAGES: dict[str, str] = {
    "username_invalid": (
        "Tên đăng nhập gồm 3–64 ký tự: chữ cái không dấu, chữ số, dấu chấm, gạch ngang hoặc "
        "gạch dưới, bắt đầu bằng chữ cái hoặc chữ số."
    ),
    "username_taken": "Tên đăng nhập này đã có người dùng.",
    "full_name_invalid": "Họ và tên không được để trống và dài tối đa 120 ký tự.",
    "password_short": f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự (tối đa 256).",
    "password_is_username": "Mật khẩu không được trùng với tên đăng nhập.",
    "old_password_wrong": "Mật khẩu hiện tại không đúng.",
    "account_not_found": "Không tìm thấy tài khoản này.",
    "sign_in_failed": "Tên đăng nhập hoặc mật khẩu không đúng.",
    "locked": (
        "Tài khoản tạm bị khóa vì nhập sai mật khẩu {failures} lần trong {window} phút; "
        "vui lòng thử lại sau {lock} phút."
    ),
    "account_disabled": "Tài khoản đã bị vô hiệu hóa; hãy liên hệ quản trị viên.",
    "federated_unknown": (
        "Cổng định danh đã xác thực bạn, nhưng nền tảng chưa có tài khoản cùng tên đăng nhập; "
        "đề nghị quản trị viên tạo tài khoản (vai trò, đơn vị) cho bạn."
    ),
    "session_invalid": "Phiên đăng nhập không hợp lệ hoặc đã hết hạn; vui lòng đăng nhập lại.",
    "session_reused": (
        "Mã làm mới đã được dùng trước đó; phiên đăng nhập đã bị thu hồi để bảo vệ tài khoản. "
        "Vui lòng đăng nhập lại."
    ),
}


def _minutes(policy: Policy) -> dict[str, int]:
    return {
        "failures": policy.max_failures,
        "window": int(policy.window.total_seconds() // 60),
        "lock": int(policy.lock.total_seconds() // 60),
    }


def refused(exc: Refused, policy: Policy) -> dict[str, Any]:
    """A refusal as the RPC's ``{"errors": [{field, key, message}]}``."""
    text = MESSAGES[exc.key]
    if exc.key == "locked":
        text = text.format(**_minutes(policy))
    return {"errors": [{"field": exc.field, "key": exc.key, "message": text}]}
