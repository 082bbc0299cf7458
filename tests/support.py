"""Test helpers and paths shared by the test modules (import these from here, not from conftest:
pytest loads every conftest.py as a module named "conftest", so tests/tools/conftest.py could shadow it)."""
from __future__ import annotations

import shutil
from pathlib import Path

from evals.servers import free_port  # noqa: F401  (re-exported for the tests)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
CITIC = next(CORPUS.glob("中信证券*.txt"))
HUAXIN = next(CORPUS.glob("华鑫证券*.txt"))


def make_settings(data_dir: Path, **kw):
    from bot.settings import Settings

    env = {"BOT_DATA_DIR": str(data_dir)}
    return Settings.from_env(env, **kw)


def copy_corpus(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for f in CORPUS.iterdir():
        shutil.copy(f, dest / f.name)
    return dest


def estimates_by_result(text: str) -> dict:
    """The estimates detected in a made-up passage, by their result as the passage writes it."""
    from bot.tools.estimates import detect_estimates

    return {d.result.text: d for d in detect_estimates(text, "doc")}
