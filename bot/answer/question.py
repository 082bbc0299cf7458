"""Question hygiene: what reaches retrieval is printable text of a bounded length."""
from __future__ import annotations

import re
import unicodedata

from ..errors import QuestionError

MAX_CHARS = 2000  # longer pastes are cut here: retrieval and extraction only need the gist
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def check_question(raw: str | None) -> str:
    if raw is None:
        raise QuestionError("The question is empty.")
    text = _CONTROL.sub(" ", str(raw))
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise QuestionError("The question is empty.")
    if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        raise QuestionError("The question has no words in it.")
    return text[:MAX_CHARS]


def is_chinese(text: str) -> bool:
    """Answer language: Chinese when the question has any CJK characters."""
    return bool(re.search(r"[\u4e00-\u9fff]", text))
