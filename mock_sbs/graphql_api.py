"""GraphQL over HTTP for SBS's three endpoints: request checks, execution with Ariadne, and the error shape.

Request-level problems answer with a non-200 status and a GraphQL `{"errors": [...]}` body: 400 for a
body that is not a JSON object with a `query` string, an unparsable document, a document that does
not fit the schema or variables of the wrong type; 401 for a missing/unknown/wrong-kind key, 403
for a key whose scope leaves out the service, 413 for an oversize body. Errors while executing
(unknown ids, invalid input, ANAF errors) come in a normal 200 GraphQL response with `data`.
Every error carries `extensions.code`.
"""
from __future__ import annotations

import functools
import logging
import re
from typing import Any, Callable

from ariadne import graphql_sync, unwrap_graphql_error
from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    parse,
    validate,
)

from foundation.json_body import JsonBodyError, LoneSurrogate, TooDeep, read_json
from mock_sbs.errors import BadRequest, BadUserInput, SbsError
from mock_sbs.query_limits import QueryLimits, check_limits

log = logging.getLogger(__name__)

# graphql-core quotes the offending value in some messages, and the value may hold a client secret:
# ", found: <value>", "String cannot represent a non string value: <value>", "Value '<value>' does not exist
# in 'AnafScope' enum." Each pattern keeps the part of the message that names the rule, never the value.
_ECHOED_VALUES = (
    (re.compile(r"Value .* does not exist in '(\w+)' enum\..*$", re.DOTALL), r"the value is not one of the \1 values."),
    (re.compile(r"(cannot represent [^:]*?value):.*$", re.DOTALL), r"\1."),
    (re.compile(r"[,.;]?\s*[Ff]ound:? .*$", re.DOTALL), "."),
)


class _Quiet(logging.LoggerAdapter):  # type: ignore[type-arg]
    """Ariadne logs every error with its message; ours are logged by format_error, without echoed values."""

    def __init__(self) -> None:
        super().__init__(log, {})

    def error(self, *args: Any, **kwargs: Any) -> None:
        """Drop Ariadne's own error log line."""
        pass


def error_body(error: SbsError) -> dict[str, Any]:
    """The body of a request-level error."""
    return {"errors": [{"message": error.message, "extensions": {"code": error.code, **error.extensions}}]}


def read_operation(raw: bytes) -> dict[str, Any]:
    """The `{"query", "variables", "operationName"}` object of a POST body; raises BadRequest saying what is wrong.

    A lone surrogate (JSON's `\\uD800`) cannot be stored or sent on: BAD_USER_INPUT naming the variable,
    without echoing its value.
    """
    try:
        data = read_json(raw)
    except LoneSurrogate as exc:
        where = (f"Variable '${exc.where[1]}'" if len(exc.where) >= 2 and exc.where[0] == "variables"
                 else f"'{exc.where[0]}'" if exc.where else "The body")
        raise BadUserInput(f"{where} holds text that is not valid Unicode (a lone surrogate such as \\ud800); "
                           "send UTF-8 text.") from None
    except TooDeep as exc:
        raise BadRequest(exc.message) from None
    except JsonBodyError:
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


class DocumentCache:
    """Parsed and validated documents by their text, per schema.

    Clients send the same few documents over and over; validating one costs more than running it,
    and the outcome depends only on the schema and the text, so it is kept (bounded, LRU). The size
    limits are checked before graphql-core's own validation, whose cost grows with the document.
    """

    def __init__(self, schema: GraphQLSchema, size: int = 256, limits: QueryLimits = QueryLimits()) -> None:
        self.schema = schema
        self.limits = limits
        self._check = functools.lru_cache(maxsize=size)(self._parse_and_validate)

    def _parse_and_validate(self, query: str) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
        try:
            document = parse(query, max_tokens=self.limits.max_tokens)
        except GraphQLSyntaxError as exc:
            return None, (exc,)
        too_big = check_limits(self.schema, document, self.limits)
        if too_big:
            return document, tuple(too_big)
        return document, tuple(validate(self.schema, document))

    def get(self, query: str) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
        """The parsed document (None if unparsable) and its validation errors."""
        return self._check(query)


def operation_name(document: DocumentNode, requested: str | None) -> str | None:
    """The name of the operation that will run (for the journal), if there is one."""
    if requested:
        return requested[:100]
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) == 1 and operations[0].name is not None:
        return operations[0].name.value
    return None


def execute(documents: DocumentCache, data: dict[str, Any], context: Any,
            note: Callable[..., None]) -> tuple[dict[str, Any], int]:
    """Run the operation; the HTTP status is 400 when it could not start (see the module docstring)."""
    document, problems = documents.get(data["query"])
    if document is None or problems:
        return {"errors": [format_document_error(p) for p in problems]}, 400
    note(operation=operation_name(document, data.get("operationName")))
    _, result = graphql_sync(documents.schema, data, context_value=context, query_document=document,
                             query_validator=_already_validated, error_formatter=format_error, logger=_Quiet(),
                             introspection=True)
    errors = result.get("errors") or []
    request_level = result.get("data") is None and any("path" not in e for e in errors)
    return result, 400 if request_level else 200


def _already_validated(*args: Any, **kwargs: Any) -> list[GraphQLError]:
    return []


def without_values(message: str) -> str:
    """``message`` with any value graphql-core quoted from the request taken out."""
    for pattern, replacement in _ECHOED_VALUES:
        message = pattern.sub(replacement, message)
    return message


def format_document_error(error: GraphQLError) -> dict[str, Any]:
    """A document that cannot be parsed or does not fit the schema (also when it misuses a `$variable`)."""
    formatted: dict[str, Any] = dict(error.formatted)
    if isinstance(error, GraphQLSyntaxError):
        formatted["extensions"] = {"code": "GRAPHQL_PARSE_FAILED"}  # "found <EOF>" names a token, not a value
    else:
        formatted["message"] = without_values(error.message)
        formatted["extensions"] = {"code": "GRAPHQL_VALIDATION_FAILED"}
    return formatted


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
        formatted["message"] = without_values(error.message)
        formatted["extensions"] = {"code": "BAD_USER_INPUT"}
    elif error.path:
        log.error("execution error at %s: %s", ".".join(str(p) for p in error.path), error.message)
        formatted["message"] = "Internal server error."
        formatted["extensions"] = {"code": "INTERNAL_SERVER_ERROR"}
    else:
        formatted["extensions"] = {"code": "GRAPHQL_VALIDATION_FAILED"}
    return formatted
