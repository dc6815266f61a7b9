"""`sandbox.json`: where each service listens and the seeded ids and keys a test needs (SPEC §5)."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

MANIFEST_NAME = "sandbox.json"


def write_manifest(data_dir: Path, manifest: dict[str, Any]) -> Path:
    """Write the manifest atomically, so a reader never sees half a file."""
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / MANIFEST_NAME
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return target


def read_manifest(path: str | Path) -> dict[str, Any]:
    """The manifest at ``path`` (a file, or a data dir holding `sandbox.json`)."""
    p = Path(path)
    if p.is_dir():
        p = p / MANIFEST_NAME
    return json.loads(p.read_text(encoding="utf-8"))
