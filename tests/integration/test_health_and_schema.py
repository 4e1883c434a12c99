"""Health endpoints and the migrations, both ways, on the real PostgreSQL."""

import pytest
from sqlalchemy import create_engine, inspect, text

pytestmark = pytest.mark.stores


def test_ready_reports_both_stores(client):
    response = client.get("/health/ready", headers={"Authorization": ""})

    assert response.status_code == 200
    assert {k: v["status"] for k, v in response.json()["stores"].items()} == {
        "postgres": "up",
        "neo4j": "up",
    }


def test_unknown_route_is_problem_json(client):
    response = client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_migrations_downgrade_and_upgrade_cleanly(stores):
    from alembic import command
    from alembic.config import Config

    from graphledger.cli import ROOT
    from graphledger.settings import get_settings

    url = get_settings().database_url
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(
            text("DROP DATABASE IF EXISTS graphledger_migrations WITH (FORCE)")
        )
        conn.execute(text("CREATE DATABASE graphledger_migrations"))
    scratch = url.rsplit("/", 1)[0] + "/graphledger_migrations"
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = scratch
    try:
        command.upgrade(config, "head")
        engine = create_engine(scratch)
        assert {
            "ci_heads",
            "topology_changes",
            "outbox",
            "audit_log",
            "api_tokens",
            "vendors",
            "cost_centers",
            "assets",
            "asset_moves",
            "contracts",
            "contract_assets",
            "licenses",
            "license_assignments",
            "cost_entries",
        } <= set(inspect(engine).get_table_names())
        command.downgrade(config, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        command.upgrade(config, "head")
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(
                text("DROP DATABASE IF EXISTS graphledger_migrations WITH (FORCE)")
            )
        admin.dispose()
