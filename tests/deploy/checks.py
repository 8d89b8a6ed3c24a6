#!/usr/bin/env python3
"""Consistency checks of deploy/ that a schema cannot make (called by tests/deploy/validate.sh).

    checks.py k8s OVERLAY RENDERED.yaml     policy of a rendered kustomize overlay
    checks.py compose RENDERED.yaml         policy of `docker-compose config` output (+ the source file)
    checks.py docker                        deploy/docker/Dockerfile against the repository
    checks.py dashboard RULES_OUT.yml       Grafana JSON; writes its PromQL as a rules file for promtool
    checks.py prometheus OUT_DIR            the scrape configs; writes promtool-checkable copies to OUT_DIR

The facts come from the repository itself, not from a copy kept here: service names from
scripts/lib/services.sh, ports and stores from the first line of services/*/README.md, the variables a
service understands from its README's configuration table and from the code (libs/, services/), the
metrics from the code's AddGauge calls and libs/http/metrics.cpp. Each problem is printed on a line of
its own; the exit code is 1 when there is one.
"""
from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PROBLEMS: list[str] = []

# Shutdown, from libs/http (shutdown_grace 10 s) and libs/bus (outbox flush deadline 5 s), plus a margin.
DRAIN_SECONDS = 10
FLUSH_SECONDS = 5
MARGIN_SECONDS = 5
HPA = {"gateway": (2, 10), "order": (2, 6)}
LOCAL_STORES = ("mysql", "mongodb", "rabbitmq", "redis")
# Variables whose values are secret: from a Secret (k8s) or from .env (compose), never written in a manifest.
SECRET_VARIABLE = re.compile(r"PASSWORD|SECRET|_KEY$|_URI$")


def problem(text: str) -> None:
    PROBLEMS.append(text)
    print(f"  problem: {text}")


def finish(what: str) -> int:
    if PROBLEMS:
        print(f"  {what}: {len(PROBLEMS)} problem(s)")
        return 1
    print(f"  {what}: ok")
    return 0


# ------------------------------------------------------------------------------------ repository facts
def service_names() -> list[str]:
    text = (ROOT / "scripts/lib/services.sh").read_text()
    match = re.search(r"^SERVICES=\(([^)]*)\)", text, re.M)
    if not match:
        raise SystemExit("scripts/lib/services.sh: no SERVICES=(...) line")
    return match.group(1).split()


class Service:
    def __init__(self, name: str):
        self.name = name
        readme = (ROOT / "services" / name / "README.md").read_text()
        title = readme.splitlines()[0]
        port = re.search(r"port (\d+)", title)
        if not port:
            raise SystemExit(f"services/{name}/README.md: no port in the title line")
        self.port = int(port.group(1))
        self.store = "mysql" if "MySQL" in title else "mongo" if "MongoDB" in title else None
        db = re.search(r"`([a-z_]+_db)`", title)
        self.database = db.group(1) if db else None
        self.variables = readme_variables(readme)
        # The token signer (service::Spec::signs_tokens, in the service's definition, src/service.cpp, or in
        # its main.cpp): the only one given MP_JWT_PRIVATE_KEY.
        sources = [ROOT / "services" / name / "src" / f for f in ("service.cpp", "main.cpp")]
        self.signs_tokens = any(
            source.exists() and re.search(r"\.signs_tokens\s*=\s*true", source.read_text()) for source in sources
        )

    @property
    def amqp(self) -> bool:
        return any(v.startswith("MP_AMQP_") for v in self.variables)

    @property
    def redis(self) -> bool:
        return any(v.startswith("MP_REDIS_") for v in self.variables)

    def required_env(self) -> set[str]:
        need = {"MP_HTTP_HOST", "MP_HTTP_PORT", "MP_JWT_PUBLIC_KEYS"}
        if self.signs_tokens:
            need.add("MP_JWT_PRIVATE_KEY")
        if self.redis:
            need |= {"MP_REDIS_HOST", "MP_REDIS_PORT", "MP_REDIS_PASSWORD"}
        if self.amqp:
            need |= {f"MP_AMQP_{k}" for k in ("HOST", "PORT", "USER", "PASSWORD", "VHOST")}
        if self.store == "mysql":
            need |= {f"MP_MYSQL_{k}" for k in ("HOST", "PORT", "USER", "PASSWORD", "DATABASE")}
        if self.store == "mongo":
            need |= {"MP_MONGO_URI", "MP_MONGO_DATABASE"}
        need |= {v for v in self.variables if re.fullmatch(r"MP_[A-Z]+_URL", v)}
        return need


def readme_variables(readme: str) -> set[str]:
    """`MP_A_B/C/D` in the first cell of a README table row → MP_A_B, MP_A_C, MP_A_D."""
    names: set[str] = set()
    for line in readme.splitlines():
        if not line.startswith("| `MP_"):
            continue
        first_cell = line.split("|")[1]
        for token in re.findall(r"`(MP_[A-Z0-9_/]+)`", first_cell):
            head, *alternatives = token.split("/")
            names.add(head)
            prefix = head[: head.rfind("_") + 1]
            names.update(prefix + alt for alt in alternatives)
    return names


def known_variables(services: list[Service]) -> set[str]:
    names: set[str] = set()
    for folder in ("libs", "services"):
        for path in (ROOT / folder).rglob("*.[ch]pp"):
            names.update(re.findall(r'"(MP_[A-Z0-9_]+)"', path.read_text(errors="replace")))
    # libs/service ReadUpstream and the gateway build MP_<NAME>_URL / _TIMEOUT_MS / _CONNECT_TIMEOUT_MS.
    for s in services:
        upper = s.name.upper()
        names |= {f"MP_{upper}_URL", f"MP_{upper}_TIMEOUT_MS", f"MP_{upper}_CONNECT_TIMEOUT_MS"}
    return names


def exported_metrics() -> set[str]:
    names: set[str] = set()
    for folder in ("libs", "services"):
        for path in (ROOT / folder).rglob("*.cpp"):
            if "/tests/" in str(path):
                continue
            text = path.read_text(errors="replace")
            # The name ends at its closing quote or where its labels start ("name{queue=\"" + ...).
            names.update(re.findall(r'Add(?:Gauge|Counter|Histogram)\(\s*"([a-z_:][a-z0-9_:]*)[{"]', text))
    metrics_cpp = (ROOT / "libs/http/metrics.cpp").read_text()
    names.update(re.findall(r"\b(http_[a-z_]+?)(?=\{\{| )", metrics_cpp))
    return names


def load_all(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def check_env(where: str, svc: Service, env: dict[str, object], known: set[str], literal_secrets_ok: bool) -> None:
    """env: name → literal value, or None when it comes from a Secret. literal_secrets_ok: the values are
    rendered from substitutions (compose), so secrets are checked in the source file instead."""
    for name in sorted(svc.required_env() - env.keys()):
        problem(f"{where}: {svc.name} lacks {name}")
    for name in sorted(env.keys() - known):
        problem(f"{where}: {svc.name} sets {name}, which no code reads (typo?)")
    if "MP_JWT_PRIVATE_KEY" in env and not svc.signs_tokens:
        problem(f"{where}: {svc.name} gets MP_JWT_PRIVATE_KEY, which only the token signer may hold")
    literal = {k: v for k, v in env.items() if v is not None}
    if "MP_HTTP_PORT" in literal and str(literal["MP_HTTP_PORT"]) != str(svc.port):
        problem(f"{where}: {svc.name} MP_HTTP_PORT={literal['MP_HTTP_PORT']}, its README says {svc.port}")
    if literal.get("MP_HTTP_HOST") not in (None, "0.0.0.0"):
        problem(f"{where}: {svc.name} MP_HTTP_HOST must be 0.0.0.0 in a container")
    for key in ("MP_MYSQL_DATABASE", "MP_MONGO_DATABASE"):
        if key in literal and literal[key] != svc.database:
            problem(f"{where}: {svc.name} {key}={literal[key]}, its README says {svc.database}")
    if not literal_secrets_ok:
        for name, value in literal.items():
            if SECRET_VARIABLE.search(name) and value:
                problem(f"{where}: {svc.name} {name} is a literal value, not a secretKeyRef")


# ------------------------------------------------------------------------------------------------ k8s
def check_k8s(overlay: str, rendered: Path) -> int:
    print(f"k8s policy: overlay {overlay}")
    docs = load_all(rendered)
    names = service_names()
    services = {n: Service(n) for n in names}
    known = known_variables(list(services.values()))
    by_kind: dict[str, dict[str, dict]] = {}
    for d in docs:
        by_kind.setdefault(d["kind"], {})[d["metadata"]["name"]] = d
        if d["kind"] != "Namespace" and d["metadata"].get("namespace") != "marketplace":
            problem(f"{d['kind']}/{d['metadata']['name']}: not in namespace marketplace")
        if d["metadata"].get("labels", {}).get("app.kubernetes.io/part-of") != "service-marketplace":
            problem(f"{d['kind']}/{d['metadata']['name']}: no label app.kubernetes.io/part-of=service-marketplace")
    configmaps = by_kind.get("ConfigMap", {})
    secrets = by_kind.get("Secret", {})
    deployments = by_kind.get("Deployment", {})
    hpas = {h["spec"]["scaleTargetRef"]["name"]: h for h in by_kind.get("HorizontalPodAutoscaler", {}).values()}
    token_env: dict[str, dict[str, object]] = {}

    for name, svc in services.items():
        dep = deployments.get(name)
        if dep is None:
            problem(f"Deployment/{name} is missing")
            continue
        where = f"Deployment/{name}"
        spec, pod = dep["spec"], dep["spec"]["template"]["spec"]
        labels = dep["spec"]["template"]["metadata"]["labels"]
        if spec["selector"]["matchLabels"].items() - labels.items():
            problem(f"{where}: selector does not match the pod labels")
        if name in HPA:
            lo, hi = HPA[name]
            hpa = hpas.get(name)
            if hpa is None:
                problem(f"{where}: no HorizontalPodAutoscaler")
            else:
                if hpa["apiVersion"] != "autoscaling/v2":
                    problem(f"HPA/{name}: apiVersion {hpa['apiVersion']}, not autoscaling/v2")
                if (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) != (lo, hi):
                    problem(f"HPA/{name}: {hpa['spec']['minReplicas']}–{hpa['spec']['maxReplicas']}, want {lo}–{hi}")
                if not any(m.get("resource", {}).get("name") == "cpu" for m in hpa["spec"]["metrics"]):
                    problem(f"HPA/{name}: not on CPU")
            if "replicas" in spec:
                problem(f"{where}: has replicas although its HPA owns the scale")
        elif spec.get("replicas") != 2:
            problem(f"{where}: replicas {spec.get('replicas')}, want 2")
        if pod.get("securityContext", {}).get("runAsNonRoot") is not True:
            problem(f"{where}: pod securityContext.runAsNonRoot is not true")
        if pod.get("automountServiceAccountToken") is not False:
            problem(f"{where}: automountServiceAccountToken should be false (no API access needed)")
        containers = pod["containers"]
        if len(containers) != 1:
            problem(f"{where}: {len(containers)} containers, want 1")
            continue
        c = containers[0]
        if not re.search(rf"(^|/)service-marketplace/{name}(:[\w.-]+)?$", c["image"]):
            problem(f"{where}: image {c['image']} is not service-marketplace/{name}")
        if overlay == "production" and (":" not in c["image"] or c["image"].endswith(":latest")):
            problem(f"{where}: production image {c['image']} has no pinned tag")
        if c.get("command") != [f"/usr/local/bin/mp-{name}", "serve"]:
            problem(f"{where}: command {c.get('command')}")
        ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
        if ports.get("http") != svc.port:
            problem(f"{where}: port http = {ports.get('http')}, its README says {svc.port}")
        for probe, path in (("livenessProbe", "/health"), ("readinessProbe", "/ready")):
            got = c.get(probe, {}).get("httpGet", {})
            if got.get("path") != path or got.get("port") not in ("http", svc.port):
                problem(f"{where}: {probe} is not GET {path} on the http port")
        sc = c.get("securityContext", {})
        if sc.get("readOnlyRootFilesystem") is not True:
            problem(f"{where}: readOnlyRootFilesystem is not true")
        if sc.get("allowPrivilegeEscalation") is not False:
            problem(f"{where}: allowPrivilegeEscalation is not false")
        if "ALL" not in sc.get("capabilities", {}).get("drop", []):
            problem(f"{where}: capabilities are not all dropped")
        res = c.get("resources", {})
        for part in ("requests", "limits"):
            for kind in ("cpu", "memory"):
                if kind not in res.get(part, {}):
                    problem(f"{where}: no resources.{part}.{kind}")
        pre = c.get("lifecycle", {}).get("preStop", {})
        sleep = None
        if pre.get("exec", {}).get("command", [None])[0] == "sleep":
            sleep = int(pre["exec"]["command"][1])
        elif "sleep" in pre:
            sleep = int(pre["sleep"]["seconds"])
        if sleep is None:
            problem(f"{where}: no preStop sleep")
        else:
            need = sleep + DRAIN_SECONDS + FLUSH_SECONDS + MARGIN_SECONDS
            grace = pod.get("terminationGracePeriodSeconds", 30)
            if grace < need:
                problem(f"{where}: terminationGracePeriodSeconds {grace} < preStop {sleep} + drain "
                        f"{DRAIN_SECONDS} + flush {FLUSH_SECONDS} + margin {MARGIN_SECONDS}")
        env = pod_env(c, configmaps, where)
        check_env(where, svc, env, known, literal_secrets_ok=False)
        token_env[name] = env | {item["name"]: (ref["name"], ref["key"]) for item in c.get("env", [])
                                 if (ref := item.get("valueFrom", {}).get("secretKeyRef"))}

        service = by_kind.get("Service", {}).get(name)
        if service is None:
            problem(f"Service/{name} is missing")
        else:
            if service["spec"]["selector"].items() - labels.items():
                problem(f"Service/{name}: selector does not match Deployment/{name}'s pods")
            sports = {p["name"]: p for p in service["spec"]["ports"]}
            if sports.get("http", {}).get("port") != svc.port:
                problem(f"Service/{name}: port http is not {svc.port}")
        pdb = by_kind.get("PodDisruptionBudget", {}).get(name)
        if pdb is None:
            problem(f"PodDisruptionBudget/{name} is missing")
        else:
            if pdb["spec"].get("minAvailable") != 1:
                problem(f"PodDisruptionBudget/{name}: minAvailable {pdb['spec'].get('minAvailable')}, want 1")
            if pdb["spec"]["selector"]["matchLabels"].items() - labels.items():
                problem(f"PodDisruptionBudget/{name}: selector does not match the pods")

        if svc.store == "mysql":
            job = by_kind.get("Job", {}).get(f"{name}-migrate")
            if job is None:
                problem(f"Job/{name}-migrate is missing")
            else:
                jc = job["spec"]["template"]["spec"]["containers"][0]
                if jc.get("command") != [f"/usr/local/bin/mp-{name}", "migrate"]:
                    problem(f"Job/{name}-migrate: command {jc.get('command')}")
                if jc["image"] != c["image"]:
                    problem(f"Job/{name}-migrate: image {jc['image']} differs from the Deployment's {c['image']}")
                jenv = pod_env(jc, configmaps, f"Job/{name}-migrate")
                for var in sorted({f"MP_MYSQL_{k}" for k in ("HOST", "PORT", "USER", "PASSWORD", "DATABASE")} - jenv.keys()):
                    problem(f"Job/{name}-migrate: lacks {var}")
                if job["spec"]["template"]["spec"].get("securityContext", {}).get("runAsNonRoot") is not True:
                    problem(f"Job/{name}-migrate: runAsNonRoot is not true")

    for name in deployments:
        if name not in services:
            problem(f"Deployment/{name}: not a service of scripts/lib/services.sh")

    ingress = by_kind.get("Ingress", {}).get("gateway")
    if ingress is None:
        problem("Ingress/gateway is missing")
    else:
        paths = {}
        for rule in ingress["spec"]["rules"]:
            for p in rule["http"]["paths"]:
                paths[p["path"]] = p["backend"]["service"]["name"]
        for want in ("/", "/api"):
            if paths.get(want) != "gateway":
                problem(f"Ingress/gateway: path {want} does not go to the gateway Service")
        if overlay == "production" and not ingress["spec"].get("tls"):
            problem("Ingress/gateway: no TLS in production")

    def resolve(value: object) -> object:
        if isinstance(value, tuple) and value[0] in secrets:
            data = secrets[value[0]].get("data") or {}
            return base64.b64decode(data[value[1]]).decode() if value[1] in data else None
        return value

    check_tokens("k8s", services, token_env, resolve)
    for name, env in token_env.items():
        ref = env.get("MP_JWT_PRIVATE_KEY")
        if not services[name].signs_tokens or not isinstance(ref, tuple):
            continue
        for d in docs:
            if (d["kind"], d["metadata"]["name"]) != ("Deployment", name) and ref in {(n, k) for n, k, _ in secret_refs([d])}:
                problem(f"{d['kind']}/{d['metadata']['name']}: refers to Secret {ref[0]} key {ref[1]}, "
                        f"the token signing key of {name} alone")
    check_references(overlay, docs, configmaps, secrets)
    if overlay == "local":
        for store in LOCAL_STORES:
            sts = by_kind.get("StatefulSet", {}).get(store)
            if sts is None:
                problem(f"StatefulSet/{store} is missing")
            elif not sts["spec"].get("volumeClaimTemplates"):
                problem(f"StatefulSet/{store}: no volumeClaimTemplates")
            if store not in by_kind.get("Service", {}):
                problem(f"Service/{store} is missing")
        for secret in secrets.values():
            for key, value in (secret.get("data") or {}).items():
                if "password" in key or "private" in key or key in ("secret", "uri"):
                    text = base64.b64decode(value).decode()
                    if "local-only" not in text:
                        problem(f"Secret/{secret['metadata']['name']}: {key} is not an obvious local placeholder")
    return finish(f"k8s overlay {overlay}")


def check_tokens(where: str, services: dict[str, Service], envs: dict[str, dict[str, object]], resolve=lambda v: v) -> None:
    """One token configuration for the whole platform: the same public keys, issuer, audience and attestation
    key (or none) on every process, and the signer's private key the pair of a listed public key (where the
    values are known: compose, the local overlay). A value is a literal or a (Secret, key) reference."""
    for var in ("MP_JWT_PUBLIC_KEYS", "MP_JWT_ISSUER", "MP_JWT_AUDIENCE", "MP_ATTESTATION_KEY"):
        groups: dict[object, list[str]] = {}
        for name, env in envs.items():
            groups.setdefault(env.get(var), []).append(name)
        if len(groups) > 1:
            problem(f"{where}: {var} is not the same on every service: "
                    + " | ".join(", ".join(names) for names in groups.values()))
    for name, env in envs.items():
        if not services[name].signs_tokens:
            continue
        private, public = resolve(env.get("MP_JWT_PRIVATE_KEY")), resolve(env.get("MP_JWT_PUBLIC_KEYS"))
        if not isinstance(private, str) or not isinstance(public, str):
            continue
        derived = ed25519_public_key(private)
        if derived is None:
            problem(f"{where}: {name} MP_JWT_PRIVATE_KEY is not a base64url Ed25519 key (43 characters)")
        elif derived and derived not in [k.strip() for k in public.split(",")]:
            problem(f"{where}: the public key of {name}'s MP_JWT_PRIVATE_KEY ({derived}) is not in MP_JWT_PUBLIC_KEYS")


def ed25519_public_key(seed: str) -> str | None:
    """The base64url public key of a base64url Ed25519 seed; None if it is not one, "" without openssl."""
    try:
        raw = base64.urlsafe_b64decode(seed + "=" * (-len(seed) % 4))
    except ValueError:
        return None
    if len(raw) != 32:
        return None
    pkcs8 = bytes.fromhex("302e020100300506032b657004220420") + raw  # RFC 8410 PrivateKeyInfo prefix
    try:
        der = subprocess.run(["openssl", "pkey", "-inform", "DER", "-pubout", "-outform", "DER"], input=pkcs8,
                             capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        print("  note: openssl could not derive the token public key; key pair not compared")
        return ""
    return base64.urlsafe_b64encode(der[-32:]).decode().rstrip("=")


def pod_env(container: dict, configmaps: dict, where: str) -> dict[str, object]:
    env: dict[str, object] = {}
    for source in container.get("envFrom", []):
        ref = source.get("configMapRef")
        if ref:
            cm = configmaps.get(ref["name"])
            if cm is None:
                problem(f"{where}: envFrom ConfigMap {ref['name']} is not rendered")
                continue
            env.update(cm.get("data", {}))
        elif source.get("secretRef"):
            problem(f"{where}: envFrom a whole Secret; use secretKeyRef so a missing key stops the pod")
    for item in container.get("env", []):
        if "value" in item:
            env[item["name"]] = item["value"]
        elif "secretKeyRef" in item.get("valueFrom", {}):
            env[item["name"]] = None
        elif "configMapKeyRef" in item.get("valueFrom", {}):
            ref = item["valueFrom"]["configMapKeyRef"]
            env[item["name"]] = configmaps.get(ref["name"], {}).get("data", {}).get(ref["key"])
    return env


def secret_refs(docs: list[dict]) -> set[tuple[str, str, bool]]:
    refs: set[tuple[str, str, bool]] = set()

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("secretKeyRef")
            if isinstance(ref, dict):
                refs.add((ref["name"], ref["key"], bool(ref.get("optional", False))))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for d in docs:
        walk(d)
    return refs


def check_references(overlay: str, docs: list[dict], configmaps: dict, secrets: dict) -> None:
    def walk(node, where):
        if isinstance(node, dict):
            for key in ("configMapRef", "configMapKeyRef"):
                if key in node and node[key]["name"] not in configmaps:
                    problem(f"{where}: ConfigMap {node[key]['name']} is not rendered")
            if isinstance(node.get("configMap"), dict) and node["configMap"]["name"] not in configmaps:
                problem(f"{where}: volume ConfigMap {node['configMap']['name']} is not rendered")
            for value in node.values():
                walk(value, where)
        elif isinstance(node, list):
            for value in node:
                walk(value, where)

    for d in docs:
        walk(d, f"{d['kind']}/{d['metadata']['name']}")
    refs = secret_refs(docs)
    if overlay == "production":
        for s in secrets:
            problem(f"Secret/{s}: the production overlay must not carry a Secret (the operator creates them)")
        documented = documented_secrets()
        required = {(n, k) for n, k, optional in refs if not optional}
        optional = {(n, k) for n, k, opt in refs if opt}
        for n, k in sorted(required - documented):
            problem(f"Secret {n} key {k} is used but not listed in overlays/production/README.md")
        for n, k in sorted(documented - required - optional):
            problem(f"overlays/production/README.md lists Secret {n} key {k}, which nothing uses")
    else:
        for n, k, optional in sorted(refs):
            if optional:
                continue
            if n not in secrets:
                problem(f"Secret {n} is referred to but not generated by the {overlay} overlay")
            elif k not in (secrets[n].get("data") or {}):
                problem(f"Secret {n} has no key {k}")


def documented_secrets() -> set[tuple[str, str]]:
    text = (DEPLOY / "k8s/overlays/production/README.md").read_text()
    found: set[tuple[str, str]] = set()
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) < 4 or not cells[1].startswith("`"):
            continue
        name = cells[1].strip("`")
        for key in re.findall(r"`([a-z][a-z-]*)`", cells[2]):
            found.add((name, key))
    return found


# -------------------------------------------------------------------------------------------- compose
def check_compose(rendered: Path) -> int:
    print("compose policy")
    config = yaml.safe_load(rendered.read_text())
    source = yaml.safe_load((DEPLOY / "compose/docker-compose.yml").read_text())
    services = {n: Service(n) for n in service_names()}
    known = known_variables(list(services.values()))
    svc_conf = config["services"]
    token_env: dict[str, dict[str, object]] = {}
    for store, image in (("mysql", "mysql:8"), ("mongodb", "mongo:7"), ("rabbitmq", "rabbitmq:3"), ("redis", "redis:7")):
        conf = svc_conf.get(store)
        if conf is None:
            problem(f"compose: no {store} service")
            continue
        if not conf.get("image", "").startswith(image):
            problem(f"compose: {store} image {conf.get('image')} is not {image}.x")
        if not conf.get("healthcheck"):
            problem(f"compose: {store} has no healthcheck")
    if "management" not in svc_conf.get("rabbitmq", {}).get("image", ""):
        problem("compose: rabbitmq is not the management image")
    for name, svc in services.items():
        conf = svc_conf.get(name)
        where = f"compose {name}"
        if conf is None:
            problem(f"compose: no {name} service")
            continue
        build = conf.get("build", {})
        if build.get("dockerfile") != "deploy/docker/Dockerfile" or build.get("args", {}).get("SERVICE") != name:
            problem(f"{where}: not built from deploy/docker/Dockerfile with SERVICE={name}")
        if Path(build.get("context", "")).resolve() != ROOT:
            problem(f"{where}: build context is not the repository root")
        if not conf.get("healthcheck", {}).get("test"):
            problem(f"{where}: no healthcheck")
        deps = conf.get("depends_on", {})
        if not isinstance(deps, dict) or not deps:
            problem(f"{where}: depends_on has no conditions")
        else:
            for dep, cond in deps.items():
                if cond.get("condition") != "service_healthy":
                    problem(f"{where}: depends on {dep} without condition service_healthy")
            wanted = {"redis"}
            if svc.amqp:
                wanted.add("rabbitmq")
            if svc.store == "mysql":
                wanted.add("mysql")
            if svc.store == "mongo":
                wanted.add("mongodb")
            for dep in sorted(wanted - deps.keys()):
                problem(f"{where}: does not wait for {dep}")
        grace = parse_seconds(str(conf.get("stop_grace_period", "10s")))
        if grace < DRAIN_SECONDS + FLUSH_SECONDS + MARGIN_SECONDS:
            problem(f"{where}: stop_grace_period {grace}s is shorter than the graceful shutdown")
        user = str(conf.get("user", ""))
        if not user or user.split(":")[0] in ("0", "root"):
            problem(f"{where}: does not run as a non-root user")
        if conf.get("read_only") is not True:
            problem(f"{where}: root filesystem is not read-only")
        env = dict(conf.get("environment", {}))
        check_env(where, svc, env, known, literal_secrets_ok=True)
        token_env[name] = env
        src_env = source["services"][name].get("environment", {})
        for key, value in src_env.items():
            if SECRET_VARIABLE.search(key) and "${" not in str(value):
                problem(f"{where}: {key} is written in the compose file, not taken from .env")
    check_tokens("compose", services, token_env)
    gw_ports = [str(p.get("target", p)) if isinstance(p, dict) else str(p) for p in svc_conf.get("gateway", {}).get("ports", [])]
    if not any(re.fullmatch(r"(.*:)?8080(/tcp)?", p) for p in gw_ports):
        problem("compose gateway: port 8080 is not published")
    ignored = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q", "deploy/compose/.env"])
    if ignored.returncode != 0:
        problem("deploy/compose/.env is not ignored by git")
    return finish("compose")


def parse_seconds(text: str) -> float:
    total = 0.0
    for number, unit in re.findall(r"([\d.]+)(ms|us|s|m|h)", text):
        total += float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}[unit]
    return total


# --------------------------------------------------------------------------------------------- docker
def check_docker() -> int:
    print("Dockerfile")
    dockerfile = (DEPLOY / "docker/Dockerfile").read_text()
    ignore = (DEPLOY / "docker/Dockerfile.dockerignore").read_text()
    services = {n: Service(n) for n in service_names()}
    stages = dict(re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)\s*\n((?:(?!^FROM ).*\n?)*)", dockerfile, re.M))
    if "FROM svc-${SERVICE} AS final" not in dockerfile:
        problem("Dockerfile: the final stage is not FROM svc-${SERVICE}")
    for name, svc in services.items():
        body = stages.get(f"svc-{name}")
        if body is None:
            problem(f"Dockerfile: no stage svc-{name}")
            continue
        if not re.search(rf"MP_HTTP_PORT={svc.port}\b", body) or not re.search(rf"^EXPOSE {svc.port}$", body, re.M):
            problem(f"Dockerfile: stage svc-{name} does not set MP_HTTP_PORT={svc.port} and EXPOSE {svc.port}")
        if f"mp-{name}" not in re.search(r'ARG BUILD_TARGETS="([^"]*)"', dockerfile).group(1).split():
            problem(f"Dockerfile: BUILD_TARGETS does not build mp-{name}")
    if "COPY --from=web" not in stages.get("svc-gateway", ""):
        problem("Dockerfile: the gateway image does not get the web app")
    for line in logical_lines(dockerfile):
        if not line.startswith("COPY ") or "--from=" in line:
            continue
        for src in [w for w in line.split()[1:-1] if not w.startswith("--")]:
            path = src.rstrip("/")
            if not (ROOT / path).exists():
                problem(f"Dockerfile: COPY source {src} does not exist")
            elif dockerignored(path, ignore):
                problem(f"Dockerfile: COPY source {src} is excluded by Dockerfile.dockerignore")
    for path in ("build", "var", "web/node_modules", "web/dist"):
        if not dockerignored(path, ignore):
            problem(f"Dockerfile.dockerignore: {path} would be sent to the builder")
    build_stage = stages.get("build", "")
    runtime_stage = stages.get("runtime", "")
    deps = (ROOT / "scripts/lib/deps.sh").read_text()
    deb = re.search(r"DEB_PACKAGES=\(([^)]*)\)", deps).group(1).split()
    for pkg in (p for p in deb if p.endswith("-dev") or p in ("cmake", "ninja-build", "pkg-config", "build-essential")):
        if not re.search(rf"(?<![\w.-]){re.escape(pkg)}(?![\w.-])", build_stage):
            problem(f"Dockerfile: the build stage lacks {pkg} (scripts/lib/deps.sh DEB_PACKAGES)")
    if re.search(r"\S+-dev\b", runtime_stage):
        problem("Dockerfile: the runtime stage installs a -dev package")
    check_runtime_libraries(runtime_stage)
    script = DEPLOY / "docker/healthcheck.sh"
    if not os.access(script, os.X_OK):
        problem("deploy/docker/healthcheck.sh is not executable")
    return finish("Dockerfile")


def logical_lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in re.sub(r"\\\n", " ", text).splitlines()]


def dockerignored(path: str, patterns_text: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parents decides."""
    patterns = [p.strip() for p in patterns_text.splitlines() if p.strip() and not p.strip().startswith("#")]
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pat = pattern[1:] if negate else pattern
        regex = re.escape(pat.rstrip("/")).replace(r"\*\*/", "(.*/)?").replace(r"\*\*", ".*")
        regex = regex.replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        if any(re.fullmatch(regex, c) for c in candidates):
            excluded = not negate
    return excluded


def check_runtime_libraries(runtime_stage: str) -> None:
    binaries = sorted((ROOT / "build/release/services").glob("*/mp-*"))
    binaries = [b for b in binaries if b.is_file() and os.access(b, os.X_OK)]
    if not binaries:
        print("  note: no build/release binaries, runtime libraries not compared with ldd")
        return
    libs: set[str] = set()
    for binary in binaries:
        out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True).stdout
        libs.update(m for m in re.findall(r"=> (/\S+)", out))
    before = len(PROBLEMS)
    packages: set[str] = set()
    for lib in sorted(libs):
        real = os.path.realpath(lib)
        for candidate in (real, lib):
            out = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
            if out.returncode == 0:
                packages.add(out.stdout.split(":")[0])
                break
        else:
            problem(f"runtime library {lib}: no Debian package owns it")
    base = {"libc6", "libstdc++6", "libgcc-s1"}  # in every Debian image
    for pkg in sorted(packages - base):
        if not re.search(rf"(?<![\w.-]){re.escape(pkg)}(?![\w.-])", runtime_stage):
            problem(f"Dockerfile: the runtime stage lacks {pkg}, which the binaries link")
    if len(PROBLEMS) == before:
        print(f"  ldd of {len(binaries)} binaries: {len(packages - base)} packages besides libc/libstdc++, "
              "all in the runtime stage")


# ------------------------------------------------------------------------------------------ dashboard
PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
                "unless", "offset", "inf", "nan"}


def metric_names(expr: str) -> set[str]:
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', expr)          # strings
    text = re.sub(r"\{[^}]*\}", " ", text)                   # label matchers
    text = re.sub(r"\[[^\]]*\]", " ", text)                  # ranges
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = set()
    for match in re.finditer(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\()?", text):
        word, call = match.group(1), match.group(2)
        if call or word.lower() in PROMQL_WORDS:
            continue
        names.add(word)
    return names


def readme_metric_table(heading: str) -> set[str]:
    text = (DEPLOY / "observability/README.md").read_text()
    section = text.split(f"## {heading}\n", 1)
    if len(section) < 2:
        problem(f"deploy/observability/README.md: no section '## {heading}'")
        return set()
    body = section[1].split("\n## ", 1)[0]
    return {m for line in body.splitlines() if line.startswith("| `")
            for m in re.findall(r"`([a-z_:][a-z0-9_:]*)`", line.split("|")[1])}


def check_dashboard(rules_out: Path) -> int:
    print("Grafana dashboard")
    path = DEPLOY / "observability/grafana/dashboards/marketplace.json"
    try:
        dashboard = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        problem(f"{path.relative_to(ROOT)}: not JSON: {error}")
        return finish("dashboard")
    for key in ("uid", "title", "panels", "schemaVersion"):
        if key not in dashboard:
            problem(f"dashboard: no {key}")
    ids = [p.get("id") for p in dashboard.get("panels", [])]
    if len(ids) != len(set(ids)):
        problem("dashboard: panel ids are not unique")
    variables = {v["name"] for v in dashboard.get("templating", {}).get("list", [])}
    rules, used = [], set()
    for panel in dashboard.get("panels", []):
        title = panel.get("title", f"panel {panel.get('id')}")
        if panel.get("type") == "row":
            continue
        grid = panel.get("gridPos", {})
        if not grid or grid.get("x", 0) + grid.get("w", 0) > 24:
            problem(f"dashboard panel '{title}': no gridPos or wider than 24")
        targets = panel.get("targets") or []
        if not targets:
            problem(f"dashboard panel '{title}': no targets")
        for target in targets:
            expr = (target.get("expr") or "").strip()
            if not expr:
                problem(f"dashboard panel '{title}' target {target.get('refId')}: empty expr")
                continue
            for var in re.findall(r"\$(?:\{)?([a-zA-Z_]+)", expr):
                if var not in variables and not var.startswith("__"):
                    problem(f"dashboard panel '{title}': unknown variable ${var}")
            concrete = expr.replace("$__rate_interval", "5m").replace("${service}", ".*").replace("$service", ".*")
            rules.append({"record": f"dashboard:panel_{panel.get('id')}:{target.get('refId')}", "expr": concrete})
            used |= metric_names(concrete)
    exported = exported_metrics()
    missing = readme_metric_table("Not exported yet")
    external = readme_metric_table("From other exporters")
    for name in sorted(used - exported - missing - external):
        problem(f"dashboard uses {name}: not exported by the code nor listed in deploy/observability/README.md")
    for name in sorted(missing & exported):
        problem(f"{name} is exported now: remove it from 'Not exported yet' in deploy/observability/README.md")
    for name in sorted((missing | external) - used):
        problem(f"deploy/observability/README.md lists {name}, which the dashboard does not use")
    rules_out.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, sort_keys=False))
    print(f"  {len(rules)} queries in {sum(1 for p in dashboard['panels'] if p.get('type') != 'row')} panels; "
          f"{len(used & exported)} metrics exported, {len(used & missing)} not yet, {len(used & external)} external")
    return finish("dashboard")


# ----------------------------------------------------------------------------------------- prometheus
def check_prometheus(out_dir: Path) -> int:
    print("Prometheus scrape configs")
    names = service_names()
    services = {n: Service(n) for n in names}
    # The local instances' configuration is generated by scripts/lib/monitoring.sh (label monitoring).
    for variant in ("compose",):
        conf = yaml.safe_load((DEPLOY / f"observability/prometheus.{variant}.yml").read_text())
        jobs = {j["job_name"]: j for j in conf["scrape_configs"]}
        for name, svc in services.items():
            job = jobs.get(name)
            if job is None:
                problem(f"prometheus.{variant}.yml: no job {name}")
                continue
            targets = [t for sc in job.get("static_configs", []) for t in sc["targets"]]
            want = f"{name}:{svc.port}"
            if targets != [want]:
                problem(f"prometheus.{variant}.yml: job {name} scrapes {targets}, want [{want}]")
    conf = yaml.safe_load((DEPLOY / "observability/prometheus.yml").read_text())
    jobs = {j["job_name"]: j for j in conf["scrape_configs"]}
    main = jobs.get("marketplace")
    if main is None:
        problem("prometheus.yml: no job marketplace")
    else:
        sd = main.get("kubernetes_sd_configs", [{}])[0]
        if sd.get("role") != "pod" or sd.get("namespaces", {}).get("names") != ["marketplace"]:
            problem("prometheus.yml: job marketplace does not discover the pods of namespace marketplace")
        relabels = main.get("relabel_configs", [])
        if not any(r.get("action") == "keep" and r.get("regex") == "service-marketplace;service" for r in relabels):
            problem("prometheus.yml: job marketplace does not keep only the services' pods")
        if not any(r.get("target_label") == "job" and r.get("source_labels") == ["__meta_kubernetes_pod_label_app_kubernetes_io_name"] for r in relabels):
            problem("prometheus.yml: job marketplace does not set job to the service name")
    # Debian's promtool is built without Kubernetes discovery: give it a copy with static targets.
    for path in sorted((DEPLOY / "observability").glob("prometheus*.yml")):
        conf = yaml.safe_load(path.read_text())
        for job in conf["scrape_configs"]:
            if "kubernetes_sd_configs" in job:
                del job["kubernetes_sd_configs"]
                job["static_configs"] = [{"targets": ["k8s-discovery.invalid:80"]}]
        (out_dir / f"static-{path.name}").write_text(yaml.safe_dump(conf, sort_keys=False))
    return finish("prometheus")


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    command, args = argv[1], argv[2:]
    if command == "k8s":
        return check_k8s(args[0], Path(args[1]))
    if command == "compose":
        return check_compose(Path(args[0]))
    if command == "docker":
        return check_docker()
    if command == "dashboard":
        return check_dashboard(Path(args[0]))
    if command == "prometheus":
        return check_prometheus(Path(args[0]))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
