"""Service settings, read from JARGON_* environment variables (pydantic-settings)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from translator import DEFAULT_MAX_BYTES


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JARGON_")

    #: Where the SQLite database lives when no database URL is given; created on first start.
    data_dir: Path = Path("data")
    #: SQLAlchemy URL; PostgreSQL as postgresql+psycopg://user:password@host/db. Default: SQLite in data_dir.
    database_url: str | None = None
    #: Largest text accepted per item, in UTF-8 bytes (413 beyond it).
    max_text_bytes: int = DEFAULT_MAX_BYTES
    #: Largest request body, in bytes (413 beyond it); glossary imports are the largest bodies.
    max_body_bytes: int = 4 * 1024 * 1024
    #: Serve without API keys, as the organisation "local". `jargon serve --local` allows it on loopback only.
    local_mode: bool = False
    #: Requests per minute per API key (or per client in local mode); 0 turns the limit off.
    rate_limit_per_minute: int = 600
    #: Origins allowed to call the API from a browser; empty means CORS is off.
    cors_origins: list[str] = Field(default_factory=list)
    #: How stale a process's compiled copy of a stored glossary may be, in seconds.
    glossary_cache_ttl: float = 2.0
    #: How long a verified API key is trusted without asking the database again, in seconds; 0 (the
    #: default) checks every request, so a revocation from any process takes effect at once.
    key_cache_ttl: float = 0.0
    #: While the database is unreachable, keys verified within this many seconds are still trusted,
    #: so translation goes on through an outage; 0 turns this off.
    key_outage_grace: float = 900.0
    #: Load the transformer stage (scorer, generator, embedder: see models/config.py for JARGON_SCORER...).
    models_enabled: bool = True
    #: Per-request time limit of the model stage, in seconds; past it, the deterministic draft.
    model_time_limit_s: float = 8.0

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'jargon.db').resolve()}"
