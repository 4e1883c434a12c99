"""Property-based testing of the whole API from its own OpenAPI document, on the real stores:
no 500s, declared response schemas honoured, every error problem JSON."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from graphledger.api.app import create_app
from tests.conftest import ADMIN_TOKEN, wipe

pytestmark = pytest.mark.stores
app = create_app(run_drainer=False)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


def errors_are_problems(ctx, response, case):
    """Every 4xx and 5xx answer is application/problem+json with its status inside."""
    if response.status_code >= 400:
        media = response.headers.get("content-type", [""])
        media = media[0] if isinstance(media, list) else media
        assert media.startswith("application/problem+json"), (
            response.status_code,
            media,
        )
        assert response.json()["status"] == response.status_code


@pytest.fixture(scope="module", autouse=True)
def empty_stores():
    wipe()


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_holds_up_to_generated_requests(case):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        checks=[not_a_server_error, response_schema_conformance, errors_are_problems],
    )
