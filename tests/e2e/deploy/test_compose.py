"""deploy/docker-compose.yml, without a Docker engine: the official Compose Specification schema, Compose's own
variable interpolation, and consistency with what `caunoi run`, deploy/Dockerfile and deploy/nginx.conf expect.

The schema comes from a pinned, hash-checked wheel (tests/support/pinned_tools.py); offline on the first run the schema
test skips, loudly (CAUNOI_REQUIRE_DEPLOY_TOOLS=1 makes it fail). Everything else needs nothing.
"""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
import yaml

from tests.support.deploy_files import (
    COMPOSE,
    DOCKERFILE,
    NGINX_CONF,
    ROOT,
    MissingVariable,
    caunoi_services,
    compose,
    compose_document,
    dockerfile_env,
    dockerfile_exec_form,
    dockerfile_instructions,
    environment,
    nginx_directives,
    nginx_listen_port,
    nginx_mounts,
    nginx_replicas,
    read_by_the_code,
    volume_mounts,
)
from tests.support.pinned_tools import CHECK_JSONSCHEMA, COMPOSE_SCHEMA, ToolUnavailable
from tests.support.servers import loud_test_server

ENV = {"POSTGRES_PASSWORD": "Pg0Secret", "REDIS_PASSWORD": "Redis0Secret"}


@pytest.fixture(scope="module")
def schema_wheel():
    yield from loud_test_server(lambda: CHECK_JSONSCHEMA, ToolUnavailable, "COMPOSE SCHEMA CHECK",
                                "CAUNOI_REQUIRE_DEPLOY_TOOLS")


@pytest.fixture(scope="module")
def compose_schema(schema_wheel: str) -> dict:
    return json.loads((Path(schema_wheel) / COMPOSE_SCHEMA).read_text(encoding="utf-8"))


def _schema_errors(schema: dict, document: dict) -> list[str]:
    import jsonschema

    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def _cmd_port() -> int:
    cmd = dockerfile_exec_form(dockerfile_instructions(), "CMD")
    return int(cmd[cmd.index("--port") + 1])


def test_the_file_follows_the_compose_specification(compose_schema: dict) -> None:
    assert compose_schema.get("title") == "Compose Specification"
    assert _schema_errors(compose_schema, compose_document()) == []  # as written
    assert _schema_errors(compose_schema, compose(ENV)) == []  # as Compose runs it
    # The check has teeth: a misspelt key and a wrong condition are refused.
    broken = copy.deepcopy(compose(ENV))
    broken["services"]["rasa1"]["depend_on"] = broken["services"]["rasa1"].pop("depends_on")
    broken["services"]["nginx"]["depends_on"]["rasa2"]["condition"] = "service_ready"
    errors = _schema_errors(compose_schema, broken)
    assert any("depend_on" in e for e in errors) and any("nginx" in e for e in errors), errors


def test_it_needs_exactly_the_two_passwords() -> None:
    names = set(re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)", COMPOSE.read_text(encoding="utf-8")))
    assert names == set(ENV)
    for missing in ENV:
        with pytest.raises(MissingVariable, match=missing):
            compose({k: v for k, v in ENV.items() if k != missing})


def test_dependencies_and_volumes_exist() -> None:
    document = compose(ENV)
    services = document["services"]
    for name, service in services.items():
        for target, how in (service.get("depends_on") or {}).items():
            assert target in services, f"{name} depends on unknown {target}"
            if how.get("condition") == "service_healthy":
                assert services[target].get("healthcheck"), f"{name} waits for {target} to be healthy: no healthcheck"
    named = {source for service in services.values() for source in volume_mounts(service).values()
             if not source.startswith((".", "/"))}
    assert named == set(document.get("volumes") or {}), "named volumes used == named volumes declared"


def test_shell_healthchecks_use_variables_their_service_has() -> None:
    for name, service in compose(ENV)["services"].items():
        test = (service.get("healthcheck") or {}).get("test") or []
        if test[:1] == ["CMD-SHELL"]:
            for variable in re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", test[1]):
                assert variable in environment(service), f"{name}'s healthcheck reads ${variable}, which it lacks"


def test_replicas_run_the_image_deploy_dockerfile_builds() -> None:
    document = compose(ENV)
    replicas = caunoi_services(document)
    assert len(replicas) >= 2
    for name, service in replicas.items():
        context = (COMPOSE.parent / service["build"]["context"]).resolve()
        assert context == ROOT, f"{name}: builds from {context}, not the project folder"
        assert (context / service["build"]["dockerfile"]).resolve() == DOCKERFILE
        assert service["image"] == "caunoi"
        assert "command" not in service and "entrypoint" not in service, "the Dockerfile's CMD runs"
        assert "ports" not in service, f"{name} is reached through nginx only"
        healthcheck = " ".join(service["healthcheck"]["test"])
        url = re.search(r"http://[^'\"\s]+", healthcheck)[0]
        assert urlsplit(url).port == _cmd_port(), "the healthcheck asks the port the CMD listens on"
        assert urlsplit(url).path == "/webhooks/rest/", "the REST channel's health route (the API is off)"


def test_each_replica_keeps_its_own_data_folder() -> None:
    """`caunoi run` locks its data folder: replicas must not share one."""
    env = dockerfile_env(dockerfile_instructions())
    data_dir = str(PurePosixPath(env["CAUNOI_HOME"]) / yaml.safe_load((ROOT / "caunoi.yml").read_text())["data_dir"])
    sources = []
    for name, service in caunoi_services(compose(ENV)).items():
        assert "CAUNOI_DATA_DIR" not in environment(service)
        assert data_dir in volume_mounts(service), f"{name}: no volume on its data folder {data_dir}"
        sources.append(volume_mounts(service)[data_dir])
    assert len(set(sources)) == len(sources), f"replicas share a data volume: {sources}"


def test_replica_settings_are_what_caunoi_run_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.runtime.scale_config import scale_config, tracker_store_endpoint
    from bot.settings import load_settings
    from bot.status.config import status_db_url

    document = compose(ENV)
    services = document["services"]
    postgres, redis = environment(services["postgres"]), services["redis"]
    redis_password = redis["command"][redis["command"].index("--requirepass") + 1]
    for name, service in caunoi_services(document).items():
        env = environment(service)
        unknown = [k for k in env if k.startswith("CAUNOI_") and not read_by_the_code(k)]
        assert unknown == [], f"{name} sets variables the code never reads: {unknown}"
        for key in [k for k in os.environ if k.startswith("CAUNOI_")]:
            monkeypatch.delenv(key)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        load_settings.cache_clear()
        try:
            settings = load_settings()
            scale = scale_config(settings)  # what `caunoi run` checks before starting: no ValueError
            status_db = status_db_url(settings)
        finally:
            load_settings.cache_clear()
        tracker = tracker_store_endpoint(scale.tracker_db)
        assert tracker["dialect"] == "postgresql" and tracker["url"] in services and tracker["port"] == 5432
        assert (tracker["db"], tracker["username"], tracker["password"]) == (
            postgres["POSTGRES_DB"], postgres["POSTGRES_USER"], postgres["POSTGRES_PASSWORD"])
        lock = urlsplit(scale.lock_store)
        assert (lock.hostname, lock.port, lock.password) == ("redis", 6379, redis_password)
        assert "redis" in services
        status = sa.engine.make_url(status_db)
        assert (status.get_backend_name(), status.host, status.database) == ("postgresql", "postgres", "caunoi"), (
            "one status store for every replica")


def test_the_action_server_runs_inside_each_replica() -> None:
    from bot.runtime.supervisor import RunOptions

    text = COMPOSE.read_text(encoding="utf-8")
    assert f"127.0.0.1:{RunOptions().actions_port}" in text, "the comment names where `caunoi run` starts it"
    for name, service in compose(ENV)["services"].items():
        command = " ".join(map(str, service.get("command") or []))
        assert "action_server" not in command and "run actions" not in command, f"{name} runs an action server"


def test_nginx_mounts_deploy_nginx_conf_and_what_it_includes() -> None:
    document = compose(ENV)
    mounts = nginx_mounts(document)
    assert mounts[NGINX_CONF] == PurePosixPath("conf.d/default.conf"), "the image includes conf.d/*.conf in http {}"
    for path in mounts:
        assert path.is_file(), f"{path} is mounted but missing"
    # Relative includes are read from /etc/nginx/ (the folder of the image's nginx.conf): each must be mounted.
    for include in nginx_directives(NGINX_CONF, "include"):
        assert not include.startswith("/"), include
        if "*" in include:  # optional: the operator's own file (the console's), absent by default
            assert not any(PurePosixPath(m).match(include) for m in mounts.values()), f"{include} mounted by default"
            continue
        assert PurePosixPath(include) in mounts.values(), f"{include} is included but not mounted"
    replicas = caunoi_services(document)
    assert sorted(nginx_replicas()) == sorted((name, _cmd_port()) for name in replicas)
    nginx = document["services"]["nginx"]
    assert {d: c["condition"] for d, c in nginx["depends_on"].items()} == {n: "service_healthy" for n in replicas}
    [published] = nginx["ports"]
    assert int(str(published).rsplit(":", 1)[1]) == nginx_listen_port()
