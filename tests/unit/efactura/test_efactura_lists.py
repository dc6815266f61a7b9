"""§6.7/§6.8 list rules and ANAF's Bucharest time formats, with fixed times."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from mock_anaf import anaf_time
from mock_anaf.efactura import lists

GOLDENS = Path(__file__).resolve().parents[2] / "fixtures" / "anaf_api" / "responses" / "efactura"
# 2025-03-10 10:15:00 in Bucharest (EET, UTC+2).
T_1015 = 1741594500.0
NOW = T_1015 + 110 * 60  # 12:05


@pytest.mark.parametrize(("epoch", "minute", "dashed", "day"), [
    pytest.param(T_1015, "202503101015", "10-03-2025 10:15:00", "2025-03-10", id="winter-eet"),
    pytest.param(1752146100.0, "202507101415", "10-07-2025 14:15:00", "2025-07-10", id="summer-eest"),
    pytest.param(1741643999.0, "202503102359", "10-03-2025 23:59:59", "2025-03-10", id="before-midnight"),
    pytest.param(1741644000.0, "202503110000", "11-03-2025 00:00:00", "2025-03-11", id="bucharest-midnight"),
])
def test_bucharest_formats(epoch: float, minute: str, dashed: str, day: str) -> None:
    assert (anaf_time.minute_stamp(epoch), anaf_time.dashed(epoch), anaf_time.day(epoch)) == (minute, dashed, day)


def test_spring_timestamp_is_utc_with_millis() -> None:
    assert anaf_time.spring_timestamp(T_1015 + 0.25) == "2025-03-10T08:15:00.250+00:00"


@pytest.mark.parametrize(("args", "expected"), [
    pytest.param(("1", "12345674", None), lists.DaysQuery(1, "12345674", None), id="ok"),
    pytest.param(("60", "12345674", "E"), lists.DaysQuery(60, "12345674", "E"), id="filter"),
    pytest.param(("1", "RO12345674", None), "CIF introdus= RO12345674 nu este un numar", id="ro-cif"),
    pytest.param(("x", "12345674", None), "Numarul de zile introdus= x nu este un numar intreg", id="zile-text"),
    pytest.param(("-1", "12345674", None), "Numarul de zile introdus= -1 nu este un numar intreg", id="zile-negative"),
    pytest.param(("0", "12345674", None), "Numarul de zile trebuie sa fie intre 1 si 60", id="zile-zero"),
    pytest.param(("61", "12345674", None), "Numarul de zile trebuie sa fie intre 1 si 60", id="zile-61"),
    pytest.param(("1", "12345674", "e"), "Valorile acceptate pentru parametrul filtru sunt E, T, P sau R",
                 id="filter-case-sensitive"),
    pytest.param(("x", "y", "Z"), "CIF introdus= y nu este un numar", id="cif-checked-first"),
])
def test_days_query(args: tuple, expected: object) -> None:
    assert lists.check_days_query(*args) == expected


@pytest.mark.parametrize(("args", "expected"), [
    pytest.param(("1", "2", "x", "1", None),
                 "CIF introdus= x nu este un numar sau nu are o valoare acceptata de sistem", id="cif"),
    pytest.param(("a", "2", "1", "1", None),
                 "startTime = a nu este un numar sau nu are o valoare acceptata de sistem", id="start"),
    pytest.param(("1", "b", "1", "1", None),
                 "endTime = b nu este un numar sau nu are o valoare acceptata de sistem", id="end"),
    pytest.param(("1", "2", "1", "0", None),
                 "pagina = 0 nu este un numar sau nu are o valoare acceptata de sistem", id="page-zero"),
    pytest.param(("1", "2", "1", "1", "X"), "Valorile acceptate pentru parametrul filtru sunt E, T, P sau R",
                 id="filter"),
])
def test_interval_query_format(args: tuple, expected: str) -> None:
    assert lists.check_interval_query(*args) == expected


def _query(start: float, end: float) -> lists.IntervalQuery:
    return lists.IntervalQuery(int(start * 1000), int(end * 1000), "12345674", 1, None)


@pytest.mark.parametrize(("start", "end", "expected"), [
    pytest.param(NOW - 3600, NOW - 60, None, id="ok"),
    pytest.param(NOW - 61 * 86400, NOW - 60,
                 "startTime = 08-01-2025 12:05:00 nu poate fi mai vechi de 60 de zile fata de momentul requestului",
                 id="older-than-60-days"),
    pytest.param(NOW - 60, NOW - 3600, "endTime = 10-03-2025 11:05:00 nu poate fi <= startTime = 10-03-2025 12:04:00",
                 id="end-before-start"),
    pytest.param(NOW - 3600, NOW + 1,
                 "endTime = 10-03-2025 12:05:01 nu poate in viitor fata de momentul requestului = 10-03-2025 12:05:00",
                 id="one-second-in-the-future"),
])
def test_interval_window(start: float, end: float, expected: str | None) -> None:
    assert lists.interval_problem(_query(start, end), NOW) == expected


@pytest.mark.parametrize(("total", "pages"), [(0, 1), (1, 1), (500, 1), (501, 2), (2000, 4)])
def test_page_count(total: int, pages: int) -> None:
    assert lists.page_count(total) == pages


ENTRIES = [
    lists.Entry("3000000001", T_1015, "12345674", "5000000001",
                "Factura cu id_incarcare=5000000001 emisa de cif_emitent=12345674 pentru cif_beneficiar=56789016",
                "FACTURA TRIMISA"),
    lists.Entry("3000000002", T_1015 + 60, "12345674", "5000000002",
                "Erori de validare identificate la factura transmisa cu id_incarcare=5000000002", "ERORI FACTURA"),
]


def test_days_answer_matches_golden() -> None:
    answer = lists.days_answer(lists.sort_newest(ENTRIES), "4F1A9C2E7B3D5A60", "12345674", 1)
    assert json.dumps(answer, separators=(",", ":"), ensure_ascii=False) == (GOLDENS / "lista_ok.json").read_text().strip()


def test_page_answer_matches_golden() -> None:
    query = lists.IntervalQuery(1741557600000, 1741600800000, "12345674", 1, None)
    answer = lists.page_answer(lists.sort_newest(ENTRIES), 2, query, "4F1A9C2E7B3D5A60")
    golden = (GOLDENS / "lista_paginatie_ok.json").read_text().strip()
    assert json.dumps(answer, separators=(",", ":"), ensure_ascii=False) == golden


def test_newest_first_then_higher_id() -> None:
    same_minute = [lists.Entry(str(i), T_1015, "1", "5", "d", "t") for i in (3000000005, 3000000007, 3000000006)]
    assert [e.id for e in lists.sort_newest(same_minute)] == ["3000000007", "3000000006", "3000000005"]
