"""The answer engine: one entry point for the CLI, the web app and the evals."""
from __future__ import annotations

import time

from ..library import Library
from ..retrieve import Filters
from ..types import Answer
from .extractive import extract
from .glossary import expand_query
from .question import check_question, is_chinese


class Engine:
    def __init__(self, library: Library):
        self.library = library

    def ask(self, question: str, mode: str = "auto", filters: Filters | None = None) -> Answer:
        t0 = time.perf_counter()
        q = check_question(question)
        timings: dict[str, float] = {}
        hits = self.library.search(expand_query(q), filters=filters, timings=timings)
        zh = is_chinese(q)
        chosen, citations = extract(q, hits, self.library.tokenizer)
        if not citations:
            text = "报告中没有找到相关内容。" if zh else "The reports do not cover this."
            ans = Answer(question=q, answer=text, mode="extractive", refused=True)
        else:
            body = "\n".join(f"{c.quote}[{c.n}]" for c in citations)
            ans = Answer(question=q, answer=body, mode="extractive", citations=citations)
        timings["total"] = (time.perf_counter() - t0) * 1000
        ans.timings_ms = timings
        return ans
