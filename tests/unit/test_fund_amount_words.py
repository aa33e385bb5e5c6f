"""Amounts in Vietnamese words (khuyenhoc.amounts), as receipts and fund statements print them."""

import pytest

from khuyenhoc.amounts import amount_in_words, number_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (5, "Năm đồng"),
        (10, "Mười đồng"),
        (11, "Mười một đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (25, "Hai mươi lăm đồng"),
        (50, "Năm mươi đồng"),
        (105, "Một trăm linh năm đồng"),
        (110, "Một trăm mười đồng"),
        (1_005, "Một nghìn không trăm linh năm đồng"),
        (1_050, "Một nghìn không trăm năm mươi đồng"),
        (10_000, "Mười nghìn đồng"),
        (500_000, "Năm trăm nghìn đồng"),
        (1_000_000, "Một triệu đồng"),
        (1_200_000, "Một triệu hai trăm nghìn đồng"),
        (1_000_005, "Một triệu không trăm linh năm đồng"),
        (76_180_000, "Bảy mươi sáu triệu một trăm tám mươi nghìn đồng"),
        (2_015_000_000, "Hai tỷ không trăm mười lăm triệu đồng"),
        (1_000_000_000_000, "Một nghìn tỷ đồng"),
        (5_020_000_000, "Năm tỷ không trăm hai mươi triệu đồng"),
    ],
)
def test_amount_in_words(amount: int, words: str) -> None:
    assert amount_in_words(amount) == words


def test_the_largest_amount_is_worded() -> None:
    words = number_in_words(9_223_372_036_854_775_807)
    assert words.startswith("chín tỷ tỷ hai trăm hai mươi ba triệu tỷ")
    assert words.endswith("tám trăm linh bảy")


@pytest.mark.parametrize("bad", [-1, 1.5, True, "12"])
def test_only_whole_non_negative_numbers(bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        number_in_words(bad)  # type: ignore[arg-type]
