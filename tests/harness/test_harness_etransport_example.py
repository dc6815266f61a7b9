"""Testing an e-Transport integration against the sandbox: an example to copy into your own suite.

The `anaf_sandbox` fixture (installed with the package) gives a seeded sandbox reset before each test;
``anaf_sandbox.anaf.etransport(token)`` calls e-Transport as your client would and drives its control plane.
``anaf_intercept`` answers https://api.anaf.ro in-process, for code with ANAF's real URLs hard-wired.
"""
from __future__ import annotations

from datetime import date, timedelta

import requests

MY_CALLBACK = "https://my-erp.example/anaf/callback"
DECLARANT, CUSTOMER = "12345674", "56789016"  # a seeded certificate's company, and a seeded taxpayer
TOMORROW = (date.today() + timedelta(days=1)).isoformat()
NOTIFICATION = f"""<?xml version="1.0" encoding="UTF-8"?>
<eTransport xmlns="mfp:anaf:dgti:eTransport:declaratie:v2" codDeclarant="{DECLARANT}" refDeclarant="MY-TR-1">
  <notificare codTipOperatiune="30">
    <bunuriTransportate codScopOperatiune="101" codTarifar="0702" denumireMarfa="Rosii" cantitate="1200"
                        codUnitateMasura="KGM" greutateNeta="1200" greutateBruta="1260" valoareLeiFaraTva="6000"/>
    <partenerComercial codTara="RO" cod="{CUSTOMER}" denumire="Client Exemplu SRL"/>
    <dateTransport nrVehicul="B123ABC" codTaraOrgTransport="RO" codOrgTransport="{DECLARANT}"
                   denumireOrgTransport="Exemplu Soft SRL" dataTransport="{TOMORROW}"/>
    <locStartTraseuRutier><locatie codJudet="40" denumireLocalitate="Sector 1" denumireStrada="Str. A"/></locStartTraseuRutier>
    <locFinalTraseuRutier><locatie codJudet="12" denumireLocalitate="Cluj-Napoca" denumireStrada="Str. B"/></locFinalTraseuRutier>
    <documenteTransport tipDocument="30" numarDocument="AV-1" dataDocument="{TOMORROW}"/>
  </notificare>
</eTransport>
"""


def deletion(uit: str) -> str:
    return (f'<eTransport xmlns="mfp:anaf:dgti:eTransport:declaratie:v2" codDeclarant="{DECLARANT}">'
            f'<stergere uit="{uit}"/></eTransport>')


def test_declare_a_transport_and_get_a_valid_uit(anaf_sandbox) -> None:
    anaf = anaf_sandbox.anaf
    app = anaf.register_app(callbacks=[MY_CALLBACK], services=["ETRANSPORT"])
    serial = anaf_sandbox.identities[0]["serial"]  # the certificate that holds 12345674
    etransport = anaf.etransport(anaf.login(app, identity=serial)["access_token"])

    sent = etransport.upload(NOTIFICATION, cif=DECLARANT)
    assert sent.error is None and len(sent.uit) == 16  # the UIT comes at once, valid once processing says ok
    assert etransport.finish(sent.index).state == "ok"  # reveal processing now instead of waiting

    (record,) = etransport.declarations(DECLARANT, days=1)["mesaje"]
    assert (record["uit"], record["tip"], record["stare"]) == (sent.uit, "NOT", "OK")
    (carried,) = etransport.info(cui_op=DECLARANT)  # what the transport organiser sees
    assert (carried["uit"], carried["data_exp_uit"][:10]) == (sent.uit, (date.today() + timedelta(days=6)).isoformat())


def test_refusals_and_outcomes_you_force(anaf_sandbox) -> None:
    anaf = anaf_sandbox.anaf
    app = anaf.register_app(callbacks=[MY_CALLBACK], services=["ETRANSPORT"])
    etransport = anaf.etransport(anaf.login(app)["access_token"])

    broken = etransport.upload(NOTIFICATION.replace("</notificare>", "</notificar>"), cif=DECLARANT)
    assert broken.index is None and "SAXParseException; lineNumber: 12" in broken.error

    unknown = etransport.finish(etransport.upload(deletion("CDEFHJKLMNPQRT01"), cif=DECLARANT).index)
    assert (unknown.state, unknown.errors) == ("nok", ("UIT-ul nu poate fi identificat.",))

    etransport.arm_next(DECLARANT, "nok", errors=["my error"])  # the next upload under 12345674 ends nok
    assert etransport.finish(etransport.upload(NOTIFICATION, cif=DECLARANT).index).errors == ("my error",)


def test_code_with_api_anaf_ro_hard_wired(anaf_intercept) -> None:
    app = anaf_intercept.register_app(callbacks=[MY_CALLBACK])
    token = anaf_intercept.login(app)["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/xml"}

    # Your production code, unchanged: it calls https://api.anaf.ro with requests.
    sent = requests.post(f"https://api.anaf.ro/test/ETRANSPORT/ws/v1/upload/ETRANSP/{DECLARANT}/2",
                         data=NOTIFICATION.encode(), headers=headers).json()
    anaf_intercept.etransport(token).finish(sent["index_incarcare"])
    state = requests.get(f"https://api.anaf.ro/test/ETRANSPORT/ws/v1/stareMesaj/{sent['index_incarcare']}",
                         headers=headers).json()
    assert state["stare"] == "ok"
    gone = requests.get("https://api.anaf.ro/test/ETRANSPORT/ws/v1/descarcare/1", headers=headers)
    assert (gone.status_code, gone.json()["error"]) == (404, "Not Found")  # ANAF removed descarcare
