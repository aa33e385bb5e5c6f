"""The edge fields every service shares: the tenant code and a base64 file."""

import pytest
from marshmallow import Schema

from khuyenhoc.validation import (
    Base64Bytes,
    FieldError,
    InvalidInput,
    MessageCatalogue,
    answered,
    tenant_field,
    wire_name,
)

CATALOGUE = MessageCatalogue({})


class Upload(Schema):
    tenant = tenant_field()
    content = Base64Bytes(required=True)


def test_a_file_arrives_as_its_bytes():
    assert CATALOGUE.load(Upload(), {"tenant": "20", "content": "JVBERi0="}) == {
        "tenant": "20",
        "content": b"%PDF-",
    }


@pytest.mark.parametrize(
    ("payload", "field", "key"),
    [
        ({"tenant": "2", "content": "JVBERi0="}, "tenant", "tenant_format"),
        ({"tenant": "20", "content": "not base64!"}, "content", "file_encoding"),
        ({"content": "JVBERi0="}, "tenant", "required"),
    ],
)
def test_bad_fields_are_named_with_their_key(payload, field, key):
    with pytest.raises(InvalidInput) as caught:
        CATALOGUE.load(Upload(), payload)
    assert [(e.field, e.key) for e in caught.value.errors] == [(field, key)]


def test_a_rules_field_reaches_callers_under_its_wire_name():
    assert wire_name("received_on") == "receivedOn"
    assert wire_name("learning_unit_id") == "learningUnitId"
    assert wire_name("year") == "year"
    assert wire_name("_schema") == "_schema"


def test_a_services_own_refusal_is_answered_as_field_errors_and_nothing_else_is_hidden():
    class Refused(Exception):
        pass

    def word(exc: Refused) -> InvalidInput:
        return InvalidInput([FieldError("year", "year_range", "Năm không hợp lệ.")])

    def refuse() -> dict:
        raise Refused()

    assert answered(refuse, (Refused, word)) == {
        "errors": [{"field": "year", "key": "year_range", "message": "Năm không hợp lệ."}]
    }
    with pytest.raises(Refused):
        answered(refuse)

    def fail() -> dict:
        raise KeyError("x")

    with pytest.raises(KeyError):
        answered(fail, (Refused, word))
