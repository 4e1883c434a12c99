"""The Kubernetes reader on our own fixture and on the public samples."""

import pytest

from graphledger.imports.kubernetes import read_documents, read_text, transform
from tests.conftest import SHARED_DATA, TEST_DATA


def deps(batch):
    short = lambda k: k.split("/", 2)[2]  # noqa: E731 - drop cluster and namespace
    return {
        (short(r.source), short(r.target))
        for r in batch.relationships
        if r.type == "DEPENDS_ON"
    }


def test_fixture_edges_from_selectors_env_urls_volumes_and_ingress():
    batch = transform(read_documents([TEST_DATA / "small-app.yaml"]))

    assert deps(batch) == {
        ("service/web", "deployment/web"),
        ("service/api", "statefulset/api"),
        ("service/postgres", "deployment/postgres"),
        ("deployment/web", "service/api"),  # $(API_HOST) expanded inside a URL
        ("deployment/web", "configmap/web-config"),
        ("statefulset/api", "service/postgres"),  # a cluster DNS name
        ("statefulset/api", "secret/db-credentials"),
        ("statefulset/api", "persistentvolumeclaim/api-data"),
        ("ingress/shop", "service/web"),
    }
    assert [u["reference"] for u in batch.unresolved] == [
        "env LEGACY_ADDR=legacy-billing:9000"
    ]


def test_secret_values_are_never_read():
    batch = transform(read_documents([TEST_DATA / "small-app.yaml"]))

    assert "hunter2" not in repr(batch)


def test_keys_are_qualified_by_cluster_and_namespace():
    one = transform(read_documents([TEST_DATA / "small-app.yaml"]), cluster="eu")
    keys = {c.key for c in one.cis}

    assert "k8s:eu/shop/deployment/web" in keys
    assert "k8s:eu/_cluster/namespace/shop" in keys


def test_broken_yaml_is_rejected_with_its_place_not_raised():
    docs = list(
        read_text(
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\nkind: [unclosed\n",
            "bad.yaml",
        )
    )
    batch = transform(docs)

    assert [c.name for c in batch.cis] == ["a"]
    assert len(batch.rejected) == 1 and batch.rejected[0].ref.startswith("bad.yaml")
    assert batch.complete is False


def test_duplicate_document_is_rejected():
    text = (
        "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
    )
    batch = transform(read_text(text, "dup.yaml"))

    assert len(batch.rejected) == 1 and "twice" in batch.rejected[0].reason


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="../shared/data is not present")
def test_online_boutique_edges():
    batch = transform(
        read_documents(
            [SHARED_DATA / "online-boutique-k8s" / "kubernetes-manifests.yaml"]
        )
    )
    env_edges = {
        (s, t)
        for s, t in deps(batch)
        if s.startswith("deployment/") and t.startswith("service/")
    }

    assert len(env_edges) == 16
    assert ("deployment/cartservice", "service/redis-cart") in env_edges
    assert ("deployment/loadgenerator", "service/frontend") in env_edges
    assert [u["reference"] for u in batch.unresolved] == [
        "env SHOPPING_ASSISTANT_SERVICE_ADDR=shoppingassistantservice:80"
    ]
    assert len([c for c in batch.cis if c.class_ == "Workload"]) == 12


def test_only_named_namespaces_are_covered_for_staleness():
    named = transform(
        read_text(
            "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: x}\n", "a"
        )
    )
    defaulted = transform(
        read_text("apiVersion: v1\nkind: Service\nmetadata: {name: b}\n", "b")
    )

    assert named.scopes == {"k8s:default/x"}
    assert defaulted.scopes == set() and defaulted.cis[0].scope == "k8s:default/default"


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="../shared/data is not present")
def test_online_boutique_workloads_depend_on_their_service_accounts():
    batch = transform(
        read_documents(
            [SHARED_DATA / "online-boutique-k8s" / "kubernetes-manifests.yaml"]
        )
    )
    accounts = {(s, t) for s, t in deps(batch) if t.startswith("serviceaccount/")}

    assert len(accounts) == 11  # every workload but redis-cart names its own account
    assert ("deployment/cartservice", "serviceaccount/cartservice") in accounts
