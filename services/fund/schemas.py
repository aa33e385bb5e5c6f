"""marshmallow schemas at the fund's edge, with Vietnamese field messages (``messages.py``), and
the translation of a refusal of the rules into field errors with wire (camelCase) names.

Amounts are whole đồng: an ``int`` from 1 to int64 (``strict``: "12" or 12.0 is refused here; the
gateway's ``Money`` scalar turns the client's decimal string into an int first).
"""

from __future__ import annotations

from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from khuyenhoc.text import clean
from khuyenhoc.validation import (
    EdgeSchema,
    FieldError,
    InvalidInput,
    field_messages,
    tenant_field,
    wire_name,
)
from services.fund.domain import BeneficiaryKind, Channel, DonorKind
from services.fund.ledger import MAX_AMOUNT, DonationKind, LedgerError, Purpose
from services.fund.messages import MESSAGES, refusal_text

__all__ = ["MESSAGES", "refused"]

_BASE: dict[str, Any] = dict(field_messages(MESSAGES))


class _Edge(EdgeSchema):
    tenant = tenant_field()

    @post_load
    def stored_form(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """User text is kept in NFC, trimmed, inner whitespace collapsed."""
        return {k: clean(v) if isinstance(v, str) else v for k, v in data.items()}


def _text(max_length: int, required: bool = True, **kwargs: Any) -> fields.String:
    options: dict[str, Any] = (
        {"required": True} if required else {"load_default": None, "allow_none": True}
    )
    return fields.String(
        error_messages=_BASE,
        validate=validate.Length(min=1, max=max_length, error=MESSAGES["text_length"]),
        **options,
        **kwargs,
    )


def _amount() -> fields.Integer:
    return fields.Integer(
        required=True,
        strict=True,
        error_messages={**_BASE, "invalid": MESSAGES["amount"]},
        validate=validate.Range(min=1, max=MAX_AMOUNT, error=MESSAGES["amount"]),
    )


def _date(data_key: str, required: bool = False) -> fields.Date:
    options: dict[str, Any] = (
        {"required": True} if required else {"load_default": None, "allow_none": True}
    )
    return fields.Date(
        data_key=data_key, error_messages={**_BASE, "invalid": MESSAGES["date_format"]}, **options
    )


def _choice(values: Any, key: str, required: bool = True, **kwargs: Any) -> fields.String:
    options: dict[str, Any] = {"required": True} if required else {"load_default": None}
    return fields.String(
        error_messages=_BASE,
        validate=validate.OneOf([str(v) for v in values], error=MESSAGES[key]),
        **options,
        **kwargs,
    )


def _key() -> fields.String:
    """The client's idempotency key: the same key is the same movement, however often sent."""
    return fields.String(
        data_key="idempotencyKey",
        required=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^[A-Za-z0-9_:.-]{8,100}$", error=MESSAGES["idempotency_key"]),
    )


class UnitSchema(Schema):
    """The unit as the gateway found it in the directory (code, path, name, level)."""

    class Meta:
        unknown = RAISE

    code = _text(32)
    path = _text(200)
    name = _text(300, required=False)
    level = _text(50, required=False)


def _unit(data_key: str = "unit") -> fields.Nested:
    return fields.Nested(UnitSchema, required=True, data_key=data_key, error_messages=_BASE)


class DonorSchema(Schema):
    class Meta:
        unknown = RAISE

    name = _text(200)
    kind = _choice(DonorKind, "donor_kind", required=False)
    anonymous = fields.Boolean(load_default=False, error_messages=_BASE)
    email = fields.Email(
        load_default=None, allow_none=True, error_messages={**_BASE, "invalid": MESSAGES["email"]}
    )
    phone = fields.String(
        load_default=None,
        allow_none=True,
        error_messages=_BASE,
        validate=validate.Regexp(r"^\+?[0-9 .-]{8,20}$", error=MESSAGES["phone"]),
    )

    def load(self, data: Any, **kwargs: Any) -> Any:
        loaded = super().load(data, **kwargs)
        loaded["name"] = clean(loaded["name"])
        loaded["kind"] = loaded.get("kind") or DonorKind.PERSON.value
        return loaded


class DonationSchema(_Edge):
    unit = _unit()
    idempotency_key = _key()
    donor = fields.Nested(DonorSchema, required=True, error_messages=_BASE)
    amount = _amount()
    kind = _choice(DonationKind, "donation_kind", required=False)
    goods = _text(500, required=False)
    channel = _choice(Channel, "channel", required=False)
    received_on = _date("receivedOn")
    purpose = _choice(("general", "earmarked"), "purpose", required=False)
    earmark = _text(500, required=False)
    note = _text(1000, required=False)
    by = _text(200, required=False)

    @validates_schema
    def check_details(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("kind") == DonationKind.IN_KIND and not data.get("goods"):
            raise ValidationError(MESSAGES["goods_required"], "goods")
        if data.get("purpose") == "earmarked" and not data.get("earmark"):
            raise ValidationError(MESSAGES["earmark_required"], "earmark")


class BeneficiarySchema(Schema):
    class Meta:
        unknown = RAISE

    kind = _choice(BeneficiaryKind, "beneficiary_kind")
    name = _text(200)
    school = _text(200, required=False)
    grade = _text(50, required=False)
    birth_year = fields.Integer(
        data_key="birthYear",
        load_default=None,
        allow_none=True,
        strict=True,
        error_messages={**_BASE, "invalid": MESSAGES["birth_year"]},
        validate=validate.Range(min=1900, max=2100, error=MESSAGES["birth_year"]),
    )
    reason = _text(1000, required=False)
    achievement = _text(500, required=False)

    def load(self, data: Any, **kwargs: Any) -> Any:
        loaded = super().load(data, **kwargs)
        return {k: clean(v) if isinstance(v, str) else v for k, v in loaded.items()}


class ProposeSchema(_Edge):
    unit = _unit()
    amount = _amount()
    purpose = _choice(Purpose, "purpose")
    beneficiary = fields.Nested(BeneficiarySchema, required=True, error_messages=_BASE)
    earmark = _text(500, required=False)
    paid_on = _date("paidOn")
    by = _text(200, required=False)


class ApproveSchema(_Edge):
    disbursement_id = _text(100, data_key="disbursementId")
    paid_on = _date("paidOn")
    decision = _text(200, required=False)
    by = _text(200, required=False)


class TransferSchema(_Edge):
    source = _unit("from")
    target = _unit("to")
    idempotency_key = _key()
    amount = _amount()
    on = _date("on")
    description = _text(500, required=False)
    by = _text(200, required=False)


class FeeSchema(_Edge):
    unit = _unit()
    member_id = _text(100, data_key="memberId")
    year = fields.Integer(
        required=True,
        strict=True,
        error_messages={**_BASE, "invalid": MESSAGES["year"]},
        validate=validate.Range(min=2000, max=2100, error=MESSAGES["year"]),
    )
    amount = _amount()
    paid_on = _date("paidOn")
    by = _text(200, required=False)


class ReverseSchema(_Edge):
    entry_id = _text(200, data_key="entryId")
    reason = _text(500)
    by = _text(200, required=False)


def refused(exc: LedgerError) -> InvalidInput:
    """A refusal of the rules as the caller sees it: field (wire name), key, Vietnamese text."""
    field = wire_name(exc.field or "_schema")
    return InvalidInput([FieldError(field, exc.key, refusal_text(exc.key, exc.params))])
