"""The one client of SBS's GraphQL APIs: post a document with an `x-api-key`, get `data` or a typed error.

Seeding, the test harness, the demo app, the benchmarks and the e2e tests all speak to mock SBS
through it. It never logs: a caller that journals its calls does so around it, without the key.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import requests


class GraphQLUnavailable(Exception):
    """SBS did not answer, or answered something that is not a GraphQL answer (JSON object)."""

    def __init__(self, url: str, reason: str, status: int = 0) -> None:
        super().__init__(f"SBS at {url} {reason}")
        self.url, self.reason, self.status = url, reason, status


class GraphQLError(Exception):
    """SBS answered with `errors`: ``code`` is the first error's `extensions.code`, with its message and path."""

    def __init__(self, errors: list[dict[str, Any]], status: int = 200) -> None:
        self.errors = errors
        self.status = status
        first = errors[0] if errors else {}
        extensions = first.get("extensions") if isinstance(first.get("extensions"), dict) else {}
        self.code: str | None = extensions.get("code")
        self.message = str(first.get("message", ""))
        self.path = tuple(first.get("path") or ())
        self.messages = [str(e.get("message", "")) for e in errors]
        super().__init__(f"SBS GraphQL error {self.code}: {'; '.join(self.messages)}")


@dataclass(frozen=True)
class Answer:
    """One GraphQL answer as it came back: HTTP status and the JSON body."""

    status: int
    body: dict[str, Any]

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [e for e in self.body.get("errors") or [] if isinstance(e, dict)]

    @property
    def data(self) -> dict[str, Any]:
        return self.body.get("data") or {}


class GraphQLClient:
    """POSTs documents to one GraphQL endpoint of SBS with one key."""

    def __init__(self, session: requests.Session, url: str, key: str | None, timeout: float = 30.0) -> None:
        self.session, self.url, self.key, self.timeout = session, url, key, timeout

    def send(self, document: str, variables: Mapping[str, Any] | None = None) -> Answer:
        """The raw answer, errors included; raises GraphQLUnavailable when there is no GraphQL answer."""
        try:
            response = self.session.post(self.url, json={"query": document, "variables": dict(variables or {})},
                                         headers={"x-api-key": self.key or ""}, timeout=self.timeout)
        except requests.RequestException as exc:
            raise GraphQLUnavailable(self.url, f"is not answering ({type(exc).__name__})") from None
        try:
            body = response.json()
        except ValueError:
            raise GraphQLUnavailable(self.url, f"answered HTTP {response.status_code} without JSON",
                                     response.status_code) from None
        if not isinstance(body, dict):
            raise GraphQLUnavailable(self.url, f"answered HTTP {response.status_code} with JSON that is not a "
                                     "GraphQL answer", response.status_code)
        return Answer(response.status_code, body)

    def execute(self, document: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The answer's `data`; raises GraphQLError when SBS answered with errors."""
        answer = self.send(document, variables)
        if answer.errors:
            raise GraphQLError(answer.errors, answer.status)
        return answer.data
