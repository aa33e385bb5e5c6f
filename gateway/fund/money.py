"""The Money scalar: whole Vietnamese đồng, exact on the wire."""

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLError, IntValueNode, StringValueNode

from gateway.messages import message
from gateway.wire import input_error

MAX_MONEY = 9_223_372_036_854_775_807
MONEY_MESSAGE = message("amount")


def _money_error() -> GraphQLError:
    return input_error(
        [{"field": "amount", "key": "amount", "message": MONEY_MESSAGE}], message=MONEY_MESSAGE
    )


def parse_money(value: Any) -> int:
    """Whole đồng from a decimal string ("5000000000") or a JSON integer; a float (even 5e9),
    a sign, a fraction or anything else is refused: money is never rounded."""
    if isinstance(value, bool):
        raise _money_error()
    if isinstance(value, int):
        amount = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        amount = int(value)
    else:
        raise _money_error()
    if not 0 < amount <= MAX_MONEY:
        raise _money_error()
    return amount


class Money(graphene.Scalar):
    """An amount of Vietnamese đồng, exact: serialised as a decimal string of digits
    ("5000000000"), since GraphQL's Int is 32-bit and JSON numbers lose precision in JavaScript
    above 2^53. Input: a string of digits or an integer, from 1 to int64."""

    @staticmethod
    def serialize(value: Any) -> str:
        return str(int(value))

    @staticmethod
    def parse_value(value: Any) -> int:
        return parse_money(value)

    @staticmethod
    def parse_literal(node: Any, _variables: Any = None) -> int:
        if isinstance(node, StringValueNode):
            return parse_money(node.value)
        if isinstance(node, IntValueNode):
            return parse_money(int(node.value))
        raise _money_error()
