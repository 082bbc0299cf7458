"""The reports-dev benchmark (evals/reports.py): question building and scoring on tiny synthetic annotations,
and one slow run of `bot eval --benchmark reports` on the CI gate sample of the real data."""
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.types import Answer, Citation
from evals import reports
from support import ROOT

REAL = Path(__file__).parents[1] / "../shared/eval-data/reports-dev"


def make_data(tmp_path: Path, docs: dict[str, str], anns: list[dict]) -> Path:
    """A reports-dev shaped folder: docs {"sector/title.txt": text}, annotations as given."""
    data = tmp_path / "reports-dev"
    listing = []
    for file, text in docs.items():
        (data / "docs" / file).parent.mkdir(parents=True, exist_ok=True)
        (data / "docs" / file).write_text(text, encoding="utf-8")
        listing.append({"sector": file.split("/")[0], "title": Path(file).stem, "file": file, "chars": len(text)})
    (data / "docs.json").write_text(json.dumps(listing, ensure_ascii=False), encoding="utf-8")
    (data / "annotations.jsonl").write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in anns), encoding="utf-8")
    return data


def ann(file, sentence, indicator, value, **attrs):
    return {"file": file, "sentence": sentence, "indicator": indicator, "value": value,
            "attrs": {k: v if isinstance(v, list) else [v] for k, v in attrs.items()}}


A = "chips/甲报告.txt"
B = "drugs/乙报告.txt"
S1 = "2019年全球汽车半导体市场规模达到410亿美元，同比增长5.2%。"
S2 = "预计2022年全球汽车半导体市场规模为650亿美元。"
S3 = "2020年国内血制品市场规模约为1,560.6亿元。"


@pytest.fixture
def corpus(tmp_path):
    data = make_data(tmp_path, {A: "甲" + S1 + S2 + "其他内容。", B: "乙" + S3 + "另据统计2022年全球汽车半导体市场规模为640亿美元。"}, [
        ann(A, S1, "市场规模", "410亿美元", 时间="2019年", 区域="全球", 行业="汽车半导体"),
        ann(A, S2, "市场规模", "650亿美元", 时间="2022年", 区域="全球", 行业="汽车半导体"),
        ann(A, S1, "市场规模同比", "5.2%", 时间="2019年"),
        ann(A, S1, "市场规模", "较大"),  # no digit: skipped
        ann(A, S1, "渗透率", "3%"),  # neither subject nor time: skipped
        ann(B, S3, "市场规模", "1,560.6亿元", 时间="2020", 区域="国内", 行业="血制品"),
        ann(B, "另据统计2022年全球汽车半导体市场规模为640亿美元。", "市场规模", "640亿美元", 时间="2022年", 区域="全球",
            行业="汽车半导体"),
    ])
    docs, anns = reports.load(data)
    c = reports.write_corpus(docs, data, tmp_path / "bench" / "docs")
    return c, anns


def test_pick_is_seeded_and_keeps_sectors_in_proportion():
    docs = [reports.Doc(s, f"{s}{i}", f"{s}/{s}{i}.txt") for s, n in (("a", 40), ("b", 40), ("c", 20)) for i in range(n)]
    one, two = reports.pick(docs, 10, 7), reports.pick(docs, 10, 7)
    assert one == two and len(one) == 10
    assert [d.sector for d in one].count("c") == 2 and [d.sector for d in one].count("a") == 4
    assert reports.pick(docs, 10, 8) != one
    assert reports.pick(docs, None, 0) == sorted(docs, key=lambda d: d.file)


def test_write_corpus_names_files_by_title(tmp_path):
    data = make_data(tmp_path, {"x/同名.txt": "第一篇报告正文。", "y/同名.txt": "第二篇报告正文。", "z/同名.txt": "第一篇报告正文。"}, [])
    docs, _ = reports.load(data)
    c = reports.write_corpus(docs, data, tmp_path / "out")
    assert c.names == {"x/同名.txt": "同名.txt", "y/同名.txt": "同名（y）.txt", "z/同名.txt": "同名.txt"}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["同名.txt", "同名（y）.txt"]
    assert c.files_of("同名.txt") == ["x/同名.txt", "z/同名.txt"]


def test_fact_questions_accept_every_value_of_their_key(corpus):
    c, anns = corpus
    qs = reports.facts(anns, c, set(c.names), seed=0)
    by_text = {q.question: q for q in qs}
    # 「2019年的市场规模同比是多少？」 (no subject: every report could answer it) is not asked
    assert set(by_text) == {"全球汽车半导体2019年的市场规模是多少？", "全球汽车半导体2022年的市场规模是多少？",
                            "国内血制品2020年的市场规模是多少？"}
    q = by_text["全球汽车半导体2022年的市场规模是多少？"]
    assert q.values == ["650亿美元", "640亿美元"] and q.files == [A, B] and q.sector == "chips" and len(q.sentences) == 2
    assert not reports.facts(anns, c, {B}, seed=0)[0].question.startswith("全球汽车半导体2019")  # only ingested reports


def test_facts_are_capped_per_report(corpus):
    c, _ = corpus
    many = [ann(A, S1, f"指标{i}", f"{i}亿元", 时间="2019年", 区域="全球") for i in range(20)]
    qs = reports.facts([reports.Annotation(**a) for a in many], c, {A}, seed=3)
    assert len(qs) == reports.PER_REPORT
    assert [q.question for q in qs] == [q.question for q in reports.facts([reports.Annotation(**a) for a in many], c, {A}, 3)]


def test_a_company_report_title_names_the_subject_the_annotation_left_implicit():
    assert reports.title_company("pharma/某某药业（600001）：业绩稳健增长.txt") == "某某药业"
    assert reports.title_company("pharma/医药行业周报：关注创新药.txt") == ""


def test_subject_prefers_company_then_region_with_product_or_industry():
    assert reports.subject_of({"公司": ["华兰生物"], "产品": ["白蛋白"], "区域": ["国内"]}) == "华兰生物"
    assert reports.subject_of({"产品": ["白蛋白"], "区域": ["国内"], "行业": ["血制品"]}) == "国内白蛋白"
    assert reports.subject_of({"区域": ["中国"], "行业": ["中国医美"]}) == "中国医美"
    assert reports.subject_of({"区域": ["全球"]}) == "全球" and reports.subject_of({"时间": ["2019年"]}) == ""
    assert reports.time_of({"时间": ["2018"]}) == "2018年" and reports.time_of({"时间": ["2020Q3"]}) == "2020Q3"


@pytest.mark.parametrize("text, value, found", [
    ("整体归母净利润为920.42亿元，同比增长29.09%。", "920.42亿元", True),
    ("同比增长29.09%", "29.09%", True),
    ("同比增长29.09", "29.09％", True),
    ("制造业销售额1560.6亿元", "1,560.6亿元", True),
    ("销售额1,560.6亿元", "1560.60亿元", True),
    ("规模1,234,567万元", "1234567万元", True),
    ("批签发量同比-6%", "下降6%", True),
    ("增速10%-15%之间", "10-15%", True),
    ("增速10%", "10-15%", False),
    ("2016年的数据", "6%", False),  # a number inside another is not that number
    ("据华泰证券（2020-07-05）：见上文[7]", "7%", False),  # dates and citation markers are not figures
    ("据国元证券《2020年07月血制品批签发跟踪》（2020-08）：", "8%", False),  # nor the source's title
    ("2018-2025年均增长7.5%", "2025年", True),  # a year range is not a date
    ("规模29.1亿元", "29.09亿元", False),
])
def test_number_matching(text, value, found):
    assert reports.has_value(text, value) is found


def test_cagr_counts_periods_between_years():
    assert abs(reports.cagr_percent(Decimal(100), Decimal("146.41"), 4) - 10) < Decimal("1e-20")  # 2011 → 2015
    assert abs(reports.cagr_percent(Decimal(2), Decimal(8), 2) - 100) < Decimal("1e-20")


def test_computation_questions_and_their_scoring(corpus):
    c, _ = corpus
    anns = [reports.Annotation(**a) for a in (
        ann(A, "2011年规模100亿元", "市场规模", "100亿元", 时间="2011年", 区域="中国", 行业="医美"),
        ann(A, "2015年规模146.41亿元", "市场规模", "146.41亿元", 时间="2015", 区域="中国", 行业="医美"),
        ann(A, "2016年规模1.5万亿元", "市场规模", "1.5万亿元", 时间="2016年", 区域="中国", 行业="医美"),  # other unit
        ann(A, "2017年规模约200亿元", "市场规模", "200亿元左右", 时间="2017年", 区域="中国", 行业="医美"),  # vague
        ann(A, "2011年增速20%", "市场规模同比", "20%", 时间="2011年", 区域="中国", 行业="医美"),  # a ratio
    )]
    qs = reports.computations(anns, c, {A}, seed=0)
    assert len(qs) == 1 and qs[0].kind == "cagr"
    assert qs[0].question == "中国医美2011年到2015年市场规模的年均复合增长率是多少？"
    assert Decimal(qs[0].gold) == pytest.approx(Decimal(10)) and qs[0].unit == "%"
    gold = Decimal(qs[0].gold)
    assert reports.close_to(gold, "年均复合增长率为10.0%[1]", "%")
    assert reports.close_to(gold, "约10%", "%") and reports.close_to(gold, "约10.04％", "%")
    assert not reports.close_to(gold, "约10.2%", "%") and not reports.close_to(gold, "2010年规模10亿元", "%")
    assert reports.close_to(Decimal("-986"), "下降了986美元", "美元") and not reports.close_to(Decimal(30), "30万台", "亿美元")
    # computed "from the named report": with the library's titles, the question names its report
    named = reports.computations(anns, c, {A}, seed=0, titles={A: "医美行业深度报告：黄金赛道"})
    assert named[0].question == "据《医美行业深度报告：黄金赛道》，中国医美2011年到2015年市场规模的年均复合增长率是多少？"


def test_absent_companies_are_those_no_text_mentions(corpus):
    c, anns = corpus
    facts = reports.facts(anns, c, set(c.names), seed=0)
    qs, present = reports.absent_companies(["贵州茅台", "招商银行"], facts, ["…招商银行的网点…"], seed=0)
    assert present == ["招商银行"] and [q.subject for q in qs] == ["贵州茅台"]
    assert qs[0].question.startswith("贵州茅台") and qs[0].question.endswith("是多少？") and qs[0].kind == "absent_company"
    names = json.loads(reports.ABSENT_COMPANIES.read_text(encoding="utf-8"))["companies"]
    assert len(names) >= 40 and "宁德时代" in names


def test_absent_facts_move_the_year_where_no_text_about_the_subject_goes(corpus):
    c, anns = corpus
    facts = reports.facts(anns, c, set(c.names), seed=0)
    texts = [c.raw(f) for f in c.names] + ["全球汽车半导体" + "".join(str(y) for y in reports.FAR_YEARS[1:])]
    qs = reports.absent_facts(facts, texts, seed=0)
    semis = [q for q in qs if q.subject == "全球汽车半导体"]
    assert semis and all(str(reports.FAR_YEARS[0]) in q.question for q in semis)
    assert all(q.kind == "absent_fact" and not any(str(y) in q.question for y in (2019, 2022)) for q in semis)


def test_furniture_detector():
    raw = "正文一。行业研究|2020年07月05日谨请参阅尾页。正文二。行业研究|2020年07月05日谨请参阅尾页。正文三。行业研究|2020年07月05日谨请参阅尾页。"
    grams = reports.repeated_furniture(raw)
    assert reports.furniture("行业研究|2020年07月05日谨请参阅尾页", set()) == "pattern"
    assert reports.furniture("医疗美容O2O市场分析|医疗美容行业概览", reports.repeated_furniture("医疗美容O2O市场分析|医疗美容行业概览。" * 3)) == "repeated"
    assert reports.furniture("目录....................12", set()) == "pattern"
    assert reports.furniture("2020年1月我国共批签发血制品760.55万瓶，同比增长11.98%。", grams) == ""


def _citation(source: str, quote: str) -> Citation:
    return Citation(1, "d", "t", "b", "", source, "c", quote, 0, len(quote))


def test_scoring_a_fact_answer(corpus):
    c, anns = corpus
    q = next(q for q in reports.facts(anns, c, set(c.names), 0) if q.question.startswith("全球汽车半导体2022"))
    right = Answer(q.question, "据某证券（2021-03-02）：" + S2 + "[1]\n其他。", "extractive",
                   citations=[_citation("甲报告.txt", S2)])
    hits = [SimpleNamespace(report=SimpleNamespace(source="乙报告.txt"), chunk=SimpleNamespace(text="乙" + S3)),
            SimpleNamespace(report=SimpleNamespace(source="甲报告.txt"), chunk=SimpleNamespace(text="甲" + S1 + S2))]
    row = reports.score(q, right, hits, c, 12.0)
    assert row["correct"] and row["rank"] == 2 and row["cited"] == [A] and row["furniture_quotes"] == []
    elsewhere = Answer(q.question, "各报告的相关内容：\n" + S2 + "[1]", "extractive", citations=[_citation("甲报告.txt", S2)])
    row = reports.score(q, elsewhere, [], c, 12.0)
    assert not row["correct"] and row["number_anywhere"] and row["right_report"] and row["rank"] is None
    m = reports.metrics([row, {**row, "correct": True, "rank": 1}])
    assert m["accuracy"] == 0.5 and m["hit@1"] == 0.5 and m["mrr"] == 0.5 and m["questions"]["fact"] == 2


def test_gate_applies_only_to_its_sample_and_seed(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"reports": {"sample": 10, "seed": 7, "min": {"accuracy": 0.3},
                                            "max": {"lost_reports": 0}}}), encoding="utf-8")
    result = {"overall": {"accuracy": 0.2}, "ingest": {"lost_reports": 1}}
    assert reports.check_gate(result, 10, 8, path) is None and reports.check_gate(result, None, 7, path) is None
    assert reports.check_gate(result, 10, 7, path) == ["accuracy 0.2 < 0.3", "lost_reports 1 > 0"]
    gate = json.loads(reports.THRESHOLDS.read_text(encoding="utf-8"))["reports"]
    assert gate["min"] and isinstance(gate["sample"], int)


@pytest.mark.slow
@pytest.mark.skipif(not REAL.exists(), reason="no shared eval data")
@pytest.mark.heavy
def test_bot_eval_reports_on_the_gate_sample(tmp_path):
    gate = json.loads(reports.THRESHOLDS.read_text(encoding="utf-8"))["reports"]
    out = tmp_path / "out" / "reports.json"
    env = {**os.environ, "BOT_DATA_DIR": str(tmp_path / "d"), "OMP_WAIT_POLICY": "passive"}
    r = subprocess.run([sys.executable, "-m", "bot.cli", "eval", "--benchmark", "reports", "--data", str(REAL),
                        "--sample", str(gate["sample"]), "--seed", str(gate["seed"]), "--json", str(out)],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    m = json.loads(out.read_text(encoding="utf-8"))
    assert set(m["overall"]) >= {"accuracy", "number_anywhere", "right_report", "hit@1", "hit@5", "mrr", "false_refusals",
                                 "absent_company_refusals", "absent_fact_refusals", "computations_right",
                                 "furniture_quotes", "latency_ms"}
    assert len(m["by_sector"]) == 5 and m["ingest"]["reports"] == gate["sample"] and m["results"]
    assert out.with_suffix(".md").exists() and out.with_suffix(".png").exists()


def test_a_copy_of_the_annotated_sentence_in_another_report_is_counted_apart(corpus):
    """Accuracy stays 'cited from the annotated report'; a lead quote that is the annotated sentence, word for
    word, in another report counts only in accuracy_or_copy — and a mere value match in another sentence does not."""
    c, anns = corpus
    q = next(q for q in reports.facts(anns, c, set(c.names), 0) if q.question.startswith("全球汽车半导体2022"))
    copy = Answer(q.question, "据某证券：" + S2 + "[1]", "extractive", citations=[_citation("丙报告.txt", "另" + S2)])
    row = reports.score(q, copy, [], c, 1.0)
    assert not row["correct"] and row["copied_sentence"] and row["correct_or_copy"]
    other = "汽车半导体的全球市场在2022年将达650亿美元。"
    value_only = Answer(q.question, "据某证券：" + other + "[1]", "extractive", citations=[_citation("丙报告.txt", other)])
    row2 = reports.score(q, value_only, [], c, 1.0)
    assert not row2["copied_sentence"] and not row2["correct_or_copy"]
    m = reports.metrics([row, row2])
    assert m["accuracy"] == 0.0 and m["accuracy_or_copy"] == 0.5


def test_accuracy_needs_the_lead_from_the_annotated_report(corpus):
    """A fact answer quotes other reports that state the fact after its lead (「另见…」): the annotated report cited
    there does not make another report's lead right, even with the same number (the old definition, any citation,
    is kept apart as accuracy_any_citation)."""
    c, anns = corpus
    q = next(q for q in reports.facts(anns, c, set(c.names), 0) if q.question.startswith("全球汽车半导体2022"))
    other = "据另一机构统计，全球汽车半导体2022年将达650亿美元。"
    answer = Answer(q.question, "据某证券：" + other + "[1]\n另见甲报告：" + S2 + "[2]", "extractive",
                    citations=[_citation("丙报告.txt", other), Citation(2, "d", "t", "b", "", "甲报告.txt", "c", S2, 0, len(S2))])
    row = reports.score(q, answer, [], c, 1.0)
    assert row["number_first_line"] and row["right_report"] and not row["lead_report"] and not row["correct"]
    assert row["correct_any_citation"]
    lead_right = Answer(q.question, "据某证券：" + S2 + "[1]\n另见丙报告：" + other + "[2]", "extractive",
                        citations=[_citation("甲报告.txt", S2), Citation(2, "d", "t", "b", "", "丙报告.txt", "c", other, 0, len(other))])
    assert reports.score(q, lead_right, [], c, 1.0)["correct"]


def test_value_in_first_line_counts_any_leading_report(corpus):
    c, anns = corpus
    q = next(q for q in reports.facts(anns, c, set(c.names), 0) if q.question.startswith("全球汽车半导体2022"))
    other = "据另一机构统计，全球汽车半导体2022年将达650亿美元。"
    row = reports.score(q, Answer(q.question, "据某证券：" + other + "[1]", "extractive",
                                  citations=[_citation("丙报告.txt", other)]), [], c, 1.0)
    refused = {**row, "refused": True}
    m = reports.metrics([row, refused])
    assert m["accuracy"] == 0.0 and m["value_in_first_line"] == 0.5


def test_wrong_answers_whose_lead_states_the_fact_are_counted(corpus):
    """A wrong answer whose lead states a figure for the subject, year and indicator asked (the answer's own fact
    match) shows the library has another answer to the question: counted apart, by the report it comes from."""
    c, anns = corpus
    q = next(q for q in reports.facts(anns, c, set(c.names), 0) if q.question.startswith("全球汽车半导体2022"))
    other = "据另一机构统计，全球汽车半导体2022年将达700亿美元。"
    ans = Answer(q.question, "据某证券：" + other + "[1]", "extractive", citations=[_citation("丙报告.txt", other)])
    ans.extra["signals"] = {"fact": {"complete": True}}
    partial = Answer(q.question, "据某证券：" + other + "[1]", "extractive", citations=[_citation("丙报告.txt", other)])
    partial.extra["signals"] = {"fact": {"complete": False}}
    m = reports.metrics([reports.score(q, ans, [], c, 1.0), reports.score(q, partial, [], c, 1.0)])
    assert m["wrong_leads_stating_the_fact"] == {"wrong": 2, "other_report": 1, "annotated_report": 0,
                                                 "of_which_no_year_asked": 0}


def test_a_question_another_report_answers_with_another_figure_is_marked(tmp_path):
    """The single-answer figures leave out questions whose subject, time and indicator another report states with
    another number (found by the benchmark's own text check); the same number elsewhere is no second answer."""
    C = "chips/丙报告.txt"
    data = make_data(tmp_path, {A: "甲" + S1 + S2, B: "乙另据统计2022年全球汽车半导体市场规模为640亿美元。",
                                C: "丙2019年全球汽车半导体市场规模为410亿美元。"}, [
        ann(A, S1, "市场规模", "410亿美元", 时间="2019年", 区域="全球", 行业="汽车半导体"),
        ann(A, S2, "市场规模", "650亿美元", 时间="2022年", 区域="全球", 行业="汽车半导体"),
    ])
    docs, anns = reports.load(data)
    c = reports.write_corpus(docs, data, tmp_path / "bench" / "docs")
    qs = reports.facts(anns, c, set(c.names), seed=0)
    reports.stated_elsewhere(qs, c, set(c.names))
    marked = {q.question: q.stated_elsewhere for q in qs}
    assert marked == {"全球汽车半导体2019年的市场规模是多少？": False, "全球汽车半导体2022年的市场规模是多少？": True}
    rows = [{"kind": "fact", "correct": ok, "rank": 1, "stated_elsewhere": se, "quotes": 0, "furniture_quotes": [],
             "latency_ms": 1.0, "refused": False, "number_first_line": ok, "number_anywhere": ok, "right_report": ok}
            for ok, se in ((True, False), (False, True))]
    m = reports.metrics(rows)
    assert m["accuracy"] == 0.5 and m["accuracy_single_answer"] == 1.0 and m["single_answer_questions"] == 1


def test_a_compound_indicator_is_found_by_its_measure_and_change_words(tmp_path):
    """批签发量同比 is never written joined: another report states it as 「…批签发量…同比增长24%」 (a second
    answer), while a sentence giving the measure alone (「批签发量929万瓶」) does not answer the change asked."""
    C, D = "blood/丙报告.txt", "blood/丁报告.txt"
    s = "2020年1-8月，乙品批签发量为914万瓶，同比增长23%。"
    data = make_data(tmp_path, {A: "甲" + s, B: "乙2020年1-8月，乙品累计批签发量929万瓶，同比增长24%。",
                                C: "丙2020年1-8月，乙品批签发量达929万瓶。", D: "丁"}, [
        ann(A, s, "批签发量同比", "23%", 时间="2020年1-8月", 产品="乙品"),
        ann(A, s, "批签发量", "914万瓶", 时间="2020年1-8月", 产品="乙品"),
    ])
    docs, anns = reports.load(data)
    c = reports.write_corpus(docs, data, tmp_path / "bench" / "docs")
    assert reports.indicator_parts("市场规模年复合增长率")[0] == "市场规模"
    qs = reports.facts(anns, c, set(c.names), seed=0)
    reports.stated_elsewhere(qs, c, {A, C, D})
    assert {q.question: q.stated_elsewhere for q in qs} == {"乙品2020年1-8月的批签发量同比是多少？": False,
                                                           "乙品2020年1-8月的批签发量是多少？": True}
    reports.stated_elsewhere(qs, c, {A, B, D})
    assert {q.question: q.stated_elsewhere for q in qs} == {"乙品2020年1-8月的批签发量同比是多少？": True,
                                                           "乙品2020年1-8月的批签发量是多少？": True}
