"""Reading the files of deploy/ the way their tools read them, for tests/e2e/deploy/test_*.py.

- the compose file: YAML (merge keys resolved), then Compose's variable interpolation;
- the Dockerfile: its instructions, continuation lines joined and comment lines dropped, as Docker does;
- .dockerignore: Docker's patterns (`*` within one path segment, `**` across segments);
- the nginx files: where the compose file mounts them, the replicas and the listen port.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from tests.support.paths import ROOT

DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"
DOCKERFILE = DEPLOY / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
NGINX_CONF = DEPLOY / "nginx.conf"
NGINX_REPLICAS = DEPLOY / "nginx-replicas.conf"
NGINX_LISTEN = DEPLOY / "nginx-listen.conf"
HELM_VALUES = DEPLOY / "helm-values.yml"
NGINX_ETC = PurePosixPath("/etc/nginx")  # the official nginx image's configuration folder

# --- compose ----------------------------------------------------------------------------------------------

_VARIABLE = re.compile(r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_][A-Za-z0-9_]*))")
_BRACED = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>.*))?", re.S)


class MissingVariable(ValueError):
    """A `${NAME:?message}` whose variable is not set: Compose refuses to start."""


def interpolate_text(text: str, env: Mapping[str, str]) -> str:
    """Compose's interpolation of one string: $$, $NAME, ${NAME}, ${NAME:-default}, ${NAME-default},
    ${NAME:?error}, ${NAME?error}, ${NAME:+alternative}, ${NAME+alternative}."""

    def one(match: re.Match) -> str:
        if match["escaped"]:
            return "$"
        if match["named"]:
            return env.get(match["named"], "")
        braced = _BRACED.fullmatch(match["braced"])
        if braced is None:
            raise ValueError(f"invalid interpolation: {match[0]!r}")
        name, op, arg = braced["name"], braced["op"], braced["arg"]
        value = env.get(name)
        if op is None:
            return value or ""
        empty_counts = op.startswith(":")  # `:-` treats an empty value as unset, `-` only an unset one
        unset = value is None or (empty_counts and value == "")
        if op.endswith("-"):
            return interpolate_text(arg, env) if unset else value
        if op.endswith("?"):
            if unset:
                raise MissingVariable(f"{name}: {arg}")
            return value
        return "" if unset else interpolate_text(arg, env)  # `+`

    return _VARIABLE.sub(one, text)


def interpolate(node: Any, env: Mapping[str, str]) -> Any:
    if isinstance(node, str):
        return interpolate_text(node, env)
    if isinstance(node, list):
        return [interpolate(item, env) for item in node]
    if isinstance(node, dict):
        return {key: interpolate(value, env) for key, value in node.items()}
    return node


def compose_document() -> dict[str, Any]:
    """The compose file as YAML gives it (anchors and `<<` merges resolved), before interpolation."""
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def compose(env: Mapping[str, str]) -> dict[str, Any]:
    """The compose file as Compose runs it with these variables set."""
    return interpolate(compose_document(), env)


def environment(service: Mapping[str, Any]) -> dict[str, str]:
    """A service's `environment`, in either of Compose's forms (mapping or NAME=value list)."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def caunoi_services(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The replicas: the services that run the image deploy/Dockerfile builds."""
    return {name: service for name, service in document["services"].items()
            if (service.get("build") or {}).get("dockerfile") == "deploy/Dockerfile"}


def volume_mounts(service: Mapping[str, Any]) -> dict[str, str]:
    """A service's volumes in the short form SOURCE:TARGET[:MODE], as {target: source}."""
    mounts = {}
    for volume in service.get("volumes") or []:
        source, target, *_mode = str(volume).split(":")
        mounts[target] = source
    return mounts


# --- Dockerfile -------------------------------------------------------------------------------------------


def dockerfile_instructions(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order: continuation lines joined, comment lines dropped (also those inside
    a continued instruction, as Docker does), parser directives and `# hadolint` comments ignored."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1].rstrip() + " "
            continue
        whole = pending + stripped
        pending = ""
        keyword, _, arguments = whole.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
    assert not pending, "the Dockerfile ends inside a continued instruction"
    return instructions


def dockerfile_env(instructions: list[tuple[str, str]]) -> dict[str, str]:
    """Every ENV (KEY=value form), later ones winning."""
    env: dict[str, str] = {}
    for keyword, arguments in instructions:
        if keyword == "ENV":
            for item in shlex.split(arguments):
                key, _, value = item.partition("=")
                env[key] = value
    return env


def dockerfile_exec_form(instructions: list[tuple[str, str]], keyword: str) -> list[str]:
    """The last CMD/ENTRYPOINT, which must be in exec (JSON) form."""
    [arguments] = [a for k, a in instructions if k == keyword][-1:]
    value = json.loads(arguments)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), f"{keyword} is not in exec form"
    return value


def run_commands(instructions: list[tuple[str, str]]) -> list[list[str]]:
    """The commands of every RUN (shell form), split on && into argument lists."""
    commands = []
    for keyword, arguments in instructions:
        if keyword == "RUN":
            for command in arguments.split("&&"):
                commands.append(shlex.split(command))
    return commands


# --- .dockerignore ----------------------------------------------------------------------------------------


def _dockerignore_regex(pattern: str) -> re.Pattern:
    pattern = pattern.strip().strip("/")
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def dockerignore_patterns() -> list[str]:
    lines = [line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def dockerignored(relative: str, patterns: list[str]) -> bool:
    """Whether the build context leaves out this path (relative to the project root): a pattern matching the
    path or one of its parent folders. Exceptions (`!pattern`) are not supported: the file must not use them."""
    assert not any(p.startswith("!") for p in patterns), ".dockerignore exceptions are not handled here"
    parts = PurePosixPath(relative).parts
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    regexes = [_dockerignore_regex(p) for p in patterns]
    return any(r.fullmatch(prefix) for r in regexes for prefix in prefixes)


# --- nginx ------------------------------------------------------------------------------------------------


def nginx_mounts(document: Mapping[str, Any]) -> dict[Path, PurePosixPath]:
    """The nginx service's mounts of deploy/ files: {file in deploy/: path inside /etc/nginx}."""
    mounts = {}
    for target, source in volume_mounts(document["services"]["nginx"]).items():
        assert source.startswith("./"), f"nginx mounts {source!r}, not a file of deploy/"
        mounts[DEPLOY / source[2:]] = PurePosixPath(target).relative_to(NGINX_ETC)
    return mounts


_DIRECTIVE = re.compile(r"^\s*(?P<name>[a-z_]+)\s+(?P<args>[^;#]*);", re.M)


def nginx_directives(path: Path, name: str) -> list[str]:
    """The arguments of every `name ...;` directive in one file (comments stripped)."""
    text = "\n".join(line.split("#", 1)[0] for line in path.read_text(encoding="utf-8").splitlines())
    return [m["args"].strip() for m in _DIRECTIVE.finditer(text) if m["name"] == name]


def nginx_replicas() -> list[tuple[str, int]]:
    """(host, port) of each `server` line of deploy/nginx-replicas.conf."""
    replicas = []
    for arguments in nginx_directives(NGINX_REPLICAS, "server"):
        host, _, port = arguments.split()[0].rpartition(":")
        replicas.append((host, int(port)))
    return replicas


def nginx_listen_port() -> int:
    [listen] = nginx_directives(NGINX_LISTEN, "listen")
    return int(listen.split()[0].rpartition(":")[2])


# --- the code -----------------------------------------------------------------------------------------------


def read_by_the_code(variable: str) -> bool:
    """Whether bot/ or voice/ names this environment variable (as a string literal)."""
    pattern = re.compile(rf"""["']{re.escape(variable)}["']""")
    return any(pattern.search(path.read_text(encoding="utf-8"))
               for folder in ("bot", "voice") for path in (ROOT / folder).rglob("*.py"))
