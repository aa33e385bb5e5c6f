"""What the fund's RPCs answer, as marshmallow dump schemas over the typed records: the wire
names (camelCase, amounts as int) live here and nowhere else."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_dump

from khuyenhoc.tenancy import UnitPath


class DonationAnswer(Schema):
    id = fields.String()
    unitCode = fields.String(attribute="unit_code")
    unitPath = fields.String(attribute="unitpath")
    receiptNumber = fields.String(attribute="receipt_number")
    amount = fields.Integer()
    kind = fields.String()
    goods = fields.String(allow_none=True)
    channel = fields.String()
    receivedOn = fields.String(attribute="received_on")
    purpose = fields.String(allow_none=True)
    earmark = fields.String(allow_none=True)
    donor = fields.Raw()
    note = fields.String(allow_none=True)
    status = fields.String()
    recordedBy = fields.String(attribute="recorded_by", allow_none=True)
    unitName = fields.String(attribute="unit_name", allow_none=True)


class ReceiptAnswer(Schema):
    """A donation with its fund's unit name (the receipt)."""

    donation = fields.Nested(DonationAnswer)
    unitName = fields.String(attribute="unit_name")

    @post_dump
    def flat(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        # the receipt's unit name: the name of the gift's day
        return {**data["donation"], "unitName": data["unitName"]}


class ContactAnswer(Schema):
    """How to thank a donor: read by notification, in its own (snake_case) names."""

    name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    unit_name = fields.String()


class DisbursementAnswer(Schema):
    id = fields.String()
    unitCode = fields.String(attribute="unit_code")
    unitPath = fields.String(attribute="unitpath")
    amount = fields.Integer()
    purpose = fields.String()
    beneficiary = fields.Raw()
    status = fields.String()
    proposedBy = fields.String(attribute="proposed_by", allow_none=True)
    approvedBy = fields.String(attribute="approved_by", allow_none=True)
    paidOn = fields.String(attribute="paid_on", allow_none=True)
    decision = fields.String(allow_none=True)
    earmark = fields.String(allow_none=True)
    plannedOn = fields.String(attribute="planned_on", allow_none=True)


class FeeAnswer(Schema):
    id = fields.String()
    unitCode = fields.String(attribute="unit_code")
    memberId = fields.String(attribute="member_id")
    year = fields.Integer()
    amount = fields.Integer()
    paidOn = fields.String(attribute="paid_on")


class TransferAnswer(Schema):
    id = fields.String()
    fromUnitCode = fields.String(attribute="from_unit_code")
    toUnitCode = fields.String(attribute="to_unit_code")
    amount = fields.Integer()
    on = fields.String()


class EntryAnswer(Schema):
    """A reversal as ``reverse_entry`` answers it."""

    id = fields.String()
    unitCode = fields.String(attribute="unit_code")
    kind = fields.String()
    date = fields.String()
    amount = fields.Integer()
    reverses = fields.String(allow_none=True)
    description = fields.String()


class StoredEntryAnswer(Schema):
    """A ledger transaction in its stored names (``entry``: the gateway's scope check)."""

    _id = fields.String(attribute="id", data_key="_id")
    tenant = fields.String()
    fund_id = fields.String()
    unit_code = fields.String()
    unitpath = fields.String()
    kind = fields.String()
    date = fields.String()
    amount = fields.Integer()
    debit = fields.String()
    credit = fields.String()
    description = fields.String()
    reference = fields.String(allow_none=True)
    reverses = fields.String(allow_none=True)
    at = fields.String(allow_none=True)

    @post_dump
    def stored(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        path = UnitPath.parse(data["unitpath"])
        return {**data, **path.depth_fields(), "year": int(data["date"][:4])}


class FundAnswer(Schema):
    id = fields.String()
    tenant = fields.String()
    unitCode = fields.String(attribute="unit_code")
    unitName = fields.String(attribute="unit_name", allow_none=True)
    unitPath = fields.String(attribute="unit_path")
    balance = fields.Integer()
    lastDay = fields.String(attribute="last_day", allow_none=True)
    earmarks = fields.Raw()


class HonourLineAnswer(Schema):
    rank = fields.Integer()
    name = fields.String()
    kind = fields.String()
    anonymous = fields.Boolean()
    total = fields.Integer()
    count = fields.Integer()


class DiscrepancyAnswer(Schema):
    fundId = fields.String(attribute="fund_id")
    stored = fields.Integer()
    computed = fields.Integer()


class ReconciliationAnswer(Schema):
    funds = fields.Integer()
    transactions = fields.Integer()
    balanced = fields.Boolean()
    discrepancies = fields.List(fields.Nested(DiscrepancyAnswer))


class PublicStatementAnswer(Schema):
    """The public statement: its unit, then the statement's lines, donors and awards."""

    unitCode = fields.String(attribute="unit_code")
    unitName = fields.String(attribute="unit_name")
    unitPath = fields.String(attribute="unit_path")
    threshold = fields.Integer()
    lines = fields.Raw()
    donors = fields.Raw()
    awards = fields.Raw()
    earmarks = fields.Raw()
    others = fields.Raw()

    @post_dump
    def flat(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        lines = data.pop("lines")
        return {
            **{k: data[k] for k in ("unitCode", "unitName", "unitPath", "threshold")},
            **lines,
            "donors": data["donors"],
            "awards": data["awards"],
            "earmarks": data.get("earmarks") or [],
            "others": data.get("others") or {"count": 0, "amount": 0},
        }


def booked(name: str, schema: Schema, result: Any) -> dict[str, Any]:
    """A movement's answer: ``{name: record, "created": bool}``."""
    return {name: schema.dump(result.record), "created": result.created}


def page(schema: Schema, result: Any) -> dict[str, Any]:
    return {"items": schema.dump(result.items, many=True), "nextCursor": result.next_cursor}
