"""One running mock SBS wired together: store, clock, journal, ANAF client, domain services, schemas, sweeper."""
from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass, field

from foundation.clock import Clock, OffsetClock
from foundation.journal import Journal

from mock_sbs.access import hash_key
from mock_sbs.accounts import Accounts
from mock_sbs.anaf_api import AnafApi, HttpAnafApi
from mock_sbs.anaf_client import AnafGateway, HttpAnafGateway
from mock_sbs.api_calls import ApiServices
from mock_sbs.api_records import Records
from mock_sbs.api_resolvers import build_api_schemas
from mock_sbs.authorizations import Brokering
from mock_sbs.config import Config
from mock_sbs.efactura import Invoices
from mock_sbs.etransport import Declarations
from mock_sbs.graphql_api import DocumentCache
from mock_sbs.implicit import ImplicitSecrets
from mock_sbs.model import ClientSecret
from mock_sbs.organizations import Organizations
from mock_sbs.resolvers import Domain, build_schemas
from mock_sbs.store import Store

log = logging.getLogger(__name__)


def new_id(prefix: str) -> str:
    """A random id with a readable prefix, e.g. `app_3f9c...`."""
    return prefix + secrets.token_hex(8)


def new_token() -> str:
    """An unguessable token (keys, OAuth state): 256 random bits."""
    return secrets.token_urlsafe(32)


@dataclass
class Services:
    """What the routes need; tests reach it as `app.extensions["mock_sbs"]` (e.g. to run the sweep)."""

    config: Config
    clock: OffsetClock
    journal: Journal
    store: Store
    anaf: AnafGateway
    domain: Domain
    documents: dict[str, DocumentCache]
    _stop: threading.Event = field(default_factory=threading.Event)
    _sweeper: threading.Thread | None = None

    @classmethod
    def build(cls, config: Config, anaf: AnafGateway | None = None, base_clock: Clock | None = None,
              anaf_api: AnafApi | None = None) -> "Services":
        """Wire a mock SBS for ``config``; tests may pass a fake ANAF (OAuth and API) and a base clock."""
        clock = OffsetClock(base_clock)
        journal = Journal("sbs", clock, notes=("scope", "secret_source", "rule"))
        store = Store(config.data_dir)
        anaf = anaf or HttpAnafGateway(config.anaf_url, config.api_url, journal, config.anaf_timeout)
        configured = None
        if config.implicit_client_id and config.implicit_client_secret:
            configured = ClientSecret(config.implicit_client_id, config.implicit_client_secret, config.callback_url)
        implicit = ImplicitSecrets(store, anaf, config.callback_url, configured)
        brokering = Brokering(store, anaf, implicit, clock, new_id=new_id, new_state=new_token,
                              anaf_url=config.anaf_url, sbs_callback=config.callback_url,
                              refresh_margin=config.refresh_margin, pending_ttl=config.pending_request_ttl)
        api_calls = ApiServices(store, Records(store.db), brokering,
                                anaf_api or HttpAnafApi(journal, config.anaf_timeout), clock, config.api_url, new_id,
                                config.stare_daily_quota)
        domain = Domain(Accounts(store, clock, implicit, new_id, new_token), Organizations(store, clock, new_id),
                        brokering, config.api_url, clock.now, Invoices(api_calls), Declarations(api_calls), api_calls)
        schemas = {**build_schemas(), **build_api_schemas()}
        documents = {endpoint: DocumentCache(schema) for endpoint, schema in schemas.items()}
        services = cls(config, clock, journal, store, anaf, domain, documents)
        services.ensure_bootstrap_account()
        return services

    def ensure_bootstrap_account(self) -> None:
        """Make sure the configured account access key opens an account (the launcher seeds everything else)."""
        key = self.config.bootstrap_account_key
        if key:
            self.store.ensure_account_key(hash_key(key), new_id("acc_"), "pk_" + secrets.token_hex(8),
                                          self.clock.now())

    def reset(self) -> None:
        """`/__admin/reset`: back to the snapshot, or to a fresh database with the bootstrap account."""
        self.store.reset()
        self.ensure_bootstrap_account()

    def sweep(self) -> dict[str, int]:
        """Refresh the authorizations that are due now (what the background sweeper does each interval)."""
        return self.domain.brokering.sweep()

    def start_sweeper(self) -> None:
        """Refresh due authorizations every `refresh_sweep_interval` seconds in a daemon thread (0: never)."""
        interval = self.config.refresh_sweep_interval
        if interval <= 0 or self._sweeper is not None:
            return

        def loop() -> None:
            """One sweep per interval until shutdown."""
            while not self._stop.wait(interval):
                try:
                    done = self.sweep()
                    if done["refreshed"] or done["failed"]:
                        log.info("refresh sweep: %(refreshed)d refreshed, %(failed)d failed", done)
                except Exception:  # the sweeper must survive one bad round
                    log.exception("refresh sweep failed")

        self._sweeper = threading.Thread(target=loop, name="sbs-refresh-sweep", daemon=True)
        self._sweeper.start()

    def shutdown(self) -> None:
        """Stop the sweeper and close the database (the launcher calls this on stop)."""
        self._stop.set()
        if self._sweeper is not None:
            self._sweeper.join(timeout=5)
        self.store.close()
