"""How far choosing the lead sentence better could take the reports benchmark: for every fact question, the sentences
the offline answer chooses its lead from (`extract_fact`'s candidates, after retrieval and the fact rerank), and
whether one of them — from an annotated report, holding an accepted value — states the whole fact.

    BOT_DATA_DIR=.bot python -m evals.lead_ceiling [--data ../shared/eval-data/reports-dev] [--sample N --seed S]
        [--save candidates.pkl] [--rows rows.jsonl]
    python -m evals.lead_ceiling --replay candidates.pkl [--rows rows.jsonl]

reads the store a `bot eval --benchmark reports` run left (BOT_DATA_DIR/bench/reports-{N|all}-{S}; brought up to date
first, as the eval does) and prints JSON:
- lead_right: the lead states the whole fact, from an annotated report, with an accepted value (the benchmark's
  accuracy, as the lead order alone decides it);
- ceiling: some candidate does (the accuracy a perfect choice among the candidates would reach);
- any_right_sentence: some candidate from an annotated report holds an accepted value, whatever the fact match says;
- wrong_leads with a right candidate: tie (the same fact score: the retrieval rank decided), lead_scores_higher,
  right_scores_higher (the lead order's other keys — a report the question names, one on the company — decided).

`--save` keeps every question's candidates (their text, passage, title, report date and length, rank, coverage,
score and whether they are right);
`--replay` scores saved candidates again with the code as it is now, in seconds and without a store — a way to try a
change to the fact match on all 2,091 questions before a full run (retrieval's own fact rerank is not replayed: the
full run stays the measure). `--rows` writes one JSON line per question (its text, whether the lead is right, the
lead's first characters) so two replays can be compared row by row.
"""
from __future__ import annotations

import argparse
import json
import pickle
import sys
from collections import Counter
from pathlib import Path

from evals import reports


def collect(args) -> list[dict]:
    """Every fact question's lead candidates, from the benchmark's store (retrieval as `Engine.ask` runs it)."""
    from bot.answer import Engine
    from bot.answer.extractive import score_sentences
    from bot.answer.match import indicator_words, subject_words
    from bot.answer.question import check_question, plain
    from bot.cli import _bench_ingest

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
    records = []
    for q in (q for q in questions if q.kind == "fact"):
        asked = check_question(q.question)
        query, filters, a, named = engine.scope(asked, plain(asked), None)
        record = {"question": q.question, "analysis": a, "candidates": []}
        records.append(record)
        if not a.is_fact:
            continue
        hits = engine.retrieve(asked, query, a, filters, None, named)
        record |= {"prefer": set(named), "about": set(engine.about(a, filters, named)),
                   "words": subject_words(a, tokenize), "indicator_words": indicator_words(a, tokenize)}
        for x in score_sentences(query, hits, tokenize):  # ordered as extract_fact orders them
            s = x.sentence
            right = bool(set(corpus.files_of(s.hit.report.source)) & set(q.files)) and \
                any(reports.has_value(s.text, v) for v in q.values)
            record["candidates"].append({"text": s.text, "passage": s.hit.chunk.text, "title": s.hit.report.title,
                                         "doc": s.hit.report.doc_id, "rank": s.rank, "coverage": x.coverage,
                                         "right": right, "date": s.hit.report.date, "chars": s.hit.report.chars,
                                         "chunk": s.hit.chunk.chunk_id, "score": x.score})
    return records


def score(records: list[dict], rows=None) -> dict:
    """The lead each question gets with the fact match and lead order as they are now, against its candidates."""
    from types import SimpleNamespace

    from bot.answer.extractive import fact_score, lead_key
    from bot.answer.match import match

    out = Counter()
    for r in records:
        out["questions"] += 1
        a = r["analysis"]
        if not a.is_fact:
            out["not_read_as_fact"] += 1
            continue
        cands = []
        for c in r["candidates"]:
            fact = match(a, c["text"], c["passage"], c["title"], r["words"], r["indicator_words"])
            x = SimpleNamespace(fact=fact, coverage=c["coverage"], sentence=SimpleNamespace(
                rank=c["rank"], hit=SimpleNamespace(report=SimpleNamespace(doc_id=c["doc"]))))
            x.score = fact_score(x)
            cands.append((lead_key(x, r["prefer"], r["about"]), fact, c["right"], c["text"]))
        if not cands:
            out["nothing_retrieved"] += 1
            continue
        lead = min(cands, key=lambda c: c[0])
        good = [c for c in cands if c[2] and c[1].complete]
        out["any_right_sentence"] += any(c[2] for c in cands)
        out["ceiling"] += bool(good)
        right = bool(lead[2] and lead[1].complete)
        out["lead_right"] += right
        if rows is not None:
            rows.write(json.dumps({"question": r["question"], "lead_right": right, "lead": lead[3][:120]},
                                  ensure_ascii=False) + "\n")
        if not right and good:
            best = min(good, key=lambda c: c[0])
            diff = round(lead[1].score - best[1].score, 6)
            out["wrong_lead_" + ("tie" if diff == 0 else "lead_scores_higher" if diff > 0 else "right_scores_higher")] += 1
    n = out["questions"]
    return dict(out) | {f"{k}_rate": round(out[k] / n, 4) for k in ("lead_right", "ceiling", "any_right_sentence")}


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=reports.DEFAULT_DATA)
    p.add_argument("--sample", type=int)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--save", type=Path, help="keep the candidates in this file (pickle) for --replay")
    p.add_argument("--replay", type=Path, help="score candidates a --save kept, with the code as it is now")
    p.add_argument("--rows", type=Path, help="write one JSON line per question here")
    args = p.parse_args(argv)
    if args.replay:
        with args.replay.open("rb") as f:
            records = pickle.load(f)
    else:
        records = collect(args)
        if args.save:
            with args.save.open("wb") as f:
                pickle.dump(records, f)
    if args.rows:
        with args.rows.open("w", encoding="utf-8") as rows:
            result = score(records, rows)
    else:
        result = score(records)
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return result


if __name__ == "__main__":
    main()
