"""What the sandbox reads from a declaration: its kind (XSD-ET, LIVE codes) and the fields lists show."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from mock_anaf.etransport import rules
from mock_anaf.etransport.declaration import Place

FIXTURES = Path(__file__).parents[2] / "fixtures" / "anaf_api"
NOTIFICATION = (FIXTURES / "etransport_notificare_v2.xml").read_bytes()
HEAD = '<eTransport xmlns="mfp:anaf:dgti:eTransport:declaratie:v2" codDeclarant="12345674"'
UIT = "CDEFHJKLMNPQRT01"


def v2(inner: str, attributes: str = "") -> bytes:
    return f"{HEAD}{attributes}>{inner}</eTransport>".encode()


CORRECTION = NOTIFICATION.replace(b'<notificare codTipOperatiune="30">',
                                  f'<notificare codTipOperatiune="30"><corectie uit="{UIT}"/>'.encode())


@pytest.mark.parametrize(
    ("body", "kind", "referenced"),
    [
        pytest.param(NOTIFICATION, "NOT", None, id="notificare"),
        pytest.param(CORRECTION, "COR", UIT, id="notificare-with-corectie"),
        pytest.param((FIXTURES / "etransport_stergere_unknown_uit.xml").read_bytes(), "DEL", UIT, id="stergere"),
        pytest.param(v2(f'<confirmare uit="{UIT}" tipConfirmare="10"/>'), "CON", UIT, id="confirmare"),
        pytest.param(v2(f'<modifVehicul uit="{UIT}" nrVehicul="CJ01ABC" dataModificare="2025-03-12T10:00:00"/>'),
                     "MVH", UIT, id="modifVehicul"),
        pytest.param(v2("<stergere/>"), "DEL", "", id="stergere-without-uit-references-nothing"),
    ],
)
def test_kind_from_the_roots_child(body: bytes, kind: str, referenced: str | None) -> None:
    declaration = rules.read_upload(body, 2)
    assert (declaration.kind, declaration.referenced_uit) == (kind, referenced)


def test_notification_fields() -> None:
    declaration = rules.read_upload(NOTIFICATION, 2)
    assert (declaration.cod_declarant, declaration.ref_declarant, declaration.post_avarie) == (
        "12345674", "SBX-TR-0001", False)
    t = declaration.transport
    assert t is not None
    assert (t.tip_op, t.data_transp) == ("30", date(2025, 3, 12))
    assert (t.pc_tara, t.pc_cod, t.pc_den) == ("RO", "56789016", "Client Exemplu SRL")
    assert (t.tr_tara, t.tr_cod, t.tr_den, t.nr_veh) == ("RO", "12345674", "Exemplu Soft SRL", "B123SBX")
    assert (t.gr_tot_bruta, t.gr_tot_neta, t.val_tot, t.nr_linii) == (Decimal(1260), Decimal(1200), Decimal(6000), 1)
    assert t.loc_start == Place("ADR", judet="B", localitate="Sector 1", strada="Str. Exemplului", numar="10")
    assert t.loc_final == Place("ADR", judet="CJ", localitate="Cluj-Napoca", strada="Str. Clientului", numar="5")
    assert t.documente == ("AV-0001",)


def test_totals_add_up_over_goods_lines_and_skip_missing_values() -> None:
    goods = ('<bunuriTransportate codScopOperatiune="101" denumireMarfa="a" cantitate="1" codUnitateMasura="KGM"'
             ' greutateBruta="50.5" valoareLeiFaraTva="50"/>'
             '<bunuriTransportate codScopOperatiune="101" denumireMarfa="b" cantitate="1" codUnitateMasura="KGM"'
             ' greutateBruta="10.25" greutateNeta="9" valoareLeiFaraTva="0.5"/>')
    t = rules.read_upload(v2(f'<notificare codTipOperatiune="10">{goods}</notificare>', ' declPostAvarie="D"'), 2)
    assert t.post_avarie is True
    assert t.transport is not None
    assert (t.transport.gr_tot_bruta, t.transport.gr_tot_neta, t.transport.val_tot, t.transport.nr_linii) == (
        Decimal("60.75"), Decimal(9), Decimal("50.5"), 2)


def test_a_sparse_notification_is_read_leniently() -> None:
    t = rules.read_upload(v2('<notificare codTipOperatiune="30"/>'), 2).transport
    assert t is not None
    assert (t.data_transp, t.pc_cod, t.tr_cod, t.gr_tot_bruta, t.nr_linii, t.loc_start, t.documente) == (
        None, None, None, None, 0, None, ())


def test_unreadable_date_and_numbers_are_left_out() -> None:
    body = v2('<notificare codTipOperatiune="30"><bunuriTransportate greutateBruta="heavy"/>'
              '<dateTransport dataTransport="12.03.2025"/></notificare>')
    t = rules.read_upload(body, 2).transport
    assert t is not None and (t.data_transp, t.gr_tot_bruta) == (None, None)


@pytest.mark.parametrize(
    ("route", "place"),
    [
        pytest.param('<locStartTraseuRutier codPtf="12"/>', Place("PTF", cod="12"), id="border-point"),
        pytest.param('<locStartTraseuRutier codBirouVamal="402801"/>', Place("BV", cod="402801"), id="customs-office"),
        pytest.param('<locStartTraseuRutier><locatie codJudet="99" denumireLocalitate="X" denumireStrada="Y"'
                     ' alteInfo="curte"/></locStartTraseuRutier>',
                     Place("ADR", judet="99", localitate="X", strada="Y", alte_info="curte"), id="unknown-county-kept"),
    ],
)
def test_route_places(route: str, place: Place) -> None:
    t = rules.read_upload(v2(f'<notificare codTipOperatiune="30">{route}</notificare>'), 2).transport
    assert t is not None and t.loc_start == place


def test_vehicle_change_and_confirmation_carry_their_values() -> None:
    change = rules.read_upload(v2(f'<modifVehicul uit="{UIT}" nrVehicul="CJ01ABC" nrRemorca1="CJ02ABC"/>'), 2)
    assert change.vehicle == ("CJ01ABC", "CJ02ABC", None)
    confirmation = rules.read_upload(v2(f'<confirmare uit="{UIT}" tipConfirmare="20" observatii="lipsa 2 lazi"/>'), 2)
    assert confirmation.confirmation == ("20", "lipsa 2 lazi")


def test_v1_reads_the_declarant_only_and_is_a_notification() -> None:
    body = (b'<eTransport xmlns="mfp:anaf:dgti:eTransport:declaratie:v1" cod_tip_operatiune="AI" cod_declarant="00000">'
            b'<confirmare UITConfirmat="UITConfirmat1" tipConfirmare="confirma"/></eTransport>')
    declaration = rules.read_upload(body, 1)
    assert (declaration.version, declaration.kind, declaration.cod_declarant, declaration.transport) == (
        1, "NOT", "00000", None)


def test_a_declaration_in_a_foreign_namespace_does_not_count() -> None:
    with pytest.raises(rules.Refused, match="cvc-complex-type.2.4.b"):
        rules.read_upload(v2('<x:stergere xmlns:x="urn:other" uit="CDEFHJKLMNPQRT01"/>'), 2)
