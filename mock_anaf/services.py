"""Everything one mock ANAF instance holds, built once in ``create_app`` and handed to its blueprints."""
from __future__ import annotations

import time
from dataclasses import dataclass

from mock_anaf.config import Config
from mock_anaf.errors import InvalidClient, InvalidGrant, ServerError, TemporarilyUnavailable
from mock_anaf.grants import Grants
from mock_anaf.registry import Registry
from mock_anaf.store import Store
from mock_anaf.tokens import SigningKey
from foundation.clock import OffsetClock
from foundation.faults import FaultInjector
from foundation.journal import Journal

FAULT_ENDPOINTS = ("authorize", "token", "revoke", "hello")


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
    key: SigningKey

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
