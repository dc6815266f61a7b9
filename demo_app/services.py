"""What the views share, built once by `create_app` and handed to each blueprint."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from demo_app.config import Config
from demo_app.journals import JournalReader
from demo_app.sbs_client import SbsClient
from demo_app.store import Store
from foundation.clock import OffsetClock
from foundation.journal import Journal


@dataclass(frozen=True)
class Services:
    """The demo's collaborators: config, SBS client, store, journals, clock, and a source of fresh ids."""

    config: Config
    sbs: SbsClient
    store: Store
    journals: JournalReader
    journal: Journal
    clock: OffsetClock
    new_id: Callable[[], str]

