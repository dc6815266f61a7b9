"""How much work one GraphQL document may ask for: nesting depth, aliases and an estimated cost.

GraphQL servers bound these because a small document can ask for a huge answer: 3,000 aliases of
`organizations`, or introspection types nested inside each other. The estimate is static (from the
document and the schema, before anything runs): every field costs 1, and what is selected under a
field that returns a list counts `LIST_SIZE` times, the size a list is assumed to have. Fragments are
expanded where they are spread, each measured once, so a fragment that spreads another twice, over
and over, cannot blow the walk up. Pure: no Flask, no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from graphql.type import SchemaMetaFieldDef, TypeMetaFieldDef, TypeNameMetaFieldDef

LIST_SIZE = 10


@dataclass(frozen=True)
class QueryLimits:
    """The most one document may ask for; the standard introspection query fits with room to spare."""

    max_tokens: int = 5000
    max_depth: int = 20
    max_aliases: int = 30
    max_cost: int = 100_000


@dataclass(frozen=True)
class Measure:
    """What a selection set asks for: its deepest nesting, its aliases and its estimated cost."""

    depth: int = 0
    aliases: int = 0
    cost: int = 0

    def __add__(self, other: "Measure") -> "Measure":
        return Measure(max(self.depth, other.depth), self.aliases + other.aliases, self.cost + other.cost)


def check_limits(schema: GraphQLSchema, document: DocumentNode, limits: QueryLimits) -> list[GraphQLError]:
    """An error for each limit the document's largest operation goes over; none when it fits."""
    measured = _Measurer(schema, document).document()
    problems = []
    if measured.depth > limits.max_depth:
        problems.append(f"The document nests fields {measured.depth} levels deep; at most {limits.max_depth} "
                        f"are allowed.")
    if measured.aliases > limits.max_aliases:
        problems.append(f"The document uses {measured.aliases} aliases; at most {limits.max_aliases} are allowed.")
    if measured.cost > limits.max_cost:
        problems.append(f"The document's estimated cost is {measured.cost} (each field 1, a list's fields "
                        f"{LIST_SIZE} times); at most {limits.max_cost} is allowed. Ask for fewer fields.")
    return [GraphQLError(message) for message in problems]


class _Measurer:
    """Walks a document against the schema; fields the schema does not know count 1 (validation names them)."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode) -> None:
        self.schema = schema
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        self._measured: dict[str, Measure] = {}
        self._visiting: set[str] = set()

    def document(self) -> Measure:
        """The largest measure over the document's operations (one runs per request)."""
        worst = Measure()
        for operation in self.operations:
            measure = self.selection_set(operation.selection_set, self._root(operation.operation))
            worst = Measure(max(worst.depth, measure.depth), max(worst.aliases, measure.aliases),
                            max(worst.cost, measure.cost))
        return worst

    def _root(self, operation: OperationType) -> GraphQLObjectType | None:
        return {OperationType.QUERY: self.schema.query_type, OperationType.MUTATION: self.schema.mutation_type,
                OperationType.SUBSCRIPTION: self.schema.subscription_type}[operation]

    def selection_set(self, selections: SelectionSetNode | None, parent: object) -> Measure:
        total = Measure()
        for node in selections.selections if selections else ():
            if isinstance(node, FieldNode):
                total += self.field(node, parent)
            elif isinstance(node, InlineFragmentNode):
                condition = self.schema.get_type(node.type_condition.name.value) if node.type_condition else parent
                total += self.selection_set(node.selection_set, condition)
            elif isinstance(node, FragmentSpreadNode):
                total += self.fragment(node.name.value)
        return total

    def fragment(self, name: str) -> Measure:
        if name in self._measured:
            return self._measured[name]
        definition = self.fragments.get(name)
        if definition is None or name in self._visiting:
            return Measure()  # unknown or cyclic: validation refuses the document with its own message
        self._visiting.add(name)
        measure = self.selection_set(definition.selection_set, self.schema.get_type(definition.type_condition.name.value))
        self._visiting.discard(name)
        self._measured[name] = measure
        return measure

    def field(self, node: FieldNode, parent: object) -> Measure:
        definition = self._definition(node.name.value, parent)
        alias = 1 if node.alias is not None else 0
        if definition is None or node.selection_set is None:
            return Measure(1, alias, 1)
        inner = self.selection_set(node.selection_set, get_named_type(definition.type))
        times = LIST_SIZE if is_list_type(get_nullable_type(definition.type)) else 1
        return Measure(inner.depth + 1, inner.aliases + alias, 1 + times * inner.cost)

    def _definition(self, name: str, parent: object) -> GraphQLField | None:
        if name == "__schema":
            return SchemaMetaFieldDef
        if name == "__type":
            return TypeMetaFieldDef
        if name == "__typename":
            return TypeNameMetaFieldDef
        fields = getattr(parent, "fields", None)
        return fields.get(name) if isinstance(fields, dict) else None
