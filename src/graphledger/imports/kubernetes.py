"""Kubernetes manifests to CIs and relationships.

Keys are `k8s:<cluster>/<namespace>/<kind>/<name>`, lower-case, so the same manifest applied to two
namespaces or clusters never collides and names shared across applications (`frontend`) stay apart.

Edges:
- a Service (class Endpoint) DEPENDS_ON each workload whose pod labels its selector matches;
- an Ingress DEPENDS_ON the Services its rules and default backend name;
- a workload DEPENDS_ON the Services its containers' environment points at (`host:port`, URLs,
  `host.namespace[.svc.cluster.local]`, after `$(VAR)` expansion), the ConfigMaps, Secrets and
  PersistentVolumeClaims it mounts or reads;
- every namespaced CI is PART_OF its Namespace CI when the input declares that Namespace.
Secrets become CIs by name only: no value from `data` or `stringData` is ever read. Every other
kind (ServiceAccount, Role, PodDisruptionBudget ...) becomes a `Configuration` CI, so no document
is dropped without a word; a document without `kind` or `apiVersion` is rejected by its index.
Empty and comment-only documents (`---` twice, a trailing `---`) are skipped.

Scope: an import covers the namespaces it names (in `metadata.namespace` or a Namespace document),
in its cluster (`k8s:<cluster>/<namespace>`); after a complete import, CIs of those namespaces it no
longer contains are marked stale. Documents that name no namespace fall into the default one but
do not claim it: two applications in one namespace, imported from two files, leave each other be.
"""

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from graphledger.imports.model import Batch, CIItem, Rejection, RelationshipItem

WORKLOAD_KINDS = {
    "deployment",
    "statefulset",
    "daemonset",
    "job",
    "cronjob",
    "replicaset",
    "pod",
}
CLASS_BY_KIND = {
    **{kind: "Workload" for kind in WORKLOAD_KINDS},
    "service": "Endpoint",
    "ingress": "LoadBalancer",
    "configmap": "Configuration",
    "secret": "Configuration",
    "persistentvolumeclaim": "Storage",
    "namespace": "Namespace",
}
# kinds that live outside any namespace
CLUSTER_KINDS = {
    "namespace",
    "clusterrole",
    "clusterrolebinding",
    "customresourcedefinition",
    "persistentvolume",
    "storageclass",
    "priorityclass",
    "ingressclass",
    "mutatingwebhookconfiguration",
    "validatingwebhookconfiguration",
    "apiservice",
    "node",
}
_VAR = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://(?:[^@/]*@)?([^/:?#]+)", re.IGNORECASE)
_HOST_PORT = re.compile(
    r"^([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9-]+)*):\d{1,5}$", re.IGNORECASE
)
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9-]+)*$", re.IGNORECASE)


def scope_of(cluster: str, namespace: str) -> str:
    return f"k8s:{cluster}/{namespace}".lower()


def ci_key(cluster: str, namespace: str | None, kind: str, name: str) -> str:
    scope = namespace if namespace is not None else "_cluster"
    return f"k8s:{cluster}/{scope}/{kind}/{name}".lower()


def read_documents(paths: Iterable[Path]) -> Iterator[tuple[str, Any]]:
    """(reference, document) for every YAML document of every file, folders walked in order."""
    for path in paths:
        files = (
            sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
            if path.is_dir()
            else [path]
        )
        for file in files:
            name = str(file.relative_to(path)) if path.is_dir() else file.name
            yield from read_bytes(file.read_bytes(), name)


def read_bytes(raw: bytes, name: str) -> Iterator[tuple[str, Any]]:
    """Documents of one file's bytes; a file that is not UTF-8 is reported as one bad input."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        yield (
            name,
            yaml.YAMLError(f"not UTF-8 text ({error.reason} at byte {error.start})"),
        )
        return
    yield from read_text(text, name)


def read_text(text: str, name: str) -> Iterator[tuple[str, Any]]:
    """(reference, document) for each document of one YAML stream; a broken one is reported."""
    try:
        for index, doc in enumerate(yaml.safe_load_all(text), start=1):
            if doc is not None:
                yield f"{name}#doc{index}", doc
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{name}:line{mark.line + 1}" if mark is not None else name
        yield where, yaml.YAMLError(str(error).splitlines()[0])


def _pod_spec(kind: str, doc: dict[str, Any]) -> dict[str, Any]:
    spec = doc.get("spec") or {}
    if kind == "pod":
        return spec
    if kind == "cronjob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    return ((spec.get("template") or {}).get("spec")) or {}


def _pod_labels(kind: str, doc: dict[str, Any]) -> dict[str, str]:
    if kind == "pod":
        return (doc.get("metadata") or {}).get("labels") or {}
    spec = doc.get("spec") or {}
    if kind == "cronjob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    return (((spec.get("template") or {}).get("metadata") or {}).get("labels")) or {}


def _expanded_env(container: dict[str, Any]) -> dict[str, str]:
    """Container environment, $(VAR) references to earlier variables expanded as kubelet does."""
    values: dict[str, str] = {}
    for entry in container.get("env") or []:
        if (
            not isinstance(entry, dict)
            or "value" not in entry
            or entry.get("value") is None
        ):
            continue
        raw = str(entry["value"])
        values[str(entry.get("name"))] = _VAR.sub(
            lambda m: values.get(m.group(1), m.group(0)), raw
        )
    return values


def _hosts(value: str) -> list[str]:
    """Host names a configuration value points at: in URLs, `host:port`, or cluster DNS names."""
    found: list[str] = []
    for part in re.split(r"[\s,;]+", value.strip()):
        if not part:
            continue
        url = _URL.match(part)
        if url:
            host = url.group(1)
        elif _HOST_PORT.match(part):
            host = part.rsplit(":", 1)[0]
        elif _HOST.match(part) and ".svc" in part.lower():
            host = part
        else:
            continue
        if _HOST.match(host) and host.lower() not in ("localhost", "0.0.0.0"):
            found.append(host)
    return found


def _service_for_host(host: str, namespace: str) -> tuple[str, str, bool] | None:
    """(namespace, service name, certain) that a host names inside the cluster, if any.

    `name` and `name.ns.svc[...]` certainly mean a Service, so a missing one is reported;
    `name.ns` may as well be an outside domain, so it counts only when that Service exists.
    """
    parts = host.lower().split(".")
    if len(parts) == 1:
        return namespace, parts[0], True
    if len(parts) >= 3 and parts[2] == "svc":
        return parts[1], parts[0], True
    if len(parts) == 2:
        return parts[1], parts[0], False
    return None


def transform(
    documents: Iterable[tuple[str, Any]],
    *,
    cluster: str = "default",
    namespace: str = "default",
    claim_namespace: bool = False,
) -> Batch:
    """Turn manifest documents into a batch of CIs and relationships. With `claim_namespace`
    (the caller named the namespace), documents without one belong to it as if they said so."""
    batch = Batch()
    seen: dict[str, CIItem] = {}
    workloads: list[tuple[str, str, str, dict[str, Any], str]] = []
    services: list[tuple[str, str, dict[str, str], str]] = []
    ingresses: list[tuple[str, str, dict[str, Any], str]] = []
    namespaces: set[str] = set()

    for ref, doc in documents:
        if isinstance(doc, Exception):
            batch.rejected.append(Rejection(ref, f"not valid YAML: {doc}"))
            batch.complete = False
            continue
        if not isinstance(doc, dict):
            batch.rejected.append(Rejection(ref, "a document is not a mapping"))
            continue
        if doc.get("kind") == "List":
            nested = [
                (f"{ref}/item{i}", d) for i, d in enumerate(doc.get("items") or [], 1)
            ]
            sub = transform(nested, cluster=cluster, namespace=namespace)
            batch.cis += sub.cis
            batch.relationships += sub.relationships
            batch.rejected += sub.rejected
            batch.unresolved += sub.unresolved
            batch.complete = batch.complete and sub.complete
            continue
        missing = [f for f in ("apiVersion", "kind") if not doc.get(f)]
        if missing:
            batch.rejected.append(
                Rejection(
                    ref, f"the document has no {' and no '.join(missing)}", missing[-1]
                )
            )
            batch.complete = False
            continue
        kind = str(doc.get("kind")).lower()
        meta = doc.get("metadata") or {}
        name = meta.get("name")
        if not isinstance(meta, dict):
            meta, name = {}, None
        if not name:
            batch.rejected.append(
                Rejection(
                    ref, f"{doc.get('kind')} without metadata.name", "metadata.name"
                )
            )
            continue
        ns = None if kind in CLUSTER_KINDS else str(meta.get("namespace") or namespace)
        key = ci_key(cluster, ns, kind, str(name))
        attributes: dict[str, Any] = {
            "source": "kubernetes",
            "k8s_kind": doc.get("kind"),
            "k8s_cluster": cluster,
        }
        if ns is not None:
            attributes["k8s_namespace"] = ns
        if kind == "namespace" or meta.get("namespace"):
            namespaces.add(str(name) if kind == "namespace" else ns or "")
        labels = meta.get("labels") or {}
        if labels:
            attributes["labels"] = {str(k): str(v) for k, v in labels.items()}
        if kind in WORKLOAD_KINDS:
            pod = _pod_spec(kind, doc)
            containers = (pod.get("initContainers") or []) + (
                pod.get("containers") or []
            )
            attributes["images"] = sorted(
                {str(c.get("image")) for c in containers if c.get("image")}
            )
            replicas = (doc.get("spec") or {}).get("replicas")
            if kind in ("deployment", "statefulset", "replicaset"):
                attributes["replicas"] = 1 if replicas is None else replicas
            if pod.get("serviceAccountName"):
                attributes["service_account"] = pod["serviceAccountName"]
            workloads.append((key, kind, ns or namespace, doc, ref))
        elif kind == "service":
            spec = doc.get("spec") or {}
            attributes["service_type"] = spec.get("type", "ClusterIP")
            attributes["ports"] = [
                p.get("port") for p in spec.get("ports") or [] if isinstance(p, dict)
            ]
            services.append((key, ns or namespace, spec.get("selector") or {}, ref))
        elif kind == "ingress":
            ingresses.append((key, ns or namespace, doc.get("spec") or {}, ref))
        elif kind == "secret":
            attributes["secret_type"] = doc.get(
                "type", "Opaque"
            )  # values are never read
        if key in seen:
            batch.rejected.append(Rejection(ref, f"{key} appears twice in the input"))
            continue
        scope = scope_of(cluster, str(name) if kind == "namespace" else ns or "")
        item = CIItem(
            key=key,
            class_=CLASS_BY_KIND.get(kind, "Configuration"),
            name=str(name),
            attributes=attributes,
            ref=ref,
            scope=scope if (ns is not None or kind == "namespace") else None,
        )
        seen[key] = item
        batch.cis.append(item)

    claimed_key = ci_key(cluster, None, "namespace", namespace)
    if claim_namespace and any(
        c.attributes.get("k8s_namespace") == namespace for c in batch.cis
    ):
        namespaces.add(namespace)
        if claimed_key not in seen:
            seen[claimed_key] = CIItem(
                key=claimed_key,
                class_="Namespace",
                name=namespace,
                attributes={
                    "source": "kubernetes",
                    "k8s_kind": "Namespace",
                    "k8s_cluster": cluster,
                },
                ref="the namespace named by the caller",
                scope=scope_of(cluster, namespace),
            )
            batch.cis.append(seen[claimed_key])

    for item in batch.cis:
        ns = item.attributes.get("k8s_namespace")
        # only to a Namespace the input declares: an import creates what it was given
        if ns is not None and ci_key(cluster, None, "namespace", ns) in seen:
            batch.relationships.append(
                RelationshipItem(
                    item.key,
                    "PART_OF",
                    ci_key(cluster, None, "namespace", ns),
                    item.ref,
                )
            )

    batch.scopes = {scope_of(cluster, ns) for ns in namespaces}
    edges: set[tuple[str, str, str]] = set()

    def depend(source: str, target: str, ref: str, reference: str) -> None:
        if target not in seen:
            batch.unresolved.append(
                {"ref": ref, "from": source, "reference": reference}
            )
            return
        if target != source and (source, "DEPENDS_ON", target) not in edges:
            edges.add((source, "DEPENDS_ON", target))
            batch.relationships.append(
                RelationshipItem(source, "DEPENDS_ON", target, ref)
            )

    service_names = {key for key, *_ in services}
    for key, ns, selector, ref in services:
        if not selector:
            continue
        for w_key, kind, w_ns, doc, _ in workloads:
            labels = _pod_labels(kind, doc)
            if w_ns == ns and all(labels.get(k) == v for k, v in selector.items()):
                depend(key, w_key, ref, f"selector {selector}")

    for w_key, kind, ns, doc, ref in workloads:
        pod = _pod_spec(kind, doc)
        containers = (pod.get("initContainers") or []) + (pod.get("containers") or [])
        for container in containers:
            for var, value in _expanded_env(container).items():
                for host in _hosts(value):
                    named = _service_for_host(host, ns)
                    if named is None:
                        continue
                    target = ci_key(cluster, named[0], "service", named[1])
                    if named[2] or target in service_names:
                        depend(w_key, target, ref, f"env {var}={value}")
            for entry in container.get("env") or []:
                source = (entry or {}).get("valueFrom") or {}
                for ref_kind, field_name in (
                    ("configmap", "configMapKeyRef"),
                    ("secret", "secretKeyRef"),
                ):
                    target_name = (source.get(field_name) or {}).get("name")
                    if target_name:
                        depend(
                            w_key,
                            ci_key(cluster, ns, ref_kind, target_name),
                            ref,
                            f"env {entry.get('name')} from {ref_kind} {target_name}",
                        )
            for env_from in container.get("envFrom") or []:
                for ref_kind, field_name in (
                    ("configmap", "configMapRef"),
                    ("secret", "secretRef"),
                ):
                    target_name = (env_from.get(field_name) or {}).get("name")
                    if target_name:
                        depend(
                            w_key,
                            ci_key(cluster, ns, ref_kind, target_name),
                            ref,
                            f"envFrom {ref_kind} {target_name}",
                        )
        account = pod.get("serviceAccountName") or pod.get("serviceAccount")
        account_key = (
            ci_key(cluster, ns, "serviceaccount", str(account)) if account else None
        )
        if (
            account_key in seen
        ):  # an account the input does not define is the cluster's own
            depend(w_key, account_key, ref, f"serviceAccountName {account}")
        for volume in pod.get("volumes") or []:
            for ref_kind, field_name, name_field in (
                ("configmap", "configMap", "name"),
                ("secret", "secret", "secretName"),
                ("persistentvolumeclaim", "persistentVolumeClaim", "claimName"),
            ):
                target_name = (volume.get(field_name) or {}).get(name_field)
                if target_name:
                    depend(
                        w_key,
                        ci_key(cluster, ns, ref_kind, target_name),
                        ref,
                        f"volume {volume.get('name')}",
                    )

    for key, ns, spec, ref in ingresses:
        backends = []
        default = spec.get("defaultBackend") or spec.get("backend") or {}
        backends.append(default)
        for rule in spec.get("rules") or []:
            for path in ((rule or {}).get("http") or {}).get("paths") or []:
                backends.append((path or {}).get("backend") or {})
        for backend in backends:
            name = (backend.get("service") or {}).get("name") or backend.get(
                "serviceName"
            )
            if name:
                depend(
                    key, ci_key(cluster, ns, "service", name), ref, f"backend {name}"
                )
    return batch
