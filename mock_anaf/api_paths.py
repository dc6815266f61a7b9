"""Which paths are api.anaf.ro's APIs, and what a path that is no operation answers (SPEC-ANAF-API §6.1).

- under a service prefix (`/{test|prod}/FCTEL/rest/`, `/{test|prod}/ETRANSPORT/ws/v1/`): Spring's 404,
  or 405 for a known operation with the wrong method;
- an operation's name without the prefix (`/upload`, `/stareMesaj`, ...): 403, as ANAF's gateway.
"""
from __future__ import annotations

from flask import Blueprint, Response

from foundation import anaf
from mock_anaf.gateway import forbidden

API_PREFIXES = tuple(service.api_prefix(env) + "/" for env in anaf.ENVIRONMENTS for service in anaf.SERVICES)
# [I: ts-anaf#2, a fresh token got 403 on https://api.anaf.ro/listaMesajeFactura?...]
PREFIXLESS = anaf.EFACTURA_OPERATIONS
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def is_api_path(path: str) -> bool:
    """True for a path under one of the API prefixes (or the prefix itself)."""
    return path.startswith(API_PREFIXES) or path.rstrip("/") + "/" in API_PREFIXES


def create_prefixless_blueprint() -> Blueprint:
    """403 for the operations' names at the root and under a prefix without its environment."""
    bp = Blueprint("api_prefixless", __name__)

    def missing_prefix(**_: str) -> Response:
        """ANAF's gateway refuses an API path without its `/{test|prod}/FCTEL/rest` prefix."""
        raise forbidden("missing /{test|prod}/FCTEL/rest prefix")

    for name in PREFIXLESS:
        bp.add_url_rule(f"/{name}", endpoint=f"root_{name}", view_func=missing_prefix, methods=ALL_METHODS)
        bp.add_url_rule(f"/{anaf.EFACTURA.api_root}/{name}", endpoint=f"noenv_{name}", view_func=missing_prefix,
                        methods=ALL_METHODS)
    return bp
