"""One settings object for the whole service, read from GRAPHLEDGER_* environment variables."""

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL_NEO4J_PASSWORD = "graphledger-dev"
LOCAL_DATABASE_URL = (
    "postgresql+psycopg://graphledger:graphledger@127.0.0.1:55432/graphledger"
)


class Settings(BaseSettings):
    """Where the stores are, the secrets, and the caps that bound every expensive request."""

    model_config = SettingsConfigDict(env_prefix="GRAPHLEDGER_", extra="ignore")

    env: Literal["local", "test", "production"] = "local"
    database_url: str = LOCAL_DATABASE_URL
    neo4j_uri: str = "bolt://127.0.0.1:57687"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr(LOCAL_NEO4J_PASSWORD)
    neo4j_database: str = "neo4j"
    admin_token: SecretStr | None = None
    log_json: bool = False
    log_level: str = "INFO"

    # Threads that run the synchronous endpoints of one API process; the PostgreSQL pool keeps a
    # connection for each (graphledger.db).
    worker_threads: int = Field(default=40, ge=1)

    neo4j_connect_timeout_s: float = 3.0
    neo4j_query_timeout_s: float = 30.0
    pg_statement_timeout_ms: int = 30_000

    impact_default_depth: int = Field(default=6, ge=1)
    impact_max_depth: int = Field(default=50, ge=1)
    impact_default_results: int = Field(default=1_000, ge=1)
    impact_max_results: int = Field(default=100_000, ge=1)
    upstream_max_depth: int = Field(default=30, ge=1)
    upstream_max_results: int = Field(default=20_000, ge=1)
    spof_max_candidates: int = Field(default=2_000, ge=1)
    list_default_limit: int = Field(default=50, ge=1)
    list_max_limit: int = Field(default=500, ge=1)

    # How long a verified token is trusted without asking the database again; it bounds how late
    # a revocation made in another API process takes effect here (see graphledger.auth.cache).
    token_cache_s: float = Field(default=5.0, ge=0)
    rate_limit_per_s: float = Field(default=50.0, gt=0)
    rate_limit_burst: int = Field(default=200, ge=1)
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)
    max_import_bytes: int = Field(default=256 * 1024 * 1024, ge=1024)

    outbox_poll_s: float = 1.0
    outbox_batch: int = 5000
    outbox_retry_after_failure_s: float = 2.0

    health_stale_days: int = Field(default=30, ge=1)
    health_rules_file: str | None = None
    health_rules: str | None = None
    health_item_limit: int = Field(default=1_000, ge=1)

    @model_validator(mode="after")
    def refuse_placeholder_secrets(self) -> "Settings":
        """In production the development password and a short admin token are refused."""
        if self.env == "production":
            if self.neo4j_password.get_secret_value() == LOCAL_NEO4J_PASSWORD:
                raise ValueError(
                    "GRAPHLEDGER_NEO4J_PASSWORD still has the local default"
                )
            token = self.admin_token.get_secret_value() if self.admin_token else None
            if token is not None and len(token) < 24:
                raise ValueError(
                    "GRAPHLEDGER_ADMIN_TOKEN must be at least 24 characters"
                )
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
