"""Shared fixtures for the sizing-tool tests: figures from the real corpus reports."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.tools.figures import Figure, extract_figures

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
CITIC = "中信证券-Sora突破性登场-2024-02-23.txt"
HUAXIN = "华鑫证券-AIGC专题从Sora看AI应用发展-2024-02-29.txt"


def read(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def citic_text() -> str:
    return read(CITIC)


@pytest.fixture(scope="session")
def huaxin_text() -> str:
    return read(HUAXIN)


@pytest.fixture(scope="session")
def corpus_figures(citic_text: str, huaxin_text: str) -> list[Figure]:
    return (extract_figures(citic_text, doc_id="citic", chunk_id="citic#0")
            + extract_figures(huaxin_text, doc_id="huaxin", chunk_id="huaxin#0"))


@pytest.fixture(scope="session")
def corpus_estimates(citic_text: str, huaxin_text: str) -> list:
    from bot.tools.estimates import detect_estimates
    return detect_estimates(citic_text, doc_id="citic") + detect_estimates(huaxin_text, doc_id="huaxin")
