"""One Settings object, read once from the environment at the edge (CLI, web) and passed down.

Nothing here reads the environment at import time.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Mapping

from .errors import ConfigError


def _f(default, help: str, env: str | None = None):
    return field(default=default, metadata={"help": help, "env": env})


@dataclass(frozen=True)
class Settings:
    data_dir: Path = _f(Path(".bot"), "Where all state lives: Chroma store, BM25 index, caches, feedback.", "BOT_DATA_DIR")
    corpus_dir: Path = _f(Path("corpus"), "Default folder `bot ingest` reads.", "BOT_CORPUS_DIR")
    chroma_url: str = _f("", "If set (http://host:port), use a `chroma run` server instead of the embedded store.", "BOT_CHROMA_URL")
    collection: str = _f("reports", "Chroma collection name prefix (chunks go to NAME-chunks).", "BOT_COLLECTION")
    embedder: str = _f("local", "`local` (bundled multilingual-e5-small) or `openai` (an OpenAI-compatible /embeddings endpoint).", "BOT_EMBEDDER")
    embed_model: str = _f("text-embedding-3-small", "Model name for BOT_EMBEDDER=openai.", "BOT_EMBED_MODEL")
    embed_base_url: str = _f("", "Base URL of the embeddings endpoint (default: OPENAI_BASE_URL).", "BOT_EMBED_BASE_URL")
    embed_api_key_env: str = _f("OPENAI_API_KEY", "Name of the env variable holding the embeddings API key (the key itself is never stored).", "BOT_EMBED_API_KEY_ENV")
    embed_threads: int = _f(2, "Threads for the local embedding model.", "BOT_EMBED_THREADS")
    llm_base_url: str = _f("", "OpenAI-compatible chat endpoint.", "OPENAI_BASE_URL")
    llm_api_key_env: str = _f("OPENAI_API_KEY", "Name of the env variable holding the LLM API key.", "BOT_LLM_API_KEY_ENV")
    llm_model: str = _f("gpt-4o-mini", "Chat model for LLM mode.", "BOT_LLM_MODEL")
    llm_timeout: float = _f(30.0, "Seconds before one LLM request is abandoned.", "BOT_LLM_TIMEOUT")
    max_file_mb: float = _f(20.0, "Files larger than this are refused at ingest without being read.", "BOT_MAX_FILE_MB")
    chunk_tokens: int = _f(256, "Target chunk size in tiktoken (cl100k) tokens.", "BOT_CHUNK_TOKENS")
    chunk_overlap: int = _f(48, "Maximum overlap between neighbouring chunks, in tokens (whole sentences).", "BOT_CHUNK_OVERLAP")
    top_k: int = _f(8, "Passages retrieved per question.", "BOT_TOP_K")
    refusal: str = _f("reports", "Refusal profile: `reports` (refuse on unknown names) or `strict` (also on weak evidence).", "BOT_REFUSAL")
    environ: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False,
                                       metadata={"help": "The environment the settings were read from (for secrets by name).", "env": None})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> "Settings":
        env = dict(os.environ if environ is None else environ)
        values = {}
        for f in fields(cls):
            name = f.metadata.get("env")
            if not name or name not in env or env[name] == "":
                continue
            raw = env[name]
            try:
                if f.type in ("Path", Path):
                    values[f.name] = Path(raw)
                elif f.type in ("int", int):
                    values[f.name] = int(raw)
                elif f.type in ("float", float):
                    values[f.name] = float(raw)
                else:
                    values[f.name] = raw
            except ValueError:
                raise ConfigError(f"{name}={raw!r} is not a valid {f.type}.") from None
        values.update(overrides)
        s = cls(environ=env, **values)
        if s.refusal not in ("reports", "strict"):
            raise ConfigError(f"BOT_REFUSAL must be 'reports' or 'strict', not {s.refusal!r}.")
        if s.embedder not in ("local", "openai"):
            raise ConfigError(f"BOT_EMBEDDER must be 'local' or 'openai', not {s.embedder!r}.")
        return s

    def secret(self, env_name: str) -> str:
        return self.environ.get(env_name, "")

    @property
    def llm_configured(self) -> bool:
        return bool(self.secret(self.llm_api_key_env) or self.llm_base_url)

    def path(self, *parts: str) -> Path:
        p = self.data_dir.joinpath(*parts)
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    @staticmethod
    def describe() -> list[tuple[str, str, str]]:
        """(env variable, default, help) for the README and `bot config`."""
        out = []
        for f in fields(Settings):
            if f.metadata.get("env"):
                default = f.default if not isinstance(f.default, Path) else str(f.default)
                out.append((f.metadata["env"], str(default), f.metadata["help"]))
        return out
