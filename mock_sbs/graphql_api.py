"""GraphQL over HTTP for SBS's three endpoints: request checks, execution with Ariadne, and the error shape.

Request-level problems answer with a non-200 status and a GraphQL `{"errors": [...]}` body: 400 for a
body that is not a JSON object with a `query` string, an unparsable document, a document that does
not fit the schema or variables of the wrong type; 401 for a missing/unknown/wrong-kind key, 403
for a key whose scope leaves out the service, 413 for an oversize body. Errors while executing
(unknown ids, invalid input, ANAF errors) come in a normal 200 GraphQL response with `data`.
Every error carries `extensions.code`.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any

from ariadne import graphql_sync, unwrap_graphql_error
from graphql import DocumentNode, GraphQLError, GraphQLSchema, GraphQLSyntaxError, OperationDefinitionNode, parse

from mock_sbs.errors import BadRequest, SbsError

log = logging.getLogger(__name__)

# graphql-core ends some variable errors with ", found: <the value>"; the value may hold a client secret.
_FOUND_VALUE = re.compile(r"[,.;]?\s*[Ff]ound:? .*$", re.DOTALL)


class _Quiet(logging.LoggerAdapter):  # type: ignore[type-arg]
    """Ariadne logs every error with its message; ours are logged by format_error, without echoed values."""

    def __init__(self) -> None:
        super().__init__(log, {})

    def error(self, *args: Any, **kwargs: Any) -> None:
        pass


def error_body(error: SbsError) -> dict[str, Any]:
    """The body of a request-level error."""
    return {"errors": [{"message": error.message, "extensions": {"code": error.code, **error.extensions}}]}


def read_operation(raw: bytes) -> dict[str, Any]:
    """The `{"query", "variables", "operationName"}` object of a POST body; raises BadRequest saying what is wrong."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadRequest('The body must be JSON: {"query": "...", "variables": {...}}.') from None
    if not isinstance(data, dict):
        raise BadRequest('The body must be a JSON object: {"query": "...", "variables": {...}}.')
    if not isinstance(data.get("query"), str) or not data["query"].strip():
        raise BadRequest('"query" must be a string holding a GraphQL document.')
    if data.get("variables") is not None and not isinstance(data["variables"], dict):
        raise BadRequest('"variables" must be a JSON object or null.')
    if data.get("operationName") is not None and not isinstance(data["operationName"], str):
        raise BadRequest('"operationName" must be a string or null.')
    return data


def parse_document(data: dict[str, Any]) -> tuple[DocumentNode | None, str | None, dict[str, Any] | None]:
    """The parsed document and the name of the operation that will run (for the journal), or a 400 body."""
    try:
        document = parse(data["query"])
    except GraphQLSyntaxError as exc:
        return None, None, {"errors": [format_error(exc)]}
    name = data.get("operationName")
    if not name:
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) == 1 and operations[0].name is not None:
            name = operations[0].name.value
    return document, name and name[:100], None


def execute(schema: GraphQLSchema, data: dict[str, Any], document: DocumentNode,
            context: Any) -> tuple[dict[str, Any], int]:
    """Run the operation; the HTTP status is 400 when it could not start (see the module docstring)."""
    _, result = graphql_sync(schema, data, context_value=context, query_document=document,
                             error_formatter=format_error, logger=_Quiet(), introspection=True)
    errors = result.get("errors") or []
    request_level = result.get("data") is None and any("path" not in e for e in errors)
    return result, 400 if request_level else 200


def format_error(error: GraphQLError, debug: bool = False) -> dict[str, Any]:
    """A GraphQL error with a stable `extensions.code`; unexpected exceptions become a generic message."""
    formatted: dict[str, Any] = dict(error.formatted)
    original = unwrap_graphql_error(error)
    if isinstance(original, SbsError):
        formatted["message"] = original.message
        formatted["extensions"] = {"code": original.code, **original.extensions}
    elif original is not None and not isinstance(original, GraphQLError):
        log.error("unexpected error in %s", ".".join(str(p) for p in error.path or ()), exc_info=original)
        formatted["message"] = "Internal server error."
        formatted["extensions"] = {"code": "INTERNAL_SERVER_ERROR"}
    elif isinstance(error, GraphQLSyntaxError):
        formatted["extensions"] = {"code": "GRAPHQL_PARSE_FAILED"}
    elif error.message.startswith("Variable '$"):
        formatted["message"] = _FOUND_VALUE.sub(".", error.message)
        formatted["extensions"] = {"code": "BAD_USER_INPUT"}
    elif error.path:
        log.error("execution error at %s: %s", ".".join(str(p) for p in error.path), error.message)
        formatted["message"] = "Internal server error."
        formatted["extensions"] = {"code": "INTERNAL_SERVER_ERROR"}
    else:
        formatted["extensions"] = {"code": "GRAPHQL_VALIDATION_FAILED"}
    return formatted
