"""Every sentence e-Transport says, exactly as ANAF writes it (typos included), each with its source.

The Xerces sentences inside "Fisierul transmis nu este valid." live in `mock_anaf/xml_input.py` and the fault
texts in `mock_anaf/api_faults.py`: both APIs say them alike.

Source keys are those of SPEC-ANAF-API.md: SW-ET = ANAF's e-Transport swagger examples, LIVE = dated live
probes; [P] marks the sandbox's own wording, which carries a `SANDBOX-` rule id where it could be mistaken
for ANAF's.
"""
from __future__ import annotations

# --- upload (SPEC-ANAF-API §7.1) -------------------------------------------------------------------------

STANDARD = "Valoarea acceptata pentru parametrul standard este ETRANSP"  # SW-ET/upload_param
VERSIUNE = "Valorile acceptate pentru parametrul versiune sunt 1 sau 2"  # [P] invented
TOO_LARGE = "Marime fisier transmis mai mare de 5 MB"  # SW-ET/upload_param, no final period
ATENTIE = ("Verificati starea XML-ului transmis. Codul UIT este valabil din momentul in care apare ca valid "
           "dupa apelul de stare")  # SW-ET/upload_param v2 example, LIVE


def cif_not_a_number(cif: str) -> str:
    """SW-ET/upload_param, SW-ET/lista."""
    return f"CIF introdus= {cif} nu este un numar"


# "petru" and "in SPV": e-Transport's variant of e-Factura's sentence. SW-ET/upload_param, lista, info.
NO_CIF_SPV = "Nu exista niciun CIF petru care sa aveti drept in SPV"


def no_right(cif: str) -> str:
    """SW-ET/upload_param, SW-ET/info_transportatori."""
    return f"Nu aveti drept in SPV pentru CIF={cif}"


def invalid_file(sax_exception: str) -> str:
    """SW-ET/upload_param: the Xerces exception after ANAF's sentence, with no trailing space (e-Factura has one)."""
    return f"Fisierul transmis nu este valid. {sax_exception}"


# --- processing (SPEC-ANAF-API §7.2) ---------------------------------------------------------------------

UIT_UNKNOWN = "UIT-ul nu poate fi identificat."  # SW-ET/stare, the `nok` example
UIT_UNKNOWN_LIST = "Nu a fost identificat UIT-ul printre notificarile valide anterioare."  # SW-ET/lista


def declarant_mismatch(cod_declarant: str, cif: str) -> str:
    """[P] invented: rule (2), the declarant in the XML is not the CIF in the path."""
    return f"SANDBOX-ET1: codDeclarant={cod_declarant} difera de CIF-ul din cale={cif}"


# --- stareMesaj (SPEC-ANAF-API §7.3) ---------------------------------------------------------------------

STARE_IN_PRELUCRARE = "in prelucrare"  # SW-ET/stare, LIVE
STARE_OK = "ok"  # SW-ET/stare
STARE_NOK = "nok"  # SW-ET/stare
STARE_XML_ERRORS = "XML cu erori nepreluat de sistem"  # SW-ET/stare

NO_CIF = "Nu exista niciun CIF petru care sa aveti drept"  # SW-ET/stare: "petru", and no "in SPV" here


def id_not_an_integer(value: str) -> str:
    """SW-ET/stare."""
    return f"Id_incarcare introdus= {value} nu este un numar intreg"


def no_declaration(index: str) -> str:
    """SW-ET/stare (the space after `=` is ANAF's)."""
    return f"Nu exista declaratia de transport cu id_incarcare= {index}"


def no_query_right(index: str) -> str:
    """SW-ET/stare ("inteorgare" as ANAF writes it)."""
    return f"Nu aveti dreptul de inteorgare pentru id_incarcare= {index}"


def stare_quota(quota: int) -> str:
    """SW-ET/stare, whose example shows 100: the number is the configured quota."""
    return f"S-au facut deja {quota} de verificari, pentru id-incarcare solicitat, in cursul zilei"


# --- lista (SPEC-ANAF-API §7.4) --------------------------------------------------------------------------

ZILE_RANGE = "Numarul de zile trebuie sa fie intre 1 si 60"  # SW-ET/lista


def zile_not_an_integer(value: str) -> str:
    """SW-ET/lista."""
    return f"Numarul de zile introdus= {value} nu este un numar intreg"


def lista_quota(quota: int) -> str:
    """SW-ET/lista, whose example shows 1000: the number is the configured quota."""
    return f"S-au facut deja {quota} interogari de lista mesaje de catre utilizator in cursul zilei"


def no_messages(zile: int) -> str:
    """SW-ET/lista, LIVE: said with ExecutionStatus 1, like a real error."""
    return f"Nu exista mesaje in ultimele {zile} zile"


def lista_title(zile: int) -> str:
    """SW-ET/lista."""
    return f"Lista Mesaje disponibile din ultimele {zile} zile"


# --- info (SPEC-ANAF-API §7.5) ---------------------------------------------------------------------------

CUI_OP_REQUIRED = "Parametrul cui_op este obligatoriu"  # SW-ET/info_transportatori, Spring's 400
NO_INFO = "Nu exista informatii pentru aceasta solicitare"  # SW-ET/info_transportatori, LIVE


def cui_op_not_a_number(value: str) -> str:
    """SW-ET/info_transportatori."""
    return f"cui_op introdus= {value} nu este un numar"


def cui_decl_not_a_number(value: str) -> str:
    """SW-ET/info_transportatori."""
    return f"cui_decl introdus= {value} nu este un numar"


# --- the sandbox's own wording, where ANAF has no sentence -----------------------------------------------

FORCED_ERROR = "SANDBOX-F1: rezultat fortat prin /__admin/etransport (panoul de control al sandbox-ului)"  # [P]
