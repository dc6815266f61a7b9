"""The floors of the code: imports only point down (README "How the code is laid out")."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SERVICES = ("mock_anaf", "mock_sbs", "demo_app")


def imported_packages(path: Path) -> set[str]:
    """The top-level packages a module imports, wherever the import statement stands."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", modules("foundation"), ids=lambda p: p.name)
def test_the_base_imports_no_service_and_not_the_top_floor(path: Path) -> None:
    assert imported_packages(path).isdisjoint({*SERVICES, "sandbox"})


@pytest.mark.parametrize("package", SERVICES)
def test_a_service_imports_the_base_never_another_service_or_the_top_floor(package: str) -> None:
    forbidden = {*SERVICES, "sandbox"} - {package}
    for path in modules(package):
        assert imported_packages(path).isdisjoint(forbidden), path.relative_to(ROOT)
