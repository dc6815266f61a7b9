"""Every sentence ANAF's e-Factura API says, exactly as ANAF writes it (typos included), with its source.

Source keys as in SPEC-ANAF-API.md: SW-EF = ANAF's e-Factura swagger examples, LIVE = dated live probes,
R-ECO = what developers report about the live service, EGO = e-factura-go's tests, FX-O / FX-T = real
answers kept by open-source clients, SCH-RO / SCH-EN = the CIUS-RO and EN 16931 schematrons. [P] marks
the sandbox's own wording, where no source exists. Placeholders are filled with ``str.format``.
"""
from __future__ import annotations

# -- XML namespaces of the answers -- [V: SW-EF, FX-O]
NS_UPLOAD = "mfp:anaf:dgti:spv:respUploadFisier:v1"
NS_STARE = "mfp:anaf:dgti:efactura:stareMesajFactura:v1"
NS_ERRORS = "mfp:anaf:dgti:efactura:mesajEroriFactuta:v1"  # "Factuta": ANAF's spelling [V: FX-T, FX-O]

# -- Spring Boot's 400 (the framework refuses before ANAF's handler) -- [V: SW-EF]
UPLOAD_PARAMS_REQUIRED = "Parametrii standard si cif sunt obligatorii"  # [V: SW-EF/upload]
UPLOAD_NO_FILE = "Trebuie sa aveti atasat in request un fisier de tip xml"  # [V: SW-EF/upload]
STARE_PARAM_REQUIRED = "Parametrul id_incarcare este obligatoriu"  # [V: SW-EF/staremesaj]
LISTA_PARAMS_REQUIRED = "Parametrii zile si cif sunt obligatorii"  # [V: SW-EF/listamesaje]
PAGINATIE_PARAMS_REQUIRED = "Parametrii startTime, endTime, cif si pagina sunt obligatorii"  # [V: SW-EF/listamesaje]
DESCARCARE_PARAM_REQUIRED = "Parametrul id este obligatoriu"  # [V: SW-EF/descarcare]

# -- upload, HTTP 200 with ExecutionStatus="1" -- [V: SW-EF/upload]
STANDARD_VALUES = "Valorile acceptate pentru parametrul standard sunt UBL, CN, CII sau RASP"
CIF_NOT_NUMBER = "CIF introdus= {cif} nu este un numar"  # also listaMesajeFactura [V: SW-EF]
EXTERN_VALUE = "Daca parametrul extern trebuie completat, valoarea acceptata este DA"
# sic: ANAF writes "autofacturare" for the `autofactura` parameter
AUTOFACTURA_VALUE = "Daca parametrul autofacturare trebuie completat, valoarea acceptata este DA"
EXECUTARE_VALUE = "Daca parametrul executare trebuie completat, valoarea acceptata este DA"
NO_CIF_AT_ALL = "Nu exista niciun CIF pentru care sa aveti drept in SPV"  # also the lists [V: SW-EF]
NO_RIGHT_FOR_CIF = "Nu aveti drept in SPV pentru CIF={cif}"  # also the lists [V: SW-EF]
NOT_EXECUTARE = "CIF introdus= {cif} nu este inregistrat in Registrul RO e-Factura executari silite"
RASP_QUOTA = "S-au incarcat deja {n} de mesaje de tip RASP pentru cui={cif} in cursul zilei"
TOO_BIG = "Marime fisier transmis mai mare de 10 MB."
# The trailing space after the parser's message is ANAF's [V: SW-EF/upload].
NOT_VALID = "Fisierul transmis nu este valid. {sax} "  # {sax}: xml_input.sax_exception, Xerces' wording
TECHNICAL_ERROR = "A aparut o eroare tehnica. Cod: {code}"  # [V: pattern SW-EF/upload "Cod: XXX"]

# -- stareMesaj -- [V: SW-EF/staremesaj]
ID_INCARCARE_NOT_INTEGER = "Id_incarcare introdus= {value} nu este un numar intreg"
STARE_NO_CIF = "Nu exista niciun CIF petru care sa aveti drept"  # sic: "petru", no "in SPV"
NO_SUCH_UPLOAD = "Nu exista factura cu id_incarcare= {index}"  # sic: space after "="
NO_RIGHT_TO_QUERY = "Nu aveti dreptul de inteorgare pentru id_incarcare= {index}"  # sic: "inteorgare"
STARE_QUOTA = "S-au facut deja {n} descarcari de mesaj in cursul zilei"
STATE_PROCESSING = "in prelucrare"
STATE_OK = "ok"
STATE_NOK = "nok"
STATE_XML_ERRORS = "XML cu erori nepreluat de sistem"

# -- listaMesajeFactura / listaMesajePaginatieFactura -- [V: SW-EF/listamesaje]
LIST_TITLE = "Lista Mesaje"
LIST_TITLE_DAYS = "Lista Mesaje disponibile din ultimele {zile} zile"
LIST_TITLE_INTERVAL = "Lista Mesaje disponibile din intervalul {start} - {end}"
ZILE_NOT_INTEGER = "Numarul de zile introdus= {value} nu este un numar intreg"
ZILE_RANGE = "Numarul de zile trebuie sa fie intre 1 si 60"
FILTRU_VALUES = "Valorile acceptate pentru parametrul filtru sunt E, T, P sau R"
LIST_QUOTA = "S-au facut deja {n} interogari de lista mesaje de catre utilizator in cursul zilei"
LIST_TOO_LONG = ("Lista de mesaje este mai mare decat numarul de 500 elemente permise in pagina. "
                 "Folositi endpoint-ul cu paginatie.")
NO_MESSAGES_DAYS = "Nu exista mesaje in ultimele {zile} zile"
PAG_CIF_NOT_NUMBER = "CIF introdus= {cif} nu este un numar sau nu are o valoare acceptata de sistem"
PAG_NOT_NUMBER = "{name} = {value} nu este un numar sau nu are o valoare acceptata de sistem"
START_TOO_OLD = "startTime = {start} nu poate fi mai vechi de 60 de zile fata de momentul requestului"
END_BEFORE_START = "endTime = {end} nu poate fi <= startTime = {start}"
# The " = {now}" tail is the live variant [V: R-ECO §2.3].
END_IN_FUTURE = "endTime = {end} nu poate in viitor fata de momentul requestului = {now}"
NO_MESSAGES_INTERVAL = "Nu exista mesaje in intervalul selectat"
PAGE_TOO_HIGH = "Pagina solicitata {page} este mai mare decat numarul toatal de pagini {pages}"  # sic: "toatal"

# -- list entries: tip and detalii -- [V: SW-EF, EGO rest_test.go]
TIP_SENT = "FACTURA TRIMISA"
TIP_RECEIVED = "FACTURA PRIMITA"
TIP_ERRORS = "ERORI FACTURA"
TIP_RASP = "MESAJ CUMPARATOR PRIMIT / MESAJ CUMPARATOR TRANSMIS"  # [V: EGO]
DETALII_INVOICE = "Factura cu id_incarcare={index} emisa de cif_emitent={seller} pentru cif_beneficiar={buyer}"
DETALII_SELF_BILLED = "Factura cu id_incarcare={index} transmisa de cif={buyer}  ca autofactutra in numele cif={seller}"
DETALII_ERRORS = "Erori de validare identificate la factura transmisa cu id_incarcare={index}"
DETALII_ERRORS_SELF_BILLED = ("Erori de validare identificate la factura de tip declarat=AUTOFACTURA, "
                              "transmisa cu id_incarcare={index}")
DETALII_RASP = "Mesaj cumparator transmis pentru factura cu id_incarcare={invoice} de cif={sender}"  # [P]

# -- descarcare -- [V: SW-EF/descarcare]
DOWNLOAD_TITLE = "Descarcare mesaj"
ID_NOT_INTEGER = "Id descarcare introdus= {value} nu este un numar intreg"
NO_SUCH_DOWNLOAD = "Pentru id={id} nu exista inregistrata nici o factura"
NO_RIGHT_TO_DOWNLOAD = "Nu aveti dreptul sa descarcati acesta factura"  # sic: "acesta"
DOWNLOAD_EXPIRED = ("Fisierul nu mai poate fi descarcat pentru ca a trecut perioada de 60 de zile in care este "
                    "disponibil")  # [V: R-ECO §2.3]
DOWNLOAD_QUOTA = "S-au facut deja {n} descarcari la mesajul cu id_descarcare={id} in cursul zilei"  # [V: R-ECO §2.3]

# -- processing errors in the ZIP's error list --
RULE_BAD_CUI = ("E: AccountingSupplierParty (1) sectiune Party (1) sectiune PartyTaxScheme (1) sectiune CompanyID (1)  "
                "eroare regula: R_BT_32_cui: Cui vanzator incorect / validare CUI ({cif}) ")  # [V: SW-EF/validare]
RULE_SELLER_UNKNOWN = ("E: validari globale\n eroare regula: R6.1: CIF-ul vanzatorului nu figureaza in baza de "
                       "date:{cif}")  # [V: FX-O stare_mesaj_not_ok_anaf_error.xml]
RULE_NO_RIGHT_SELLER = ("E: validari globale\n eroare regula: SANDBOX-R1: Certificatul nu are drept in SPV pentru "
                        "CIF-ul vanzatorului:{cif}")  # [P: invented wording, the SANDBOX- id says so]
RULE_NO_RIGHT_BUYER = ("E: validari globale\n eroare regula: SANDBOX-R1: Certificatul nu are drept in SPV pentru "
                       "CIF-ul cumparatorului:{cif}")  # [P]
RULE_DUPLICATE = "Factura a mai fost transmisa anterior cu index={index} si data incarcare={date}"  # [V: FX-T]
RULE_RASP_TARGET = ("E: validari globale\n eroare regula: SANDBOX-R2: index_incarcare={index} nu identifica o "
                    "factura pentru CIF={cif}")  # [P]
SCHEMATRON = "E: validari globale  SCHEMATRON   eroare: [{id}]-{text}"  # [V: format, SW-EF/validare]

# B2 texts: ANAF's CIUS-RO wording with its quotes shown as spaces and the English half after "     #", as
# ANAF's own validator prints them [V: SCH-RO (the CIUS-RO 1.0.x schematron), SCH-EN; format SW-EF/validare].
B2 = {
    "BR-01": "An Invoice shall have a Specification identifier (BT-24).",  # [V: SCH-EN]
    "BR-02": "An Invoice shall have an Invoice number (BT-1).",  # [V: SCH-EN]
    "BR-03": "An Invoice shall have an Invoice issue date (BT-2).",  # [V: SCH-EN]
    "BR-04": "An Invoice shall have an Invoice type code (BT-3).",  # [V: SCH-EN]
    "BR-05": "An Invoice shall have an Invoice currency code (BT-5).",  # [V: SCH-EN]
    "BR-RO-010": ("Numărul facturii (BT-1) trebuie să includă cel puțin un caracter numeric (0—9).     "
                  "#Invoice number (BT-1) must include at least one numeric character (0-9)."),  # [V: SCH-RO]
    "BR-RO-020": ("Codul tipului facturii (BT-3) trebuie să fie unul dintre următoarele coduri din lista de coduri "
                  "UNTDID 1001: 380 (Factură), 389 (Autofactură), 384 (Factură corectată), 381 (Notă de creditare), "
                  "751 (Factură — informații în scopuri contabile).     #The invoice type code (BT-3) must be one of "
                  "the following codes in the UNTDID 1001 code list: 380 (Invoice), 389 (Self-invoice), 384 "
                  "(Corrected invoice), 381 (Credit note), 751 (Invoice - information for accounting purposes)."),
    "BR-RO-030": ("Dacă Codul monedei facturii (BT-5) este altul decât  RON , atunci Codul monedei de contabilizare "
                  "a TVA (BT-6) trebuie să fie  RON .     #If the Invoice currency code (BT-5) is other than  RON , "
                  "then the VAT accounting currency code(BT-6) must be  RON ."),  # [V: SCH-RO]
    "BR-RO-065": ("Identificatorul de înregistrare fiscala a vânzatorului (BT-32) si/sau Identificatorul de TVA al "
                  "vânzatorului (BT-31) si/sau Identificatorul de TVA al reprezentantului fiscal al vânzatorului "
                  "(BT-63) trebuie sa fie înscris.     #The Seller tax registration identifier (BT-32) and/or the "
                  "Seller VAT identifier (BT-31) and/or the Seller tax representative VAT identifier (BT-63) shall be "
                  "present."),  # [V: SCH-RO]
    "BR-RO-080-seller": ("Adresa Vânzătorului - Linia 1 (BT-35) trebuie furnizata.     "
                         "#Seller address line 1(BT-35) must be provided."),  # [V: SCH-RO]
    "BR-RO-080-buyer": ("Adresa Cumpărătorului - Linia 1 (BT-50) trebuie furnizata.     "
                        "#Buyer address line 1(BT-50) must be provided."),  # [V: SCH-RO]
    "BR-RO-090-seller": ("Localitatea Vânzătorului (BT-37) trebuie furnizata.     "
                         "#Seller city(BT-37) must be provided."),  # [V: SCH-RO]
    # "Buyer city(BT-37)" is ANAF's own slip in the schematron, kept [V: SCH-RO].
    "BR-RO-090-buyer": ("Localitatea Cumpărătorului (BT-52) trebuie furnizata.     "
                        "#Buyer city(BT-37) must be provided."),
    "BR-RO-100-seller": ("Daca Codul ţării Vânzătorului (BT-40) este  RO  si Subdiviziunea ţării Vânzătorului (BT-39) "
                         "este  RO-B  (corespunzator Municipiului Bucuresti), atunci Localitatea Vânzătorului (BT-37) "
                         "trebuie să fie codificată folosind lista de coduri SECTOR-RO.     #If the Seller's country "
                         "Code (BT-40) is  RO  and the Seller's country subdivision (BT-39) is  RO-B  (corresponding to "
                         "Bucharest Municipality), then the Seller city (BT-37) must be coded using the code list "
                         "RO-SECTOR(SECTOR1 SECTOR2 SECTOR3 SECTOR4 SECTOR5 SECTOR6)."),  # [V: SCH-RO]
    "BR-RO-100-buyer": ("Daca Codul ţării Cumpărătorului (BT-55) este  RO  si Subdiviziunea ţării Cumpărătorului "
                        "(BT-54) este  RO-B  (corespunzator Municipiului Bucuresti), atunci Localitatea Cumpărătorului "
                        "(BT-52) trebuie să fie codificată folosind lista de coduri SECTOR-RO.     #If the Buyer's "
                        "country Code (BT-55) is  RO  and the Buyer's country subdivision (BT-54) is  RO-B  "
                        "(corresponding to Bucharest Municipality), then the Buyer city (BT-52) must be coded using "
                        "the code list RO-SECTOR(SECTOR1 SECTOR2 SECTOR3 SECTOR4 SECTOR5 SECTOR6)."),  # adapted
    # Verbatim from ANAF's own validare output [V: SW-EF/validare]; the buyer variant adapted from it.
    "BR-RO-110-seller": ("Daca Codul ţării vânzătorului (BT-40) este  RO , atunci Subdiviziunea ţării vânzătorului "
                         "(BT-39) trebuie să fie codificată folosind lista de coduri ISO 3166-2:RO (ex.  RO-B  pentru "
                         "Municipiul Bucuresti,  RO-AB  pentru judetul Alba...).     #If the Seller's country Code "
                         "(BT-40) is  RO , then the Seller's country subdivision (BT-39) must be coded using the ISO "
                         "3166-2: RO code list (ex.  RO-B  for Bucharest,  RO-AB  for Alba County...)."),
    "BR-RO-110-buyer": ("Daca Codul ţării cumpărătorului (BT-55) este  RO , atunci Subdiviziunea ţării cumpărătorului "
                        "(BT-54) trebuie să fie codificată folosind lista de coduri ISO 3166-2:RO (ex.  RO-B  pentru "
                        "Municipiul Bucuresti,  RO-AB  pentru judetul Alba...).     #If the Buyer's country Code "
                        "(BT-55) is  RO , then the Buyer's country subdivision (BT-54) must be coded using the ISO "
                        "3166-2: RO code list (ex.  RO-B  for Bucharest,  RO-AB  for Alba County...)."),
    "BR-RO-120": ("Identificatorul de înregistrare legală a Cumpărătorului (BT-47) si/sau Identificatorul de TVA al "
                  "Cumpărătorului (BT-48) trebuie sa fie înscris.     #The Buyer legal registration identifier (BT-47) "
                  "and/or the Buyer VAT identifier (BT-48) shall be present."),  # [V: SCH-RO]
    "BR-CO-10": "Sum of Invoice line net amount (BT-106) = Σ Invoice line net amount (BT-131).",  # [V: SCH-EN]
    "BR-CO-15": ("Invoice total amount with VAT (BT-112) = Invoice total amount without VAT (BT-109) + Invoice total "
                 "VAT amount (BT-110)."),  # [V: SCH-EN]
}

# -- the sandbox's own wording, where ANAF has no sentence --
FORCED_ERROR = ("E: validari globale\n eroare regula: SANDBOX-F1: rezultat fortat prin "
                "/__admin/efactura (panoul de control al sandbox-ului)")  # [P]

# -- validare (SPEC-ANAF-API §6.10, P2) -- [V: SW-EF/validare]
VALIDARE_STANDARD_VALUES = "Valorile acceptate pentru parametrul standard sunt FACT1 si FCN"
VALIDARE_TOO_BIG = "Marime fisier transmis mai mare de 5 MB."

# -- /api/validate/signature (SPEC-ANAF-API §6.10, P2) -- [V: ANAF's validaresemnatura swagger, via anafpy]
SIGNATURE_VALID = ("Fișierele încărcate au fost validate cu succes, din perspectiva autenticității semnăturii aplicate "
                   "și a apartenenței acesteia la XML-ul ce reprezintă factura electronică. Documentul factură de tip "
                   "XML cu semnătura de validare atașată, este considerat document original din perspectiva "
                   "legislativă și este generat prin intermediul sistemului național RO e-Factura.")
SIGNATURE_INVALID = ("Fișierele încărcate NU au putut fi validate cu succes, din perspectiva autenticității semnăturii "
                     "aplicate și a apartenenței acesteia la XML-ul ce reprezintă factura electronică. Documentul "
                     "factură de tip XML cu semnătura de validare atașată, NU poate fi considerat document original "
                     "din perspectiva legislativă și NU este generat prin intermediul sistemului național RO "
                     "e-Factura.")
SIGNATURE_BAD_REQUEST = ("Eroare tehnică: request incorect. Cauza: cel puțin unul din documente NU a fost încărcat "
                         "sau NU este un fisier de tip XML specific facturii electronice.")
