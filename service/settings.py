"""Service settings, read from JARGON_* environment variables (pydantic-settings)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from translator import DEFAULT_MAX_BYTES


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JARGON_")

    host: str = "127.0.0.1"
    port: int = 8000
    #: Largest text accepted per item, in UTF-8 bytes.
    max_text_bytes: int = DEFAULT_MAX_BYTES
    #: Serve without API keys; only for a server bound to the loopback interface.
    local_mode: bool = False
