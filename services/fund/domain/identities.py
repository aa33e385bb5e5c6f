"""What names a fund's things: the fund's own identities (funds, donations, transfers,
fees, receipts), the kinds of donors, channels and beneficiaries, the figures it counts, the
day in Vietnam. Pure."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

from khuyenhoc.text import search_key

VIETNAM = timezone(timedelta(hours=7))  # no daylight saving: a fixed offset is exact

FIGURES = (
    "donations_total",
    "donations_count",
    "fees_total",
    "disbursed_total",
    "awards_count",
    "cash_net",
    "student_awards_total",
    "student_awards_count",
)
"""Per unit and year: donations and their number, membership fees, disbursements and their number
(awards: scholarships, prizes, support), the net change of cash (for balances), and the student
awards among the disbursements (scholarships, awards, university prizes: ``STUDENT_AWARDS``)."""


def earmark_key(text: str) -> str:
    """The same earmark however it is spelt (case, diacritics' normal form, spacing)."""
    return _digest("earmark", search_key(text))[:16]


def today_in_vietnam(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(VIETNAM).date()


class DonorKind(StrEnum):
    PERSON = "person"
    FAMILY = "family"
    CLAN = "clan"
    ORGANISATION = "organisation"
    ENTERPRISE = "enterprise"
    OVERSEAS = "overseas"  # người Việt Nam ở nước ngoài


class Channel(StrEnum):
    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"
    VIETQR = "vietqr"


class BeneficiaryKind(StrEnum):
    STUDENT = "student"
    TEACHER = "teacher"
    SCHOOL = "school"
    OTHER = "other"


class DisbursementStatus(StrEnum):
    PROPOSED = "PROPOSED"
    APPROVED = "APPROVED"
    REVERSED = "REVERSED"


# --- identities ---------------------------------------------------------------------------------


def fund_id(tenant: str, unit_code: str) -> str:
    return f"{tenant}:{unit_code}"


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def donation_id(fund: str, idempotency_key: str) -> str:
    """The same key for the same fund is the same donation: a retried request counts once."""
    return f"d-{_digest(fund, idempotency_key)[:20]}"


def transfer_id(fund: str, idempotency_key: str) -> str:
    return f"t-{_digest(fund, idempotency_key)[:20]}"


def fee_id(fund: str, member_id: str, year: int) -> str:
    """One membership fee per member and year in a branch fund."""
    return f"m-{_digest(fund, member_id, str(year))[:20]}"


def content_hash(payload: Mapping[str, Any]) -> str:
    """What a request asked for, to tell a retry from a different request under the same key."""
    return _digest(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str))


def sort_key(day: date, number: str) -> str:
    """The order of a fund's records: day, then number. The day is written without hyphens: a
    range bound that starts like an ISO date and goes on (``"2024-10-02|…"``) matches nothing on
    nx-27017 (pinned in test_store_compat)."""
    return f"{day:%Y%m%d}|{number}"


def receipt_code(unit_code: str) -> str:
    """The receipt's fund code: the unit code without hyphens (branch 06184-001 → 06184001)."""
    return unit_code.replace("-", "")
