"""How much work one GraphQL request may ask for, decided before anything runs.

A query text is refused before it is parsed when it is too long, while parsed when it holds
too many tokens (graphql-core's ``max_tokens``), and after validation when its operations are
too deep, select too many fields or aliases, or cost too much. The verdict is kept with the
prepared query (:class:`gateway.endpoint.QueryCache`), so a text is judged once.

The cost estimate counts what reaches the services: a field that takes arguments, a root field
and one of ``RPC_FIELDS`` is a call per item (``CALL_WEIGHT``); one the request's loader reads
for a whole generation at once (``BATCHED_FIELDS``) is one unit per item (what it answers);
``ANSWERED_FIELDS`` and anything else are read from an answer already there and are free. A field
that answers a list multiplies everything below it by its ``first`` (a variable counts as the
largest page, ``MAX_FIRST``) or, for a list without ``first``, by ``LIST_GUESS``; the lists of
a connection (``nodes``, ``edges``) are the page already counted. Introspection (``__schema``,
``__type``, ``__typename``) is answered by the gateway itself: it counts towards the fields but
not towards depth or cost, so GraphiQL's introspection query passes; its lists may nest three
deep (``types { fields { args } }``), not more (``types { fields { type { fields …`` multiplies
every type by every field).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
)

from gateway.messages import message
from gateway.pagination import MAX_FIRST

MAX_QUERY_CHARS = 16 * 1024  # the web app's longest document is ~1.2 KB, introspection ~1.5 KB
MAX_TOKENS = 2_000  # lexer tokens parsed before the text is refused (parsing costs ~50 µs each)
MAX_DEPTH = 10  # nested selections below the operation (fragments expanded)
MAX_FIELDS = 500  # field selections, fragments expanded (aliases included)
MAX_ALIASES = 60  # aliased fields in one request
MAX_COST = 2_000  # estimated cost (a province page, two levels with figures: ~450)
MAX_REPEATS = 5  # selections of one response name in one set (fragments spread included)
MAX_INTROSPECTION_LISTS = 3  # GraphiQL's query nests types { fields { args } }: three
INTROSPECTION_LISTS = frozenset(
    {"types", "fields", "args", "inputFields", "interfaces", "possibleTypes", "enumValues"}
    | {"directives"}
)
CALL_WEIGHT = 5  # a field asked of a service once per item it is selected on
LIST_GUESS = 20  # items assumed for a list field without `first` (a unit's children…)
# Fields without arguments that still ask a service (their resolvers' RPC, batched or not).
RPC_FIELDS = frozenset(
    {
        "OrgUnit.parent",
        "OrgUnit.predecessors",
        "OrgUnit.successors",
        "OrgUnit.titleHistory",
        "Proposal.subjects",
    }
)
# Fields the request's loader (gateway/loader.py) reads for a whole generation in one call.
BATCHED_FIELDS = frozenset({"OrgUnit.children", "OrgUnit.stats"})
# Fields with arguments answered from what their parent already read (a title's figures of the
# unit's stats, read in one batch): free.
ANSWERED_FIELDS = frozenset({"Stats.title"})
QUERY_TOO_LARGE = "QUERY_TOO_LARGE"
QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
_INTROSPECTION = {"__schema", "__type", "__typename"}


def too_large(chars: int) -> GraphQLError:
    """The refusal of a text longer than ``MAX_QUERY_CHARS`` (or with too many tokens)."""
    return GraphQLError(
        message("query_too_large", most=MAX_QUERY_CHARS, tokens=MAX_TOKENS),
        extensions={"code": "QUERY_TOO_LARGE", "chars": chars},
    )


@dataclass
class Weight:
    """What a selection set asks for, once per multiplier of one."""

    depth: int = 0
    fields: int = 0
    aliases: int = 0
    cost: int = 0
    repeats: int = 0  # the most selections of one response name in one selection set
    lists: int = 0  # introspection's lists nested in one another

    def add(self, other: Weight, times: int = 1, deeper: int = 0) -> None:
        self.depth = max(self.depth, other.depth + deeper)
        self.repeats = max(self.repeats, other.repeats)
        self.lists = max(self.lists, other.lists)
        self.fields += other.fields
        self.aliases += other.aliases
        self.cost += other.cost * times


class _Judge:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.memo: dict[str, Weight] = {}
        self.roots = {schema.query_type, schema.mutation_type}
        self.names_memo: dict[str, Counter[str]] = {}
        self.introspected: dict[str, tuple[int, int]] = {}

    def selections(self, node: SelectionSetNode | None, parent: GraphQLNamedType) -> Weight:
        total = Weight()
        if node is None:
            return total
        total.repeats = max(self.names(node).values(), default=0)
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                total.add(self.field(selection, parent))
            elif isinstance(selection, InlineFragmentNode):
                on = parent
                if selection.type_condition is not None:
                    on = self.schema.get_type(selection.type_condition.name.value) or parent
                total.add(self.selections(selection.selection_set, on))
            elif isinstance(selection, FragmentSpreadNode):
                total.add(self.fragment(selection.name.value))
        return total

    def names(self, node: SelectionSetNode) -> Counter[str]:
        """Response names selected in one set, fragments spread in it included: what
        graphql-core's overlapping-fields rule compares pairwise (quadratic in repeats)."""
        found: Counter[str] = Counter()
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                found[(selection.alias or selection.name).value] += 1
            elif isinstance(selection, InlineFragmentNode):
                found.update(self.names(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                found.update(self.fragment_names(selection.name.value))
        return found

    def fragment_names(self, name: str) -> Counter[str]:
        if name not in self.names_memo:
            self.names_memo[name] = Counter()  # a cycle (refused by validation) adds nothing
            definition = self.fragments.get(name)
            if definition is not None:
                self.names_memo[name] = self.names(definition.selection_set)
        return self.names_memo[name]

    def fragment(self, name: str) -> Weight:
        if name not in self.memo:
            self.memo[name] = Weight()  # validated documents hold no cycles; guard anyway
            definition = self.fragments.get(name)
            if definition is not None:
                on = self.schema.get_type(definition.type_condition.name.value)
                if on is not None:
                    self.memo[name] = self.selections(definition.selection_set, on)
        return self.memo[name]

    def field(self, node: FieldNode, parent: GraphQLNamedType) -> Weight:
        name = node.name.value
        own = Weight(fields=1, aliases=1 if node.alias is not None else 0)
        if name in _INTROSPECTION:
            counted, lists = self._introspection(node.selection_set)
            own.fields += counted
            own.lists = lists
            return own
        fields = getattr(parent, "fields", None) or {}
        definition = fields.get(name)
        if definition is None:
            return own
        named = get_named_type(definition.type)
        qualified = f"{parent.name}.{name}"
        if qualified in BATCHED_FIELDS:
            own.cost = 1
        elif qualified in ANSWERED_FIELDS:
            pass  # read from the answer above it
        elif node.arguments or definition.args or parent in self.roots or qualified in RPC_FIELDS:
            own.cost = CALL_WEIGHT
        times = self._times(node, definition, parent)
        below = self.selections(node.selection_set, named)
        own.add(below, times=times, deeper=1)
        return own

    def _times(self, node: FieldNode, definition: GraphQLField, parent: GraphQLNamedType) -> int:
        """How many items the field answers: its page, or a guess for a plain list."""
        if parent.name.endswith("Connection"):  # nodes/edges: the page counted above
            return 1
        first = next((a for a in node.arguments if a.name.value == "first"), None)
        if first is not None and isinstance(first.value, IntValueNode):
            return max(1, min(int(first.value.value), MAX_FIRST * 10))
        if first is not None:  # a variable: the largest page it may be
            return MAX_FIRST
        argument = definition.args.get("first")
        if argument is not None:
            default = argument.default_value
            return default if isinstance(default, int) and default > 0 else MAX_FIRST
        listed = isinstance(get_nullable_type(definition.type), GraphQLList)  # type: ignore[arg-type]
        return LIST_GUESS if listed else 1

    def _introspection(self, node: SelectionSetNode | None) -> tuple[int, int]:
        """Fields below an introspection field (each fragment counted once: no blow-up) and
        how deeply its lists nest (``types { fields { type { fields …`` multiplies)."""
        if node is None:
            return 0, 0
        count = nesting = 0
        for selection in node.selections:
            below = (0, 0)
            if isinstance(selection, FieldNode):
                fields, lists = self._introspection(selection.selection_set)
                listed = 1 if selection.name.value in INTROSPECTION_LISTS else 0
                below = (1 + fields, lists + listed)
            elif isinstance(selection, InlineFragmentNode):
                below = self._introspection(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                below = self._introspection_fragment(selection.name.value)
            count += below[0]
            nesting = max(nesting, below[1])
        return count, nesting

    def _introspection_fragment(self, name: str) -> tuple[int, int]:
        if name in self.introspected:
            return 0, self.introspected[name][1]  # its fields once; its lists every time
        self.introspected[name] = (0, 0)  # a cycle (refused by validation) adds nothing
        definition = self.fragments.get(name)
        if definition is not None:
            self.introspected[name] = self._introspection(definition.selection_set)
        return self.introspected[name]


def weigh(schema: GraphQLSchema, document: DocumentNode) -> Weight:
    """The heaviest operation of a validated document (only one runs per request)."""
    judge = _Judge(schema, document)
    heaviest = Weight()
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        root = schema.get_root_type(definition.operation)
        if root is None:
            continue
        weight = judge.selections(definition.selection_set, root)
        heaviest = Weight(
            depth=max(heaviest.depth, weight.depth),
            fields=max(heaviest.fields, weight.fields),
            aliases=max(heaviest.aliases, weight.aliases),
            cost=max(heaviest.cost, weight.cost),
            repeats=max(heaviest.repeats, weight.repeats),
            lists=max(heaviest.lists, weight.lists),
        )
    return heaviest


def refusals(schema: GraphQLSchema, document: DocumentNode) -> list[GraphQLError]:
    """The document's refusal (none, or one error naming every limit it passes)."""
    weight = weigh(schema, document)
    over = {
        "depth": (weight.depth, MAX_DEPTH),
        "fields": (weight.fields, MAX_FIELDS),
        "aliases": (weight.aliases, MAX_ALIASES),
        "cost": (weight.cost, MAX_COST),
        "repeats": (weight.repeats, MAX_REPEATS),
        "introspection": (weight.lists, MAX_INTROSPECTION_LISTS),
    }
    passed = {name: pair for name, pair in over.items() if pair[0] > pair[1]}
    if not passed:
        return []
    words = "; ".join(message(f"query_{name}", value=v, most=m) for name, (v, m) in passed.items())
    extensions = {
        "code": "QUERY_TOO_COMPLEX",
        "limits": {name: {"value": v, "most": m} for name, (v, m) in passed.items()},
    }
    return [GraphQLError(message("query_too_complex", details=words), extensions=extensions)]
