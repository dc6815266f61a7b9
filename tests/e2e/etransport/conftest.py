"""Real mock ANAF and mock SBS on 127.0.0.1 port 0, as for e-Factura's e2e tests (processing takes 2 s)."""
from __future__ import annotations

from tests.e2e.efactura.conftest import stack  # noqa: F401 - both servers, with mock SBS's runtime at hand
from tests.e2e.sbs.conftest import seeded  # noqa: F401 - e-Transport under SBS's implicit (SBS-managed) secret
