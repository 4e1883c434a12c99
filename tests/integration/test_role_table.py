"""Function-level authorization: every operation of the API against every role, as a table.

The table states the policy from DESIGN.md: everyone reads the topology and the ledger's records
(money fields stripped for roles that may not see money); only finance and admin read money or
write the ledger; sre, change_manager and admin write the topology; tokens, the audit log and
reconciliation are admin's. A new operation missing from the table fails the test.
"""

import pytest

from graphledger.api.app import create_app

pytestmark = pytest.mark.stores

EVERYONE = {"viewer", "sre", "change_manager", "finance", "admin"}
TOPOLOGY_WRITERS = {"sre", "change_manager", "admin"}
MONEY = {"finance", "admin"}
ADMIN = {"admin"}

POLICY = {
    ("GET", "/api/v1/assets"): EVERYONE,
    ("POST", "/api/v1/assets"): MONEY,
    ("GET", "/api/v1/assets/{ref}"): EVERYONE,
    ("PATCH", "/api/v1/assets/{ref}"): MONEY,
    ("GET", "/api/v1/assets/{ref}/depreciation"): MONEY,
    ("GET", "/api/v1/assets/{ref}/moves"): EVERYONE,
    ("GET", "/api/v1/audit"): ADMIN,
    ("POST", "/api/v1/changes/assess"): EVERYONE,
    ("GET", "/api/v1/ci-classes"): EVERYONE,
    ("GET", "/api/v1/cis"): EVERYONE,
    ("POST", "/api/v1/cis"): TOPOLOGY_WRITERS,
    ("GET", "/api/v1/cis/{key}"): EVERYONE,
    ("PATCH", "/api/v1/cis/{key}"): TOPOLOGY_WRITERS,
    ("DELETE", "/api/v1/cis/{key}"): TOPOLOGY_WRITERS,
    ("GET", "/api/v1/cis/{key}/history"): EVERYONE,
    ("POST", "/api/v1/cis/{key}/merge"): TOPOLOGY_WRITERS,
    ("GET", "/api/v1/cis/{key}/neighbourhood"): EVERYONE,
    ("GET", "/api/v1/cis/{key}/relationships"): EVERYONE,
    ("GET", "/api/v1/cis/{key}/root-causes"): EVERYONE,
    ("GET", "/api/v1/cis/{key}/single-points-of-failure"): EVERYONE,
    ("GET", "/api/v1/contracts"): EVERYONE,
    ("POST", "/api/v1/contracts"): MONEY,
    ("GET", "/api/v1/contracts/{contract_id}"): EVERYONE,
    ("PATCH", "/api/v1/contracts/{contract_id}"): MONEY,
    ("DELETE", "/api/v1/contracts/{contract_id}"): MONEY,
    ("GET", "/api/v1/cost-centers"): EVERYONE,
    ("POST", "/api/v1/cost-centers"): MONEY,
    ("GET", "/api/v1/cost-centers/{center_id}"): EVERYONE,
    ("PATCH", "/api/v1/cost-centers/{center_id}"): MONEY,
    ("DELETE", "/api/v1/cost-centers/{center_id}"): MONEY,
    ("GET", "/api/v1/costs"): MONEY,
    ("POST", "/api/v1/costs"): MONEY,
    ("GET", "/api/v1/costs/{entry_id}"): MONEY,
    ("PATCH", "/api/v1/costs/{entry_id}"): MONEY,
    ("DELETE", "/api/v1/costs/{entry_id}"): MONEY,
    ("GET", "/api/v1/finance/book-value"): MONEY,
    ("GET", "/api/v1/finance/renewals"): MONEY,
    ("GET", "/api/v1/finance/spend"): MONEY,
    ("GET", "/api/v1/finance/tco"): MONEY,
    ("GET", "/api/v1/health-report"): EVERYONE,
    ("POST", "/api/v1/impact"): EVERYONE,
    ("POST", "/api/v1/imports"): TOPOLOGY_WRITERS,
    ("GET", "/api/v1/licenses"): EVERYONE,
    ("POST", "/api/v1/licenses"): MONEY,
    (
        "GET",
        "/api/v1/licenses/compliance",
    ): EVERYONE,  # seat counts; savings only for MONEY
    ("GET", "/api/v1/licenses/{license_id}"): EVERYONE,
    ("PATCH", "/api/v1/licenses/{license_id}"): MONEY,
    ("DELETE", "/api/v1/licenses/{license_id}"): MONEY,
    ("GET", "/api/v1/licenses/{license_id}/assignments"): EVERYONE,
    ("POST", "/api/v1/licenses/{license_id}/assignments"): MONEY,
    ("PATCH", "/api/v1/licenses/{license_id}/assignments/{assignment_id}"): MONEY,
    ("DELETE", "/api/v1/licenses/{license_id}/assignments/{assignment_id}"): MONEY,
    ("GET", "/api/v1/reconciliation"): ADMIN,
    ("POST", "/api/v1/reconciliation/repair"): ADMIN,
    ("GET", "/api/v1/relationship-types"): EVERYONE,
    ("POST", "/api/v1/relationships"): TOPOLOGY_WRITERS,
    ("GET", "/api/v1/relationships/{rel_id}"): EVERYONE,
    ("DELETE", "/api/v1/relationships/{rel_id}"): TOPOLOGY_WRITERS,
    ("GET", "/api/v1/services/costs"): MONEY,
    ("GET", "/api/v1/services/{key}/cost"): MONEY,
    ("POST", "/api/v1/tokens"): ADMIN,
    ("DELETE", "/api/v1/tokens/{token_id}"): ADMIN,
    ("GET", "/api/v1/vendors"): EVERYONE,
    ("POST", "/api/v1/vendors"): MONEY,
    ("GET", "/api/v1/vendors/{vendor_id}"): EVERYONE,
    ("PATCH", "/api/v1/vendors/{vendor_id}"): MONEY,
    ("DELETE", "/api/v1/vendors/{vendor_id}"): MONEY,
}
FILL = {
    "{key}": "nothing-here",
    "{ref}": "1",
    "{rel_id}": "00000000-0000-0000-0000-000000000001",
    "{token_id}": "00000000-0000-0000-0000-000000000001",
}
QUERY = {
    "/api/v1/services/{key}/cost": "?month=2026-11",
    "/api/v1/services/costs": "?month=2026-11",
    "/api/v1/finance/spend": "?month=2026-11",
    "/api/v1/imports": "?format=kubernetes&dry_run=true",
}


def operations():
    spec = create_app(run_drainer=False).openapi()
    return sorted(
        (m.upper(), p)
        for p, ops in spec["paths"].items()
        for m in ops
        if p.startswith("/api/")
    )


def test_the_table_covers_every_operation():
    assert set(operations()) == set(POLICY)


def url(path):
    for placeholder, value in FILL.items():
        path = path.replace(placeholder, value)
    path = path.replace("{contract_id}", "1").replace("{center_id}", "1")
    path = path.replace("{entry_id}", "1").replace("{license_id}", "1")
    path = path.replace("{assignment_id}", "1").replace("{vendor_id}", "1")
    return path


def test_every_operation_answers_each_role_as_the_table_says(client):
    tokens = {role: client.as_role(role) for role in EVERYONE}
    wrong = []
    for method, path in operations():
        target = url(path) + QUERY.get(path, "")
        anonymous = client.request(
            method, target, headers={"Authorization": ""}, json={}
        )
        if anonymous.status_code != 401:
            wrong.append((method, path, "anonymous", anonymous.status_code))
        for role, headers in tokens.items():
            status = client.request(
                method, target, headers=headers, json={}
            ).status_code
            allowed = role in POLICY[(method, path)]
            if allowed and status in (401, 403) or not allowed and status != 403:
                wrong.append((method, path, role, status))

    assert wrong == []
