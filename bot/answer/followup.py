"""Follow-up questions: make them standalone before searching.

Offline, a question that leans on the previous turn (a pronoun, "那…呢", "what about…", or a bare what-if)
is searched together with the previous question; in LLM mode the model rewrites it (llm_answer.py).
"""
from __future__ import annotations

import re
from typing import Sequence

_LEANS = re.compile(
    r"^(那|那么|还有|另外|此外|再|如果|假设|若|and\b|what about|how about|and if|if\b|also\b|then\b)"
    r"|它|其|这个|那个|这份|那份|该报告|上述|前者|后者|呢[？?]?$|\b(it|its|this|that|they|them|those)\b",
    re.IGNORECASE,
)


def leans_on_history(question: str) -> bool:
    return bool(_LEANS.search(question.strip()))


def standalone(question: str, history: Sequence[tuple[str, str]]) -> str:
    if not history or not leans_on_history(question):
        return question
    previous = history[-1][0]
    return f"{previous} {question}"
