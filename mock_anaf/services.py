"""Everything one mock ANAF instance holds, built once in ``create_app`` and handed to its blueprints."""
from __future__ import annotations

import time
from dataclasses import dataclass

from foundation.clock import OffsetClock
from foundation.faults import FaultInjector
from foundation.journal import Journal
from mock_anaf.api_faults import API_FAULT_KINDS
from mock_anaf.config import Config
from mock_anaf.efactura.operations import Efactura
from mock_anaf.efactura.routes import FAULT_ENDPOINTS as EFACTURA_FAULTS
from mock_anaf.etransport.operations import Etransport
from mock_anaf.etransport.routes import FAULT_ENDPOINTS as ETRANSPORT_FAULTS
from mock_anaf.errors import InvalidClient, InvalidGrant, ServerError, TemporarilyUnavailable
from mock_anaf.gateway import Gateway
from mock_anaf.grants import Grants
from mock_anaf.oauth_calls import OAuthCalls
from mock_anaf.processing import Quotas, RuntimeSettings, Sequences
from mock_anaf.registry import Registry
from mock_anaf.store import Store
from mock_anaf.taxpayers import Taxpayers
from mock_anaf.tokens import SigningKey

OAUTH_FAULT_ENDPOINTS = ("authorize", "token", "revoke", "hello")
API_FAULT_ENDPOINTS = EFACTURA_FAULTS + ETRANSPORT_FAULTS
FAULT_ENDPOINTS = OAUTH_FAULT_ENDPOINTS + API_FAULT_ENDPOINTS
FAULT_KINDS = {endpoint: API_FAULT_KINDS for endpoint in API_FAULT_ENDPOINTS}


@dataclass(frozen=True)
class Services:
    """One instance's collaborators: no module-level state anywhere."""

    config: Config
    clock: OffsetClock
    journal: Journal
    faults: FaultInjector
    store: Store
    registry: Registry
    grants: Grants
    oauth: OAuthCalls
    key: SigningKey
    # ANAF's APIs (SPEC-ANAF-API): shared pieces, then one entry per API.
    taxpayers: Taxpayers
    api_settings: RuntimeSettings
    gateway: Gateway
    sequences: Sequences
    quotas: Quotas
    efactura: Efactura
    etransport: Etransport

    def apply_fault(self, endpoint: str) -> None:
        """Fail this call as `/__admin/faults` asked, or wait and carry on for `delay`."""
        fault = self.faults.take(endpoint)
        if fault is None:
            return
        note = "(fault injected through /__admin/faults)"
        if fault.error == "delay":
            time.sleep(fault.seconds)
        elif fault.error == "invalid_grant":
            raise InvalidGrant(f"The authorization grant is invalid {note}")
        elif fault.error == "invalid_client":
            raise InvalidClient(f"Client authentication failed {note}")
        elif fault.error == "temporarily_unavailable":
            raise TemporarilyUnavailable(f"The service is temporarily unavailable {note}")
        else:
            raise ServerError(f"Internal server error {note}")
