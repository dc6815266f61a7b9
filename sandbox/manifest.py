"""`sandbox.json`: where each service listens and the seeded ids and keys a test needs (SPEC §5)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from foundation.private_files import write_private

MANIFEST_NAME = "sandbox.json"


def write_manifest(data_dir: Path, manifest: dict[str, Any]) -> Path:
    """Write the manifest atomically, so a reader never sees half a file; owner-only, as it holds the SBS keys."""
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / MANIFEST_NAME
    write_private(target, json.dumps(manifest, indent=2) + "\n")
    return target


def read_manifest(path: str | Path) -> dict[str, Any]:
    """The manifest at ``path`` (a file, or a data dir holding `sandbox.json`)."""
    p = Path(path)
    if p.is_dir():
        p = p / MANIFEST_NAME
    return json.loads(p.read_text(encoding="utf-8"))
