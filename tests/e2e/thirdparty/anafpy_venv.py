"""anafpy's own venv, `.venv-anafpy`: a Python ≥ 3.12 with anafpy 0.13.3 (`make anafpy-venv` builds it).

anafpy needs Python 3.12 while the project runs on 3.11, so test_anafpy_client.py runs it as a separate
process from this venv. The interpreter is the first found of pyenv's 3.12+ versions (under $PYENV_ROOT,
~/.pyenv or /root/.pyenv) and `python3.12`/`python3.13` on PATH; with none, the venv is not built and the
test skips.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
VENV = ROOT / ".venv-anafpy"
PYTHON = VENV / "bin" / "python"
VERSION = "0.13.3"
REQUIREMENT = f"anafpy=={VERSION}"
MINIMUM = (3, 12)


def candidates() -> list[Path]:
    """Interpreters that may be ≥ 3.12: pyenv's versions (oldest first), then python3.12/3.13 on PATH."""
    roots = [Path(os.environ["PYENV_ROOT"])] if os.environ.get("PYENV_ROOT") else []
    roots += [Path.home() / ".pyenv", Path("/root/.pyenv")]
    found: list[Path] = []
    for root in roots:
        versions = [p for p in (root / "versions").glob("3.*") if re.fullmatch(r"3\.\d+\.\d+", p.name)]
        for version in sorted(versions, key=lambda p: tuple(int(n) for n in p.name.split("."))):
            if tuple(int(n) for n in version.name.split(".")[:2]) >= MINIMUM:
                found.append(version / "bin" / "python")
    found += [Path(path) for name in ("python3.12", "python3.13") if (path := shutil.which(name))]
    return list(dict.fromkeys(found))


def find_interpreter() -> Path | None:
    """The first candidate that runs and is at least 3.12, or None."""
    check = f"import sys; sys.exit(sys.version_info < {MINIMUM!r})"
    for python in candidates():
        try:
            if python.is_file() and subprocess.run([str(python), "-c", check], timeout=30).returncode == 0:
                return python
        except OSError:
            continue
    return None


def installed_version() -> str | None:
    """The anafpy version installed in `.venv-anafpy`, or None when the venv or anafpy is missing."""
    if not PYTHON.is_file():
        return None
    answer = subprocess.run([str(PYTHON), "-c", "import importlib.metadata as m; print(m.version('anafpy'))"],
                            capture_output=True, text=True, timeout=60)
    return answer.stdout.strip() if answer.returncode == 0 else None


def build() -> int:
    """Create `.venv-anafpy` and install anafpy into it; say why not when no Python ≥ 3.12 exists."""
    if installed_version() == VERSION:
        print(f"anafpy {VERSION} is ready in {VENV.name}")
        return 0
    python = find_interpreter()
    if python is None:
        print(f"anafpy needs Python >= 3.12 and none was found (pyenv versions, python3.12/python3.13 on PATH): "
              f"tests/e2e/thirdparty/test_anafpy_client.py will be skipped")
        return 0
    print(f"building {VENV.name} with {python} and {REQUIREMENT}")
    subprocess.run([str(python), "-m", "venv", "--clear", str(VENV)], check=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "-q", REQUIREMENT], check=True)
    return 0 if installed_version() == VERSION else 1


if __name__ == "__main__":
    sys.exit(build())
