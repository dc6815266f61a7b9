"""e-Transport's rules, pure: path checks, reading a declaration, UITs, their validity, the outcome.

SPEC-ANAF-API §7.1–§7.2. Nothing here imports Flask or reads a clock: time comes in as an aware
datetime or epoch seconds, randomness as a `Chooser`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Collection, Protocol, Sequence
from lxml import etree

from foundation import anaf
from mock_anaf import xml_input
from mock_anaf.anaf_numbers import is_number
from mock_anaf.anaf_time import BUCHAREST
from mock_anaf.etransport import texts
from mock_anaf.etransport.declaration import Declaration, read

MAX_BODY_BYTES = 5 * 1024 * 1024  # SW-ET/upload_param "mai mare de 5 MB"; R-SBS "Conflicts" 1
STANDARD = anaf.ETRANSPORT_STANDARD
VERSIONS = ("1", "2")
NS_V1 = "mfp:anaf:dgti:eTransport:declaratie:v1"
NS_V2 = "mfp:anaf:dgti:eTransport:declaratie:v2"
ROOTS = {1: f"{{{NS_V1}}}eTransport", 2: f"{{{NS_V2}}}eTransport"}  # the two swagger body examples
DECLARANT_ATTRIBUTE = {1: "cod_declarant", 2: "codDeclarant"}
KINDS_V2 = ("notificare", "stergere", "confirmare", "modifVehicul")  # XSD-ET: the root's choice

# The UIT alphabet of XSD-ET's pattern [0-9ACDEFHJKLMNPQRTUVWXY]{14}[0-9]{2}: no B, G, I, O, S, Z.
UIT_LETTERS = "0123456789ACDEFHJKLMNPQRTUVWXY"
VALID_DAYS = 5  # dataTransport + 5 days [I: third-party guides quoting ANAF's guide, e.g. e-avize.ro]
VALID_DAYS_INTRA_COMMUNITY = 15  # codTipOperatiune 10, intra-Community acquisition [I: same]


class Chooser(Protocol):
    """A source of random picks: `random.Random(seed)` in tests, `secrets.SystemRandom()` in service."""

    def choice(self, seq: Sequence[str]) -> str: ...


class Refused(ValueError):
    """An upload refused with ExecutionStatus 1; the message is ANAF's sentence."""


def version_of(versiune: str | None) -> int:
    """Which schema the path asks for: `/2` → v2; `/1` or no segment → v1 (SPEC-ANAF-API §7.1)."""
    return 2 if versiune == "2" else 1


def path_refusal(standard: str, cif: str, versiune: str | None) -> str | None:
    """The first of the path checks that fails, in the order of §7.1, or None."""
    if standard != STANDARD:
        return texts.STANDARD
    if versiune is not None and versiune not in VERSIONS:
        return texts.VERSIUNE
    if not is_number(cif):
        return texts.cif_not_a_number(cif)
    return None


def rights_refusal(caller_cifs: Collection[str], cif: str, no_cif_text: str = texts.NO_CIF_SPV) -> str | None:
    """No CIF at all, or no right for ``cif`` (SW-ET); stareMesaj passes its own no-CIF sentence."""
    if not caller_cifs:
        return no_cif_text
    if cif not in caller_cifs:
        return texts.no_right(cif)
    return None


def java_int(value: str) -> int | None:
    """What Java's `Integer.parseInt` accepts (a sign, up to 10 digits, within int32), else None."""
    if not re.fullmatch(r"[+-]?[0-9]{1,10}", value):
        return None
    number = int(value)
    return number if -2**31 <= number < 2**31 else None


def read_upload(body: bytes, version: int) -> Declaration:
    """Size, well-formedness, root and declarant of an upload (§7.1); raises Refused with ANAF's text."""
    if len(body) > MAX_BODY_BYTES:
        raise Refused(texts.TOO_LARGE)
    try:
        root = xml_input.parse(body)
    except xml_input.NotWellFormed as exc:
        raise Refused(texts.invalid_file(xml_input.sax_exception(exc.problem))) from None
    problem = (xml_input.root_problem(root, {ROOTS[version]})
               or xml_input.missing_attribute(root, DECLARANT_ATTRIBUTE[version])
               or (kind_problem(root) if version == 2 else None))
    if problem is not None:
        raise Refused(texts.invalid_file(xml_input.sax_exception(problem)))
    return read(root, version)


def kind_problem(root: etree._Element) -> xml_input.SaxProblem | None:
    """Xerces' `cvc-complex-type.2.4.b` when a v2 root holds none of the four declarations [P: wording]."""
    if any(etree.QName(child).localname in KINDS_V2 and etree.QName(child).namespace == NS_V2
           for child in root if isinstance(child.tag, str)):
        return None
    expected = ", ".join(f'"{NS_V2}":{name}' for name in KINDS_V2)
    return xml_input.at_element(
        root, f"cvc-complex-type.2.4.b: The content of element 'eTransport' is not complete. One of '{{{expected}}}' is expected.")


def uit_check_digits(first14: str) -> str:
    """A UIT's last two characters: the last two digits of the sum of its first 14 characters' codes.

    ANAF's e-Transport Schematron v2.0.2, rule BR-019 ("TREBUIE sa respecte algoritmul de verificare a
    cifrei de control"), whose examples include 3V0P0L0P0T3JUW46: a UIT that fails it is refused when a
    later declaration names it, and clients (anafpy) refuse it before sending.
    """
    return str(sum(ord(char) for char in first14))[-2:]


def new_uit(chooser: Chooser) -> str:
    """A fresh UIT: XSD-ET's `[0-9ACDEFHJKLMNPQRTUVWXY]{14}[0-9]{2}`, ending in its BR-019 check digits."""
    first14 = "".join(chooser.choice(UIT_LETTERS) for _ in range(14))
    return first14 + uit_check_digits(first14)


def valid_until(data_transport: date, tip_operatiune: str) -> datetime:
    """When a UIT stops being valid: midnight Bucharest, 5 days after dataTransport (15 for operation 10)."""
    days = VALID_DAYS_INTRA_COMMUNITY if tip_operatiune == "10" else VALID_DAYS
    return datetime.combine(data_transport + timedelta(days=days), time(0, 0), tzinfo=BUCHAREST)


@dataclass(frozen=True)
class IssuedUit:
    """What the rules need to know about a UIT the sandbox issued, as its store sees it now."""

    cif: str
    ok: bool
    deleted: bool
    valid_until: datetime | None


@dataclass(frozen=True)
class Outcome:
    """How processing ends: `ok`, or `nok` with its `stareMesaj` errors and its `lista` messages."""

    state: str
    errors: tuple[str, ...] = ()
    list_messages: tuple[str, ...] = ()


OK = Outcome(texts.STARE_OK)


def is_usable(uit: IssuedUit | None, cif: str, now: datetime) -> bool:
    """Rule (1): issued to ``cif`` in this env, `ok`, not deleted, not expired at ``now``."""
    if uit is None or uit.cif != cif or not uit.ok or uit.deleted:
        return False
    return uit.valid_until is None or now < uit.valid_until


def decide(declaration: Declaration, cif: str, referenced: IssuedUit | None, now: datetime) -> Outcome:
    """The outcome decided at upload (§7.2 rules [P]): (1) the referenced UIT, then (2) the declarant."""
    if declaration.version == 1:
        return OK  # v1 is legacy: accepted on root and declarant only, an `ok` notification [P]
    if declaration.kind != "NOT" and not is_usable(referenced, cif, now):
        return Outcome(texts.STARE_NOK, (texts.UIT_UNKNOWN,), (texts.UIT_UNKNOWN_LIST,))
    if declaration.cod_declarant != cif:
        message = texts.declarant_mismatch(declaration.cod_declarant, cif)
        return Outcome(texts.STARE_NOK, (message,), (message,))
    return OK
