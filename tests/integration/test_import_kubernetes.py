"""Kubernetes imports through the API and the CLI, idempotent, with dry runs."""

import json

import pytest
from typer.testing import CliRunner

from graphledger.cli import app
from tests.conftest import SHARED_DATA, TEST_DATA

pytestmark = pytest.mark.stores
BOUTIQUE = SHARED_DATA / "online-boutique-k8s" / "kubernetes-manifests.yaml"


def post_import(client, path, **params):
    response = client.post(
        "/api/v1/imports",
        params={"format": "kubernetes", **params},
        content=path.read_bytes(),
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_fixture_import_is_idempotent(client):
    first = post_import(client, TEST_DATA / "small-app.yaml")
    second = post_import(client, TEST_DATA / "small-app.yaml")

    assert first["cis"]["created"] == 11 and first["relationships"]["created"] > 0
    assert (second["created"], second["updated"]) == (0, 0)
    assert second["unchanged"] == first["created"]
    history = client.get("/api/v1/cis/k8s:default/shop/deployment/web/history").json()[
        "items"
    ]
    assert len([h for h in history if h["entity"] == "ci"]) == 1


def test_dry_run_writes_nothing(client):
    report = post_import(client, TEST_DATA / "small-app.yaml", dry_run="true")

    assert report["dry_run"] is True and report["cis"]["created"] == 11
    assert client.get("/api/v1/cis").json()["items"] == []


def test_secret_values_never_reach_the_stores(client):
    post_import(client, TEST_DATA / "small-app.yaml")
    secret = client.get("/api/v1/cis/k8s:default/shop/secret/db-credentials").json()

    assert "hunter2" not in json.dumps(secret)
    assert "hunter2" not in json.dumps(client.get("/api/v1/audit").json())


def test_changed_manifest_updates_only_what_changed(client):
    post_import(client, TEST_DATA / "small-app.yaml")
    changed = (
        (TEST_DATA / "small-app.yaml")
        .read_text()
        .replace("example/web:1.2", "example/web:1.3")
    )
    response = client.post(
        "/api/v1/imports", params={"format": "kubernetes"}, content=changed.encode()
    )

    assert response.json()["cis"]["updated"] == 1
    assert client.get("/api/v1/cis/k8s:default/shop/deployment/web").json()[
        "attributes"
    ]["images"] == ["example/web:1.3"]


def test_unknown_format_is_422(client):
    response = client.post("/api/v1/imports", params={"format": "excel"}, content=b"x")

    assert response.status_code == 422


@pytest.mark.skipif(not BOUTIQUE.exists(), reason="../shared/data is not present")
def test_online_boutique_blast_radius_of_the_cart_redis(client):
    post_import(client, BOUTIQUE, cluster="demo", namespace="boutique")
    result = client.impact("k8s:demo/boutique/deployment/redis-cart", max_depth=10)
    got = {
        i["key"].removeprefix("k8s:demo/boutique/"): i["distance"]
        for i in result["impacted"]
    }

    assert got["service/redis-cart"] == 1
    assert got["deployment/cartservice"] == 2
    assert got["deployment/checkoutservice"] == 4
    assert got["deployment/frontend"] == 4
    assert "deployment/productcatalogservice" not in got


@pytest.mark.skipif(not BOUTIQUE.exists(), reason="../shared/data is not present")
def test_cli_import_then_again_reports_nothing_new(stores):
    runner = CliRunner()
    first = runner.invoke(app, ["import", "kubernetes", str(BOUTIQUE), "--json"])
    second = runner.invoke(app, ["import", "kubernetes", str(BOUTIQUE), "--json"])

    assert first.exit_code == 0, first.output
    # 12 Deployments, 12 Services and 11 ServiceAccounts: no document is dropped silently
    assert json.loads(first.output)["cis"]["created"] == 35
    report = json.loads(second.output)
    assert (report["created"], report["updated"]) == (0, 0)
