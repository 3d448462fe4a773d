"""All configuration: one nested `Settings` object, read once from `DECKQA_*` environment
variables (`Settings.from_env()`) and passed down.

Every variable is documented in the README's "Configuration" table. A `DECKQA_` variable
this table does not know is refused (`SettingsError` names it), so a typo is never silent.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from ingest.errors import DeckQAError

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DECK = REPO_ROOT / "data" / "deck.pdf"
DEFAULT_INDEX_DIR = REPO_ROOT / ".deckqa" / "index"
PREFIX = "DECKQA_"


class SettingsError(DeckQAError):
    """A `DECKQA_*` variable is unknown or its value is invalid."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IndexSettings(_Section):
    deck: Path = Field(default=DEFAULT_DECK, description="the deck PDF to answer from")
    dir: Path = Field(default=DEFAULT_INDEX_DIR, description="where the index lives")
    embedding_model: Path | None = Field(
        default=None, description="local sentence-transformers folder (default: all-MiniLM-L6-v2)"
    )
    model_cache: Path = Field(
        default=REPO_ROOT / ".deckqa" / "models", description="where the ONNX export of the model is cached"
    )
    auto_rebuild: bool = Field(default=True, description="rebuild a missing or stale index on load (else: error)")
    max_pages: int = Field(default=1000, ge=1, description="PDFs with more pages are refused before any work")
    cache_dir: Path = Field(
        default_factory=lambda: _user_cache() / "deckqa" / "indexes",
        description="the index of every other document, one folder per content and ingest code",
    )


class LLMSettings(_Section):
    provider: str = Field(default="", description='"" (extractive only), "openai", "ollama", "llamacpp:/path.gguf"')
    model: str = ""
    base_url: str = ""
    api_key: SecretStr | None = None
    timeout: float = Field(default=30.0, gt=0)


class ServerSettings(_Section):
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


class LibrarySettings(_Section):
    dir: Path = Field(default=REPO_ROOT / ".deckqa" / "library", description="the document library's folder")
    collection: str = Field(default="default", description="the collection the chat shows and uploads into")
    max_upload_mb: int = Field(default=64, ge=1, description="largest PDF the API accepts, in MB")
    database_url: SecretStr | None = Field(
        default=None, description="PostgreSQL (with pgvector) holding the library; default: files in `dir`"
    )


class UISettings(_Section):
    feedback_file: Path = Field(default=REPO_ROOT / ".deckqa" / "feedback.jsonl")


class Settings(_Section):
    index: IndexSettings = Field(default_factory=IndexSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    ui: UISettings = Field(default_factory=UISettings)
    library: LibrarySettings = Field(default_factory=LibrarySettings)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from `DECKQA_*` variables (default: the process environment). Raises
        `SettingsError` naming any unknown variable or invalid value."""
        environ = os.environ if environ is None else environ
        given = {name: value for name, value in environ.items() if name.startswith(PREFIX)}
        unknown = sorted(name for name in given if name not in ENVIRONMENT)
        if unknown:
            raise SettingsError(f"unknown setting {', '.join(unknown)}; known: {', '.join(sorted(ENVIRONMENT))}")
        sections: dict[str, dict[str, Any]] = {}
        for name, value in given.items():
            section, field = ENVIRONMENT[name]
            sections.setdefault(section, {})[field] = value
        try:
            return cls.model_validate(sections)
        except ValidationError as error:
            problem = error.errors()[0]
            where = ".".join(str(part) for part in problem["loc"])
            names = [name for name, target in ENVIRONMENT.items() if ".".join(target) == where]
            raise SettingsError(f"invalid setting {names[0] if names else where}: {problem['msg']}") from error

    def with_index(self, **changes: Any) -> Settings:
        """A copy with other index settings (another deck or folder)."""
        return self.model_copy(update={"index": self.index.model_copy(update=changes)})

    def for_document(self, document: Path) -> Settings:
        """A copy for another document: its index in the cache, built once per machine for
        its content and the ingest code, or beside `DECKQA_INDEX_DIR` when that is set."""
        from ingest.index_store import cache_folder

        if "dir" in self.index.model_fields_set:
            return self.with_index(deck=document, dir=self.index.dir.parent / "documents" / document.stem)
        return self.with_index(deck=document, dir=cache_folder(self.index.cache_dir, document))


def _user_cache() -> Path:
    """The user's cache folder (`XDG_CACHE_HOME`, else ~/.cache)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


# Environment variable -> (section, field). The README's "Configuration" table lists them.
ENVIRONMENT: dict[str, tuple[str, str]] = {
    "DECKQA_DECK": ("index", "deck"),
    "DECKQA_INDEX_DIR": ("index", "dir"),
    "DECKQA_EMBEDDING_MODEL": ("index", "embedding_model"),
    "DECKQA_MODEL_CACHE": ("index", "model_cache"),
    "DECKQA_AUTO_REBUILD": ("index", "auto_rebuild"),
    "DECKQA_MAX_PAGES": ("index", "max_pages"),
    "DECKQA_CACHE_DIR": ("index", "cache_dir"),
    "DECKQA_LLM": ("llm", "provider"),
    "DECKQA_LLM_MODEL": ("llm", "model"),
    "DECKQA_LLM_BASE_URL": ("llm", "base_url"),
    "DECKQA_LLM_API_KEY": ("llm", "api_key"),
    "DECKQA_LLM_TIMEOUT": ("llm", "timeout"),
    "DECKQA_API_KEYS": ("server", "api_keys"),
    "DECKQA_CORS_ORIGINS": ("server", "cors_origins"),
    "DECKQA_RATE_LIMIT_PER_MINUTE": ("server", "rate_limit_per_minute"),
    "DECKQA_FEEDBACK_FILE": ("ui", "feedback_file"),
    "DECKQA_LIBRARY_DIR": ("library", "dir"),
    "DECKQA_COLLECTION": ("library", "collection"),
    "DECKQA_MAX_UPLOAD_MB": ("library", "max_upload_mb"),
    "DECKQA_DATABASE_URL": ("library", "database_url"),
}
