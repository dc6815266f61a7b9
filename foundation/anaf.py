"""ANAF as the sandbox sees it, written once: hosts, OAuth and API paths, the services, and SBS's side of them.

Mock ANAF serves these paths, mock SBS and the demo call them, the harness and the benchmarks drive
them. Adding an ANAF service means adding a `Service` here and the code that really differs for it.
"""
from __future__ import annotations

from dataclasses import dataclass

# The two hosts of the real ANAF (the OAuth server, and the APIs a token opens).
OAUTH_HOST = "https://logincert.anaf.ro"
API_HOST = "https://api.anaf.ro"
HOSTS = (OAUTH_HOST, API_HOST)


def on_anaf_host(url: str) -> bool:
    """Whether ``url`` is on one of ANAF's two hosts: scheme, host and default port exactly."""
    return any(url.startswith(host) and url[len(host):len(host) + 1] in ("", "/", "?", "#") for host in HOSTS)

# OAuth 2.0 at logincert.anaf.ro (the seed's "OAuth endpoints"); jwks and metadata are sandbox extras.
OAUTH_ROOT = "/anaf-oauth2"
OAUTH_PREFIX = OAUTH_ROOT + "/v1"
AUTHORIZE_PATH = OAUTH_PREFIX + "/authorize"
TOKEN_PATH = OAUTH_PREFIX + "/token"
REVOKE_PATH = OAUTH_PREFIX + "/revoke"
JWKS_PATH = OAUTH_PREFIX + "/jwks"
METADATA_PATH = "/.well-known/oauth-authorization-server"

# api.anaf.ro: TestOauth answers whether a token works; the services live under /test/... and /prod/....
TEST_OAUTH_ROOT = "/TestOauth"
HELLO_PATH = TEST_OAUTH_ROOT + "/jaxrs/hello"
ENVIRONMENTS = ("test", "prod")


def environment(use_test_environment: bool) -> str:
    """`test` or `prod`: the API path SBS's `roAnafXUseTestEnvironment` selects."""
    return ENVIRONMENTS[0] if use_test_environment else ENVIRONMENTS[1]


def hello_paths() -> tuple[str, ...]:
    """TestOauth hello at its bare path and under each environment, as api.anaf.ro answers it."""
    return (HELLO_PATH, *(f"/{env}{HELLO_PATH}" for env in ENVIRONMENTS))


@dataclass(frozen=True)
class Service:
    """One ANAF service an app is enrolled in.

    ``name`` is the value everywhere a program names it: ANAF's portal, the JWT `roles` claim and
    SBS's `AnafScope`. ``label`` is how ANAF's portal writes it, ``title`` how a sentence does.
    """

    name: str
    label: str
    title: str
    sbs_field_prefix: str
    api_root: str

    @property
    def role(self) -> str:
        """The entry of a JWT's `roles` claim for an app enrolled in this service."""
        return self.name

    def sbs_field(self, suffix: str) -> str:
        """An SBS `App`/`UpdateAppInput` field of this service, e.g. `roAnafEfacturaClientSecret`."""
        return self.sbs_field_prefix + suffix

    def api_prefix(self, env: str) -> str:
        """The service's path on api.anaf.ro in ``env`` (`test` or `prod`), e.g. `/test/FCTEL/rest`."""
        if env not in ENVIRONMENTS:
            raise ValueError(f"env must be one of {', '.join(ENVIRONMENTS)}")
        return f"/{env}/{self.api_root}"


EFACTURA = Service("EFACTURA", "E-Factura", "e-Factura", "roAnafEfactura", "FCTEL/rest")
ETRANSPORT = Service("ETRANSPORT", "E-Transport", "e-Transport", "roAnafEtransport", "ETRANSPORT/ws/v1")
SERVICES = (EFACTURA, ETRANSPORT)
SERVICE_NAMES = tuple(s.name for s in SERVICES)


# e-Factura's operations, under `EFACTURA.api_prefix(env)` (SPEC-ANAF-API §6.0).
EFACTURA_UPLOAD = "upload"
EFACTURA_UPLOAD_B2C = "uploadb2c"
EFACTURA_STATUS = "stareMesaj"
EFACTURA_LIST = "listaMesajeFactura"
EFACTURA_LIST_PAGED = "listaMesajePaginatieFactura"
EFACTURA_DOWNLOAD = "descarcare"
EFACTURA_VALIDATE = "validare"  # on prod only, and without a token too (SPEC-ANAF-API §6.10)
EFACTURA_TRANSFORM = "transformare"  # on prod only, like validare
SIGNATURE_VALIDATION_PATH = "/api/validate/signature"  # at the host's root, no environment (§6.10)
EFACTURA_OPERATIONS = (EFACTURA_UPLOAD, EFACTURA_UPLOAD_B2C, EFACTURA_STATUS, EFACTURA_LIST, EFACTURA_LIST_PAGED,
                       EFACTURA_DOWNLOAD)

# e-Transport's operations, under `ETRANSPORT.api_prefix(env)` (SPEC-ANAF-API §7): values travel in the path,
# `upload/{standard}/{cif}[/{versiune}]`, `stareMesaj/{id}`, `lista/{zile}/{cif}`; `info` takes a query.
ETRANSPORT_UPLOAD = "upload"
ETRANSPORT_STANDARD = "ETRANSP"
ETRANSPORT_STATUS = "stareMesaj"
ETRANSPORT_LIST = "lista"
ETRANSPORT_INFO = "info"
ETRANSPORT_OPERATIONS = (ETRANSPORT_UPLOAD, ETRANSPORT_STATUS, ETRANSPORT_LIST, ETRANSPORT_INFO)


def service(name: str) -> Service | None:
    """The service called ``name`` (`EFACTURA`), or None."""
    return next((s for s in SERVICES if s.name == name), None)


# SBS's side: the callback it registers at ANAF, and the ANAF app it manages itself ("implicit").
SBS_CALLBACK_PATH = "/ro-anaf-oauth-api/oauth-callback"
SBS_IMPLICIT_APP_NAME = "sbs-managed-implicit"
