"""e-Transport's pure rules (SPEC-ANAF-API §7.1–§7.2): path checks, upload reading, UITs, validity, outcome."""
from __future__ import annotations

import random
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from mock_anaf import anaf_numbers
from mock_anaf.etransport import rules
from mock_anaf.etransport.declaration import Declaration

FIXTURES = Path(__file__).parents[2] / "fixtures" / "anaf_api"
NOTIFICATION = (FIXTURES / "etransport_notificare_v2.xml").read_bytes()
DELETION = (FIXTURES / "etransport_stergere_unknown_uit.xml").read_bytes()
V2 = 'xmlns="mfp:anaf:dgti:eTransport:declaratie:v2"'
WRAPPER = "Fisierul transmis nu este valid. org.xml.sax.SAXParseException; "
NOW = datetime(2025, 3, 10, 10, 15, tzinfo=rules.BUCHAREST)


@pytest.mark.parametrize(
    ("value", "number"),
    [pytest.param("4000000001", 4000000001, id="index"), pytest.param("007", 7, id="leading-zeros"),
     pytest.param("12a", None, id="letters"), pytest.param("-1", None, id="negative"), pytest.param("", None, id="empty"),
     pytest.param("1" * 19, None, id="over-int64"), pytest.param("٣", None, id="non-ascii")],
)
def test_whole_number(value: str, number: int | None) -> None:
    assert anaf_numbers.whole_number(value) == number


@pytest.mark.parametrize(
    ("value", "number"),
    [pytest.param("60", 60, id="plain"), pytest.param("-5", -5, id="negative"), pytest.param("+7", 7, id="plus"),
     pytest.param("60a", None, id="letters"), pytest.param("2147483648", None, id="over-int32"),
     pytest.param(" 5", None, id="space"), pytest.param("", None, id="empty")],
)
def test_java_int(value: str, number: int | None) -> None:
    assert rules.java_int(value) == number


@pytest.mark.parametrize(
    ("standard", "cif", "versiune", "expected"),
    [
        pytest.param("ETRANSP", "12345674", "2", None, id="ok-v2"),
        pytest.param("ETRANSP", "12345674", None, None, id="ok-no-version"),
        pytest.param("ETRANSP", "12345674", "1", None, id="ok-v1"),
        pytest.param("ETRANSPORT", "12345674", "2", "Valoarea acceptata pentru parametrul standard este ETRANSP",
                     id="standard-stale-name"),
        pytest.param("etransp", "12345674", "2", "Valoarea acceptata pentru parametrul standard este ETRANSP",
                     id="standard-case"),
        pytest.param("XYZ", "abc", "9", "Valoarea acceptata pentru parametrul standard este ETRANSP",
                     id="standard-first"),
        pytest.param("ETRANSP", "12345674", "3", "Valorile acceptate pentru parametrul versiune sunt 1 sau 2",
                     id="versiune"),
        pytest.param("ETRANSP", "abc", "3", "Valorile acceptate pentru parametrul versiune sunt 1 sau 2",
                     id="versiune-before-cif"),
        pytest.param("ETRANSP", "RO12345674", "2", "CIF introdus= RO12345674 nu este un numar", id="cif-ro-prefix"),
        pytest.param("ETRANSP", "123a", "2", "CIF introdus= 123a nu este un numar", id="cif-letters"),
        pytest.param("ETRANSP", "١٢٣", "2", "CIF introdus= ١٢٣ nu este un numar", id="cif-non-ascii-digits"),
    ],
)
def test_path_refusal(standard: str, cif: str, versiune: str | None, expected: str | None) -> None:
    assert rules.path_refusal(standard, cif, versiune) == expected


@pytest.mark.parametrize(
    ("cifs", "cif", "expected"),
    [
        pytest.param({"12345674"}, "12345674", None, id="right"),
        pytest.param(set(), "12345674", "Nu exista niciun CIF petru care sa aveti drept in SPV", id="no-cif"),
        pytest.param({"34567892"}, "12345674", "Nu aveti drept in SPV pentru CIF=12345674", id="other-cif"),
    ],
)
def test_rights_refusal(cifs: set[str], cif: str, expected: str | None) -> None:
    assert rules.rights_refusal(cifs, cif) == expected


def test_stare_brings_its_own_no_cif_sentence() -> None:
    assert rules.rights_refusal(set(), "1", "Nu exista niciun CIF petru care sa aveti drept") == (
        "Nu exista niciun CIF petru care sa aveti drept")


@pytest.mark.parametrize(
    ("versiune", "version"),
    [pytest.param("2", 2, id="2"), pytest.param("1", 1, id="1"), pytest.param(None, 1, id="none")],
)
def test_version_of_path(versiune: str | None, version: int) -> None:
    assert rules.version_of(versiune) == version


@pytest.mark.parametrize(
    ("body", "version", "expected"),
    [
        pytest.param(b"x" * (5 * 1024 * 1024 + 1), 2, "Marime fisier transmis mai mare de 5 MB", id="over-5-mib"),
        pytest.param(b"", 2, WRAPPER + "lineNumber: 1; columnNumber: 1; Content is not allowed in prolog.", id="empty"),
        pytest.param(b"<eTransport>", 2, WRAPPER + "lineNumber: 1; columnNumber: 13; "
                     "XML document structures must start and end within the same entity.", id="unterminated"),
        pytest.param(b"<?xml version='1.0'?>\n<a>", 2, WRAPPER + "lineNumber: 2; columnNumber: 4; "
                     "XML document structures must start and end within the same entity.", id="unterminated-line-2"),
        pytest.param(b"<a/>", 2, WRAPPER + "lineNumber: 1; columnNumber: 1; "
                     "cvc-elt.1.a: Cannot find the declaration of element 'a'.", id="wrong-root"),
        pytest.param(NOTIFICATION, 1, WRAPPER + "lineNumber: 7; columnNumber: 1; "
                     "cvc-elt.1.a: Cannot find the declaration of element 'eTransport'.", id="v2-body-on-v1-path"),
        pytest.param(f'<eTransport {V2}><notificare/></eTransport>'.encode(), 2, WRAPPER + "lineNumber: 1; "
                     "columnNumber: 1; cvc-complex-type.4: Attribute 'codDeclarant' must appear on element 'eTransport'.",
                     id="no-codDeclarant"),
        pytest.param(b'<eTransport xmlns="mfp:anaf:dgti:eTransport:declaratie:v1" codDeclarant="1"/>', 1,
                     WRAPPER + "lineNumber: 1; columnNumber: 1; "
                     "cvc-complex-type.4: Attribute 'cod_declarant' must appear on element 'eTransport'.",
                     id="v1-needs-cod_declarant"),
        pytest.param(f'<eTransport {V2} codDeclarant="12345674"/>'.encode(), 2, WRAPPER + "lineNumber: 1; "
                     "columnNumber: 1; cvc-complex-type.2.4.b: The content of element 'eTransport' is not complete. "
                     "One of '{\"mfp:anaf:dgti:eTransport:declaratie:v2\":notificare, "
                     "\"mfp:anaf:dgti:eTransport:declaratie:v2\":stergere, "
                     "\"mfp:anaf:dgti:eTransport:declaratie:v2\":confirmare, "
                     "\"mfp:anaf:dgti:eTransport:declaratie:v2\":modifVehicul}' is expected.", id="no-declaration"),
    ],
)
def test_read_upload_refusals(body: bytes, version: int, expected: str) -> None:
    with pytest.raises(rules.Refused) as caught:
        rules.read_upload(body, version)
    assert str(caught.value) == expected


def test_no_trailing_space_after_the_xerces_message() -> None:
    with pytest.raises(rules.Refused) as caught:
        rules.read_upload(b"<a/>", 2)
    assert str(caught.value).endswith("'a'.")


def test_exactly_5_mib_is_not_too_large() -> None:
    with pytest.raises(rules.Refused) as caught:
        rules.read_upload(b" " * (5 * 1024 * 1024), 2)
    assert "Marime" not in str(caught.value)


def test_fixtures_are_accepted() -> None:
    assert rules.read_upload(NOTIFICATION, 2).kind == "NOT"
    assert rules.read_upload(DELETION, 2).kind == "DEL"


UIT = re.compile(r"[0-9ACDEFHJKLMNPQRTUVWXY]{14}[0-9]{2}")


@pytest.mark.parametrize("seed", [pytest.param(seed, id=f"seed-{seed}") for seed in range(5)])
def test_new_uit_matches_the_xsd_pattern(seed: int) -> None:
    assert UIT.fullmatch(rules.new_uit(random.Random(seed)))


@pytest.mark.parametrize("uit", ["3V0P0L0P0T3JUW46", "4C0U0C0J0W3DDQ92", "0C1E0K0N0M3EHP79", "3H1M0A0E0J3FKN75"])
def test_check_digits_agree_with_the_examples_of_anafs_schematron(uit: str) -> None:
    assert rules.uit_check_digits(uit[:14]) == uit[14:]


@pytest.mark.parametrize("seed", [pytest.param(seed, id=f"seed-{seed}") for seed in range(20)])
def test_new_uit_ends_in_its_br_019_check_digits(seed: int) -> None:
    uit = rules.new_uit(random.Random(seed))
    assert uit[14:] == str(sum(ord(char) for char in uit[:14]))[-2:]


def test_new_uit_comes_from_the_injected_source() -> None:
    assert rules.new_uit(random.Random(7)) == rules.new_uit(random.Random(7))
    assert len({rules.new_uit(random.Random(seed)) for seed in range(50)}) == 50


def test_new_uit_never_uses_the_excluded_letters() -> None:
    chooser = random.Random(0)
    letters = set("".join(rules.new_uit(chooser) for _ in range(500)))
    assert letters.isdisjoint(set("BGIOSZ")) and letters <= set(rules.UIT_LETTERS)


@pytest.mark.parametrize(
    ("data_transport", "tip_op", "until"),
    [
        pytest.param(date(2025, 3, 12), "30", datetime(2025, 3, 17, tzinfo=rules.BUCHAREST), id="domestic-5-days"),
        pytest.param(date(2025, 3, 12), "10", datetime(2025, 3, 27, tzinfo=rules.BUCHAREST), id="aic-15-days"),
        pytest.param(date(2025, 3, 12), "50", datetime(2025, 3, 17, tzinfo=rules.BUCHAREST), id="export-5-days"),
        pytest.param(date(2025, 3, 28), "30", datetime(2025, 4, 2, tzinfo=rules.BUCHAREST), id="across-dst"),
    ],
)
def test_valid_until(data_transport: date, tip_op: str, until: datetime) -> None:
    assert rules.valid_until(data_transport, tip_op) == until


def test_valid_until_is_bucharest_midnight() -> None:
    assert rules.valid_until(date(2025, 3, 12), "30").isoformat() == "2025-03-17T00:00:00+02:00"


GOOD = rules.IssuedUit("12345674", ok=True, deleted=False, valid_until=datetime(2025, 3, 17, tzinfo=rules.BUCHAREST))


@pytest.mark.parametrize(
    ("uit", "cif", "now", "usable"),
    [
        pytest.param(GOOD, "12345674", NOW, True, id="ok"),
        pytest.param(None, "12345674", NOW, False, id="never-issued"),
        pytest.param(GOOD, "34567892", NOW, False, id="other-cif"),
        pytest.param(rules.IssuedUit("12345674", False, False, GOOD.valid_until), "12345674", NOW, False, id="not-ok"),
        pytest.param(rules.IssuedUit("12345674", True, True, GOOD.valid_until), "12345674", NOW, False, id="deleted"),
        pytest.param(GOOD, "12345674", datetime(2025, 3, 16, 23, 59, 59, tzinfo=rules.BUCHAREST), True,
                     id="last-second"),
        pytest.param(GOOD, "12345674", datetime(2025, 3, 17, tzinfo=rules.BUCHAREST), False, id="expired"),
        pytest.param(rules.IssuedUit("12345674", True, False, None), "12345674", NOW, True, id="v1-no-window"),
    ],
)
def test_referenced_uit_is_usable(uit: rules.IssuedUit | None, cif: str, now: datetime, usable: bool) -> None:
    assert rules.is_usable(uit, cif, now) is usable


def declaration(kind: str, declarant: str = "12345674", version: int = 2) -> Declaration:
    return Declaration(version, kind, declarant, "", False, referenced_uit=None if kind == "NOT" else "CDEFHJKLMNPQRT01")


UNKNOWN = rules.Outcome("nok", ("UIT-ul nu poate fi identificat.",),
                        ("Nu a fost identificat UIT-ul printre notificarile valide anterioare.",))
MISMATCH = rules.Outcome("nok", ("SANDBOX-ET1: codDeclarant=34567892 difera de CIF-ul din cale=12345674",),
                         ("SANDBOX-ET1: codDeclarant=34567892 difera de CIF-ul din cale=12345674",))


@pytest.mark.parametrize(
    ("decl", "referenced", "outcome"),
    [
        pytest.param(declaration("NOT"), None, rules.OK, id="notification-ok"),
        pytest.param(declaration("NOT", "34567892"), None, MISMATCH, id="rule-2-declarant"),
        pytest.param(declaration("NOT", "34567892", version=1), None, rules.OK, id="v1-always-ok"),
        *[pytest.param(declaration(kind), GOOD, rules.OK, id=f"{kind}-ok") for kind in ("COR", "DEL", "CON", "MVH")],
        *[pytest.param(declaration(kind), None, UNKNOWN, id=f"{kind}-unknown") for kind in ("COR", "DEL", "CON", "MVH")],
        pytest.param(declaration("DEL", "34567892"), None, UNKNOWN, id="rule-1-before-rule-2"),
        pytest.param(declaration("DEL", "34567892"), GOOD, MISMATCH, id="rule-2-after-good-uit"),
    ],
)
def test_decide(decl: Declaration, referenced: rules.IssuedUit | None, outcome: rules.Outcome) -> None:
    assert rules.decide(decl, "12345674", referenced, NOW) == outcome
