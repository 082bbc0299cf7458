"""Nothing in the product is tied to the seed reports: users bring hundreds of their own, from any sector.

The source of `bot/` names none of the seed reports' subjects, and the example questions come from whatever
library is loaded (here a made-up pharma one). The tool layer too: its estimates are found in whatever reports
are loaded, never declared in code.
"""
import re

from support import ROOT

from bot.answer.glossary import GLOSSARY, SYNONYMS, expand_query, expand_terms
from bot.examples import example_questions, short_title
from bot.types import ReportMeta

# What the two seed reports are about. (The `openai` package and OPENAI_* variables are the LLM client, not content.)
SEED_WORDS = ["Sora", "AIGC", "短视频", "文生视频", "监管市场", "两份报告", "1920x1080", "Pika", "Gen-2", "千秋诗颂",
              "量子位", "re-captioning", "text-to-video", "创作成本", "监管成本"]
# (file, word) pairs where the word is generic, not the seed reports' content.
ALLOWED = {("bot/answer/compose.py", "两份报告"): "a cue of comparison questions (「对比两份报告」), whatever the reports",
           ("bot/tools/data/terms.json", "短视频"): "general vocabulary: 'short video' for English what-ifs"}
SEED_RX = re.compile("|".join(re.escape(w) for w in SEED_WORDS), re.I)

PHARMA = [
    ReportMeta("d1", "恒瑞医药（600276）：创新药进入收获期，国际化加速推进", "华泰证券", "2024-03-18"),
    ReportMeta("d2", "医疗器械行业深度：集采常态化下的国产替代机遇", "中金公司", "2024-05-06"),
    ReportMeta("d3", "血制品行业跟踪", "海通证券", "2023-11-30"),
]


class Figure:  # what Library.figures returns, as far as example questions care
    def __init__(self, label, year):
        self.label, self.year = label, year


def _product_files():
    for path in sorted((ROOT / "bot").rglob("*")):
        rel = path.relative_to(ROOT).as_posix()
        if path.is_file() and "__pycache__" not in rel:
            yield rel, path


def test_product_source_names_no_seed_report_content():
    found = []
    for rel, path in _product_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary data
        for n, line in enumerate(text.splitlines(), 1):
            for m in SEED_RX.finditer(line):
                if (rel, m.group()) not in ALLOWED:
                    found.append(f"{rel}:{n}: {m.group()!r} in {line.strip()[:100]}")
    assert not found, "seed-report content in the product:\n" + "\n".join(found)


def test_glossary_is_generic_finance_vocabulary():
    words = " ".join(z for zh in list(GLOSSARY.values()) + list(SYNONYMS.values()) for z in zh)
    assert not SEED_RX.search(words) and not SEED_RX.search(" ".join(GLOSSARY))
    assert len(GLOSSARY) >= 200 and all(k == k.lower() for k in GLOSSARY)
    q = expand_query("What is the gross margin and market share of CICC's coverage, year-on-year?")
    assert all(t in q for t in ["毛利率", "市场份额", "中金公司", "同比"])
    assert "营业收入" in expand_terms("公司2023年营收是多少？", []) and "展望" in expand_terms("行业前景如何？", [])
    assert "营业收入 营收 收入 血制品" in expand_query("What is the revenue of blood products?")
    assert "中信建投" not in expand_query("What does CITIC Securities say?")  # whole names: 中信证券 ≠ 中信建投


def test_example_questions_come_from_the_library():
    zh = example_questions(PHARMA, "zh", figures=[Figure("页数", None), Figure("医疗器械市场规模", 2025)])
    assert len(zh) == 5 and len(set(zh)) == 5
    assert zh[0] == "请总结《医疗器械行业深度：集采常态化下的国产替代机遇》的主要观点"  # the newest report first
    assert "2025年医疗器械市场规模是多少？" in zh  # a figure with a year, not the page count
    assert "中金公司提示了哪些风险？" in zh and "华泰证券认为有哪些投资机会？" in zh
    assert "比较《医疗器械行业深度：集采常态化下的国产替代机遇》和《创新药进入收获期》的观点" in zh
    en = example_questions(PHARMA, "en", n=6)
    assert "What risks does CICC point out?" in en and "What investment opportunities does Huatai Securities see?" in en
    assert en[0].startswith("Summarize the main points of 《医疗器械行业深度") and any("《血制品行业跟踪》" in q for q in en)
    for q in zh + en:
        assert not SEED_RX.search(q)


def test_example_questions_without_figures_brokers_or_reports():
    one = [ReportMeta("x", "某公司点评", "", "2024-01-01")]
    assert example_questions(one, "zh") == ["请总结《某公司点评》的主要观点"]
    assert example_questions(one, "en", figures=[Figure("营业收入", 2024)]) == ["Summarize the main points of 《某公司点评》"]
    assert example_questions([], "zh") and example_questions([], "en", n=1) == ["Summarize the main points of the reports"]
    assert all(not SEED_RX.search(q) for q in example_questions([], "zh") + example_questions([], "en"))


def test_short_title_names_a_long_title_by_its_own_phrase():
    long = ReportMeta("y", "华泰证券：恒瑞医药（600276）深度报告，创新药管线步入密集收获期，国际化打开长期成长空间", "华泰证券")
    phrase = short_title(long)
    assert phrase in long.title and 4 <= len(phrase) <= 24 and "华泰证券" not in phrase and not phrase.isdigit()
    assert short_title(PHARMA[2]) == "血制品行业跟踪"
