"""The console's session: sign-in, the cookie as a second way to authenticate, CSRF on writes."""

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ADMIN_TOKEN

pytestmark = pytest.mark.stores
CSRF = {"X-Requested-With": "graphledger-console"}


@pytest.fixture
def browser(client):
    """A second client on the same app with no Authorization header, like a browser."""
    return TestClient(client.http.app, base_url="https://testserver")


def test_ui_without_a_session_is_the_sign_in_page_200(browser):
    response = browser.get("/ui")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert 'id="signin-form"' in response.text


def test_sign_in_sets_a_secure_http_only_strict_cookie(browser):
    response = browser.post("/ui/session", json={"token": ADMIN_TOKEN}, headers=CSRF)

    assert response.status_code == 200 and response.json()["role"] == "admin"
    cookie = response.headers["set-cookie"].lower()
    assert "gl_session=" in cookie
    assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie
    assert 'id="view"' in browser.get("/ui").text


def test_sign_in_without_the_csrf_header_403(browser):
    response = browser.post("/ui/session", json={"token": ADMIN_TOKEN})

    assert response.status_code == 403
    assert "set-cookie" not in response.headers


def test_sign_in_with_an_unknown_token_401(browser):
    response = browser.post("/ui/session", json={"token": "nope"}, headers=CSRF)

    assert response.status_code == 401
    assert "set-cookie" not in response.headers


def test_cookie_reads_but_writes_need_the_csrf_header(browser, client):
    browser.cookies.set("gl_session", ADMIN_TOKEN)
    body = {"key": "app-1", "class": "Application", "name": "app-1"}

    read = browser.get("/api/v1/cis")
    forged = browser.post("/api/v1/cis", json=body)
    sent = browser.post("/api/v1/cis", json=body, headers=CSRF)

    assert read.status_code == 200
    assert forged.status_code == 403 and forged.json()["reason"] == "csrf"
    assert sent.status_code == 201
    assert [c["key"] for c in client.get("/api/v1/cis").json()["items"]] == ["app-1"]


def test_bearer_header_wins_over_the_cookie(browser):
    browser.cookies.set("gl_session", ADMIN_TOKEN)

    response = browser.get(
        "/api/v1/cis", headers={"Authorization": "Bearer not-a-token"}
    )

    assert response.status_code == 401


def test_viewer_cookie_gets_no_money(browser, client):
    viewer = client.as_role("viewer")["Authorization"].removeprefix("Bearer ")
    browser.cookies.set("gl_session", viewer)

    assert browser.get("/api/v1/finance/book-value").status_code == 403
    assert browser.get("/ui/session").json()["role"] == "viewer"


def test_sign_out_forgets_the_cookie(browser):
    browser.post("/ui/session", json={"token": ADMIN_TOKEN}, headers=CSRF)

    response = browser.delete("/ui/session", headers=CSRF)

    assert response.status_code == 204
    assert 'id="signin-form"' in browser.get("/ui").text


def test_libraries_are_served_from_node_modules(browser):
    response = browser.get("/ui/vendor/cytoscape.min.js")

    assert response.status_code == 200, "run make to install the npm packages"
    assert response.headers["content-type"].startswith("text/javascript")
    assert browser.get("/ui/vendor/../../pyproject.toml").status_code == 404
    assert browser.get("/ui/static/router.py").status_code == 404
