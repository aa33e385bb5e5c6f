"""Edge validation: marshmallow errors turned into field-level messages in Vietnamese, each with a
stable English key that clients can switch on."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

# Generic messages; services add their own catalogues (text -> key lookups need fixed texts).
GENERIC_MESSAGES: dict[str, str] = {
    "required": "Trường này là bắt buộc.",
    "null": "Trường này không được để trống.",
    "invalid": "Giá trị không hợp lệ.",
    "unknown_field": "Trường này không được hỗ trợ.",
    "invalid_input": "Dữ liệu gửi lên phải là một đối tượng.",
    "tenant_format": "Mã tỉnh phải gồm 2 chữ số.",
    "file_encoding": "Nội dung tệp phải được mã hóa base64.",
}


class EdgeSchema(Schema):
    """A request at a service's edge: unknown fields are refused, and a body that is not an
    object is said to be so, with the same field-level messages in every service."""

    class Meta:
        unknown = RAISE

    error_messages = {
        "unknown": GENERIC_MESSAGES["unknown_field"],
        "type": GENERIC_MESSAGES["invalid_input"],
    }


@dataclass(frozen=True)
class FieldError:
    field: str
    key: str
    message: str


class InvalidInput(Exception):
    """Input that breaks a rule; nothing was changed."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors

    def as_list(self) -> list[dict[str, str]]:
        return [asdict(error) for error in self.errors]


# A service's own refusal type and how its edge words one as field errors.
Refusals = tuple[type[Exception], Callable[[Any], InvalidInput]]


def answered(use_case: Callable[[], Any], refusals: Refusals | None = None) -> Any:
    """Run a use case for an RPC caller: invalid input (and, given ``refusals``, the service's
    own refusals, worded by its edge) comes back as ``{"errors": [...]}`` (field, key,
    message), never as a remote exception."""
    try:
        return use_case()
    except InvalidInput as exc:
        return {"errors": exc.as_list()}
    except Exception as exc:
        if refusals is None or not isinstance(exc, refusals[0]):
            raise
        return {"errors": refusals[1](exc).as_list()}


def wire_name(field: str) -> str:
    """A rule's snake_case field as callers name it: ``received_on`` → ``receivedOn``; the
    whole-form ``_schema`` keeps its name."""
    bare = field.lstrip("_")
    head, *rest = bare.split("_")
    return field[: len(field) - len(bare)] + head + "".join(part.title() for part in rest)


class MessageCatalogue:
    """Vietnamese texts by key; recovers the key of a text marshmallow hands back."""

    def __init__(self, messages: Mapping[str, str]) -> None:
        self.messages = {**GENERIC_MESSAGES, **messages}
        self._keys = {text: key for key, text in self.messages.items()}

    def __getitem__(self, key: str) -> str:
        return self.messages[key]

    def error(self, field: str, key: str) -> FieldError:
        return FieldError(field, key, self.messages[key])

    def field_errors(self, messages: Any, prefix: str = "") -> list[FieldError]:
        """Flatten marshmallow's nested error dict into ``members.0.name``-style paths."""
        if isinstance(messages, Mapping):
            return [
                error
                for name, inner in messages.items()
                for error in self.field_errors(inner, _join(prefix, name))
            ]
        if isinstance(messages, list | tuple):
            return [e for inner in messages for e in self.field_errors(inner, prefix)]
        text = str(messages)
        return [FieldError(prefix or "_schema", self._keys.get(text, "invalid"), text)]

    def load(self, schema: Schema, payload: Any) -> Any:
        if not isinstance(payload, Mapping):
            raise InvalidInput([self.error("_schema", "invalid_input")])
        try:
            return schema.load(payload)
        except ValidationError as exc:
            raise InvalidInput(self.field_errors(exc.messages)) from exc


def _join(prefix: str, name: Any) -> str:
    name = "_schema" if name == "_schema" else str(name)
    return f"{prefix}.{name}" if prefix else name


def field_messages(catalogue: MessageCatalogue) -> dict[str, str | list[Any] | dict[Any, Any]]:
    """``error_messages`` for a marshmallow field, in Vietnamese."""
    return {
        "required": catalogue["required"],
        "null": catalogue["null"],
        "invalid": catalogue["invalid"],
    }


def tenant_field() -> fields.String:
    """The province code every write names: two digits."""
    return fields.String(
        required=True,
        error_messages=field_messages(_GENERIC),
        validate=validate.Regexp(r"^[0-9]{2}$", error=GENERIC_MESSAGES["tenant_format"]),
    )


class Base64Bytes(fields.String):
    """A file sent as base64 over JSON; loads as the file's bytes."""

    def _deserialize(  # type: ignore[override]  # loads bytes: that is the point of the field
        self, value: Any, attr: Any, data: Any, **kwargs: Any
    ) -> bytes:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationError(GENERIC_MESSAGES["file_encoding"]) from exc


_GENERIC = MessageCatalogue({})
