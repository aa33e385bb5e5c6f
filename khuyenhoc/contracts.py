"""Validate events against the published contracts in ``contracts/``.

The JSON Schemas under ``contracts/`` are the source of truth shared with partner
systems; this module only loads them, so producers and consumers cannot drift from
what is documented. Every event is a CloudEvents 1.0 event in structured JSON form
(see ``contracts/README.md``).

Schemas are read once per process and resolved only from the local files: the
registry refuses every remote retrieval, so validation never touches the network.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, cast

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

__all__ = [
    "CONTRACTS_DIR",
    "ContractError",
    "known_event_types",
    "schema_id_for",
    "validate_event",
]

CONTRACTS_DIR: Path = Path(__file__).resolve().parent.parent / "contracts"
"""Directory holding the contract files (``<repo>/contracts``)."""

# Every ``$id`` lives under this never-resolvable base, so relative ``$ref``s work and
# nothing can be fetched even by a tool that ignores our registry.
_BASE_URI = "https://contracts.khuyenhoc.invalid/"
_ENVELOPE_ID = "envelope.schema.json"
_EVENTS_DIR = "events"

# The event name may itself contain dots (``member.joined``); the service may not.
_TYPE_RE = re.compile(
    r"^vn\.khuyenhoc\.(?P<service>[a-z][a-z0-9_]*)"
    r"\.(?P<event>[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*)"
    r"\.v(?P<major>[1-9][0-9]*)$"
)
_RFC3339_RE = re.compile(
    r"^(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})[Tt]"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.[0-9]+)?"
    r"(?:[Zz]|[+-](?P<off_hour>[0-9]{2}):(?P<off_minute>[0-9]{2}))$"
)


class ContractError(ValueError):
    """An event does not satisfy its contract.

    The message names the failing path and the reason, e.g.
    ``"data.year: 1800 is less than the minimum of 2000"``, so it can go straight
    into a dead-letter header.
    """


def _is_rfc3339(instance: object) -> bool:
    """RFC 3339 ``date-time`` check.

    jsonschema only checks ``date-time`` when the optional ``rfc3339-validator``
    package is installed; this keeps the check without adding a dependency.
    """
    if not isinstance(instance, str):
        return True
    match = _RFC3339_RE.match(instance)
    if match is None:
        return False
    parts = {k: int(v) for k, v in match.groupdict().items() if v is not None}
    if parts["second"] > 60:  # 60 is a leap second, allowed by RFC 3339
        return False
    if parts.get("off_hour", 0) > 23 or parts.get("off_minute", 0) > 59:
        return False
    try:
        datetime(
            parts["year"],
            parts["month"],
            parts["day"],
            parts["hour"],
            parts["minute"],
            min(parts["second"], 59),
        )
    except ValueError:
        return False
    return True


def _format_checker() -> FormatChecker:
    """The draft 2020-12 format checks plus our own ``date-time``."""
    checker = FormatChecker(formats=())
    checker.checkers.update(Draft202012Validator.FORMAT_CHECKER.checkers)
    checker.checks("date-time")(_is_rfc3339)
    return checker


def _refuse_retrieval(uri: str) -> Resource:
    """Registry ``retrieve`` hook: contracts are local, so any unknown URI is an error."""
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # attrs class mypy cannot see into


@dataclass(frozen=True)
class _Contracts:
    registry: Registry
    schemas: Mapping[str, dict[str, Any]]  # relative id -> schema
    types: Mapping[str, str]  # event type -> relative id of its schema
    format_checker: FormatChecker


def _declared_type(schema: Mapping[str, Any]) -> str | None:
    """The ``type`` const a per-event schema pins, at top level or inside ``allOf``."""
    candidates: list[Mapping[str, Any]] = [schema, *schema.get("allOf", [])]
    for candidate in candidates:
        const = candidate.get("properties", {}).get("type", {}).get("const")
        if isinstance(const, str):
            return const
    return None


@cache
def _load() -> _Contracts:
    """Read and index every schema in ``contracts/`` once per process.

    A malformed contract file is a bug in the repository, not in an event, so it
    raises ``RuntimeError`` (or jsonschema's ``SchemaError``) rather than
    ``ContractError``.
    """
    schemas: dict[str, dict[str, Any]] = {}
    for path in sorted(CONTRACTS_DIR.rglob("*.json")):
        relative = path.relative_to(CONTRACTS_DIR).as_posix()
        schema = json.loads(path.read_text(encoding="utf-8"))
        if schema.get("$id") != _BASE_URI + relative:
            raise RuntimeError(f"{path}: $id must be {_BASE_URI + relative!r}")
        Draft202012Validator.check_schema(schema)
        schemas[relative] = schema
    if _ENVELOPE_ID not in schemas:
        raise RuntimeError(f"{CONTRACTS_DIR / _ENVELOPE_ID} is missing")

    types: dict[str, str] = {}
    for relative, schema in schemas.items():
        if not relative.startswith(f"{_EVENTS_DIR}/"):
            continue
        event_type = _declared_type(schema)
        match = _TYPE_RE.match(event_type or "")
        if event_type is None or match is None:
            raise RuntimeError(f"{relative}: no valid 'type' const in the schema")
        expected = f"{_EVENTS_DIR}/{match['event']}.v{match['major']}.schema.json"
        if relative != expected or event_type in types:
            raise RuntimeError(f"{relative}: type {event_type!r} must live only in {expected}")
        types[event_type] = relative

    registry: Registry = Registry(retrieve=_refuse_retrieval).with_resources(  # type: ignore[call-arg]  # attrs
        (_BASE_URI + relative, Resource.from_contents(schema, default_specification=DRAFT202012))
        for relative, schema in schemas.items()
    )
    return _Contracts(
        registry=registry,
        schemas=schemas,
        types=types,
        format_checker=_format_checker(),
    )


@cache
def _validator(schema_id: str) -> Draft202012Validator:
    """A compiled validator per schema, reused across events."""
    contracts = _load()
    return Draft202012Validator(
        contracts.schemas[schema_id],
        registry=contracts.registry,
        format_checker=contracts.format_checker,
    )


def _describe(error: ValidationError) -> str:
    """``"data.year: <reason>"``; the root of the event is called ``event``.

    A missing property is reported at its own path (``"data.year: 'year' is a
    required property"``) so the message names the field, not its parent.
    """
    parts = [str(part) for part in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, Mapping):
        missing = [
            name
            for name in cast(list[str], error.validator_value)
            if name not in error.instance and error.message.startswith(repr(name))
        ]
        parts.extend(missing[:1])
    return f"{'.'.join(parts) or 'event'}: {error.message}"


def _check(schema_id: str, event: Any) -> None:
    """Raise one ContractError listing every violation, in a stable order."""
    errors: Iterable[ValidationError] = _validator(schema_id).iter_errors(event)
    messages = sorted({_describe(error) for error in errors})
    if messages:
        raise ContractError("; ".join(messages))


def schema_id_for(event_type: str) -> str:
    """Schema file (relative to ``CONTRACTS_DIR``) for an event type.

    ``"vn.khuyenhoc.registration.registered.v1"`` ->
    ``"events/registered.v1.schema.json"``. Unknown or malformed types raise
    ``ContractError`` so consumers can dead-letter majors they do not understand.
    """
    if not isinstance(event_type, str) or not _TYPE_RE.match(event_type):
        raise ContractError(
            f"type: malformed event type {event_type!r}; "
            "expected vn.khuyenhoc.<service>.<event>.v<major>"
        )
    types = _load().types
    if event_type not in types:
        known = ", ".join(sorted(types)) or "none"
        raise ContractError(f"type: unknown event type {event_type!r}; known: {known}")
    return types[event_type]


def known_event_types() -> frozenset[str]:
    """Every event type that has a schema file in ``contracts/events``."""
    return frozenset(_load().types)


def validate_event(event: dict[str, Any]) -> None:
    """Validate a structured-JSON CloudEvent against the envelope and its type's schema.

    Raises ``ContractError`` on any failure, including an unknown ``type``. The
    ``unitpath``/``tenant`` consistency rule compares two fields, which JSON Schema
    cannot express, so it is checked here after the envelope.
    """
    _check(_ENVELOPE_ID, event)
    tenant = event["tenant"]
    first_segment = event["unitpath"].split("/", 1)[0]
    if first_segment != tenant:
        raise ContractError(
            f"unitpath: first segment {first_segment!r} must equal tenant {tenant!r}"
        )
    _check(schema_id_for(event["type"]), event)
