"""What `lista` and `info` show, and what a UIT's history says about it now; pure (SPEC-ANAF-API §7.2–§7.5).

A UIT's history is the `ok` uploads about it, in index order: the notification that issued it, then
its corrections (COR), deletion (DEL), confirmation (CON) and vehicle changes (MVH). Only uploads whose
outcome is revealed (`ready_at` ≤ now) count; lists only show those already listed (`listed_at` ≤ now).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable, Iterable

from mock_anaf import anaf_numbers, anaf_time
from mock_anaf.etransport import rules
from mock_anaf.etransport.declaration import Declaration, Place, Transport

DAY = 86_400


@dataclass(frozen=True)
class Filed:
    """One accepted e-Transport upload as the lists see it."""

    index: int
    cif: str
    uit: str | None  # the UIT it issued (NOT) or names (COR/DEL/CON/MVH)
    declaration: Declaration
    state: str  # "ok", "nok", "XML cu erori nepreluat de sistem" (once revealed)
    list_messages: tuple[str, ...]
    ready_at: float
    listed_at: float


@dataclass
class History:
    """What the `ok` uploads about one UIT add up to."""

    issued: Filed
    latest: Filed
    transport: Transport | None
    vehicle: tuple[str | None, str | None, str | None] | None
    deleted: bool = False
    confirmation: Filed | None = None
    changes: list[Filed] = field(default_factory=list)


def histories(filed: Iterable[Filed], now: float) -> dict[str, History]:
    """Each issued UIT's history from the uploads revealed `ok` at ``now``."""
    result: dict[str, History] = {}
    for item in sorted(filed, key=lambda f: f.index):
        if item.state != "ok" or item.ready_at > now or item.uit is None:
            continue
        kind = item.declaration.kind
        if kind == "NOT":
            result[item.uit] = History(item, item, item.declaration.transport, _vehicle(item.declaration.transport))
            continue
        history = result.get(item.uit)
        if history is None:
            continue
        if kind == "MVH":
            history.vehicle = item.declaration.vehicle
            history.changes.append(item)
            continue
        history.latest = item
        if kind == "COR":
            history.transport = item.declaration.transport
            history.vehicle = _vehicle(item.declaration.transport)
        elif kind == "DEL":
            history.deleted = True
        elif kind == "CON":
            history.confirmation = item
    return result


def _vehicle(transport: Transport | None) -> tuple[str | None, str | None, str | None] | None:
    return None if transport is None else (transport.nr_veh, transport.nr_rem1, transport.nr_rem2)


def valid_until(history: History) -> datetime | None:
    """The UIT's validity end from its latest transport date; None when it has none (v1, or no date)."""
    transport = history.transport
    if transport is None or transport.data_transp is None:
        return None
    return rules.valid_until(transport.data_transp, transport.tip_op or "")


def issued_uit(filed: Iterable[Filed], uit: str | None, now: float) -> rules.IssuedUit | None:
    """Rule (1)'s view of ``uit`` at ``now``: None when no revealed `ok` notification issued it."""
    history = histories(filed, now).get(uit or "")
    if history is None:
        return None
    return rules.IssuedUit(history.issued.cif, ok=True, deleted=history.deleted, valid_until=valid_until(history))


def list_records(filed: Iterable[Filed], now: float, zile: int) -> list[dict[str, Any]]:
    """`lista/{zile}/{cif}`'s `mesaje` for the uploads of one CIF and env, by `id_incarcare` (§7.4)."""
    filed = [f for f in filed if f.listed_at <= now]
    cutoff = now - zile * DAY
    records: list[tuple[int, dict[str, Any]]] = []
    for history in histories(filed, now).values():
        last = max([history.latest, *history.changes], key=lambda f: f.index)
        if last.listed_at >= cutoff:
            records.append((history.issued.index, uit_record(history)))
        records.extend((change.index, change_record(change)) for change in history.changes
                       if change.listed_at >= cutoff)
    records.extend((f.index, error_record(f)) for f in filed if f.state == "nok" and f.listed_at >= cutoff)
    return [record for _, record in sorted(records, key=lambda pair: pair[0])]


def uit_record(history: History) -> dict[str, Any]:
    """A UIT in its final state: its latest `tip`, with `data_modif` once changed [V: LIVE, SW-ET/lista]."""
    issued, latest, declaration = history.issued, history.latest, history.issued.declaration
    record = _head(issued, uit=issued.uit)
    if latest is not issued:
        record["data_modif"] = anaf_time.second_stamp(latest.listed_at)
    record.update(stare="OK", tip=latest.declaration.kind)
    if history.transport is not None:
        record.update(_transport_fields(history.transport, history.vehicle))
    record["post_avarie"] = "D" if declaration.post_avarie else "N"
    if history.confirmation is not None and history.confirmation.declaration.confirmation is not None:
        tip_conf, obs = history.confirmation.declaration.confirmation
        record["confirmare"] = _without_none({"tip_conf": tip_conf, "obs": obs, "sursa": "A",
                                              "data_decl": anaf_time.second_stamp(history.confirmation.listed_at),
                                              "id_incarcare": history.confirmation.index})
    return record


def change_record(change: Filed) -> dict[str, Any]:
    """A vehicle change (`MVH`), listed on its own [V: LIVE "plus MVH records"; P: its fields]."""
    record = _head(change, uit=change.uit)
    record.update(stare="OK", tip="MVH")
    vehicle, trailer1, trailer2 = change.declaration.vehicle or (None, None, None)
    record.update(_without_none({"nr_veh": vehicle, "nr_rem1": trailer1, "nr_rem2": trailer2}))
    return record


def error_record(item: Filed) -> dict[str, Any]:
    """A `nok` upload: `stare` ERR and its message [V: SW-ET/lista]."""
    record = _head(item, uit=None)
    record.update(stare="ERR", tip=item.declaration.kind,
                  mesaje=[{"tip": "ERR", "mesaj": message} for message in item.list_messages])
    return record


def _head(item: Filed, uit: str | None) -> dict[str, Any]:
    declaration = item.declaration
    return _without_none({"uit": uit, "cod_decl": number(declaration.cod_declarant),
                          "ref_decl": declaration.ref_declarant or None, "sursa": "A",
                          "id_incarcare": item.index, "data_creare": anaf_time.second_stamp(item.listed_at)})


def _transport_fields(t: Transport, vehicle: tuple[str | None, str | None, str | None] | None) -> dict[str, Any]:
    nr_veh, nr_rem1, nr_rem2 = vehicle or (None, None, None)
    return _without_none({
        "tip_op": t.tip_op, "data_transp": None if t.data_transp is None else t.data_transp.strftime("%Y%m%d000000"),
        "pc_tara": t.pc_tara, "pc_cod": t.pc_cod, "pc_den": t.pc_den,
        "tr_tara": t.tr_tara, "tr_cod": t.tr_cod, "tr_den": t.tr_den,
        "nr_veh": nr_veh, "nr_rem1": nr_rem1, "nr_rem2": nr_rem2,
        "gr_tot_bruta": amount(t.gr_tot_bruta), "gr_tot_neta": amount(t.gr_tot_neta), "val_tot": amount(t.val_tot),
        "nr_linii": t.nr_linii,
    })


def info_records(filed: Iterable[Filed], now: float, cui_op: str, names: Callable[[str], str | None],
                 cui_decl: str | None = None, uit: str | None = None, ref_decl: str | None = None,
                 ) -> list[dict[str, Any]]:
    """`info`: valid, unexpired notifications whose transport organiser is ``cui_op``, filtered (§7.5)."""
    moment = anaf_time.local(now)
    found = []
    for code, history in histories(filed, now).items():
        t, declaration = history.transport, history.issued.declaration
        until = valid_until(history)
        if t is None or until is None or history.deleted or moment >= until or t.tr_cod != cui_op:
            continue
        if (cui_decl and declaration.cod_declarant != cui_decl) or (uit and code != uit) or (
                ref_decl and declaration.ref_declarant != ref_decl):
            continue
        nr_veh = (history.vehicle or (t.nr_veh, None, None))[0]
        found.append(_without_none({
            "id": history.issued.index, "uit": code, "cod_decl": number(declaration.cod_declarant),
            "den_decl": names(declaration.cod_declarant) or "",
            "data_transp": t.data_transp.strftime("%Y-%m-%dT00:00:00") if t.data_transp else None,
            "data_exp_uit": until.strftime("%Y-%m-%dT00:00:00"), "ref_decl": declaration.ref_declarant or None,
            "tr_cod": t.tr_cod, "tr_den": t.tr_den, "nr_veh": nr_veh,
            "loc_start": place(t.loc_start), "loc_final": place(t.loc_final), "documente": "; ".join(t.documente),
        }))
    return sorted(found, key=lambda record: record["id"])


def place(where: Place | None) -> dict[str, str] | None:
    """A route end as `info` shows it; absent parts as "-" like the swagger's `alte_info` [I: SW-ET/info]."""
    if where is None:
        return None
    if where.tip_loc != "ADR":
        full = f"{where.tip_loc} {where.cod}"
    else:
        street = " ".join(part for part in (where.strada, f"nr. {where.numar}" if where.numar else None) if part)
        full = ", ".join(part for part in (street, where.localitate, f"jud. {where.judet}" if where.judet else None)
                         if part)
    return {"tip_loc": where.tip_loc, "adresa_completa": full or "-", "judet": where.judet or "-",
            "localitate": where.localitate or "-", "strada": where.strada or "-", "numar": where.numar or "-",
            "alte_info": where.alte_info or "-"}


def number(value: str) -> int | str:
    """A CIF as a JSON number, as `cod_decl` comes [I: EGO int64]; kept as text when it is not digits."""
    return int(value) if anaf_numbers.is_number(value) else value


def amount(value: Decimal | None) -> int | float | None:
    """A total as a JSON number: 1260 stays an integer, 50.5 a decimal."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}
