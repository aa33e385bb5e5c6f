"""SMS segment counting (GSM-7 vs UCS-2), the unaccented variant, webhook signatures."""

import pytest

from services.notification.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    InvalidSignature,
    signed_headers,
    verify,
)
from services.notification.sms import GSM7, UCS2, segments, unaccented


@pytest.mark.parametrize(
    ("text", "encoding", "count"),
    [
        ("a" * 160, GSM7, 1),
        ("a" * 161, GSM7, 2),
        ("a" * 306, GSM7, 2),
        ("a" * 307, GSM7, 3),
        ("[" * 80, GSM7, 1),  # extension characters count two septets
        ("[" * 81, GSM7, 2),
        ("a" * 152 + "€" + "a" * 10, GSM7, 2),  # the escape is not split: 152 + (2 + 10)
        ("ệ" * 70, UCS2, 1),
        ("ệ" * 71, UCS2, 2),
        ("ệ" * 134, UCS2, 2),
        ("ệ" * 135, UCS2, 3),
        ("😀" * 35, UCS2, 1),  # a surrogate pair is two UTF-16 units
        ("", GSM7, 0),
    ],
)
def test_segments(text, encoding, count):
    found = segments(text)
    assert (found.encoding, found.count) == (encoding, count)


def test_vietnamese_is_ucs2_and_its_unaccented_variant_halves_the_cost():
    text = (
        'Chúc mừng Hà Thị Thu được công nhận "Gia đình học tập" năm 2024 theo Quyết định số '
        "123/QĐ-UBND ngày 20/01/2025. Hội Khuyến học Đồng Đăng."
    )
    plain = unaccented(text)
    assert plain == (
        'Chuc mung Ha Thi Thu duoc cong nhan "Gia dinh hoc tap" nam 2024 theo Quyet dinh so '
        "123/QD-UBND ngay 20/01/2025. Hoi Khuyen hoc Dong Dang."
    )
    assert (segments(text).encoding, segments(text).count) == (UCS2, 3)
    assert (segments(plain).encoding, segments(plain).count) == (GSM7, 1)


def test_unaccented_keeps_what_has_no_stand_in():
    assert unaccented("Đường “Lê Lợi” – số 5") == 'Duong "Le Loi" - so 5'
    assert segments(unaccented("中文")).encoding == UCS2


def test_a_signed_request_verifies_and_a_changed_or_stale_one_does_not():
    body = b'{"id":"1"}'
    headers = signed_headers("s3cret", 1_700_000_000, body)
    assert headers[SIGNATURE_HEADER].startswith("v1=")
    assert verify("s3cret", headers, body, now=1_700_000_100) == 1_700_000_000
    lower = {k.lower(): v for k, v in headers.items()}
    assert verify("s3cret", lower, body, now=1_700_000_000) == 1_700_000_000
    with pytest.raises(InvalidSignature, match="does not match"):
        verify("s3cret", headers, b'{"id":"2"}', now=1_700_000_000)
    with pytest.raises(InvalidSignature, match="does not match"):
        verify("other", headers, body, now=1_700_000_000)
    with pytest.raises(InvalidSignature, match="tolerance"):  # replayed ten minutes later
        verify("s3cret", headers, body, now=1_700_000_600)
    forged = {**headers, TIMESTAMP_HEADER: "1700000500"}  # a fresh time on an old signature
    with pytest.raises(InvalidSignature, match="does not match"):
        verify("s3cret", forged, body, now=1_700_000_500)
    with pytest.raises(InvalidSignature, match="timestamp"):
        verify("s3cret", {SIGNATURE_HEADER: headers[SIGNATURE_HEADER]}, body, now=1_700_000_000)
