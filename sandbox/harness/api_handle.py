"""What the e-Factura and e-Transport harness handles share: the bearer session and the uploads' control plane.

The control plane is the same for both APIs (SPEC-ANAF-API §6.11, §7.6) under `/__admin/<api>/...`.
"""
from __future__ import annotations

from typing import Any, ClassVar

import requests

from foundation import anaf
from sandbox.harness.anaf import HarnessError, _check


class ApiHandle:
    """One API with one bearer token in one environment, plus its control plane over uploads."""

    SERVICE: ClassVar[anaf.Service]
    ADMIN: ClassVar[str]  # the API's segment under /__admin

    def __init__(self, session: requests.Session, api_url: str, admin_url: str, access_token: str,
                 env: str = "test") -> None:
        self.session = session
        self.base = api_url.rstrip("/") + self.SERVICE.api_prefix(env)
        self.admin = admin_url.rstrip("/") + "/__admin"
        self.env = env
        self.headers = {"Authorization": f"Bearer {access_token}"}

    def _reveal_now(self, index: int | str) -> None:
        """Control plane `ready_in: 0` on an upload; an upload already final (409) is left as it is."""
        answer = self.session.post(f"{self.admin}/{self.ADMIN}/uploads/{index}", json={"ready_in": 0}, timeout=10)
        if answer.status_code not in (200, 409):  # 409: already final, nothing to hurry
            raise HarnessError(f"could not finish upload {index}: HTTP {answer.status_code} {answer.text[:300]}")

    def uploads(self, cif: str | None = None) -> list[dict[str, Any]]:
        params = {"env": self.env, **({"cif": cif} if cif else {})}
        return _check(self.session.get(f"{self.admin}/{self.ADMIN}/uploads", params=params, timeout=10),
                      "list uploads")

    def force(self, index: int | str, outcome: str | None = None, errors: list[str] | None = None,
              ready_in: float | None = None) -> dict[str, Any]:
        """Force a pending upload's outcome (`ok`, `nok`, `xml_errors`) and/or when it is revealed."""
        body: dict[str, Any] = {"env": self.env}
        body.update({k: v for k, v in (("outcome", outcome), ("errors", errors), ("ready_in", ready_in))
                     if v is not None})
        return _check(self.session.post(f"{self.admin}/{self.ADMIN}/uploads/{index}", json=body, timeout=10),
                      f"force upload {index}")

    def arm_next(self, cif: str, outcome: str, errors: list[str] | None = None, times: int = 1) -> dict[str, Any]:
        """The next ``times`` uploads under ``cif`` end with ``outcome``, whatever they contain."""
        body = {"env": self.env, "cif": cif, "outcome": outcome, "errors": errors or [], "times": times}
        return _check(self.session.post(f"{self.admin}/{self.ADMIN}/next-outcomes", json=body, timeout=10),
                      "arm the next outcomes")
