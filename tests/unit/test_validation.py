"""The edge fields every service shares: the tenant code and a base64 file."""

import pytest
from marshmallow import Schema

from khuyenhoc.validation import Base64Bytes, InvalidInput, MessageCatalogue, tenant_field

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
