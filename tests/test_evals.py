"""The gold-set gate (what CI enforces) and the CMRC benchmark on a slice of the real data."""
import json
import os
import subprocess
import sys

import pytest

from bot.answer import Engine
from support import ROOT, SHARED
from evals import cmrc, runner


def test_gold_set_meets_the_thresholds(library, tmp_path):
    items = runner.load_set()
    assert len(items) >= 60
    assert {i.type for i in items} >= {"factual_zh", "factual_en", "numeric", "whatif", "cross_report", "unanswerable",
                                       "injection"}
    metrics = runner.run(Engine(library), items, "extractive")
    failures = [(r["id"], r["reasons"]) for r in metrics["results"] if not r["correct"]]
    assert runner.check_thresholds(metrics) == [], failures
    assert metrics["citation_verbatim_rate"] == 1.0 and metrics["refusal_recall"] == 1.0
    (tmp_path / "report.md").write_text(runner.markdown(metrics), encoding="utf-8")
    runner.chart(metrics, tmp_path / "chart.png")
    assert (tmp_path / "chart.png").stat().st_size > 1000


def test_scoring_catches_wrong_answers():
    item = runner.Item("x", "numeric", "q", [["574.55"], ["1149.1"]], ["中信证券"], False, ["9999"])
    ans = {"answer": "574.55亿–9999亿", "refused": False, "citations": []}
    r = runner.score_item(item, ans, lambda *a: "")
    assert not r["correct"] and any("1149.1" in x for x in r["reasons"]) and any("9999" in x for x in r["reasons"])
    refused = runner.score_item(item, {"answer": "抱歉", "refused": True, "citations": []}, lambda *a: "")
    assert refused["reasons"] == ["refused but should answer"]


def test_bot_eval_exits_non_zero_below_thresholds(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "b1", "type": "numeric", "question": "2030年AIGC监管市场规模有多大？",
                               "expect": [["123456"]], "reports": ["中信证券"], "refuse": False}, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    env = {**os.environ, "BOT_DATA_DIR": str(tmp_path / "d")}
    out = tmp_path / "out" / "m.json"
    r = subprocess.run([sys.executable, "-m", "bot.cli", "eval", "--set", str(bad), "--json", str(out)], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 1 and "Below the thresholds" in r.stderr and "Traceback" not in r.stderr
    m = json.loads(out.read_text(encoding="utf-8"))
    assert m["accuracy"] == 0.0 and out.with_suffix(".md").exists() and out.with_suffix(".png").exists()


@pytest.mark.skipif(not (SHARED / "eval-data" / "cmrc2018_dev_squad_style.json").exists(), reason="no shared eval data")
def test_cmrc_retrieval_on_a_slice(tmp_path, fresh_library):
    data = json.loads((SHARED / "eval-data" / "cmrc2018_dev_squad_style.json").read_text(encoding="utf-8"))
    small = {"data": data["data"][:12]}
    f = tmp_path / "cmrc.json"
    f.write_text(json.dumps(small, ensure_ascii=False), encoding="utf-8")
    paragraphs, items = cmrc.load(f)
    cmrc.write_corpus(paragraphs, tmp_path / "paras")
    lib = fresh_library()
    lib.ingest([tmp_path / "paras"])
    result = cmrc.run(lib, items)
    assert set(result) >= {"bm25", "dense", "hybrid"}
    for mode in cmrc.MODES:
        assert set(result[mode]) >= {"hit@1", "hit@5", "hit@10", "mrr"}
    assert result["hybrid"]["hit@5"] >= 0.95 and result["hybrid"]["mrr"] >= result["bm25"]["mrr"] - 0.02


def test_cmrc_scoring_matches_the_official_definitions():
    assert cmrc.mixed_segmentation("Sora能生成1分钟，视频！", rm_punc=True) == ["sora", "能", "生", "成", "1", "分", "钟", "视", "频"]
    assert cmrc.em(["北京"], "北京。") == 1.0 and cmrc.em(["北京"], "在北京") == 0.0
    assert cmrc.f1(["北京大学"], "北京大学") == 1.0
    assert abs(cmrc.f1(["北京大学"], "位于北京大学") - 2 * (4 / 6) * 1 / (4 / 6 + 1)) < 1e-9
    assert cmrc.f1(["上海"], "北京") == 0.0


def test_lead_ceiling_replays_saved_candidates_with_the_current_fact_match(tmp_path):
    """`python -m evals.lead_ceiling --replay` scores saved candidates again without a store: the lead is the
    candidate stating the whole fact (not the better-ranked one whose figure is another year's), the ceiling counts a
    right candidate, and --rows writes one line per question."""
    import pickle

    from bot.answer.analysis import analyse
    from bot.answer.match import indicator_words, subject_words
    from bot.lexical import Tokenizer
    from evals import lead_ceiling

    tokenize = Tokenizer(tmp_path / "jieba")
    a = analyse("甲乙科技2020年的营业收入是多少？")
    cand = {"passage": "", "title": "甲乙科技深度报告", "coverage": 1.0}
    records = [{"question": a.text, "analysis": a, "prefer": set(), "about": set(),
                "words": subject_words(a, tokenize), "indicator_words": indicator_words(a, tokenize),
                "candidates": [cand | {"text": "甲乙科技2019年营业收入7.2亿元。", "doc": "a", "rank": 0, "right": False},
                               cand | {"text": "甲乙科技2020年营业收入9.1亿元。", "doc": "b", "rank": 1, "right": True}]},
               {"question": "没有年份的问题", "analysis": analyse("甲乙科技是做什么的？"), "candidates": []}]
    saved = tmp_path / "candidates.pkl"
    saved.write_bytes(pickle.dumps(records))
    rows = tmp_path / "rows.jsonl"
    result = lead_ceiling.main(["--replay", str(saved), "--rows", str(rows)])
    assert result["questions"] == 2 and result["lead_right"] == 1 and result["ceiling"] == 1
    assert result["not_read_as_fact"] == 1
    lines = [json.loads(x) for x in rows.read_text(encoding="utf-8").splitlines()]
    assert lines == [{"question": a.text, "lead_right": True, "lead": "甲乙科技2020年营业收入9.1亿元。"}]
