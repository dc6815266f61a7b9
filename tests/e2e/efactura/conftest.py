"""Real mock ANAF and mock SBS on 127.0.0.1 port 0 (as tests/e2e/sbs), with mock SBS's runtime at hand."""
from __future__ import annotations

from typing import Any, Iterator

import pytest
import requests

from mock_anaf import create_app as create_anaf
from mock_anaf.config import Config as AnafConfig
from mock_sbs import create_app as create_sbs
from mock_sbs.config import Config as SbsConfig
from foundation.serving import ServerThread, wait_healthy
from tests.e2e.sbs.conftest import ACCOUNT_KEY, Stack, seeded  # noqa: F401 - `seeded` builds on `stack` below


@pytest.fixture()
def stack() -> Iterator[Stack]:
    """Both servers; ``stack.sbs_runtime`` is mock SBS's runtime (its store holds the brokered tokens)."""
    anaf_server, sbs_server = ServerThread(), ServerThread()
    apps: list[Any] = []
    try:
        apps.append(create_anaf(AnafConfig(port=anaf_server.port, public_url=anaf_server.url,
                                           api_processing_seconds=2)))
        anaf_server.start(apps[-1])
        apps.append(create_sbs(SbsConfig(port=sbs_server.port, public_url=sbs_server.url, anaf_url=anaf_server.url,
                                         bootstrap_account_key=ACCOUNT_KEY, refresh_sweep_interval=0)))
        sbs_server.start(apps[-1])
        wait_healthy(anaf_server.url)
        wait_healthy(sbs_server.url)
        with requests.Session() as http:
            handle = Stack(anaf_server.url, sbs_server.url, http)
            handle.sbs_runtime = apps[1].extensions["mock_sbs"]  # type: ignore[attr-defined]
            yield handle
    finally:
        sbs_server.stop()
        anaf_server.stop()
        for app in apps:
            app.extensions["sandbox.shutdown"]()
