"""Message lists (SPEC-ANAF-API §6.7, §6.8): pure functions, time passed in.

Every time ANAF writes is Bucharest local time; lists select by `data_creare` (the indexing time),
downloads count their 60 days from the upload (§6.9).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from mock_anaf.anaf_numbers import whole_number
from mock_anaf.anaf_time import dashed, minute_stamp
from mock_anaf.efactura import texts

DAY = 86_400
WINDOW_DAYS = 60
PAGE_SIZE = 500  # [V: SW-EF/listamesaje]
MAX_UNPAGED = 500  # [V: SW-EF/listamesaje "500 elemente permise in pagina"]
FILTERS = {  # [V: PDF-EF, SW-EF]
    "E": (texts.TIP_ERRORS,),
    "T": (texts.TIP_SENT,),
    "P": (texts.TIP_RECEIVED,),
    "R": (texts.TIP_RASP,),
}


# -- listaMesajeFactura ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DaysQuery:
    """A checked `listaMesajeFactura` query."""

    zile: int
    cif: str
    filtru: str | None


def check_days_query(zile: str, cif: str, filtru: str | None) -> DaysQuery | str:
    """The query, or ANAF's `eroare` for the first bad parameter (§6.7, before rights and quota)."""
    if whole_number(cif) is None:
        return texts.CIF_NOT_NUMBER.format(cif=cif)
    days = whole_number(zile)
    if days is None:
        return texts.ZILE_NOT_INTEGER.format(value=zile)
    if not 1 <= days <= WINDOW_DAYS:
        return texts.ZILE_RANGE
    if filtru is not None and filtru not in FILTERS:
        return texts.FILTRU_VALUES
    return DaysQuery(days, cif, filtru)


def days_window(now: float, zile: int) -> tuple[float, float]:
    """`data_creare` bounds of the last ``zile`` × 24 h."""
    return now - zile * DAY, now


# -- listaMesajePaginatieFactura --------------------------------------------------------------------


@dataclass(frozen=True)
class IntervalQuery:
    """A checked `listaMesajePaginatieFactura` query; times in Unix milliseconds."""

    start_ms: int
    end_ms: int
    cif: str
    page: int
    filtru: str | None


def check_interval_query(start: str, end: str, cif: str, page: str, filtru: str | None) -> IntervalQuery | str:
    """The query, or the first format error (§6.8), before rights, quota and the time window."""
    if whole_number(cif) is None:
        return texts.PAG_CIF_NOT_NUMBER.format(cif=cif)
    values = {}
    for name, value in (("startTime", start), ("endTime", end), ("pagina", page)):
        number = whole_number(value)
        if number is None or (name == "pagina" and number < 1):
            return texts.PAG_NOT_NUMBER.format(name=name, value=value)
        values[name] = number
    if filtru is not None and filtru not in FILTERS:
        return texts.FILTRU_VALUES
    return IntervalQuery(values["startTime"], values["endTime"], cif, values["pagina"], filtru)


def interval_problem(query: IntervalQuery, now: float) -> str | None:
    """The time-window error of §6.8 (after the quota), or None."""
    start, end = query.start_ms / 1000, query.end_ms / 1000
    if start < now - WINDOW_DAYS * DAY:
        return texts.START_TOO_OLD.format(start=dashed(start))
    if end <= start:
        return texts.END_BEFORE_START.format(end=dashed(end), start=dashed(start))
    if end > now:
        return texts.END_IN_FUTURE.format(end=dashed(end), now=dashed(now))
    return None


def page_count(total: int) -> int:
    return max(1, math.ceil(total / PAGE_SIZE))


def interval_title(query: IntervalQuery) -> str:
    return texts.LIST_TITLE_INTERVAL.format(start=dashed(query.start_ms / 1000), end=dashed(query.end_ms / 1000))


# -- answers ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One list message, as stored."""

    id: str
    data_creare: float
    cif: str
    id_solicitare: str
    detalii: str
    tip: str


def entry_json(entry: Entry) -> dict[str, str]:
    """A message in ANAF's key order; every value a string [V: SW-EF, LIVE]."""
    return {"data_creare": minute_stamp(entry.data_creare), "cif": entry.cif, "id_solicitare": entry.id_solicitare,
            "detalii": entry.detalii, "tip": entry.tip, "id": entry.id}


def sort_newest(entries: list[Entry]) -> list[Entry]:
    """Newest `data_creare` first, then the higher id [I: SW-EF examples]."""
    return sorted(entries, key=lambda e: (e.data_creare, int(e.id)), reverse=True)


def days_answer(entries: list[Entry], serial: str, cif: str, zile: int) -> dict[str, Any]:
    return {"mesaje": [entry_json(e) for e in entries], "serial": serial, "cui": cif,
            "titlu": texts.LIST_TITLE_DAYS.format(zile=zile)}


def page_answer(entries: list[Entry], total: int, query: IntervalQuery, serial: str) -> dict[str, Any]:
    return {"mesaje": [entry_json(e) for e in entries], "numar_inregistrari_in_pagina": len(entries),
            "numar_total_inregistrari_per_pagina": PAGE_SIZE, "numar_total_inregistrari": total,
            "numar_total_pagini": page_count(total), "index_pagina_curenta": query.page, "serial": serial,
            "cui": query.cif, "titlu": interval_title(query)}


def list_error(message: str) -> dict[str, str]:
    return {"eroare": message, "titlu": texts.LIST_TITLE}


# -- what a finished upload puts in the lists (§6.4) -------------------------------------------------


@dataclass(frozen=True)
class Finished:
    """The facts of a finished upload that decide its list entries."""

    index: str
    state: str
    standard: str
    cif: str
    seller: str | None
    buyer: str | None
    owner: str | None
    b2c: bool = False
    extern: bool = False
    self_billed: bool = False
    target: str | None = None  # RASP: the index of the invoice it answers
    counterpart: str | None = None  # RASP: the other party of that invoice


def entries_for(upload: Finished) -> list[tuple[str, str, str]]:
    """(owner CIF, tip, detalii) of each entry; all of one upload share its download id (§6.4)."""
    i = upload.index
    if upload.state == texts.STATE_NOK:
        detalii = texts.DETALII_ERRORS_SELF_BILLED if upload.self_billed else texts.DETALII_ERRORS
        return [(upload.owner or upload.cif, texts.TIP_ERRORS, detalii.format(index=i))]
    if upload.state != texts.STATE_OK:
        return []
    if upload.standard == "RASP":
        detalii = texts.DETALII_RASP.format(invoice=upload.target or i, sender=upload.cif)
        owners = [upload.cif] + ([upload.counterpart] if upload.counterpart else [])
        return [(owner, texts.TIP_RASP, detalii) for owner in dict.fromkeys(owners)]
    seller = upload.seller or upload.cif
    buyer = upload.buyer
    if upload.self_billed:
        detalii = texts.DETALII_SELF_BILLED.format(index=i, buyer=buyer or upload.cif, seller=seller)
        return [(buyer or upload.cif, texts.TIP_RECEIVED, detalii), (seller, texts.TIP_SENT, detalii)]
    detalii = texts.DETALII_INVOICE.format(index=i, seller=seller, buyer=buyer or "")
    entries = [(seller, texts.TIP_SENT, detalii)]
    if not (upload.b2c or upload.extern) and buyer is not None and buyer.isdigit() and 2 <= len(buyer) <= 10:
        entries.append((buyer, texts.TIP_RECEIVED, detalii))
    return entries
