"""All configuration, read once from `DECKQA_*` environment variables and passed down.

Every knob is documented in the README's "Configuration" table.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DECK = REPO_ROOT / "data" / "deck.pdf"
DEFAULT_INDEX_DIR = REPO_ROOT / ".deckqa" / "index"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DECKQA_", extra="ignore")

    deck: Path = Field(default=DEFAULT_DECK, description="the deck PDF to answer from")
    index_dir: Path = Field(default=DEFAULT_INDEX_DIR, description="where the index lives")
    embedding_model: Path | None = Field(
        default=None, description="local sentence-transformers folder (default: all-MiniLM-L6-v2)"
    )
    auto_rebuild: bool = Field(default=True, description="rebuild a missing or stale index on load (else: error)")
    # Optional LLM answerer: "" (extractive only), "openai", "ollama", "llamacpp:/path/model.gguf"
    llm: str = ""
    llm_model: str = ""
    llm_base_url: str = ""
    llm_api_key: SecretStr | None = None
    llm_timeout: float = 30.0
    feedback_file: Path = Field(default=REPO_ROOT / ".deckqa" / "feedback.jsonl")
    # HTTP server
    api_keys: SecretStr | None = Field(default=None, description="comma-separated bearer tokens")
    cors_origins: str = Field(default="", description="comma-separated allowed origins")
    rate_limit_per_minute: int = Field(
        default=60, ge=0, description="requests per minute per client (bearer key, else IP); 0 = off"
    )

    def api_key_set(self) -> frozenset[str]:
        if self.api_keys is None:
            return frozenset()
        return frozenset(key.strip() for key in self.api_keys.get_secret_value().split(",") if key.strip())

    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]
