"""Every route of the three services, fuzzed: whatever the path, query, headers and body, never a 5xx.

Routes come from each app's url_map, field names from the services' own source, values from the seeded
sandbox.json plus inputs known to break naive code; so a route added later is fuzzed without touching
this file. A fault armed on mock ANAF is a deliberate 5xx: it is disarmed right after the call that armed it.
"""
from __future__ import annotations

import base64
import inspect
import json
import re
from dataclasses import dataclass
from typing import Any, Iterator
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException

LITERAL = re.compile(r"""["']([A-Za-z_][\w\-]{0,40})["']""")
PLACEHOLDER = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
BODIES = ("none", "json", "deep", "form", "raw")
CONTENT_TYPES = ("application/json", "application/x-www-form-urlencoded", "text/plain", "application/xml",
                 "multipart/form-data; boundary=x", "application/json; charset=latin-1", "")


@dataclass(frozen=True)
class Call:
    """One drawn request."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None
    content_type: str | None

    def __repr__(self) -> str:
        body = self.body if self.body is None or len(self.body) <= 120 else self.body[:120] + b"..."
        return f"Call({self.method} {self.url[:300]!r}, headers={self.headers!r}, body={body!r}, {self.content_type})"


def routes(app: Any) -> Iterator[tuple[str, str, str]]:
    """(rule, method, endpoint) for every route of ``app``; HEAD and OPTIONS are werkzeug's own."""
    seen = set()
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (rule.rule, method) not in seen:
                seen.add((rule.rule, method))
                yield rule.rule, method, rule.endpoint


def route_names(app: Any, endpoint: str) -> list[str]:
    """The names a route's view mentions (its query, form and JSON keys are among them), read from its source."""
    try:
        source = inspect.getsource(app.view_functions[endpoint])
    except (KeyError, OSError, TypeError):
        return []
    return sorted(set(LITERAL.findall(source)))


def converter_values(match: re.Match[str]) -> list[str]:
    """Values a URL converter accepts: the choices of `any(...)`, a few numbers for `int`; none for the rest."""
    converter, arguments = match.group(1), match.group(2) or ""
    if converter == "any":
        return [choice.strip().strip("'\"") for choice in arguments.split(",") if choice.strip()]
    if converter == "int":
        return ["0", "1", "4000000001", "9" * 30]
    return []


def plausible(rule: str) -> str:
    """``rule`` with each placeholder filled by the first value its converter accepts (else `x`)."""
    return PLACEHOLDER.sub(lambda m: (converter_values(m) or ["x"])[0], rule)


def encoded(value: str, safe: str = "") -> str:
    """Percent-encoded UTF-8; a lone surrogate becomes the invalid bytes an attacker would send."""
    return quote(value.encode("utf-8", "surrogatepass"), safe=safe)


def json_text(value: Any) -> str:
    return json.dumps(value)  # ensure_ascii: a lone surrogate is written as the escape \\ud800


@dataclass(frozen=True)
class Values:
    """The strategies a request is drawn from, built once per service or route (building costs more than drawing)."""

    texts: Any
    keys: Any
    json: Any
    query: Any
    form: Any

    @classmethod
    def build(cls, names: list[str], pool: list[str]) -> "Values":
        texts = st.one_of(st.sampled_from(pool), st.text(max_size=30))
        keys = st.one_of(st.sampled_from(names), st.text(max_size=12))
        leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), texts)

        def containers(inner: Any) -> Any:  # a named function: hypothesis reads a lambda's source to label it
            return st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5))

        json_values = st.recursive(leaves, containers, max_leaves=12)
        return cls(texts, keys, json_values, st.dictionaries(keys, texts, max_size=4),
                   st.dictionaries(keys, texts, max_size=6))

    def for_route(self, names: list[str]) -> "Values":
        """The same values, with query and form keys drawn mostly from the names the route's own view mentions."""
        if not names:
            return self
        keys = st.one_of(st.sampled_from(names), self.keys)
        return Values(self.texts, keys, self.json, st.dictionaries(keys, self.texts, max_size=4),
                      st.dictionaries(keys, self.texts, max_size=6))


@st.composite
def calls(draw: Any, rule: str, method: str, kind: str, values: Values, csrf: list[str], own_url: str) -> Call:
    texts = values.texts

    def fill(match: re.Match[str]) -> str:
        options = converter_values(match)
        if options and draw(st.integers(0, 3)):  # mostly a value the route takes, to get past routing
            return draw(st.sampled_from(options))
        return encoded(draw(texts), safe="/" if match.group(1) == "path" else "")

    path = PLACEHOLDER.sub(fill, rule)
    query = draw(values.query)
    if query:
        path += "?" + "&".join(f"{encoded(k)}={encoded(v)}" for k, v in query.items())

    headers: dict[str, str] = {}
    # JSON bodies are for the parsers behind the control plane's Origin check: mostly from no page, or our own.
    foreign = ["https://evil.example", "null"] if kind not in ("json", "deep") else []
    origin = draw(st.sampled_from([None, own_url, *foreign]))
    if origin:
        headers["Origin"] = origin
    if draw(st.booleans()):
        headers["x-api-key"] = draw(texts).encode("utf-8", "surrogatepass").decode("latin-1")
    auth = draw(st.sampled_from([None, "bearer", "basic"]))
    if auth == "bearer":
        headers["Authorization"] = "Bearer " + encoded(draw(texts))
    elif auth == "basic":
        pair = f"{draw(texts)}:{draw(texts)}".encode("utf-8", "surrogatepass")
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()

    body: bytes | None = None
    content_type: str | None = None
    if kind == "json":
        body, content_type = json_text(draw(values.json)).encode(), "application/json"
    elif kind == "deep":
        # Hypothesis raises the recursion limit while it runs, so the nesting must go well past Python's 1000;
        # kept under 60 KB, below the smallest body limit.
        opening = draw(st.sampled_from(["[", '{"a":']))
        depth = draw(st.sampled_from([30_000 // len(opening), 1000]))
        body = (opening * depth + "1" + ("]" if opening == "[" else "}") * depth).encode()
        content_type = "application/json"
    elif kind == "form":
        fields = draw(values.form)
        if csrf and draw(st.booleans()):
            fields["csrf_token"] = csrf[0]
        body = "&".join(f"{encoded(k)}={encoded(v)}" for k, v in fields.items()).encode()
        content_type = "application/x-www-form-urlencoded"
    elif kind == "raw":
        body, content_type = draw(st.binary(max_size=200)), draw(st.sampled_from(CONTENT_TYPES))
    # HTTP cannot carry a line break inside a header; a server never sees one.
    headers = {k: re.sub(r"[\r\n]", " ", v) for k, v in headers.items()}
    return Call(method, path, headers, body, content_type)


def csrf_tokens(client: Any, app: Any) -> list[str]:
    """CSRF tokens the service hands its own forms (bound to ``client``'s session), so forms get past them."""
    found = []
    for rule, method, _ in routes(app):
        if method == "GET" and not PLACEHOLDER.search(rule) and not rule.startswith("/__admin"):
            found += CSRF.findall(client.get(rule).get_data(as_text=True))
    return found[-1:]


def assert_no_server_error(response: Any, call: Call) -> None:
    text = response.get_data(as_text=True)
    shown = f"{call.method} {call.url[:200]} -> {response.status_code}: {text[:300]}"
    assert response.status_code < 500, shown
    assert "INTERNAL_SERVER_ERROR" not in text, shown


@pytest.mark.parametrize("service", ["anaf", "sbs", "demo"])
def test_no_route_answers_a_server_error(service, sandbox_apps, manifest, field_names, value_pool, core_nasty,
                                         fuzz_settings, crawl) -> None:
    app = sandbox_apps[service]
    client = app.test_client()
    own_url = manifest[service]["url"]
    covered = []
    values = Values.build(field_names, value_pool)
    csrf = csrf_tokens(client, app)
    known = known_paths(app, crawl(client, app))
    for rule, method, endpoint in routes(app):
        names = route_names(app, endpoint)
        path = (known.get(rule) or [plausible(rule)])[0]  # a real one when the pages lead to one
        every_name_at_once(client, path, rule, method, names, csrf, core_nasty)
        kinds = BODIES if method != "GET" else ("none",)
        fuzz_route(client, rule, method, kinds, values.for_route(names), csrf, own_url, fuzz_settings)
        if rule.startswith("/__admin/reset"):
            csrf = csrf_tokens(client, app)  # a reset ends the demo's sessions, and their tokens with them
        covered.append(f"{method} {rule}")
    assert len(covered) >= 10, covered  # the url_map was read, not an empty list


def known_paths(app: Any, site: Any) -> dict[str, list[str]]:
    """Real paths the service's own pages lead to, by the rule they match (`/settings/<slug>`: `/settings/efactura`)."""
    adapter = app.url_map.bind("localhost")
    found: dict[str, list[str]] = {}
    for path, method in [(p, "GET") for p in site.paths] + [(urlsplit(f.action).path, f.method) for f in site.forms]:
        try:
            rule, _ = adapter.match(path, method=method, return_rule=True)
        except HTTPException:
            continue
        if "<" in rule.rule and path not in found.setdefault(rule.rule, []):
            found[rule.rule].append(path)
    return found


def every_name_at_once(client: Any, path: str, rule: str, method: str, names: list[str], csrf: list[str],
                       nasty_values: tuple[str, ...]) -> None:
    """Deterministically first: each nasty value in every name the view mentions, as query, form and JSON."""
    for nasty in nasty_values:
        fields = {name: nasty for name in names if name != "csrf_token"}
        query = "&".join(f"{encoded(k)}={encoded(v)}" for k, v in fields.items())
        bodies: list[tuple[bytes | None, str | None]] = [(None, None)]
        if method != "GET":  # the query carries the values too, so no body-less call is needed
            form = dict(fields, **({"csrf_token": csrf[0]} if csrf else {}))
            bodies = [("&".join(f"{encoded(k)}={encoded(v)}" for k, v in form.items()).encode(),
                       "application/x-www-form-urlencoded"), (json_text(fields).encode(), "application/json")]
        for body, content_type in bodies:
            call = Call(method, f"{path}?{query}" if query else path, {}, body, content_type)
            response = client.open(call.url, method=method, data=body, content_type=content_type)
            if rule.startswith("/__admin/faults"):
                client.delete("/__admin/faults")
            assert_no_server_error(response, call)


def fuzz_route(client: Any, rule: str, method: str, kinds: tuple[str, ...], values: Values, csrf: list[str],
               own_url: str, fuzz_settings: Any) -> None:
    """A few drawn examples for one route, each a request with every kind of body the method can carry.

    One hypothesis run per route, not per kind: each run costs a digest of the test's source.
    """

    @fuzz_settings
    @given(st.data())
    def one_route(data: Any) -> None:
        for kind in kinds:
            call = data.draw(calls(rule, method, kind, values, csrf, own_url))
            note(f"{call.method} {call.url}")
            response = client.open(call.url, method=call.method, headers=call.headers, data=call.body,
                                   content_type=call.content_type)
            if rule.startswith("/__admin/faults"):
                client.delete("/__admin/faults")  # an armed fault is a deliberate 5xx for the next call
            assert_no_server_error(response, call)

    one_route()
