"""The one description of ANAF's surface: API prefixes per environment, services by name."""
from __future__ import annotations

import pytest

from foundation import anaf


@pytest.mark.parametrize(("service", "env", "expected"), [
    pytest.param(anaf.EFACTURA, "test", "/test/FCTEL/rest", id="efactura-test"),
    pytest.param(anaf.EFACTURA, "prod", "/prod/FCTEL/rest", id="efactura-prod"),
    pytest.param(anaf.ETRANSPORT, "test", "/test/ETRANSPORT/ws/v1", id="etransport-test"),
    pytest.param(anaf.ETRANSPORT, "prod", "/prod/ETRANSPORT/ws/v1", id="etransport-prod"),
])
def test_api_prefix_per_environment(service: anaf.Service, env: str, expected: str) -> None:
    assert service.api_prefix(env) == expected


def test_an_unknown_environment_is_refused() -> None:
    with pytest.raises(ValueError, match="test, prod"):
        anaf.EFACTURA.api_prefix("staging")


def test_services_by_name_with_their_sbs_fields_and_roles() -> None:
    assert anaf.service("ETRANSPORT") is anaf.ETRANSPORT
    assert anaf.service("NOPE") is None
    assert anaf.EFACTURA.sbs_field("ClientSecret") == "roAnafEfacturaClientSecret"
    assert anaf.ETRANSPORT.role == "ETRANSPORT" and anaf.ETRANSPORT.label == "E-Transport"
    assert anaf.hello_paths() == ("/TestOauth/jaxrs/hello", "/test/TestOauth/jaxrs/hello",
                                  "/prod/TestOauth/jaxrs/hello")
