"""How far choosing the lead sentence better could take the reports benchmark: for every fact question, the sentences
the offline answer chooses its lead from (`extract_fact`'s candidates, after retrieval and the fact rerank), and
whether one of them — from an annotated report, holding an accepted value — states the whole fact.

    BOT_DATA_DIR=.bot python -m evals.lead_ceiling [--data ../shared/eval-data/reports-dev] [--sample N --seed S]

reads the store a `bot eval --benchmark reports` run left (BOT_DATA_DIR/bench/reports-{N|all}-{S}; brought up to date
first, as the eval does) and prints JSON:
- lead_right: the lead states the whole fact, from an annotated report, with an accepted value (the benchmark's
  accuracy, as the lead order alone decides it);
- ceiling: some candidate does (the accuracy a perfect choice among the candidates would reach);
- any_right_sentence: some candidate from an annotated report holds an accepted value, whatever the fact match says;
- wrong_leads with a right candidate: tie (the same fact score: the retrieval rank decided), lead_scores_higher,
  right_scores_higher (the lead order's other keys — a report the question names, one on the company — decided).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from evals import reports


def main(argv: list[str] | None = None) -> dict:
    from bot.answer import Engine
    from bot.answer.extractive import fact_score, lead_key, score_sentences
    from bot.answer.match import indicator_words, match, subject_words
    from bot.answer.question import check_question, plain
    from bot.cli import _bench_ingest

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=reports.DEFAULT_DATA)
    p.add_argument("--sample", type=int)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    docs, anns = reports.load(args.data)
    picked = reports.pick(docs, args.sample, args.seed)
    box = {}

    def folder(data_dir):
        box["corpus"] = reports.write_corpus(picked, args.data, data_dir / "docs")
        return data_dir / "docs"

    lib, summary, seconds = _bench_ingest(f"reports-{args.sample or 'all'}-{args.seed}", folder)
    corpus = box["corpus"]
    questions, _ = reports.plan(lib, corpus, anns, summary, seconds, args.seed)
    engine, tokenize = Engine(lib), lib.tokenizer
    out = Counter()
    for q in (q for q in questions if q.kind == "fact"):
        asked = check_question(q.question)
        query, filters, a, named = engine.scope(asked, plain(asked), None)
        out["questions"] += 1
        if not a.is_fact:
            out["not_read_as_fact"] += 1
            continue
        hits = engine.retrieve(asked, query, a, filters, None, named)
        prefer, about = set(named), set(engine.about(a, filters, named))
        words, ind_words = subject_words(a, tokenize), indicator_words(a, tokenize)
        cands = []
        for x in score_sentences(query, hits, tokenize):  # scored and ordered as extract_fact does
            s = x.sentence
            x.fact = match(a, s.text, s.hit.chunk.text, s.hit.report.title, words, ind_words)
            x.score = fact_score(x)
            right = bool(set(corpus.files_of(s.hit.report.source)) & set(q.files)) and \
                any(reports.has_value(s.text, v) for v in q.values)
            cands.append((lead_key(x, prefer, about), x.fact, right))
        if not cands:
            out["nothing_retrieved"] += 1
            continue
        lead = min(cands, key=lambda c: c[0])
        good = [c for c in cands if c[2] and c[1].complete]
        out["any_right_sentence"] += any(c[2] for c in cands)
        out["ceiling"] += bool(good)
        if lead[2] and lead[1].complete:
            out["lead_right"] += 1
        elif good:
            best = min(good, key=lambda c: c[0])
            diff = round(lead[1].score - best[1].score, 6)
            out["wrong_lead_" + ("tie" if diff == 0 else "lead_scores_higher" if diff > 0 else "right_scores_higher")] += 1
    n = out["questions"]
    result = dict(out) | {f"{k}_rate": round(out[k] / n, 4) for k in ("lead_right", "ceiling", "any_right_sentence")}
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return result


if __name__ == "__main__":
    main()
