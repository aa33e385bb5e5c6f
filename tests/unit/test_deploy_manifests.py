"""The deployment files (Dockerfile, docker-compose.yml, deploy/k8s/) stay consistent.

Static checks only: PyYAML and the standard library, no Docker, no cluster, and the service
modules are *not* imported. A service dropped from docker-compose.yml or deploy/k8s/, a
probe removed or pointed elsewhere, or a command that no longer names its entrypoint fails
here.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S_DIR = ROOT / "deploy" / "k8s"
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"

CONFIG = "deploy/config.yaml"
IMAGE = "khuyenhoc/platform:0.1.0"

# process name -> (nameko entrypoint, HTTP port)
ENTRYPOINTS: dict[str, tuple[str, int]] = {
    "gateway": ("gateway.entrypoint:GatewayService", 8000),
    "registration": ("services.registration.entrypoint:RegistrationService", 8001),
    "scoring": ("services.scoring.entrypoint:ScoringService", 8002),
    "fund": ("services.fund.entrypoint:FundService", 8003),
    "notification": ("services.notification.entrypoint:NotificationService", 8004),
}
DIRECTORY_LOAD = ["khuyenhoc", "directory", "load", "20"]
# Files in deploy/k8s/ that are deliberately not applied by the kustomization.
NOT_IN_KUSTOMIZATION = {"kustomization.yaml", "secret.example.yaml"}


def nameko_command(target: str) -> list[str]:
    return ["nameko", "run", "--config", CONFIG, target]


def as_argv(command) -> list[str]:
    """A compose/k8s command (string or list) as an argv list."""
    if command is None:
        return []
    if isinstance(command, str):
        return shlex.split(command)
    return [str(part) for part in command]


# --------------------------------------------------------------------------- loading


def k8s_files() -> list[Path]:
    return sorted(K8S_DIR.glob("*.yaml")) + sorted(K8S_DIR.glob("*.yml"))


def load_k8s_documents() -> list[tuple[Path, dict]]:
    docs = []
    for path in k8s_files():
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc is not None:
                docs.append((path, doc))
    return docs


def k8s_objects(kind: str) -> list[tuple[Path, dict]]:
    return [(path, doc) for path, doc in load_k8s_documents() if doc.get("kind") == kind]


def load_compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def compose_env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        pairs = (item.split("=", 1) for item in env)
        return {k: (v[0] if v else "") for k, *v in pairs}
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def pod_spec(obj: dict) -> dict:
    return obj["spec"]["template"]["spec"]


def container_argv(container: dict) -> list[str]:
    return as_argv(container.get("command")) + as_argv(container.get("args"))


def deployments_by_target() -> dict[str, list[tuple[str, dict, dict]]]:
    """nameko target -> [(deployment name, deployment, container running it)]."""
    found: dict[str, list] = {}
    for _, dep in k8s_objects("Deployment"):
        for container in pod_spec(dep)["containers"]:
            argv = container_argv(container)
            if argv[:4] == ["nameko", "run", "--config", CONFIG] and len(argv) == 5:
                found.setdefault(argv[4], []).append((dep["metadata"]["name"], dep, container))
    return found


def the_deployment(name: str) -> tuple[dict, dict]:
    target, _ = ENTRYPOINTS[name]
    matches = deployments_by_target().get(target, [])
    assert len(matches) == 1, (
        f"expected exactly one Deployment in deploy/k8s running "
        f"`{' '.join(nameko_command(target))}`, found {[m[0] for m in matches]}"
    )
    _, dep, container = matches[0]
    return dep, container


def container_port(container: dict, port) -> int:
    """Resolve a probe/service port (number or name) against the container's ports."""
    if isinstance(port, int):
        return port
    if isinstance(port, str) and port.isdigit():
        return int(port)
    for item in container.get("ports") or []:
        if item.get("name") == port:
            return int(item["containerPort"])
    raise AssertionError(f"port {port!r} is not a named port of container {container['name']}")


def env_var(container: dict, name: str) -> dict | None:
    for item in container.get("env") or []:
        if item.get("name") == name:
            return item
    return None


# --------------------------------------------------------------------------- parsing


def test_the_deployment_files_exist():
    assert DOCKERFILE.is_file()
    assert (ROOT / ".dockerignore").is_file()
    assert COMPOSE_FILE.is_file()
    assert (K8S_DIR / "kustomization.yaml").is_file()
    assert len(k8s_files()) >= 10


@pytest.mark.parametrize(
    "path",
    [COMPOSE_FILE, *k8s_files()],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_yaml_parses(path: Path):
    docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
    assert docs, f"{path} holds no YAML document"
    for doc in docs:
        assert isinstance(doc, dict), f"{path}: a document is not a mapping"
        if path.parent == K8S_DIR:
            assert doc.get("apiVersion") and doc.get("kind"), f"{path}: no apiVersion/kind"
            if doc["kind"] != "Kustomization":
                assert doc.get("metadata", {}).get("name"), f"{path}: {doc['kind']} has no name"


def test_kustomization_lists_every_manifest():
    kustomization = yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text(encoding="utf-8"))
    listed = kustomization.get("resources") or []
    assert len(listed) == len(set(listed)), "a resource is listed twice"
    for name in listed:
        assert (K8S_DIR / name).is_file(), f"kustomization.yaml lists a missing file {name}"
    on_disk = {p.name for p in k8s_files()} - NOT_IN_KUSTOMIZATION
    assert set(listed) == on_disk


def test_namespaced_objects_are_in_the_khuyenhoc_namespace():
    kinds = {doc["kind"] for _, doc in load_k8s_documents()}
    assert {
        "Namespace",
        "ConfigMap",
        "Secret",
        "StatefulSet",
        "Deployment",
        "Service",
        "Job",
    } <= kinds
    for path, doc in load_k8s_documents():
        if doc["kind"] in ("Kustomization", "Namespace"):
            continue
        assert doc["metadata"].get("namespace") == "khuyenhoc", f"{path}: {doc['kind']}"


# --------------------------------------------------------------------------- k8s


def test_every_deployment_runs_one_of_the_five_entrypoints():
    expected = {target for target, _ in ENTRYPOINTS.values()}
    by_target = deployments_by_target()
    assert set(by_target) == expected
    for _, dep in k8s_objects("Deployment"):
        argvs = [container_argv(c) for c in pod_spec(dep)["containers"]]
        assert any(a[:2] == ["nameko", "run"] for a in argvs), dep["metadata"]["name"]


@pytest.mark.parametrize("name", sorted(ENTRYPOINTS))
def test_k8s_deployment(name: str):
    target, port = ENTRYPOINTS[name]
    dep, container = the_deployment(name)
    assert container_argv(container) == nameko_command(target)
    assert container["image"] == IMAGE

    # readiness and liveness on /health, on the port the service listens on
    for probe_kind in ("readinessProbe", "livenessProbe"):
        probe = container.get(probe_kind)
        assert probe, f"{name}: no {probe_kind}"
        http = probe.get("httpGet")
        assert http, f"{name}: {probe_kind} is not an httpGet probe"
        assert http.get("path") == "/health", f"{name}: {probe_kind} path {http.get('path')}"
        assert container_port(container, http.get("port")) == port, f"{name}: {probe_kind} port"

    # it listens where the probes look
    addr = env_var(container, "WEB_SERVER_ADDRESS")
    assert addr and addr.get("value") == f"0.0.0.0:{port}", f"{name}: WEB_SERVER_ADDRESS"
    assert port in [int(p["containerPort"]) for p in container.get("ports") or []]

    # configuration from the ConfigMap, AMQP_URI (credentials) from the Secret
    refs = [e.get("configMapRef", {}).get("name") for e in container.get("envFrom") or []]
    assert "khuyenhoc-config" in refs, f"{name}: no envFrom the ConfigMap"
    amqp = env_var(container, "AMQP_URI")
    assert amqp and amqp.get("valueFrom", {}).get("secretKeyRef", {}).get("key") == "AMQP_URI", (
        f"{name}: AMQP_URI must come from a Secret"
    )
    assert "value" not in amqp

    # resources, metrics, non-root
    resources = container.get("resources") or {}
    for section in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(resources.get(section) or {}), f"{name}: {section}"
    annotations = dep["spec"]["template"]["metadata"].get("annotations") or {}
    assert annotations.get("prometheus.io/scrape") == "true"
    assert annotations.get("prometheus.io/path") == "/metrics"
    assert str(annotations.get("prometheus.io/port")) == str(port)
    pod_ctx = pod_spec(dep).get("securityContext") or {}
    ctx = container.get("securityContext") or {}
    assert ctx.get("runAsNonRoot", pod_ctx.get("runAsNonRoot")) is True, f"{name}: runAsNonRoot"


@pytest.mark.parametrize("name", sorted(ENTRYPOINTS))
def test_k8s_service_fronts_each_deployment(name: str):
    _, port = ENTRYPOINTS[name]
    dep, container = the_deployment(name)
    pod_labels = dep["spec"]["template"]["metadata"]["labels"]
    matching = [
        svc
        for _, svc in k8s_objects("Service")
        if svc["spec"].get("selector")
        and all(pod_labels.get(k) == v for k, v in svc["spec"]["selector"].items())
    ]
    assert matching, f"no Service selects the pods of {name}"
    ports = [
        container_port(container, p.get("targetPort", p["port"]))
        for svc in matching
        for p in svc["spec"]["ports"]
    ]
    assert port in ports


def test_k8s_directory_load_job():
    jobs = [
        (job, c)
        for _, job in k8s_objects("Job")
        for c in pod_spec(job)["containers"]
        if container_argv(c) == DIRECTORY_LOAD
    ]
    assert len(jobs) == 1, "expected one Job running `khuyenhoc directory load 20`"
    job, container = jobs[0]
    assert container["image"] == IMAGE
    assert pod_spec(job)["restartPolicy"] in ("OnFailure", "Never")


def test_k8s_backing_services():
    images = {
        c["image"] for _, sts in k8s_objects("StatefulSet") for c in pod_spec(sts)["containers"]
    }
    assert {"mongo:7", "rabbitmq:3.13-management"} <= images
    for _, sts in k8s_objects("StatefulSet"):
        assert sts["spec"].get("volumeClaimTemplates"), sts["metadata"]["name"]
    config = [doc for _, doc in k8s_objects("ConfigMap")]
    keys = set().union(*(set(doc.get("data") or {}) for doc in config))
    assert {"AMQP_URI", "MONGO_URI", "DB_PREFIX", "KHUYENHOC_TENANTS"} <= keys


# --------------------------------------------------------------------------- compose


def test_compose_backing_services():
    services = load_compose()["services"]
    assert services["rabbitmq"]["image"] == "rabbitmq:3.13-management"
    assert services["mongo"]["image"] == "mongo:7"
    assert "rabbitmq-diagnostics" in as_argv(services["rabbitmq"]["healthcheck"]["test"])
    assert "mongosh" in as_argv(services["mongo"]["healthcheck"]["test"])
    assert any(str(v).endswith(":/data/db") for v in services["mongo"].get("volumes") or [])


def test_compose_directory_load():
    services = load_compose()["services"]
    loader = services["directory-load"]
    assert as_argv(loader["command"]) == DIRECTORY_LOAD
    assert loader["image"] == IMAGE


def test_compose_has_exactly_the_five_nameko_processes():
    commands = [
        as_argv(svc.get("command"))
        for svc in load_compose()["services"].values()
        if as_argv(svc.get("command"))[:2] == ["nameko", "run"]
    ]
    expected = [nameko_command(target) for target, _ in ENTRYPOINTS.values()]
    assert sorted(commands) == sorted(expected)


@pytest.mark.parametrize("name", sorted(ENTRYPOINTS))
def test_compose_service(name: str):
    target, port = ENTRYPOINTS[name]
    services = load_compose()["services"]
    running = [
        s for s, svc in services.items() if as_argv(svc.get("command")) == nameko_command(target)
    ]
    assert len(running) == 1, f"expected one compose service running {target}, found {running}"
    svc = services[running[0]]

    assert svc.get("image") == IMAGE
    env = compose_env(svc)
    assert env.get("WEB_SERVER_ADDRESS") == f"0.0.0.0:{port}"
    assert env.get("AMQP_URI") == "amqp://guest:guest@rabbitmq:5672/"
    assert env.get("MONGO_URI") == "mongodb://mongo:27017"

    healthcheck = " ".join(as_argv((svc.get("healthcheck") or {}).get("test")))
    assert f":{port}/health" in healthcheck, f"{name}: healthcheck does not hit /health"

    depends = svc.get("depends_on")
    assert isinstance(depends, dict), f"{name}: depends_on needs conditions"
    assert depends.get("rabbitmq", {}).get("condition") == "service_healthy"
    assert depends.get("mongo", {}).get("condition") == "service_healthy"
    assert depends.get("directory-load", {}).get("condition") == "service_completed_successfully"

    ports = [str(p) for p in svc.get("ports") or []]
    if name == "gateway":
        assert any(re.fullmatch(r"(\S+:)?8000:8000(/tcp)?", p) for p in ports), ports
    else:
        assert not ports, f"{name} publishes {ports}; only the gateway is published"


def test_compose_builds_the_image_once():
    services = load_compose()["services"]
    builders = [name for name, svc in services.items() if "build" in svc]
    assert len(builders) == 1, f"the app image should be built by one service, not {builders}"
    assert services[builders[0]]["image"] == IMAGE


# --------------------------------------------------------------------------- everywhere


@pytest.mark.parametrize("name", sorted(ENTRYPOINTS))
def test_entrypoint_named_in_compose_and_k8s(name: str):
    target, _ = ENTRYPOINTS[name]
    module, cls = target.split(":")
    assert re.fullmatch(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*", module)
    assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", cls)
    assert target in COMPOSE_FILE.read_text(encoding="utf-8")
    k8s_text = "\n".join(p.read_text(encoding="utf-8") for p in k8s_files())
    assert target in k8s_text


def test_dockerfile():
    text = DOCKERFILE.read_text(encoding="utf-8")
    lines = [
        ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    ]
    assert lines[0].startswith("FROM python:3.11-slim")
    assert "pip install --no-cache-dir ." in text
    assert re.search(r"^ENV\s.*PYTHONUNBUFFERED=1", text, re.M)
    users = [ln.split(None, 1)[1] for ln in lines if ln.startswith("USER ")]
    assert users, "the image must not run as root"
    assert users[-1].split(":")[0] not in ("root", "0")
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", ".venv-nx", ".data", ".run", ".git"} <= set(ignored)
