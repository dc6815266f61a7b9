"""Shared pieces of the fuzz tests: the running sandbox's apps, the values and names worth trying, the bounds.

The fuzz tests run against a seeded sandbox of their own (reset before each test), calling each service's
Flask app in-process; the services still reach each other over HTTP as in `anaf-sandbox up`.
Examples are derandomized and few, so the suite stays fast and a failure is the same on every run.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, Phase, settings

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("mock_anaf", "mock_sbs", "demo_app", "foundation", "sandbox")

MAX_PAGES = 40

# Inputs that broke something once, or that break code written the obvious way.
NASTY = ("\ud800", "a\udfffb", "²", "①", "٣", "9" * 5000, "-1", "0", "1e999", "NaN", "", " ", "\x00", "%00",
         "../../etc/passwd", "<script>alert(1)</script>", "a" * 3000, "null", "[]", "{}", "true",
         "http://127.0.0.1:8000/anaf/callback/main", "https://evil.example/cb", "javascript:alert(1)")

# The few that every field of every form and route gets at once, deterministically, before the random examples.
CORE_NASTY = ("\ud800", "²", "9" * 5000, "\x00", "a" * 3000)

FUZZ = settings(
    derandomize=True,   # the same examples on every run: a failure is reproducible, never flaky
    database=None,      # nothing written under .hypothesis/
    deadline=None,      # services under load are slow at times; speed is bench/'s business
    max_examples=4,
    suppress_health_check=list(HealthCheck),
    print_blob=False,
    phases=(Phase.explicit, Phase.generate, Phase.shrink),  # no "explain": a failure is reported sooner
)


def harvest_names() -> list[str]:
    """Form field, query and JSON key names the services read, found in their source and templates.

    Reading them from the code (not a list kept here) keeps the fuzz in step with new endpoints.
    """
    names: set[str] = set()
    patterns = (re.compile(r"""\bname=["']([A-Za-z_][\w\-\[\]]{0,40})["']"""),
                re.compile(r"""\.get\(\s*["']([A-Za-z_][\w\-]{0,40})["']"""),
                re.compile(r"""\[\s*["']([A-Za-z_][\w\-]{0,40})["']\s*\]"""))
    for package in SOURCES:
        for path in (ROOT / package).rglob("*"):
            if path.suffix in (".py", ".html") and path.is_file():
                text = path.read_text(encoding="utf-8", errors="replace")
                for pattern in patterns:
                    names.update(pattern.findall(text))
    return sorted(names)


def manifest_values(manifest: Any) -> list[str]:
    """Every string in sandbox.json: real ids, keys, client ids, callbacks, serials, URLs."""
    found: list[str] = []
    stack = [manifest]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return sorted(set(found))


@pytest.fixture(scope="session")
def field_names() -> list[str]:
    """Names the services read (form fields, query arguments, JSON keys)."""
    return harvest_names()


@pytest.fixture(scope="session")
def fuzz_settings() -> settings:
    """The bounds every fuzz test runs under."""
    return FUZZ


@pytest.fixture(scope="session")
def core_nasty() -> tuple[str, ...]:
    """Values sent in every field at once, one after the other."""
    return CORE_NASTY


@pytest.fixture()
def value_pool(manifest: dict[str, Any]) -> list[str]:
    """Values worth trying: the nasty ones first (tried first), then the seeded sandbox's own strings."""
    return list(NASTY) + manifest_values(manifest)


@pytest.fixture(scope="session")
def fuzzed_sandbox() -> Iterator[Any]:
    """A sandbox of the fuzz tests' own: they call `/__admin/snapshot`, which makes whatever state they left the
    one every later reset returns to, so they must not share the plugin's session sandbox with other tests."""
    from sandbox.launcher import Options, Sandbox

    started = Sandbox.start(Options(host="127.0.0.1", anaf_port=0, sbs_port=0, demo_port=0, data_dir=None,
                                    sweep_interval=0))
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture()
def sandbox_apps(fuzzed_sandbox: Any) -> Iterator[dict[str, Any]]:
    """The fuzz sandbox's three Flask apps by name (`anaf`, `sbs`, `demo`), reset before the test."""
    from sandbox.harness import SandboxHandle

    handle = SandboxHandle.from_manifest(fuzzed_sandbox.manifest)
    try:
        handle.reset()
        yield fuzzed_sandbox.apps
    finally:
        handle.session.close()


@pytest.fixture()
def manifest(fuzzed_sandbox: Any) -> dict[str, Any]:
    """The fuzz sandbox's `sandbox.json`."""
    return fuzzed_sandbox.manifest  # type: ignore[no-any-return]


@dataclass
class Form:
    """A form as a page shows it: where it goes, how, and its fields with the values they hold."""

    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)


class PageParser(HTMLParser):
    """Links and forms of one page."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.links: list[str] = []
        self.forms: list[Form] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.page_path, a["href"]))
        elif tag == "form":
            self.forms.append(Form(urljoin(self.page_path, a.get("action") or self.page_path),
                                   (a.get("method") or "get").upper()))
        elif tag in ("input", "textarea", "select", "button") and self.forms and a.get("name"):
            if tag == "input" and a.get("type") in ("checkbox", "radio") and "checked" not in a:
                self.forms[-1].fields.append((a["name"], "") if a.get("type") == "checkbox" else (a["name"], a.get("value", "")))
            else:
                self.forms[-1].fields.append((a["name"], a.get("value", "")))


@dataclass
class SiteMap:
    """What a crawl of a service's own pages found."""

    forms: list[Form]
    links: list[str]
    paths: list[str]


def crawl_site(client: Any, app: Any) -> SiteMap:
    """Forms, same-site links with a query string, and every page path, reachable from parameterless routes."""
    queue = [r.rule for r in app.url_map.iter_rules()
             if "GET" in r.methods and "<" not in r.rule and not r.rule.startswith(("/__admin", "/static"))]
    seen: set[str] = set()
    forms: dict[tuple[str, str, tuple[str, ...]], Form] = {}
    links: set[str] = set()
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if not response.mimetype == "text/html":
            continue
        parser = PageParser(path)
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            forms.setdefault((form.method, urlsplit(form.action).path, tuple(n for n, _ in form.fields)), form)
        for link in parser.links:
            parts = urlsplit(link)
            if parts.netloc and parts.netloc != "localhost":
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.query:
                links.add(local)
            if parts.path not in seen and not parts.path.startswith(("/__admin", "/static")):
                queue.append(parts.path)
    return SiteMap(list(forms.values()), sorted(links), sorted(seen))


@pytest.fixture(scope="session")
def crawl() -> Callable[[Any, Any], SiteMap]:
    """Crawls a service's own pages through a test client: `crawl(client, app)`."""
    return crawl_site
