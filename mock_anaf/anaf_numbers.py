"""Numbers in ANAF's request parameters, read as ANAF's Java reads them; shared by e-Factura and e-Transport."""
from __future__ import annotations


def is_number(value: str) -> bool:
    """ASCII digits only, at least one: `RO123` and `١٢٣` are not numbers to ANAF's Java."""
    return value.isascii() and value.isdigit()


def whole_number(value: str) -> int | None:
    """An id or CIF as an int: ASCII digits that fit ANAF's int64 (at most 18 digits here), else None."""
    return int(value) if is_number(value) and len(value) <= 18 else None
