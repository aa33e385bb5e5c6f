"""Every Vietnamese text of notification outside the message templates, keyed in English.

``ERRORS``: what a refused request is told, per key (the edge turns keys into these, see
``schemas``). ``TEXTS``: the words the templates' values are made of and the operators' console
lines. The messages themselves (SMS, e-mail) are the template files under ``templates/``: one file
per event and channel, which a province may replace with its own copy, so they stay files.
"""

from __future__ import annotations

ERRORS: dict[str, str] = {
    "email_format": "Địa chỉ e-mail không hợp lệ.",
    "name_length": "Tên không được để trống và không quá 200 ký tự.",
    "webhook_name": "Tên chỉ gồm chữ thường, chữ số và dấu '-', từ 2 đến 41 ký tự.",
    "url_format": "Địa chỉ phải bắt đầu bằng http:// hoặc https:// và không quá 500 ký tự.",
    "webhook_https": "Địa chỉ webhook phải dùng https://.",
    "webhook_private": (
        "Địa chỉ webhook phải là một địa chỉ công khai trên Internet, không phải địa chỉ nội bộ "
        "(localhost, mạng riêng, link-local)."
    ),
    "webhook_unresolved": "Không phân giải được tên miền của địa chỉ webhook.",
    "webhook_not_found": "Không có webhook nào tên này.",
    "unknown_event": "Không có loại tin này.",
    "channel": "Kênh phải là sms, email hoặc webhook.",
    "recipient": "Người nhận không hợp lệ.",
    "subject_not_found": "Không tìm thấy đối tượng này.",
    "unit_not_found": "Không tìm thấy đơn vị này.",
}

TEXTS: dict[str, str] = {
    # values the templates use (domain.context)
    "verdict_recognised": "đủ điều kiện đề nghị công nhận",
    "verdict_not_recognised": "chưa đạt",
    "verdict_undecidable": "chưa đủ thông tin để kết luận",
    "level_text": " mức {level}",
    "amount": "{amount} đồng",
    # who the e-mails are from
    "sender_name": "Hội Khuyến học",
    # the operators' console (commands)
    "dead_count": "{count} tin không gửi được (DEAD) của tỉnh {tenant}.",
    "replayed_count": "Đã xếp lại {count} tin để gửi lại.",
    "partner_deleted": "Đã xoá tài khoản partner-{tenant}-{name}.",
    "partner_queue_deleted": "Đã xoá hàng đợi {queue} (và các liên kết của nó).",
    "webhook_deleted": "Đã xoá webhook {name} của tỉnh {tenant}.",
}
