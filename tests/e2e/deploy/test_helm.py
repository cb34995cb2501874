"""deploy/helm-values.yml, without Helm or Kubernetes: valid YAML, and the same image, command, port, probes and
settings as deploy/docker-compose.yml and deploy/Dockerfile. (Its keys were compared by hand with the values of
Rasa's chart, RasaHQ/helm-charts charts/rasa/values.yaml; the chart itself is not available offline here.)
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import yaml

from tests.support.deploy_files import (
    HELM_VALUES,
    caunoi_services,
    compose,
    dockerfile_exec_form,
    dockerfile_instructions,
    environment,
    read_by_the_code,
)

ENV = {"POSTGRES_PASSWORD": "Pg0Secret", "REDIS_PASSWORD": "Redis0Secret"}
VALUES = yaml.safe_load(HELM_VALUES.read_text(encoding="utf-8"))
REPLICAS = caunoi_services(compose(ENV))
CMD = dockerfile_exec_form(dockerfile_instructions(), "CMD")


def test_pods_run_the_image_and_command_of_the_compose_replicas() -> None:
    assert isinstance(VALUES, dict)
    assert {s["image"] for s in REPLICAS.values()} == {VALUES["image"]["name"]}
    assert VALUES["command"] + VALUES["args"] == CMD
    assert VALUES["applicationSettings"]["port"] == int(CMD[CMD.index("--port") + 1])
    assert VALUES["replicaCount"] >= 2 and VALUES["autoscaling"]["minReplicas"] >= 2


def test_probes_ask_the_route_the_compose_healthcheck_asks() -> None:
    paths = {urlsplit(re.search(r"http://[^'\"\s]+", " ".join(s["healthcheck"]["test"]))[0]).path
             for s in REPLICAS.values()}
    for probe in ("livenessProbe", "readinessProbe"):
        get = VALUES[probe]["httpGet"]
        assert {get["path"]} == paths
        assert get["port"] == "http", "the chart names Rasa's container port (applicationSettings.port) `http`"


def test_pods_get_the_settings_the_compose_replicas_get() -> None:
    names = {e["name"] for e in VALUES["extraEnv"]}
    compose_names = {k for s in REPLICAS.values() for k in environment(s)}
    assert compose_names <= names
    assert all(read_by_the_code(n) for n in names if n.startswith("CAUNOI_")), names
    secret_refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in VALUES["extraEnv"] if "valueFrom" in e}
    assert secret_refs["CAUNOI_STATUS_DB"] == secret_refs["CAUNOI_TRACKER_DB"], "one PostgreSQL, as in compose"


def test_the_chart_adds_nothing_caunoi_run_does_itself() -> None:
    settings = VALUES["applicationSettings"]
    endpoints = settings["endpoints"]
    # `caunoi run` writes Rasa's endpoints (tracker and lock store) and credentials itself, with the API off.
    assert not endpoints["trackerStore"]["enabled"] and not endpoints["lockStore"]["enabled"]
    assert not settings["enableAPI"] and not settings["credentials"]["enabled"]
    assert settings["initialModel"] == "" and not settings["trainInitialModel"], "the model is in the image"
    for chart in ("postgresql", "redis", "rabbitmq", "rasa-action-server"):
        assert VALUES[chart]["install"] is False, chart
    # The chart's Ingress and nginx sidecar would pass every path on (REST, status API): off.
    assert VALUES["ingress"]["enabled"] is False and VALUES["nginx"]["enabled"] is False
