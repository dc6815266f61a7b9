"""SBS's GraphQL services, fuzzed from their own schemas: whatever the document or variables, never a 5xx and
never INTERNAL_SERVER_ERROR.

The endpoints are read from SBS's url_map (every `POST .../graphql`), each schema by introspection, so a
service or field added later is fuzzed too. Documents come from hypothesis-graphql; variables are drawn
per argument type with values that broke something before (lone surrogates, huge numbers, wrong types).
"""
from __future__ import annotations

import json
from typing import Any, Iterator

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    build_client_schema,
    get_introspection_query,
    get_named_type,
    print_type,
)
from hypothesis import given, note
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries


def graphql_endpoints(app: Any) -> list[str]:
    """Every `POST /<service>/graphql` path SBS serves."""
    return sorted({r.rule for r in app.url_map.iter_rules() if r.rule.endswith("/graphql") and "POST" in r.methods})


class Endpoint:
    """One GraphQL endpoint under test: its path, the key it takes, and its schema as introspection shows it."""

    def __init__(self, client: Any, path: str, keys: list[str]) -> None:
        self.client, self.path = client, path
        for key in keys:  # the account key for the Account API, a service key for the others
            if self.post({"query": "{ __typename }"}, key).status_code == 200:
                self.key = key
                break
        else:
            raise AssertionError(f"no key of sandbox.json opens {path}")
        answer = self.post({"query": get_introspection_query()}, self.key).get_json()
        self.schema: GraphQLSchema = build_client_schema(answer["data"])

    def post(self, body: Any, key: str | None = None) -> Any:
        return self.client.post(self.path, data=json.dumps(body), content_type="application/json",
                                headers={"x-api-key": key or self.key})

    def check(self, body: Any) -> None:
        response = self.post(body)
        text = response.get_data(as_text=True)
        shown = f"{self.path} {json.dumps(body)[:400]} -> {response.status_code}: {text[:300]}"
        assert response.status_code < 500, shown
        assert "INTERNAL_SERVER_ERROR" not in text, shown


@pytest.fixture()
def endpoints(sandbox_apps: Any, manifest: dict[str, Any]) -> Iterator[list[Endpoint]]:
    client = sandbox_apps["sbs"].test_client()
    keys = [manifest["sbs"]["accountKey"], manifest["sbs"]["serviceKey"]]
    found = [Endpoint(client, path, keys) for path in graphql_endpoints(sandbox_apps["sbs"])]
    assert len(found) >= 3, [e.path for e in found]
    yield found


def custom_scalars(schema: GraphQLSchema) -> dict[str, Any]:
    """A string strategy for every scalar GraphQL does not define (DateTime, ...)."""
    builtin = {"String", "ID", "Int", "Float", "Boolean"}
    return {name: st.text(max_size=30).map(nodes.String) for name, t in schema.type_map.items()
            if isinstance(t, GraphQLScalarType) and name not in builtin and not name.startswith("__")}


def test_documents_drawn_from_each_schema_never_fail_inside(endpoints, fuzz_settings) -> None:
    for endpoint in endpoints:
        for operation in ("query", "mutation"):
            root = endpoint.schema.query_type if operation == "query" else endpoint.schema.mutation_type
            if root is None:
                continue

            documents = queries if operation == "query" else mutations

            @fuzz_settings
            @given(documents(endpoint.schema, custom_scalars=custom_scalars(endpoint.schema)))
            def one_document(document: str) -> None:
                note(document)
                endpoint.check({"query": document})

            one_document()


def value_for(kind: Any, pool: list[str], depth: int = 0) -> Any:
    """Values for a GraphQL input type: mostly of the right shape, with nasty leaves, and now and then wrong."""
    wrong = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10),
                      st.lists(st.integers(), max_size=2), st.just({"x": 1}))
    if isinstance(kind, GraphQLNonNull):
        return st.one_of(value_for(kind.of_type, pool, depth), wrong)
    if isinstance(kind, GraphQLList):
        return st.one_of(st.none(), st.lists(value_for(kind.of_type, pool, depth + 1), max_size=3))
    if isinstance(kind, GraphQLEnumType):
        return st.one_of(st.none(), st.sampled_from(sorted(kind.values)), st.sampled_from(pool))
    if isinstance(kind, GraphQLInputObjectType):
        if depth > 3:
            return st.none()
        fields = {name: value_for(f.type, pool, depth + 1) for name, f in kind.fields.items()}
        return st.one_of(st.fixed_dictionaries({}, optional=fields), st.fixed_dictionaries(fields), st.none())
    name = getattr(kind, "name", "")
    if name == "Boolean":
        return st.one_of(st.booleans(), st.none(), st.sampled_from(pool))
    if name in ("Int", "Float"):
        return st.one_of(st.integers(), st.floats(), st.just(2**64), st.none(), st.sampled_from(pool))
    return st.one_of(st.sampled_from(pool), st.text(max_size=40), st.none(), st.integers())


def operations(schema: GraphQLSchema) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """For each root field: a document taking every argument as a variable, and each variable's type."""
    for keyword, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        for name, field in (root.fields.items() if root is not None else ()):
            if name.startswith("__"):
                continue
            declared = ", ".join(f"${arg}: {arg_def.type}" for arg, arg_def in field.args.items())
            passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
            selection = " { __typename }" if isinstance(get_named_type(field.type), GraphQLObjectType) else ""
            document = (f"{keyword}{f'({declared})' if declared else ''} "
                        f"{{ {name}{f'({passed})' if passed else ''}{selection} }}")
            yield name, document, {arg: arg_def.type for arg, arg_def in field.args.items()}


def test_variables_drawn_for_every_operation_never_fail_inside(endpoints, value_pool, fuzz_settings) -> None:
    covered = []
    for endpoint in endpoints:
        for name, document, types in operations(endpoint.schema):
            if not types:
                continue
            variables = st.fixed_dictionaries({arg: value_for(kind, value_pool) for arg, kind in types.items()})

            @fuzz_settings
            @given(variables)
            def one_operation(drawn: dict[str, Any]) -> None:
                endpoint.check({"query": document, "variables": drawn})

            one_operation()
            covered.append(name)
    assert {"app", "updateApp", "createOrganization", "generateAuthorizationRequest"} <= set(covered), covered


def test_the_schema_types_printed_are_the_ones_fuzzed(endpoints) -> None:
    """A guard on the fuzz itself: introspection gave real schemas with input types to draw from."""
    inputs = [print_type(t) for e in endpoints for t in e.schema.type_map.values()
              if isinstance(t, GraphQLInputObjectType)]
    assert any("UpdateAppInput" in text for text in inputs)
