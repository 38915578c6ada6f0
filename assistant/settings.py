"""Settings for the assistant, from arguments, ``ASSISTANT_*`` environment
variables (nested with ``__``, e.g. ``ASSISTANT_INDEX__PRECISION=fp32``) and defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.config import IndexConfig


def default_store() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("assistant", appauthor=False)) / "store"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_nested_delimiter="__", extra="forbid")

    store: Path = Field(default_factory=default_store, description="folder of the embedded store and the catalogs")
    collection: str = "default"
    chroma_host: str | None = Field(None, description="use a Chroma server instead of the embedded store")
    chroma_port: int = 8000
    database_url: str | None = Field(None, description="a shared PostgreSQL database for the catalog and keyword "
                                                       "index (servers that share one Chroma server)")
    index: IndexConfig = IndexConfig()
    k: int = Field(5, ge=1, le=100, description="passages retrieved per question")
    hybrid: bool = Field(True, description="fuse keyword (BM25) with dense retrieval")
    llm: str = Field("reader", description="answerer: reader (trained reader model), extractive (quoted sentences), "
                                         "openai, ollama or llamacpp")
    history_mode: Literal["dialogue", "concat", "none"] = Field(
        "dialogue", description="how earlier turns are used: dialogue (fitted dialogue retrieval and rewriting), "
                                "concat (the last two questions joined to the question), none (ignored)")
    replay: bool = Field(True, description="dialogue mode: earlier questions given without their answers are answered "
                                           "again first, so the follow-up has the context a live chat would have")
