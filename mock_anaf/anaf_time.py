"""How ANAF's APIs write time: Europe/Bucharest wall clock (SPEC-ANAF-API §6.0), from the service clock.

Shared by e-Factura and e-Transport. `tzdata` is a dependency, so this works without a system zone database.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

BUCHAREST = ZoneInfo("Europe/Bucharest")


def local(epoch: float) -> datetime:
    """The moment as a Bucharest wall-clock time."""
    return datetime.fromtimestamp(epoch, tz=BUCHAREST)


def minute_stamp(epoch: float) -> str:
    """`yyyyMMddHHmm`: `dateResponse`, e-Factura's `data_creare` [V: SW-EF, SW-ET]."""
    return local(epoch).strftime("%Y%m%d%H%M")


def second_stamp(epoch: float) -> str:
    """`yyyyMMddHHmmss`: e-Transport's `data_creare` [V: SW-ET]."""
    return local(epoch).strftime("%Y%m%d%H%M%S")


def dashed(epoch: float) -> str:
    """`dd-MM-yyyy HH:mm:ss`: list titles, list errors, the 400 `timestamp` [V: SW-EF]."""
    return local(epoch).strftime("%d-%m-%Y %H:%M:%S")


def day(epoch: float) -> str:
    """The Bucharest calendar day, `yyyy-MM-dd`: what daily quotas count by."""
    return local(epoch).strftime("%Y-%m-%d")


def spring_timestamp(epoch: float) -> str:
    """Spring Boot's error `timestamp`, e.g. `2025-03-10T10:15:00.000+00:00` (UTC)."""
    moment = datetime.fromtimestamp(epoch, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"
