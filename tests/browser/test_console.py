"""The web console in headless Chromium (Debian's package), driven by Playwright, against the
app served on a loopback port over the test stores. Timings are printed, not asserted."""

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.browser.conftest import TIMINGS
from tests.conftest import ADMIN_TOKEN, SHARED_DATA, wipe

pytestmark = pytest.mark.stores
BOUTIQUE = SHARED_DATA / "online-boutique-k8s" / "kubernetes-manifests.yaml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REDIS_CART = "k8s:demo/boutique/deployment/redis-cart"
# Chromium makes no connection of its own beyond the pages it is sent to.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Functions, not bare expressions: Playwright evaluates those without eval(), which the pages' CSP
# forbids.
DRAWN = "() => document.querySelector('#graph')?.dataset.drawnMs"
SHOTS = Path(os.environ.get("GL_UI_SCREENSHOTS") or tempfile.mkdtemp(prefix="gl-ui-"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    """The whole app on a free loopback port, over emptied test stores."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (make test installs it with apt-get)")
    import uvicorn

    from graphledger.api.app import create_app

    wipe()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_config=None)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def admin(base: str) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as http:
        yield http


@pytest.fixture(scope="module")
def tokens(admin: httpx.Client) -> dict[str, str]:
    made = {}
    for role in ("viewer", "finance"):
        response = admin.post(
            "/api/v1/tokens", json={"name": f"ui-{role}", "role": role}
        )
        assert response.status_code == 201, response.text
        made[role] = response.json()["token"]
    made["admin"] = ADMIN_TOKEN
    return made


@pytest.fixture(scope="module")
def boutique(admin: httpx.Client) -> None:
    """Online Boutique imported through the API, as `make demo` does."""
    if not BOUTIQUE.exists():
        pytest.skip(f"the shared demo data is absent: {BOUTIQUE}")
    response = admin.post(
        "/api/v1/imports",
        params={"format": "kubernetes", "cluster": "demo", "namespace": "boutique"},
        content=BOUTIQUE.read_bytes(),
    )
    assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
def ledger(admin: httpx.Client) -> None:
    """A cost centre with an asset, a contract to renew and a licence with an unused seat."""
    center = admin.post("/api/v1/cost-centers", json={"code": "CC-OPS", "name": "Ops"})
    assert center.status_code == 201, center.text
    asset = admin.post(
        "/api/v1/assets",
        json={
            "asset_tag": "AT-UI-1",
            "purchase_cost": "4321.00",
            "currency": "EUR",
            "purchase_date": "2026-01-10",
            "in_service_date": "2026-01-15",
            "state": "in_use",
            "cost_center_id": center.json()["id"],
        },
    )
    assert asset.status_code == 201, asset.text
    license_ = admin.post(
        "/api/v1/licenses",
        json={"name": "CAD seats", "seats": 1, "cost": "900.00", "currency": "EUR"},
    )
    assert license_.status_code == 201, license_.text


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def signed_in(browser: object, base: str, token: str) -> object:
    """A fresh browser context signed in through the form with the given token."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(base + "/ui")
    page.fill("#token", token)
    page.click("button[type=submit]")
    page.wait_for_selector("#search-form")
    return page


def first_paint_ms(page: object) -> float:
    return float(
        page.evaluate(  # type: ignore[attr-defined]
            "performance.getEntriesByType('paint')"
            ".find(e => e.name === 'first-contentful-paint')?.startTime ?? -1"
        )
    )


def test_sign_in_page_refuses_a_wrong_token(browser, base):
    page = browser.new_page()
    page.goto(base + "/ui")
    page.fill("#token", "not-a-token")
    page.click("button[type=submit]")

    page.wait_for_selector("#signin-error:not([hidden])")
    assert "unknown" in page.inner_text("#signin-error")
    assert page.context.cookies() == []
    page.close()


def test_search_finds_the_cart_redis(browser, base, tokens, boutique):
    page = signed_in(browser, base, tokens["viewer"])
    cookie = next(c for c in page.context.cookies() if c["name"] == "gl_session")
    page.goto(base + "/ui#/search?q=redis-cart")
    page.wait_for_selector(f'tr[data-key="{REDIS_CART}"]')
    TIMINGS.append(f"search page first paint: {first_paint_ms(page):.0f} ms")
    page.screenshot(path=str(SHOTS / "search.png"))

    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie") == ""
    page.click(f'tr[data-key="{REDIS_CART}"] a')
    page.wait_for_selector("text=Relationships")
    assert "No asset in the ledger points at this CI." in page.inner_text(
        "[data-testid=asset]"
    )
    page.screenshot(path=str(SHOTS / "ci.png"), full_page=True)
    page.context.close()


def test_blast_radius_marks_cart_and_checkout(browser, base, tokens, boutique):
    page = signed_in(browser, base, tokens["viewer"])
    started = time.perf_counter()
    page.goto(base + "/ui#/impact?keys=" + REDIS_CART)
    page.wait_for_function(DRAWN)
    elapsed = (time.perf_counter() - started) * 1000
    drawn = page.evaluate("window.glTimings.map")
    TIMINGS.append(
        f"blast radius: map drawn in {drawn['ms']} ms, {elapsed:.0f} ms end to end"
    )
    page.screenshot(path=str(SHOTS / "blast-radius.png"), full_page=True)

    for name in ("cartservice", "checkoutservice"):
        key = f"k8s:demo/boutique/deployment/{name}"
        assert page.get_attribute(f'tr[data-key="{key}"]', "data-state") == "down"
        assert page.evaluate(f"window.glMap.getElementById({key!r}).data('state')") == (
            "down"
        )
    assert (
        page.locator('tr[data-key="k8s:demo/boutique/deployment/adservice"]').count()
        == 0
    )
    with page.expect_download() as download:
        page.click("#csv")
    csv = Path(download.value.path()).read_text()
    assert csv.startswith("key,name,class,state,distance,owner,path")
    assert "k8s:demo/boutique/deployment/checkoutservice" in csv
    page.context.close()


def test_root_causes_rank_the_cart_redis_for_the_cart_service(
    browser, base, tokens, boutique
):
    page = signed_in(browser, base, tokens["viewer"])
    page.goto(base + "/ui#/root-causes/k8s:demo/boutique/deployment/cartservice")
    page.wait_for_selector("table")
    page.screenshot(path=str(SHOTS / "root-causes.png"), full_page=True)

    assert "deployment/redis-cart" in page.inner_text("table")
    page.context.close()


def admin_client_neighbourhood(base, token, key, *, depth):
    """What the API says lies around a CI, to compare the drawn map with."""
    import httpx

    response = httpx.get(
        f"{base}/api/v1/cis/{key}/neighbourhood",
        params={"depth": depth},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_dependency_map_around_the_cart_redis(browser, base, tokens, boutique):
    page = signed_in(browser, base, tokens["viewer"])
    page.goto(base + "/ui#/map/" + REDIS_CART + "?depth=2")
    page.wait_for_function(DRAWN)
    page.screenshot(path=str(SHOTS / "map.png"))

    around = admin_client_neighbourhood(base, tokens["viewer"], REDIS_CART, depth=2)
    assert f"{len(around['nodes'])} CIs" in page.inner_text("#map-status")
    bundles = page.evaluate("window.glMap.nodes('.bundle').map(n => n.data('label'))")
    assert bundles, "the namespace's many workloads should be bundled"
    page.context.close()


def test_finance_shows_book_value_to_finance_and_no_money_to_a_viewer(
    browser, base, tokens, ledger
):
    finance = signed_in(browser, base, tokens["finance"])
    finance.goto(base + "/ui#/finance")
    finance.wait_for_selector("#book-value-chart")
    finance.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('#book-value-chart'))"
    )
    finance.screenshot(path=str(SHOTS / "finance.png"), full_page=True)
    assert "4321.00 EUR" in finance.inner_text("#book-value")
    finance.context.close()

    viewer = signed_in(browser, base, tokens["viewer"])
    viewer.goto(base + "/ui#/finance")
    viewer.wait_for_selector("[data-testid=money-withheld]")
    viewer.wait_for_selector("#compliance table")
    text = viewer.inner_text("#view")
    assert "EUR" not in text and "4321" not in text and "900.00" not in text
    assert viewer.locator("#book-value-chart").count() == 0
    assert "CAD seats" in viewer.inner_text("#compliance")
    viewer.context.close()


def test_pages_of_endpoints_not_built_yet_say_so(browser, base, tokens):
    page = signed_in(browser, base, tokens["admin"])
    openapi = httpx.get(base + "/openapi.json").json()["paths"]
    for route, path in (
        ("costs", "/api/v1/services/{key}/cost"),
        ("quality", "/api/v1/health-report"),
    ):
        page.goto(f"{base}/ui#/{route}")
        page.wait_for_selector("h1")
        page.wait_for_load_state("networkidle")
        shown = page.locator("[data-testid=not-available]").count() == 1
        assert shown == (path not in openapi), route
    page.context.close()


def _many_workloads(count: int) -> str:
    """A manifest of `count` deployments, each with its service: 2*count CIs in one namespace."""
    docs = []
    for n in range(count):
        docs.append(
            f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: app-{n:03d}}}
spec:
  selector: {{matchLabels: {{app: app-{n:03d}}}}}
  template:
    metadata: {{labels: {{app: app-{n:03d}}}}}
    spec: {{containers: [{{name: main, image: example/app:1}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: app-{n:03d}}}
spec:
  selector: {{app: app-{n:03d}}}
  ports: [{{port: 80}}]"""
        )
    return "\n---\n".join(docs) + "\n"


def test_map_of_500_cis_is_drawn(browser, base, tokens, admin):
    response = admin.post(
        "/api/v1/imports",
        params={"format": "kubernetes", "cluster": "big", "namespace": "many"},
        content=_many_workloads(250).encode(),
    )
    assert response.status_code == 200, response.text
    page = signed_in(browser, base, tokens["viewer"])
    namespace = "k8s:big/_cluster/namespace/many"
    started = time.perf_counter()
    page.goto(f"{base}/ui#/map/{namespace}?depth=1&max_nodes=500&group=off")
    page.wait_for_function(DRAWN, timeout=60_000)
    elapsed = (time.perf_counter() - started) * 1000
    drawn = page.evaluate("window.glTimings")
    TIMINGS.append(
        f"map of {drawn['map']['nodes']} CIs: drawn in {drawn['map']['ms']} ms, "
        f"{drawn['mapTotal']} ms with the request, {elapsed:.0f} ms end to end"
    )
    page.screenshot(path=str(SHOTS / "map-500.png"))

    assert drawn["map"]["nodes"] == 500
    page.goto(f"{base}/ui#/map/{namespace}?depth=1&max_nodes=500")
    page.wait_for_function(
        "() => window.glMap && window.glMap.nodes('.bundle').length > 0"
    )
    assert page.evaluate("window.glMap.nodes().length") < 50
    page.context.close()
