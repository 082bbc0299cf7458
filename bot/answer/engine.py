"""The answer engine: one entry point (`Engine.ask`) for the CLI, the web app and the evals.

question → checks → (follow-up rewrite) → tools for numbers → retrieval → LLM tool loop or extractive
answer → verified citations → number audit → Answer.
"""
from __future__ import annotations

import queue
import re
import threading
import time
from pathlib import Path
from typing import Callable, Iterator, Sequence

from ..errors import LLMError
from ..library import Library
from ..retrieve import Filters
from ..types import Answer, Citation, Hit
from ..tools.units import plain as digits
from . import compute, numeric
from .analysis import Analysis, analyse, find_indicator
from .cite import whole_sentence
from .compose import GROUPED_KINDS, analysis_kind, compose, display_order, refusal_text
from .extractive import extract, extract_fact, fact_order, summary_points
from .followup import standalone
from .glossary import expand_query, names_absent
from .match import same_place
from .question import check_question, is_chinese, plain, without_titles
from .presence import LEAD_KINDS, asked_kind, presence, shows
from .refusal import PROFILES, should_refuse, signals
from .verify import Audit, audit_numbers, verify_citations

Turn = tuple[str, str]  # (question, answer) of earlier turns in the conversation
# A filter selecting more reports than this is checked against the whole library's vocabulary: reading the
# text of thousands of reports (a broker's share of 100k chunks) cost ~1 s on the first such question.
SCOPED_TEXT_MAX_REPORTS = 50
SUMMARY_MAX_REPORTS = 5  # a summary of more reports than this is a wall of text; the user can narrow the scope
# Single-fact questions fetch this many times BOT_TOP_K passages before reranking them by their best sentence:
# on the 40-report sample, 12% of annotated sentences were not among the first 16 (reports benchmark); on all 427
# reports, of 199 single-answer questions whose annotated passage was not among the first 32, 86 had it among the
# first 64 (125 among 128). At 8: accuracy 0.604 → 0.609, hit@5 0.788 → 0.808, false refusals 0.033 → 0.026,
# p50 latency 186 → 228 ms. At 16 (twenty-first session): of the 142 fact questions with no right sentence among
# the candidates at 8, about a third had the annotated passage within the first 256 of BM25 or of the dense ranking;
# the lead-choice replay gained 32 questions and lost 8 (lead right 1,377 → 1,401; a right candidate for 1,921 of
# 2,091, was 1,865); the full run's figures and latency are in the README.
FACT_DEPTH = 16
# Reranking fact passages (in the order their best sentence would lead an answer): the retrieval rank's weight
# beside the fact score of the passage's best sentence.
RERANK_PRIOR = 0.3


class ScopedText:
    """`word in scope` by substring over some reports' text (used instead of the vocabulary under filters)."""

    def __init__(self, text: str):
        self.text = text.lower()

    def __contains__(self, word: str) -> bool:
        return word.lower() in self.text


class Mentioned:
    """What counts as mentioned by the reports: a word of the library's vocabulary (or filtered text), or a
    substring of the retrieved passages and their titles. jieba splits a name it does not know differently in
    a question and in a report (「青禾医疗」: 青禾 + 医疗 in one, 青 + 禾医疗 in the other), so the vocabulary
    alone would call a name the reports do use unknown."""

    def __init__(self, vocab, hits: list[Hit]):
        self.vocab = vocab
        self.text = "\n".join([h.chunk.text for h in hits] + [h.report.title for h in hits]).lower()

    def __contains__(self, word: str) -> bool:
        return word in self.vocab or word.lower() in self.text


def _names_of_question(names: list[str], a: Analysis) -> list[str]:
    """The names a fact question really writes: jieba can join the subject's last character to the 的 after it
    (「美国医美的渗透率」 → 美国 / 医 / 美的, a company's name); a name that is neither inside the subject nor in the
    question once the subject is taken out straddles the subject's end and is no name of the question's."""
    subject = a.subject.lower()
    if not a.is_fact or not subject:
        return names
    rest = a.text.lower().replace(subject, " ")
    return [n for n in names if n in subject or n in rest]


def _measures_asked(calc, a: Analysis) -> bool:
    """Whether an estimate measures what the question asks: its subject names no indicator of the vocabulary, or
    the asked one (「国产占比」 is not the 市场容量 asked, though one sentence states both)."""
    if not same_place(a.subject, calc.extra.get("subject") or ""):
        return False  # 「广东省降压药…市场规模」 is not the 国内 one asked, though one sentence states both
    ind = a.indicator
    if ind is None or ind.own:
        return True
    result = getattr(calc, "result", None)
    if ind.modifier and result is not None and getattr(result, "unit", "") not in ("%", "‰"):
        return False  # 「…市场规模同比」 asks a rate: an estimate of the 市场规模 itself does not answer it
    named, _, _ = find_indicator(calc.extra.get("subject") or "")
    if named is None:
        return True
    if named.name == named.modifier and ind.name != ind.modifier:
        return False  # 「占比为50%」 of something unnamed is not the 市场规模占比 asked
    return named.name == ind.name or bool(named.modifier and named.modifier == ind.modifier)


def _answers_asked(calc, a: Analysis) -> bool:
    """Whether an estimate answers a fact question no sentence answers: it measures what is asked, for a year asked
    (「17-19年…」 is not answered by an estimate for 2029; the router reads only four-digit years)."""
    period = calc.extra.get("period") or ""
    years = set(re.findall(r"(?:19|20)\d{2}", period))
    return _measures_asked(calc, a) and (not a.years or not years or bool(years & set(a.years)))


def _states(ans: Answer, calc, a: Analysis) -> bool:
    """Whether an answer's lead quote is from the estimate's report and states its result — the measure asked."""
    ref = calc.extra.get("stated_citation") or {}
    stated = calc.extra.get("stated")
    if ans.refused or not ans.citations or not ref or stated is None:
        return False
    if not _measures_asked(calc, a):
        return False
    lead = ans.citations[0]
    figures = [stated.low, stated.high] if hasattr(stated, "low") else [stated]
    return lead.doc_id == ref["doc_id"] and all(digits(f.value) in lead.quote for f in figures)


class Engine:
    def __init__(self, library: Library, llm_client=None):
        self.library = library
        self.settings = library.settings
        self._client = llm_client

    # entry point -------------------------------------------------------------------------------
    def ask(self, question: str, mode: str = "auto", filters: Filters | None = None,
            history: Sequence[Turn] = (), on_text: Callable[[str], None] | None = None) -> Answer:
        """Answer one question. `on_text` receives streamed text in LLM mode."""
        t0 = time.perf_counter()
        q = check_question(question)
        if mode == "auto":
            mode = "llm" if self.settings.llm_configured else "extractive"
        notes: list[str] = []
        ans = None
        if mode == "llm":
            try:
                from .llm_answer import llm_answer

                ans = llm_answer(self, q, filters, history, on_text)
            except LLMError as e:
                notes.append(f"LLM unavailable ({e}); this is the offline answer.")
        if ans is None:
            ans = self.extractive(q, filters, history)
        t = time.perf_counter()
        waiting = len(self.library.pending())
        ans.timings_ms["status"] = (time.perf_counter() - t) * 1000
        if waiting:
            notes.append(f"{waiting} 份报告仍在建立语义索引，目前只按关键词检索 "
                         f"({waiting} report{'s' if waiting > 1 else ''} still being indexed: searched by keywords only).")
        ans.notes = notes + ans.notes
        ans.timings_ms["total"] = (time.perf_counter() - t0) * 1000
        return ans

    def stream(self, question: str, mode: str = "auto", filters: Filters | None = None,
               history: Sequence[Turn] = ()) -> Iterator[str | Answer]:
        """Text deltas as they are produced, then the final (verified) Answer.

        In LLM mode the deltas are the model's raw text; the final Answer replaces it (markers become [n],
        unsupported numbers are gone). Offline, the answer is ready at once and is sent line by line.
        """
        if mode == "auto":
            mode = "llm" if self.settings.llm_configured else "extractive"
        if mode != "llm":
            ans = self.ask(question, mode, filters, history)
            for line in ans.answer.splitlines(keepends=True):
                yield line
            yield ans
            return
        deltas: queue.Queue = queue.Queue()
        box: dict = {}

        def work():
            try:
                box["answer"] = self.ask(question, mode, filters, history, on_text=deltas.put)
            except BaseException as e:  # handed to the consumer thread, raised there
                box["error"] = e
            finally:
                deltas.put(None)

        threading.Thread(target=work, daemon=True).start()
        while (piece := deltas.get()) is not None:
            yield piece
        if "error" in box:
            raise box["error"]
        yield box["answer"]

    # offline -----------------------------------------------------------------------------------
    def focus(self, q: str, filters: Filters | None) -> Filters | None:
        """A question naming one broker by its whole name ("华泰证券认为…") is about that broker's reports."""
        if filters or analysis_kind(q) == "compare":
            return filters
        named = {b for b in self.library.brokers() if len(b) >= 3 and b in q}
        return Filters(broker=named.pop()) if len(named) == 1 else filters

    def retrieve(self, q: str, query: str, a: Analysis, filters: Filters | None = None,
                 timings: dict[str, float] | None = None, named: Sequence[str] | None = None) -> list[Hit]:
        """Passages for a question. A report the question names (《title》, a distinctive part of its title, a
        company or stock code in it) is searched first; single-fact questions fetch deeper and are reranked so
        that the passage whose sentence matches subject, period and indicator comes first."""
        k = self.settings.top_k * (FACT_DEPTH if a.is_fact else 1)
        asked = query
        if a.is_fact and a.indicator:  # the ways reports word the indicator (营收 → 营业收入), for the lexical side
            query = query + " " + " ".join(x for x in a.indicator.aliases[:4] if x not in query)
        hits = self.library.search(expand_query(query), k=k, filters=filters, timings=timings,
                                   each=k if a.is_fact else 0)
        if query != asked:  # the aliases can outweigh the question's own words: its own ranking is read too
            seen = {h.chunk.chunk_id for h in hits}
            hits += [h for h in self.library.search(expand_query(asked), k=k, filters=filters)
                     if h.chunk.chunk_id not in seen]
        if named is None:
            named = [] if filters else self.library.named_reports(q)
        # a company's reports are many (twenty on one company): a fact question reads as deep into them as into the
        # library, or one report's forecast sentence stays behind the others' tables
        own_k = k if a.is_fact else self.settings.top_k
        if named:
            first = self.library.search(expand_query(query), k=own_k, filters=Filters(reports=tuple(named)))
            first_ids = {h.chunk.chunk_id for h in first}
            hits = first + [h for h in hits if h.chunk.chunk_id not in first_ids]
        about = self.about(a, filters, named)
        if about:  # the reports on the company asked about are searched too (their passages may rank low)
            seen = {h.chunk.chunk_id for h in hits}
            hits += [h for h in self.library.search(expand_query(query), k=own_k, filters=Filters(reports=tuple(about)))
                     if h.chunk.chunk_id not in seen]
        texts = self.library.report_texts([h.report for h in hits])
        for h in hits:  # sentences a chunk's edge cuts are read whole (`cite.sentences`)
            h.report_text = texts[h.report.doc_id]
        if a.is_fact and hits:
            t = time.perf_counter()
            order = fact_order(a, hits, self.library.tokenizer, set(named), set(about), RERANK_PRIOR)
            hits = [hits[i] for i in order]
            if timings is not None:
                timings["rerank"] = (time.perf_counter() - t) * 1000
        return hits

    def about(self, a: Analysis, filters: Filters | None, named: Sequence[str]) -> list[str]:
        """Reports on the company a fact question's subject names (none when the question names reports or is
        filtered: those say where to look already)."""
        if not a.is_fact or filters or named or not a.subject:
            return []
        return self.library.about_reports(a.subject)

    def passages(self, question: str, filters: Filters | None = None) -> list[Hit]:
        """The ranked passages an offline answer to `question` is drawn from (for evaluation and debugging)."""
        q = check_question(question)
        query, filters, a, named = self.scope(q, plain(q), filters)
        return self.retrieve(q, query, a, filters, named=named)

    def scope(self, q: str, query: str, filters: Filters | None
              ) -> tuple[str, Filters | None, Analysis, list[str]]:
        """Where to look and what to score: a broker named by its whole name becomes a filter (and leaves the
        scored query); two brokers named in a comparison restrict it to their reports; reports the question
        names are searched first. Returns (query, filters, analysis, named report ids)."""
        named = [] if filters else self.library.named_reports(q)
        if named:  # 「据《…》，X是多少」: the report is where to look first, its title no term of the question
            reports = self.library.reports_by_id()
            query = without_titles(query, [t for d in named if d in reports
                                           for t in (reports[d].title, Path(reports[d].source).stem)])
        quoted = self.library.quoted_reports(q, named) if named else []
        if quoted and len(quoted) <= SUMMARY_MAX_REPORTS:
            # 「据《title》…」 asks that report: answered from it alone (or refused, saying it does not say)
            return query, Filters(reports=tuple(quoted)), analyse(query), []
        focused = self.focus(query, filters)
        if focused is not filters and focused and focused.broker:
            query = query.replace(focused.broker, " ")  # chosen, not scored
            named = []
        filters = focused
        a = analyse(query)
        if a.kind == "compare" and not filters:
            # 「比较A证券和B证券对…的看法」: those brokers' reports, and their names are not terms to score
            brokers = [b for b in self.library.brokers() if len(b) >= 3 and b in query]
            if len(brokers) >= 2:
                filters = Filters(reports=tuple(r.doc_id for r in self.library.sources() if r.broker in brokers))
                named = []
                for b in brokers:
                    query = query.replace(b, " ")
        return query, filters, a, named

    def extractive(self, q: str, filters: Filters | None = None, history: Sequence[Turn] = ()) -> Answer:
        zh = is_chinese(q)
        t = time.perf_counter()
        query, filters, a, named = self.scope(q, standalone(plain(q), history), filters)
        timings: dict[str, float] = {"scope": (time.perf_counter() - t) * 1000}
        # [compute hook] 「X 2017年到2023年…的年均复合增长率」: two figures of one report, computed (compute.py)
        if (spec := compute.detect(query)) is not None:
            t = time.perf_counter()
            ans = compute.answer(self, q, spec, filters, named)
            ans.timings_ms = {"compute": (time.perf_counter() - t) * 1000}
            if not ans.refused or not a.is_fact:
                return ans
            # the two figures are not in one report, but a report may state the rate itself
            # (「2010-2019年…市场复合增速分别为0.71%/1.57%/13.89%」): answered as a fact, or the computation's refusal
            hits = self.retrieve(q, query, a, filters, timings, named)
            stated = self._sentence_answer(q, query, zh, hits, filters, a, set(named))
            fact = stated.extra.get("signals", {}).get("fact") or {}
            if stated.refused or fact.get("years") != 1.0 or fact.get("bound") != 1.0:
                return ans  # a rate of another span (2016-2020年 for 2020 to 2023) is not the one asked
            stated.timings_ms = {**ans.timings_ms, **timings}
            return stated
        hits = self.retrieve(q, query, a, filters, timings, named)
        t = time.perf_counter()
        # numbers come from the reports the question retrieved, best-ranked first
        ids = list(dict.fromkeys(h.report.doc_id for h in hits))
        calcs, problem = numeric.plan(query, self.library.figures(ids), self.library.estimates(ids))
        timings["tools"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        if calcs and calcs[0].extra.get("route") == "size" and a.is_fact:
            # 「X市场规模有多大？」 is a fact question first: the estimate is shown only when the sentence that answers
            # it is the estimate's own statement (same report, same figure) — never instead of a better sentence
            ans = self._sentence_answer(q, query, zh, hits, filters, a, set(named))
            # (refused: no sentence does better than the estimate's own — when the estimate is of what is asked)
            if (ans.refused and _answers_asked(calcs[0], a)) or _states(ans, calcs[0], a):
                ans = self._numeric_answer(q, zh, calcs)
        elif calcs:
            ans = self._numeric_answer(q, zh, calcs)
        elif analysis_kind(q) == "summary" and hits:
            ans = self._summary_answer(q, zh, hits, filters)
        else:
            ans = self._sentence_answer(q, query, zh, hits, filters, a, set(named))
            if problem and not ans.refused:
                ans.notes.append(problem)
        timings["answer"] = (time.perf_counter() - t) * 1000
        ans.timings_ms = timings
        return ans

    def _numeric_answer(self, q: str, zh: bool, calcs) -> Answer:
        dicts, citations = numeric.cite_calculations(calcs, self.library.reports_by_id().get)
        first = numeric.lead(calcs, zh, citations)
        for c, d in zip(calcs, dicts):  # the verdict is said once, in the lead
            if first and c.extra.get("message"):
                d["note"] = re.sub(r"[。 ]?" + re.escape(c.extra["message"]), "", d["note"])
        text = numeric.describe(dicts, zh)
        if first:
            text = first + "\n" + text
        if citations:
            text += "\n" + ("报告原文：" if zh else "From the reports:") + "\n" + \
                "\n".join(f"[{c.n}] {c.quote}" for c in citations)
        ans = Answer(question=q, answer=text, mode="extractive", citations=citations, calculations=dicts)
        ans.extra["calculations"] = calcs
        return self.verify(ans, numeric.tool_text(dicts) + "\n" + first)  # the lead is the tools' verdict

    def _summary_answer(self, q: str, zh: bool, hits: list[Hit], filters: Filters | None) -> Answer:
        """Key points of the report(s) asked about: the filtered or named ones, else the best-matching one (or,
        when the question asks about several — 「各」「这几份」「all」 —, the best-matching few)."""
        reports = self.library.sources()
        if filters:
            wanted = (filters.doc_ids(reports) or [])[:SUMMARY_MAX_REPORTS]
        elif named := self.library.named_reports(q):
            wanted = named[:SUMMARY_MAX_REPORTS]
        elif re.search(r"[两几多各]份|各|所有|全部|both|all|each", q, re.I):
            wanted = list(dict.fromkeys(h.report.doc_id for h in hits))[:SUMMARY_MAX_REPORTS]
        else:
            wanted = [hits[0].report.doc_id]
        citations = []
        for r in reports:
            if r.doc_id in wanted:
                spans = self.library.chunk_spans(r.doc_id)

                def chunk_of(start, end, spans=spans):
                    return next((cid for cid, a, b in spans if a <= start and end <= b), None)

                points = summary_points(r, self.library.report_text(r), chunk_of, limit=6)
                citations.extend(points)
        citations = display_order(citations)
        ans = Answer(question=q, answer=compose(q, citations, zh, grouped=True), mode="extractive", citations=citations)
        return self.verify(ans)

    def _vocab(self, filters: Filters | None):
        """What counts as 'mentioned by the reports': the library's vocabulary, or the text of the filtered reports."""
        if not filters:
            return self.library.lexical.vocab
        reports = self.library.sources()
        wanted = set(filters.doc_ids(reports) or [])
        if len(wanted) > SCOPED_TEXT_MAX_REPORTS:
            return self.library.lexical.vocab
        return ScopedText("\n".join(self.library.report_text(r) for r in reports if r.doc_id in wanted))

    def _sentence_answer(self, q: str, query: str, zh: bool, hits: list[Hit], filters: Filters | None = None,
                         a: Analysis | None = None, named: set[str] = frozenset()) -> Answer:
        tokenize = self.library.tokenizer
        kind = analysis_kind(q)
        a = a or analyse(query)
        if a.is_fact:
            chosen, citations = extract_fact(a, query, hits, tokenize, prefer=named,
                                             about=set(self.about(a, filters, list(named))))
        else:
            asked = plain(q)
            wants = asked_kind(asked) if kind is None else None
            answers = (lambda t: shows(wants, asked, t, tokenize.pos_people)) if wants in LEAD_KINDS else None
            chosen, citations = extract(query, hits, tokenize, max_sentences=6 if kind else 3,
                                        per_report=kind == "compare", prefer=named, answers=answers)
        best_cos = max((h.raw.get("dense", 0.0) for h in hits), default=0.0)
        best = chosen[0].sentence if chosen else None
        found = presence(plain(q), best.text, best.hit.chunk.text, tokenize.pos_people) if best else None
        sig = signals(tokenize.topics(plain(q)), Mentioned(self._vocab(filters), hits), chosen[0].coverage if chosen else 0.0, best_cos,
                      tokenize, typed=chosen[0].typed if chosen else None, presence=found)
        fact = chosen[0].fact if chosen else None
        if fact is not None:
            sig.years_ok = None  # the fact match checks the years, in every form a report writes them (20年, 4Q20)
        missing_fact = fact is not None and not fact.complete  # the topic is there, the specific fact is not
        if best and kind is None and not missing_fact:
            # a name the question is about must be where the answer is: the reports may mention it elsewhere
            # (「X是哪天推出的」 answered with the launch dates of everything but X)
            names = _names_of_question(sig.names, a)
            # (the sentence itself too: one its chunk cut is read whole from the report, past the chunk's end)
            missing_fact = bool(names_absent(names, f"{best.hit.report.broker} {best.hit.report.title}\n"
                                                    f"{best.hit.chunk.text}\n{best.text}"))
        if not citations or missing_fact or should_refuse(sig, PROFILES[self.settings.refusal], analysis=kind is not None):
            ans = Answer(question=q, answer=refusal_text(zh, self.library), mode="extractive", refused=True)
            ans.extra["signals"] = sig.to_dict() | ({"fact": fact.to_dict()} if fact else {})
            return ans
        citations = [self._whole(c, x.sentence.hit) for c, x in zip(citations, chosen)]
        if not a.is_fact:
            citations = display_order(citations)
        text = compose(q, citations, zh, grouped=kind in GROUPED_KINDS)
        ans = Answer(question=q, answer=text, mode="extractive", citations=citations)
        ans.extra["signals"] = sig.to_dict() | ({"fact": fact.to_dict()} if fact else {})
        return self.verify(ans)

    def _whole(self, c: Citation, hit: Hit) -> Citation:
        """A quote its chunk cut mid-sentence, grown to the whole sentence (`whole_sentence`)."""
        if c.end != hit.chunk.end and c.start != hit.chunk.start:
            return c
        return whole_sentence(c, hit.chunk.start, hit.chunk.end, self.library.report_text(hit.report))

    # trust ---------------------------------------------------------------------------------------
    def verify(self, ans: Answer, tool_output: str = "") -> Answer:
        """Drop citations that are not verbatim; remove numbers found in no quote and no tool result."""
        audit = Audit()
        chunks = self.library.store.get_chunks([c.chunk_id for c in ans.citations])
        reports = self.library.reports_by_id()

        def report_text(doc_id: str) -> str | None:
            r = reports.get(doc_id)
            return self.library.report_text(r) if r else None

        kept, audit.dropped_citations = verify_citations(
            ans.citations, chunks.get, report_text)
        ans.citations = kept
        sources = [c.quote for c in kept] + [tool_output] + [f"{c.date} {c.title}" for c in kept]
        ans.answer, audit.removed_numbers = audit_numbers(ans.answer, sources)
        ans.notes.extend(audit.notes())
        ans.extra["audit"] = {"dropped_citations": audit.dropped_citations, "removed_numbers": audit.removed_numbers}
        return ans
