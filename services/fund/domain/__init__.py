"""The fund's rules around the ledger: what a movement does to a fund, to the roll-up figures
and to the honour roll, and what is shown in public. Pure: no transport, no database.

A fund (Quỹ Khuyến học) belongs to one organisation unit: a province, district, commune or branch
(chi hội; a clan's or a school's fund is the fund of its clan or school branch). Its stored state is
small — balance, the day of its latest movement, the last receipt number per year — and every
movement is *planned* here against that state: the plan (a :class:`Posting`) names the ledger
transactions to keep, the figures to count and the event to publish, and the store commits it in
one atomic write of the fund's document (see ``store.py``).

Every ledger transaction a fund books passes :func:`admit`, the single gate for posting: the
plans call it, the store commits only what a plan returned, and the property tests
(tests/unit/test_ledger_properties.py) drive the same plans through an in-memory store.
"""

from services.fund.domain.events import (
    disbursed_event,
    donated_event,
    money,
    stats_totals,
)
from services.fund.domain.identities import (
    FIGURES,
    VIETNAM,
    BeneficiaryKind,
    Channel,
    DisbursementStatus,
    DonorKind,
    content_hash,
    donation_id,
    earmark_key,
    fee_id,
    fund_id,
    receipt_code,
    sort_key,
    today_in_vietnam,
    transfer_id,
)
from services.fund.domain.plans import (
    check_earmark,
    plan_disbursement,
    plan_donation,
    plan_fee,
    plan_reversal,
    plan_transfer,
    posting_from_record,
)
from services.fund.domain.postings import (
    ConcurrentChange,
    FundState,
    Posting,
    admit,
    check_day,
    check_pay_in,
    check_pay_out,
    donor_counters,
    figures_of,
    lowest_balance_since,
    transaction_document,
    unit_counter,
)

__all__ = [
    "BeneficiaryKind",
    "Channel",
    "ConcurrentChange",
    "DisbursementStatus",
    "DonorKind",
    "FIGURES",
    "FundState",
    "Posting",
    "VIETNAM",
    "admit",
    "check_day",
    "check_earmark",
    "check_pay_in",
    "check_pay_out",
    "content_hash",
    "disbursed_event",
    "donated_event",
    "donation_id",
    "donor_counters",
    "earmark_key",
    "fee_id",
    "figures_of",
    "fund_id",
    "lowest_balance_since",
    "money",
    "plan_disbursement",
    "plan_donation",
    "plan_fee",
    "plan_reversal",
    "plan_transfer",
    "posting_from_record",
    "receipt_code",
    "sort_key",
    "stats_totals",
    "today_in_vietnam",
    "transaction_document",
    "transfer_id",
    "unit_counter",
]
