"""Every string a request hands to a field, checked at the edge before anything runs.

Arguments are walked as the operation writes them, inline literals and variables alike, nested
inputs and lists included: a string holding a control character (C0 but tab and line breaks,
and DEL) is refused with a field error naming the argument (``input.members.0.name`` is
answered as ``members.0.name``, the services' own convention for a mutation's input), a list
longer than ``MAX_LIST_ITEMS`` and a ``search`` longer than ``MAX_SEARCH_CHARS`` too. Text is
otherwise left as sent: the services store it in NFC.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    get_operation_ast,
)

from gateway.messages import message
from gateway.wire import input_error
from khuyenhoc.text import has_control_characters

MAX_LIST_ITEMS = 5_000  # items in any list argument (a branch's members, assessments…)
MAX_SEARCH_CHARS = 100  # a `search` argument: a name, never a document
MAX_NESTING = 20  # lists and objects in one another within one argument

Found = tuple[str, Any]  # (dotted path, the value as sent)


def refusal(
    document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None
) -> GraphQLError | None:
    """The field errors of the operation's arguments, or None when every one is fine."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    errors: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for path, value in _arguments(operation, fragments, variables or {}):
        for field, key, text in _problems(path, value):
            if (field, key) not in seen:
                seen.add((field, key))
                errors.append({"field": field, "key": key, "message": text})
    return input_error(errors) if errors else None


def argument_values(
    document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None
) -> list[Found]:
    """(path, value) of every argument the operation passes (``input``'s fields by name)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return []
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    found: list[Found] = []
    for path, value in _arguments(operation, fragments, variables or {}):
        if isinstance(value, dict):
            found.extend((_join(path, k), v) for k, v in value.items())
        else:
            found.append((path, value))
    return found


def _problems(path: str, value: Any, depth: int = 0) -> Iterator[tuple[str, str, str]]:
    if depth > MAX_NESTING:  # no input of the schema nests this deep
        yield path, "invalid_input", message("invalid_input")
        return
    if isinstance(value, str):
        if has_control_characters(value):
            yield path, "control_character", message("control_character")
        if path.rsplit(".", 1)[-1] == "search" and len(value) > MAX_SEARCH_CHARS:
            yield path, "search_too_long", message("search_too_long", most=MAX_SEARCH_CHARS)
    elif isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            yield path, "too_many_items", message("too_many_items", most=MAX_LIST_ITEMS)
            return
        for index, item in enumerate(value):
            yield from _problems(_join(path, index), item, depth + 1)
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _problems(_join(path, name), item, depth + 1)


def _join(path: str, name: object) -> str:
    return f"{path}.{name}" if path else str(name)


def _arguments(
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
) -> Iterator[Found]:
    """(path, value) of every argument of every field the operation selects."""
    visited: set[str] = set()

    def walk(node: SelectionSetNode | None) -> Iterator[Found]:
        if node is None:
            return
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                for argument in selection.arguments:
                    name = argument.name.value
                    yield _prefix(name), _value(argument.value, variables)
                yield from walk(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                yield from walk(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in visited:
                visited.add(selection.name.value)  # a fragment spread, walked once
                fragment = fragments.get(selection.name.value)
                if fragment is not None:
                    yield from walk(fragment.selection_set)

    yield from walk(operation.selection_set)


def _prefix(name: str) -> str:
    """A mutation's ``input`` is the services' whole payload: its fields are named alone."""
    return "" if name == "input" else name


def _value(node: ValueNode, variables: Mapping[str, Any]) -> Any:
    """The argument's value as plain data: literals read, variables looked up."""
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    if isinstance(node, StringValueNode):
        return node.value
    if isinstance(node, ListValueNode):
        return [_value(item, variables) for item in node.values]
    if isinstance(node, ObjectValueNode):
        return {field.name.value: _value(field.value, variables) for field in node.fields}
    return None  # numbers, booleans, enums, null: nothing to check
