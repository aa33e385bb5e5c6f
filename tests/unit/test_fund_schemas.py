"""The fund's edge: every bad field is named, with a Vietnamese message and an English key."""

import pytest

from khuyenhoc.validation import InvalidInput
from services.fund.schemas import MESSAGES, DonationSchema, FeeSchema, ProposeSchema

UNIT = {"code": "06184", "path": "20/183/06184", "name": "Thị trấn Đồng Đăng", "level": "commune"}
GIFT = {
    "tenant": "20",
    "unit": UNIT,
    "idempotencyKey": "gift-000001",
    "donor": {"name": "  Nguyễn   Văn Hảo ", "email": "hao@example.invalid"},
    "amount": 5_000_000_000,
}


def errors(schema, payload):
    with pytest.raises(InvalidInput) as caught:
        MESSAGES.load(schema(), payload)
    return {(e.field, e.key): e.message for e in caught.value.errors}


def test_a_good_donation_loads_clean():
    loaded = MESSAGES.load(DonationSchema(), GIFT)
    assert loaded["donor"]["name"] == "Nguyễn Văn Hảo" and loaded["donor"]["kind"] == "person"
    assert loaded["amount"] == 5_000_000_000 and loaded["idempotency_key"] == "gift-000001"
    decomposed = MESSAGES.load(DonationSchema(), {**GIFT, "note": " U\u0309ng  ho\u0323\u0302 "})[
        "note"
    ]
    assert decomposed == "Ủng hộ"


@pytest.mark.parametrize(
    ("changes", "field", "key"),
    [
        ({"amount": 0}, "amount", "amount"),
        ({"amount": 12.5}, "amount", "amount"),
        ({"amount": "100"}, "amount", "amount"),
        ({"amount": 2**63}, "amount", "amount"),
        ({"idempotencyKey": "short"}, "idempotencyKey", "idempotency_key"),
        ({"donor": {"name": "An", "email": "not-an-email"}}, "donor.email", "email"),
        ({"donor": {"name": "An", "kind": "alien"}}, "donor.kind", "donor_kind"),
        ({"donor": {"name": ""}}, "donor.name", "text_length"),
        ({"kind": "in_kind"}, "goods", "goods_required"),
        ({"purpose": "earmarked"}, "earmark", "earmark_required"),
        ({"channel": "crypto"}, "channel", "channel"),
        ({"receivedOn": "02/10/2024"}, "receivedOn", "date_format"),
        ({"tenant": "2"}, "tenant", "tenant_format"),
        ({"bonus": 1}, "bonus", "unknown_field"),
    ],
)
def test_bad_donations_name_the_field(changes, field, key):
    found = errors(DonationSchema, {**GIFT, **changes})
    assert (field, key) in found
    assert found[(field, key)] == MESSAGES[key]


def test_proposals_and_fees_check_their_fields():
    proposal = {
        "tenant": "20",
        "unit": UNIT,
        "amount": 1,
        "purpose": "bribe",
        "beneficiary": {"kind": "student", "name": "An", "birthYear": 1800},
    }
    found = errors(ProposeSchema, proposal)
    assert {("purpose", "purpose"), ("beneficiary.birthYear", "birth_year")} <= set(found)
    fee = {"tenant": "20", "unit": UNIT, "memberId": "mb-1", "year": 1999, "amount": 1}
    assert ("year", "year") in errors(FeeSchema, fee)
