"""One code redeemed by 20 threads at once: exactly one gets tokens (single use is atomic in SQL)."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest


@pytest.mark.parametrize("data_dir", [False, True], ids=["in-memory", "sqlite-file"])
def test_twenty_concurrent_redemptions_one_winner(start_anaf, tmp_path, data_dir: bool) -> None:
    anaf = start_anaf(data_dir=str(tmp_path) if data_dir else None)
    anaf.register()
    code = anaf.code()
    start = threading.Barrier(20)

    def redeem(_: int) -> tuple[int, str | None]:
        start.wait(timeout=10)
        answer = anaf.exchange(code)
        return answer.status_code, answer.json().get("error")

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(redeem, range(20)))
    assert sorted(results, key=str) == [(200, None)] + [(400, "invalid_grant")] * 19
