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
