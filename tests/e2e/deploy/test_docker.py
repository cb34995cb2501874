"""deploy/Dockerfile and .dockerignore, without a Docker engine: hadolint (the Dockerfile linter), and what can be
checked statically — the build context, the files it copies, the commands it runs against the Makefile and the
`caunoi` command line, and the CMD against what the compose file and `caunoi run` expect.

hadolint comes from a pinned, hash-checked wheel (tests/support/pinned_tools.py); offline on the first run that test
skips, loudly (CAUNOI_REQUIRE_DEPLOY_TOOLS=1 makes it fail).
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.support.deploy_files import (
    DOCKERFILE,
    ROOT,
    dockerfile_env,
    dockerfile_exec_form,
    dockerfile_instructions,
    dockerignore_patterns,
    dockerignored,
    run_commands,
)
from tests.support.pinned_tools import HADOLINT, ToolUnavailable
from tests.support.servers import loud_test_server

INSTRUCTIONS = dockerfile_instructions()
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def hadolint_wheel():
    yield from loud_test_server(lambda: HADOLINT, ToolUnavailable, "HADOLINT CHECK", "CAUNOI_REQUIRE_DEPLOY_TOOLS")


def _values(keyword: str) -> list[str]:
    return [arguments for k, arguments in INSTRUCTIONS if k == keyword]


def _caunoi(argv: list[str]):
    """The arguments as the real `caunoi` command line parses them (SystemExit if it would refuse them)."""
    from bot.cli import build_parser

    return build_parser().parse_args(argv)


def _pyproject(key: str) -> str:
    """A string value of [project] (Python 3.10 has no tomllib)."""
    return re.search(rf'^{re.escape(key)} = "([^"]*)"', PYPROJECT, re.M)[1]


def _makefile_recipe(target: str) -> str:
    match = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n?)+)", MAKEFILE, re.M)
    assert match, f"no {target} target in the Makefile"
    return match[1].replace("\\\n", " ")


def test_hadolint_finds_nothing(hadolint_wheel: str) -> None:
    binary = Path(hadolint_wheel) / "bin" / "hadolint"
    assert subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60).returncode == 0
    done = subprocess.run([str(binary), "--format", "json", "--failure-threshold", "style", str(DOCKERFILE)],
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, json.loads(done.stdout or "[]")) == (0, []), done.stdout + done.stderr
    # It does check: the same file without the one justified exception (unpinned Debian packages) is refused.
    without = DOCKERFILE.read_text(encoding="utf-8").replace("# hadolint ignore=DL3008\n", "")
    done = subprocess.run([str(binary), "--format", "json", "-"], input=without, capture_output=True, text=True,
                          timeout=60)
    assert [f["code"] for f in json.loads(done.stdout)] == ["DL3008"], done.stdout


def test_every_copied_file_is_in_the_build_context() -> None:
    patterns = dockerignore_patterns()
    for arguments in _values("COPY"):
        *sources, _destination = shlex.split(arguments)
        for source in sources:
            if source != ".":
                assert (ROOT / source).exists(), f"COPY {source}: no such file"
                assert not dockerignored(source, patterns), f"COPY {source}: .dockerignore leaves it out"


def test_the_build_context_leaves_out_this_machines_state() -> None:
    """`COPY . .` must not carry this machine's venv, tools or model, nor its data folder (conversations, status
    store, tokens: personal data) into an image."""
    patterns = dockerignore_patterns()
    for path in ("data/trackers.db", "data/status.db", "data/zalo_tokens.json", "models/caunoi.tar.gz",
                 ".venv/bin/python", ".tools/bin/uv", ".git/config", "bot/__pycache__/cli.cpython-310.pyc"):
        assert dockerignored(path, patterns), path


def test_the_build_context_keeps_what_the_image_needs() -> None:
    from bot.runtime.training import INPUTS

    patterns = dockerignore_patterns()
    needed = [*INPUTS, "bot", "voice", "pyproject.toml", "uv.lock", "caunoi.yml", _pyproject("readme")]
    for name in needed:
        path = ROOT / name
        assert path.exists(), name
        files = [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts] or [path]
        left_out = [str(p.relative_to(ROOT)) for p in files if dockerignored(str(p.relative_to(ROOT)), patterns)]
        assert left_out == [], f".dockerignore leaves out what the image needs: {left_out[:5]}"


def _makefile_variable(name: str) -> str:
    """A `NAME := …` variable of the Makefile, its continuation lines joined."""
    match = re.search(rf"^{name} := ((?:.*\\\n)*.*)$", MAKEFILE, re.M)
    assert match, f"the Makefile sets {name}"
    return match[1].replace("\\\n", " ")


def test_it_is_built_like_make_setup_and_make_run() -> None:
    [base] = _values("FROM")
    python = re.fullmatch(r"python:(\d+\.\d+)-slim-\w+", base)[1]
    assert f">={python}" in _pyproject("requires-python")
    commands = run_commands(INSTRUCTIONS)
    # uv, the Makefile's version; dependencies exactly from the lock file.
    uv_version = re.search(r"^UV_VERSION := (\S+)", MAKEFILE, re.M)[1]
    assert ["pip", "install", "--no-cache-dir", f"uv=={uv_version}"] in commands
    syncs = [c for c in commands if c[:2] == ["uv", "sync"]]
    assert syncs and all("--frozen" in c for c in syncs)
    assert all(c[c.index("--python") + 1] == f"/usr/local/bin/python{python}" for c in syncs)
    # Voice: the Debian packages `make voice-tools` installs.
    recipe = _makefile_recipe("voice-tools").replace("$(FONTS)", _makefile_variable("FONTS"))
    make_packages = {pair.split(":", 1)[1] for pair in recipe.split() if ":" in pair}
    [apt] = [c for c in commands if c[:2] == ["apt-get", "install"]]
    assert {a for a in apt[2:] if not a.startswith("-")} == make_packages
    # Training and the speech model, as `make train` / `make run` do it, parsed by the real command line.
    caunoi = [c[1:] for c in commands if c[0].endswith("/caunoi")]
    for argv in caunoi:
        _caunoi(argv)
        assert "caunoi " + " ".join(argv) in MAKEFILE, f"`caunoi {' '.join(argv)}` is not what the Makefile runs"
    assert ["train"] in caunoi


def test_the_cmd_is_caunoi_run_on_every_interface_at_the_exposed_port() -> None:
    from bot.cli import _run

    cmd = dockerfile_exec_form(INSTRUCTIONS, "CMD")
    assert cmd[0] == "caunoi"
    args = _caunoi(cmd[1:])
    assert args.func is _run and args.host == "0.0.0.0"
    assert _values("EXPOSE") == [str(args.port)]
    env = dockerfile_env(INSTRUCTIONS)
    [workdir] = _values("WORKDIR")
    assert env["CAUNOI_HOME"] == workdir, "the project folder the settings read is where it was copied"
    assert env["PATH"].startswith(f"{workdir}/.venv/bin:"), "`caunoi` (and `python`) are the venv's"
