"""Reading an uploaded XML body safely, and describing what is wrong with it as ANAF's Java stack does.

ANAF parses uploads with Xerces and reports the first problem as an `org.xml.sax.SAXParseException`
with line and column (SPEC-ANAF-API §6.5 A, §7.1). The sandbox parses with lxml (libxml2) under
safe settings (no entity expansion, no network, no huge trees) and rewrites libxml2's messages into
Xerces' sentences where the two are known to differ. Each API's `texts.py` puts its own sentence
around `sax_exception(...)`: e-Factura ends it with a space, e-Transport does not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Collection

from lxml import etree


@dataclass(frozen=True)
class SaxProblem:
    """Where a Xerces parser would stop, and the sentence it would say."""

    line: int
    column: int
    message: str


class NotWellFormed(ValueError):
    """The body is not well-formed XML; ``problem`` says where and why."""

    def __init__(self, problem: SaxProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


_MISMATCH = re.compile(r"Opening and ending tag mismatch: (?P<name>\S+) line (?P<line>\d+) and ")
_UNTERMINATED = ("Premature end of data", "EndTag: '</' not found")
_PROLOG = ("Start tag expected, '<' not found", "Document is empty")


def _parser() -> etree.XMLParser:
    # A parser per call: lxml parsers are not safe to share between threads.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def parse(body: bytes) -> etree._Element:
    """The document's root element; raises NotWellFormed with Xerces' wording (SPEC-ANAF-API §6.5 A1)."""
    parser = _parser()
    try:
        return etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise NotWellFormed(_problem(exc, parser, body)) from None


def _problem(exc: etree.XMLSyntaxError, parser: etree.XMLParser, body: bytes) -> SaxProblem:
    # The parser's own log: the exception's log is thread-wide and still holds earlier parses' errors.
    errors = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
    if errors:
        line, column, message = errors[0].line, errors[0].column, errors[0].message
    else:
        line, column = exc.lineno or 1, (exc.offset or 0) + 1
        message = (exc.msg or "").split(", line ")[0]
    return SaxProblem(max(line, 1), max(column, 1), xerces_message(message, body))


def xerces_message(libxml2_message: str, body: bytes) -> str:
    """libxml2's sentence as Xerces writes it, where the mapping is known; otherwise unchanged."""
    mismatch = _MISMATCH.match(libxml2_message)
    if mismatch:
        name = _qualified_name(body, mismatch["name"], int(mismatch["line"]))
        return f'The element type "{name}" must be terminated by the matching end-tag "</{name}>".'
    if libxml2_message.startswith(_UNTERMINATED):
        return "XML document structures must start and end within the same entity."
    if libxml2_message.startswith(_PROLOG):
        return "Content is not allowed in prolog."
    return libxml2_message


def _qualified_name(body: bytes, local_name: str, line: int) -> str:
    """The element's name with the prefix it was written with: libxml2 reports only the local part."""
    lines = body.decode("utf-8", errors="replace").splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    found = re.search(r"<((?:[\w.-]+:)?" + re.escape(local_name) + r")(?=[\s/>])", source)
    return found.group(1) if found else local_name


def root_problem(root: etree._Element, accepted: Collection[str]) -> SaxProblem | None:
    """`cvc-elt.1.a` when the root's `{namespace}name` is not one of ``accepted`` (SW-EF, SW-ET upload)."""
    if root.tag in accepted:
        return None
    return at_element(root, f"cvc-elt.1.a: Cannot find the declaration of element '{etree.QName(root).localname}'.")


def missing_attribute(element: etree._Element, attribute: str) -> SaxProblem | None:
    """`cvc-complex-type.4` when ``element`` lacks the required ``attribute`` (Xerces wording)."""
    if element.get(attribute) is not None:
        return None
    name = etree.QName(element).localname
    return at_element(element, f"cvc-complex-type.4: Attribute '{attribute}' must appear on element '{name}'.")


def at_element(element: etree._Element, message: str) -> SaxProblem:
    """A schema problem reported at the line where ``element``'s start tag ends, column 1."""
    return SaxProblem(element.sourceline or 1, 1, message)


def sax_exception(problem: SaxProblem) -> str:
    """`org.xml.sax.SAXParseException; lineNumber: L; columnNumber: C; MESSAGE` as Java prints it."""
    return (f"org.xml.sax.SAXParseException; lineNumber: {problem.line}; "
            f"columnNumber: {problem.column}; {problem.message}")
