"""The Organizations service's work: a tenant's companies, each identified at ANAF by its fiscal code."""
from __future__ import annotations

from typing import Any, Callable

from foundation.clock import Clock

from mock_sbs.access import Caller
from mock_sbs.accounts import raise_invalid
from mock_sbs.errors import NotFound
from mock_sbs.model import Organization
from mock_sbs.store import Store
from mock_sbs.validation import FieldProblem, name_problem, tin_problem


class Organizations:
    """Organizations of the caller's tenant; another tenant's are invisible."""

    def __init__(self, store: Store, clock: Clock, new_id: Callable[[str], str]) -> None:
        self.store = store
        self.clock = clock
        self.new_id = new_id

    def create(self, caller: Caller, name: Any, tin: Any) -> Organization:
        """A new organization of the caller's tenant; name and fiscal code are checked first."""
        problems = [FieldProblem(f"input.{field}", problem) for field, problem in
                    (("name", name_problem(name)), ("tin", tin_problem(tin))) if problem]
        if problems:
            raise_invalid(problems)
        org = Organization(self.new_id("org_"), caller.tenant_id or "", name, tin.upper(), self.clock.now())
        self.store.add_organization(org)
        return org

    def get(self, caller: Caller, organization_id: str) -> Organization:
        """One organization of the caller's tenant, or NOT_FOUND."""
        org = self.store.get_organization(organization_id, caller.tenant_id or "")
        if org is None:
            raise NotFound(f"No organization with id {organization_id} for this tenant.")
        return org

    def list(self, caller: Caller) -> list[Organization]:
        """The caller's tenant's organizations, oldest first."""
        return self.store.list_organizations(caller.tenant_id or "")
