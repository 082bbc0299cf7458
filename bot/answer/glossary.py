"""A small English→Chinese glossary of research-report terms.

Offline there is no translator, so an English question over Chinese reports is matched through these
terms (lexical side); the dense side needs nothing since e5 puts both languages in one space.
"""
from __future__ import annotations

import re

GLOSSARY: dict[str, list[str]] = {
    "video length": ["时长", "一分钟", "60秒"], "how long": ["时长", "一分钟", "长达"], "duration": ["时长"],
    "minute": ["一分钟", "分钟"], "second": ["秒"], "long": ["时长", "长达"],
    "market size": ["市场规模"], "market": ["市场", "市场规模"], "size": ["规模"],
    "penetration": ["渗透率"], "cost share": ["成本占", "占比"], "share": ["占比"], "cost": ["成本"],
    "regulation": ["监管"], "regulatory": ["监管"], "supervision": ["监管"], "security": ["安全"],
    "risk": ["风险"], "risks": ["风险"], "investment": ["投资"], "theme": ["主线"], "themes": ["主线", "投资主线"],
    "compute": ["算力"], "computing power": ["算力"], "chip": ["芯片"], "chips": ["芯片"],
    "short video": ["短视频"], "short-video": ["短视频"], "text-to-video": ["文生视频"], "text to video": ["文生视频"],
    "video generation": ["视频生成"], "generate": ["生成"], "generation": ["生成"],
    "model": ["模型"], "large model": ["大模型"], "physics": ["物理"], "physical": ["物理"],
    "resolution": ["分辨率", "1920x1080p", "1080x1920"], "format": ["格式"], "widescreen": ["宽屏"],
    "vertical": ["竖屏"], "semantic": ["语义"], "understanding": ["理解"], "scene": ["场景"],
    "pages": ["页"], "page": ["页"], "how many pages": ["报告共计"], "report": ["报告"],
    "publisher": ["出品方"], "securities": ["证券"], "video": ["视频"], "videos": ["视频"],
    "resolutions": ["1920x1080p", "1080x1920"], "support": ["支持"],
    "architecture": ["架构"], "technology": ["技术"], "technologies": ["技术"], "full name": ["全称"],
    "broker": ["证券"], "author": ["作者"], "published": ["发布"],
    "citic": ["中信证券"], "huaxin": ["华鑫证券"], "state council": ["国务院"], "sasac": ["国资委"],
    "government": ["政府"], "response": ["响应"], "differences": ["不同点"], "difference": ["不同点"],
    "similarities": ["相同点"], "similarity": ["相同点"], "animation": ["动画"], "animated": ["动画片"],
    "first": ["首部", "首个"], "diffusion": ["扩散"], "transformer": ["Transformer", "转换器"],
    "patches": ["补丁"], "spacetime": ["时空"], "recaption": ["重新描述", "re-captioning"],
    "re-captioning": ["re-captioning", "重新描述"], "scaling": ["规模效应", "规模化"],
    "2030": ["2030"], "2025": ["2025"], "2022": ["2022"], "china": ["中国"], "chinese": ["中国"],
    "competition": ["竞争"], "policy": ["政策"], "geopolitical": ["地缘政治"], "commercialization": ["商业化"],
    "abuse": ["滥用"], "misuse": ["滥用"], "content": ["内容"], "hardware": ["硬件"], "application": ["应用"],
    "applications": ["应用"], "microsoft": ["微软"], "nvidia": ["英伟达"], "bytedance": ["字节跳动"],
    "stock": ["股"], "valuation": ["估值"], "media": ["传媒"], "new quality productive forces": ["新质生产力"],
    "productivity": ["生产力"], "efficiency": ["效率"], "median": ["中值"], "estimate": ["预估", "预测"],
    "forecast": ["预测"], "potential": ["潜力", "潜在"], "released": ["推出", "发布"], "launch": ["推出"],
    "launched": ["推出"], "when": ["月", "日"], "date": ["日"],
}
# Chinese near-synonyms that reports and questions use for the same thing (question word → report words).
SYNONYMS: dict[str, list[str]] = {
    "采用": ["采纳", "使用", "运用"], "使用": ["采用", "采纳", "利用"], "关键技术": ["先进技术", "核心技术"],
    "推出": ["发布", "问世"], "发布": ["推出"], "风险": ["风险因素"], "前景": ["展望"], "展望": ["前景"],
    "规模": ["市场规模"], "时长": ["持续时间", "长达"], "多长": ["持续时间", "长达"], "券商": ["证券"],
    "投资主题": ["投资主线"], "投资机会": ["投资主线"], "监管": ["监管需求", "监管成本"],
}
_WORD = re.compile(r"[a-z][a-z\-]+(?: [a-z][a-z\-]+){0,3}")


def expand_terms(question: str, tokens: list[str]) -> list[str]:
    """Question tokens plus the Chinese terms of any glossary phrase the question contains."""
    q = question.lower()
    terms = list(dict.fromkeys(t.lower() for t in tokens))
    for phrase, zh in GLOSSARY.items():
        if re.search(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])", q):
            terms.extend(z.lower() for z in zh)
    for word, alts in SYNONYMS.items():
        if word in q:
            terms.extend(alts)
    return list(dict.fromkeys(terms))


def expand_query(question: str) -> str:
    """The question with glossary terms appended, for lexical search."""
    extra = expand_terms(question, [])
    return question + (" " + " ".join(extra) if extra else "")
