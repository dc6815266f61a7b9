"""Safe XML parsing of uploads and Xerces' wording for what is wrong (SPEC-ANAF-API §6.5 A, §7.1)."""
from __future__ import annotations

from pathlib import Path

import pytest

from mock_anaf import xml_input

FIXTURES = Path(__file__).parents[2] / "fixtures" / "anaf_api"


def problem_of(body: bytes) -> xml_input.SaxProblem:
    with pytest.raises(xml_input.NotWellFormed) as caught:
        xml_input.parse(body)
    return caught.value.problem


@pytest.mark.parametrize(
    ("body", "line", "column", "message"),
    [
        pytest.param(b"", 1, 1, "Content is not allowed in prolog.", id="empty"),
        pytest.param(b"not xml at all", 1, 1, "Content is not allowed in prolog.", id="text"),
        pytest.param(b"--boundary\r\nContent-Disposition: form-data", 1, 1, "Content is not allowed in prolog.",
                     id="multipart-is-not-unpacked"),
        pytest.param(b"<a>", 1, 4, "XML document structures must start and end within the same entity.",
                     id="unterminated"),
        pytest.param(b"<a>\n  <b></a>", 2, 10, 'The element type "b" must be terminated by the matching end-tag "</b>".',
                     id="mismatch-no-prefix"),
        pytest.param(b'<x:a xmlns:x="u">\n<x:b></x:c></x:a>', 2, 12,
                     'The element type "x:b" must be terminated by the matching end-tag "</x:b>".', id="mismatch-prefix"),
        pytest.param(b"<a/><b/>", 1, 5, "Extra content at the end of the document", id="other-libxml2-kept"),
    ],
)
def test_not_well_formed_reads_like_xerces(body: bytes, line: int, column: int, message: str) -> None:
    assert problem_of(body) == xml_input.SaxProblem(line, column, message)


def test_malformed_fixture_names_the_prefixed_element_at_line_10() -> None:
    problem = problem_of((FIXTURES / "ubl_invoice_malformed.xml").read_bytes())
    assert xml_input.sax_exception(problem) == (
        "org.xml.sax.SAXParseException; lineNumber: 10; columnNumber: 44; "
        'The element type "cbc:IssueDate" must be terminated by the matching end-tag "</cbc:IssueDate>".'
    )


def test_an_earlier_parse_does_not_leak_into_the_next_problem() -> None:
    problem_of((FIXTURES / "ubl_invoice_malformed.xml").read_bytes())
    assert problem_of(b"").message == "Content is not allowed in prolog."


def test_entities_are_not_expanded_and_nothing_is_fetched() -> None:
    body = b'<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>'
    root = xml_input.parse(body)
    assert "root:" not in "".join(root.itertext())


def test_billion_laughs_is_refused_as_not_well_formed() -> None:
    lol = b'<!ENTITY l0 "lol">' + b"".join(
        b'<!ENTITY l%d "&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;">' % ((i,) + (i - 1,) * 10) for i in range(1, 10))
    problem = problem_of(b"<!DOCTYPE a [" + lol + b"]><a>&l9;</a>")
    assert "amplification" in problem.message


def test_wrong_root_is_cvc_elt_at_the_line_where_its_start_tag_ends() -> None:
    root = xml_input.parse((FIXTURES / "ubl_creditnote_ok.xml").read_bytes())
    problem = xml_input.root_problem(root, {"{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"})
    assert problem == xml_input.SaxProblem(8, 1, "cvc-elt.1.a: Cannot find the declaration of element 'CreditNote'.")


def test_right_root_has_no_problem() -> None:
    root = xml_input.parse(b'<r xmlns="urn:x"/>')
    assert xml_input.root_problem(root, {"{urn:x}r"}) is None


def test_root_namespace_matters() -> None:
    root = xml_input.parse(b'<r xmlns="urn:y"/>')
    assert xml_input.root_problem(root, {"{urn:x}r"}) is not None


def test_missing_attribute_is_cvc_complex_type_4() -> None:
    root = xml_input.parse(b'<r xmlns="urn:x"\n   other="1"/>')
    assert xml_input.missing_attribute(root, "codDeclarant") == xml_input.SaxProblem(
        2, 1, "cvc-complex-type.4: Attribute 'codDeclarant' must appear on element 'r'.")
    assert xml_input.missing_attribute(root, "other") is None


def test_sax_exception_has_no_trailing_space_of_its_own() -> None:
    text = xml_input.sax_exception(xml_input.SaxProblem(2, 4, "m."))
    assert text == "org.xml.sax.SAXParseException; lineNumber: 2; columnNumber: 4; m."
