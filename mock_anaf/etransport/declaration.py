"""What the sandbox reads from an e-Transport declaration (XSD-ET v2): its kind and the fields lists show.

Pure and lenient: the mock is not ANAF's validator (SPEC-ANAF-API §6.5 applies here too), so a missing
or odd optional value is left out of the answers rather than refused. Only the root, the declarant
and the kind of declaration are checked at upload (rules.py).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

NS = "mfp:anaf:dgti:eTransport:declaratie:v2"

# The v2 root's child → the `tip` lists show (LIVE etransport §3); a notificare holding `corectie` is COR.
KIND_CODES = {"notificare": "NOT", "stergere": "DEL", "confirmare": "CON", "modifVehicul": "MVH"}

# codJudet (XSD-ET CodJudetType) → the county abbreviation `info` shows (SW-ET/info_transportatori: "B").
COUNTIES = {
    "1": "AB", "2": "AR", "3": "AG", "4": "BC", "5": "BH", "6": "BN", "7": "BT", "8": "BV", "9": "BR",
    "10": "BZ", "11": "CS", "12": "CJ", "13": "CT", "14": "CV", "15": "DB", "16": "DJ", "17": "GL",
    "18": "GJ", "19": "HR", "20": "HD", "21": "IL", "22": "IS", "23": "IF", "24": "MM", "25": "MH",
    "26": "MS", "27": "NT", "28": "OT", "29": "PH", "30": "SM", "31": "SJ", "32": "SB", "33": "SV",
    "34": "TR", "35": "TM", "36": "TL", "37": "VS", "38": "VL", "39": "VN", "40": "B", "51": "CL",
    "52": "GR",
}


@dataclass(frozen=True)
class Place:
    """A route end: a Romanian address (`ADR`), a border point (`PTF`) or a customs office (`BV`)."""

    tip_loc: str
    judet: str | None = None
    localitate: str | None = None
    strada: str | None = None
    numar: str | None = None
    alte_info: str | None = None
    cod: str | None = None


@dataclass(frozen=True)
class Transport:
    """The fields of a `notificare` (or its correction) that `lista` and `info` show."""

    tip_op: str | None
    data_transp: date | None
    pc_tara: str | None
    pc_cod: str | None
    pc_den: str | None
    tr_tara: str | None
    tr_cod: str | None
    tr_den: str | None
    nr_veh: str | None
    nr_rem1: str | None
    nr_rem2: str | None
    gr_tot_bruta: Decimal | None
    gr_tot_neta: Decimal | None
    val_tot: Decimal | None
    nr_linii: int
    loc_start: Place | None
    loc_final: Place | None
    documente: tuple[str, ...]


@dataclass(frozen=True)
class Declaration:
    """One uploaded declaration: its kind (NOT/COR/DEL/CON/MVH) and what it carries."""

    version: int
    kind: str
    cod_declarant: str
    ref_declarant: str
    post_avarie: bool
    referenced_uit: str | None = None
    transport: Transport | None = None
    vehicle: tuple[str | None, str | None, str | None] | None = None  # modifVehicul: vehicle, trailers
    confirmation: tuple[str | None, str | None] | None = None  # confirmare: tipConfirmare, observatii


def read(root: etree._Element, version: int) -> Declaration:
    """The declaration under ``root``, which rules.read_upload has already checked."""
    if version == 1:
        # v1 is legacy: only the declarant is read, and the upload counts as a notification [P].
        return Declaration(1, "NOT", root.get("cod_declarant", ""), root.get("ref_declarant") or "", False)
    declarant = root.get("codDeclarant", "")
    reference = root.get("refDeclarant") or ""
    post_avarie = root.get("declPostAvarie") == "D"
    child = next(c for c in root if isinstance(c.tag, str) and etree.QName(c).namespace == NS
                 and etree.QName(c).localname in KIND_CODES)
    name = etree.QName(child).localname
    if name == "notificare":
        correction = child.find(f"{{{NS}}}corectie")
        return Declaration(2, "COR" if correction is not None else "NOT", declarant, reference, post_avarie,
                           referenced_uit=None if correction is None else correction.get("uit", ""),
                           transport=transport(child))
    base = Declaration(2, KIND_CODES[name], declarant, reference, post_avarie, referenced_uit=child.get("uit", ""))
    if name == "modifVehicul":
        return replace(base, vehicle=(child.get("nrVehicul"), child.get("nrRemorca1"), child.get("nrRemorca2")))
    if name == "confirmare":
        return replace(base, confirmation=(child.get("tipConfirmare"), child.get("observatii")))
    return base


def transport(notificare: etree._Element) -> Transport:
    """The list/info fields of a `notificare` element."""
    goods = notificare.findall(f"{{{NS}}}bunuriTransportate")
    partner = _first(notificare, "partenerComercial")
    carrier = _first(notificare, "dateTransport")
    return Transport(
        tip_op=notificare.get("codTipOperatiune"),
        data_transp=_date(carrier.get("dataTransport")),
        pc_tara=partner.get("codTara"), pc_cod=partner.get("cod"), pc_den=partner.get("denumire"),
        tr_tara=carrier.get("codTaraOrgTransport"), tr_cod=carrier.get("codOrgTransport"),
        tr_den=carrier.get("denumireOrgTransport"),
        nr_veh=carrier.get("nrVehicul"), nr_rem1=carrier.get("nrRemorca1"), nr_rem2=carrier.get("nrRemorca2"),
        gr_tot_bruta=_total(goods, "greutateBruta"), gr_tot_neta=_total(goods, "greutateNeta"),
        val_tot=_total(goods, "valoareLeiFaraTva"), nr_linii=len(goods),
        loc_start=_place(notificare, "locStartTraseuRutier"), loc_final=_place(notificare, "locFinalTraseuRutier"),
        documente=tuple(d.get("numarDocument") or d.get("tipDocument") or ""
                        for d in notificare.findall(f"{{{NS}}}documenteTransport")),
    )


def _first(parent: etree._Element, name: str) -> etree._Element:
    found = parent.find(f"{{{NS}}}{name}")
    return found if found is not None else etree.Element(name)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def _total(goods: list[etree._Element], attribute: str) -> Decimal | None:
    """The sum over the goods lines that state ``attribute``; None when none does (or a value is not a number)."""
    values = [g.get(attribute) for g in goods if g.get(attribute) is not None]
    if not values:
        return None
    try:
        return sum((Decimal(v) for v in values), Decimal(0))
    except InvalidOperation:
        return None


def _place(notificare: etree._Element, name: str) -> Place | None:
    element = notificare.find(f"{{{NS}}}{name}")
    if element is None:
        return None
    if element.get("codPtf") is not None:
        return Place("PTF", cod=element.get("codPtf"))
    if element.get("codBirouVamal") is not None:
        return Place("BV", cod=element.get("codBirouVamal"))
    address = _first(element, "locatie")
    county = address.get("codJudet")
    return Place("ADR", judet=COUNTIES.get(county or "", county), localitate=address.get("denumireLocalitate"),
                 strada=address.get("denumireStrada"), numar=address.get("numar"), alte_info=address.get("alteInfo"))
