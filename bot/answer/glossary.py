"""A generic English→Chinese glossary of research-report and finance vocabulary.

Offline there is no translator, so an English question over Chinese reports is matched through these
terms (lexical side); the dense side needs nothing since e5 puts both languages in one space.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

# Each table maps a lower-case English word or phrase (matched as whole words) to the Chinese terms reports
# use for it. Generic vocabulary only: a term that fits one report, or an answer written as a synonym, is a bug.
_REPORT = {
    "report": ["报告"], "reports": ["报告"], "research report": ["研报", "研究报告"], "page": ["页"],
    "pages": ["页"], "page count": ["页数"], "broker": ["证券", "券商"], "brokerage": ["券商", "证券"],
    "securities": ["证券"], "analyst": ["分析师"], "analysts": ["分析师"], "author": ["作者"],
    "publisher": ["出品方", "发布"], "published": ["发布"], "publish": ["发布"], "title": ["标题"],
    "summary": ["总结", "摘要"], "conclusion": ["结论"], "view": ["观点"], "views": ["观点"],
    "key points": ["核心观点", "要点"], "core view": ["核心观点"], "logic": ["逻辑"], "outlook": ["展望", "前景"],
    "prospects": ["前景"], "investment": ["投资"], "investment theme": ["投资主线"],
    "investment themes": ["投资主线", "投资建议"], "theme": ["主线"], "themes": ["主线", "投资主线"],
    "investment advice": ["投资建议"], "recommendation": ["投资建议", "推荐"], "recommendations": ["投资建议", "推荐"],
    "rating": ["评级"], "buy": ["买入"], "overweight": ["增持"], "outperform": ["跑赢", "强于大市"], "neutral": ["中性"],
    "target price": ["目标价"], "valuation": ["估值"], "risk": ["风险"], "risks": ["风险", "风险因素"],
    "risk factors": ["风险因素", "风险提示"], "catalyst": ["催化剂", "催化"], "catalysts": ["催化剂", "催化"],
    "opportunity": ["机会", "机遇"], "opportunities": ["机会", "机遇"], "challenge": ["挑战"], "challenges": ["挑战"],
    "trend": ["趋势"], "trends": ["趋势"], "impact": ["影响"], "effect": ["影响"], "driver": ["驱动"],
    "drivers": ["驱动"], "beneficiaries": ["受益"], "benefit": ["受益"], "potential": ["潜力", "潜在"],
    "difference": ["不同点", "区别", "差异"], "differences": ["不同点", "区别", "差异"], "similarity": ["相同点", "共同点"],
    "similarities": ["相同点", "共同点"], "compare": ["对比", "比较"], "comparison": ["对比", "比较"],
}
_FINANCE = {
    "revenue": ["营业收入", "营收", "收入"], "revenues": ["营业收入", "营收", "收入"], "sales revenue": ["销售收入"],
    "operating income": ["营业收入"], "income": ["收入"], "net profit": ["净利润", "归母净利润"],
    "net income": ["净利润"], "profit": ["利润"], "profits": ["利润"], "gross profit": ["毛利"],
    "operating profit": ["营业利润"], "gross margin": ["毛利率"], "net margin": ["净利率"], "margin": ["利润率"],
    "earnings": ["业绩", "盈利"], "earnings forecast": ["盈利预测"], "results": ["业绩"], "guidance": ["指引"],
    "cash flow": ["现金流"], "free cash flow": ["自由现金流"], "cost": ["成本"], "costs": ["成本"],
    "expense": ["费用"], "expenses": ["费用"], "r&d": ["研发"], "research and development": ["研发"],
    "capex": ["资本开支"], "capital expenditure": ["资本开支"], "assets": ["资产"], "debt": ["负债"],
    "liabilities": ["负债"], "dividend": ["分红", "股息"], "eps": ["每股收益"], "roe": ["净资产收益率"],
    "p/e": ["市盈率"], "pe ratio": ["市盈率"], "price-to-earnings": ["市盈率"], "p/b": ["市净率"],
    "price-to-book": ["市净率"], "market cap": ["市值"], "market value": ["市值"], "market capitalization": ["市值"],
    "stock": ["股"], "stocks": ["股"], "share price": ["股价"], "stock price": ["股价"], "shareholders": ["股东"],
    "financing": ["融资"], "ipo": ["上市"], "listed": ["上市"], "quarter": ["季度"], "quarterly": ["季度"],
    "annual": ["年度", "全年"], "first half": ["上半年"], "second half": ["下半年"], "full year": ["全年"],
}
_MARKET = {
    "market": ["市场", "市场规模"], "markets": ["市场"], "market size": ["市场规模"], "size": ["规模"],
    "scale": ["规模"], "market share": ["市场份额", "市占率"], "share": ["占比", "份额"], "proportion": ["占比"],
    "cost share": ["成本占", "占比"], "penetration": ["渗透率"], "penetration rate": ["渗透率"],
    "growth": ["增长", "增速"], "growth rate": ["增速", "增长率"], "grow": ["增长"], "increase": ["增长", "提升"],
    "decline": ["下降", "下滑"], "year-on-year": ["同比"], "yoy": ["同比"], "quarter-on-quarter": ["环比"],
    "qoq": ["环比"], "month-on-month": ["环比"], "cagr": ["复合增长率", "年复合增长率"],
    "compound annual growth": ["复合增长率"], "forecast": ["预测", "预计"], "forecasts": ["预测", "预计"],
    "estimate": ["预估", "预测", "预计"], "estimates": ["预估", "预测", "预计"], "expected": ["预计", "预期"],
    "projection": ["预测"], "median": ["中值"], "range": ["区间"], "demand": ["需求"], "supply": ["供给", "供应"],
    "capacity": ["产能"], "capacity utilization": ["产能利用率"], "output": ["产量"], "production": ["生产", "产量"],
    "shipments": ["出货量"], "shipment": ["出货量"], "sales": ["销售额", "销量"], "sales volume": ["销量"],
    "volume": ["销量"], "price": ["价格"], "prices": ["价格"], "pricing": ["定价", "价格"],
    "average selling price": ["均价"], "asp": ["均价"], "inventory": ["库存"], "supply chain": ["供应链"],
    "industry chain": ["产业链"], "value chain": ["产业链"], "upstream": ["上游"], "midstream": ["中游"],
    "downstream": ["下游"], "industry": ["行业", "产业"], "sector": ["行业", "板块"], "competition": ["竞争"],
    "competitive landscape": ["竞争格局"], "landscape": ["格局"], "concentration": ["集中度"],
    "leader": ["龙头"], "leaders": ["龙头"], "leading": ["龙头", "领先"], "company": ["公司"], "companies": ["公司", "企业"],
    "enterprise": ["企业"], "enterprises": ["企业"], "customer": ["客户"], "customers": ["客户"], "user": ["用户"],
    "users": ["用户"], "consumer": ["消费者"], "consumers": ["消费者"], "consumption": ["消费"], "export": ["出口"],
    "exports": ["出口"], "import": ["进口"], "imports": ["进口"], "overseas": ["海外"], "domestic": ["国内"],
    "global": ["全球"], "worldwide": ["全球"], "china": ["中国"], "chinese": ["中国"], "united states": ["美国"],
    "american": ["美国"], "europe": ["欧洲"], "japan": ["日本"], "localization": ["国产化", "国产替代"],
    "domestic substitution": ["国产替代"], "import substitution": ["国产替代"], "commercialization": ["商业化"],
    "monetization": ["商业化", "变现"], "efficiency": ["效率"], "productivity": ["生产力"], "economies of scale": ["规模效应"],
    "subscription": ["订阅"], "subscribers": ["用户", "订阅"],
}
_POLICY = {
    "policy": ["政策"], "policies": ["政策"], "regulation": ["监管"], "regulations": ["监管"], "regulatory": ["监管"],
    "supervision": ["监管"], "subsidy": ["补贴"], "subsidies": ["补贴"], "government": ["政府"],
    "state council": ["国务院"], "sasac": ["国资委"], "ndrc": ["发改委"], "miit": ["工信部"], "csrc": ["证监会"],
    "central bank": ["央行"], "pboc": ["央行", "中国人民银行"], "federal reserve": ["美联储"], "fed": ["美联储"],
    "interest rate": ["利率"], "interest rates": ["利率"], "inflation": ["通胀"], "gdp": ["gdp", "国内生产总值"],
    "state-owned": ["国企", "国有"], "soe": ["国企"], "soes": ["国企", "央企"], "private enterprises": ["民企"],
    "geopolitical": ["地缘政治"], "geopolitics": ["地缘政治"], "tariff": ["关税"], "tariffs": ["关税"],
    "new quality productive forces": ["新质生产力"], "security": ["安全"], "safety": ["安全"], "privacy": ["隐私"],
    "abuse": ["滥用"], "misuse": ["滥用"], "compliance": ["合规"],
}
_SECTORS = {
    "semiconductor": ["半导体"], "semiconductors": ["半导体"], "chip": ["芯片"], "chips": ["芯片"],
    "integrated circuit": ["集成电路"], "wafer": ["晶圆"], "foundry": ["晶圆代工", "代工"], "memory": ["存储"],
    "storage": ["存储"], "gpu": ["gpu", "图形处理器"], "data center": ["数据中心"], "server": ["服务器"],
    "servers": ["服务器"], "cloud": ["云计算", "云"], "cloud computing": ["云计算"], "software": ["软件"],
    "hardware": ["硬件"], "electronics": ["电子"], "consumer electronics": ["消费电子"], "smartphone": ["智能手机", "手机"],
    "smartphones": ["智能手机", "手机"], "phone": ["手机"], "phones": ["手机"], "panel": ["面板"], "panels": ["面板"],
    "display": ["显示", "面板"], "communications": ["通信"], "telecom": ["通信", "电信"], "optical module": ["光模块"],
    "internet": ["互联网"], "pharma": ["医药"], "pharmaceutical": ["医药"], "pharmaceuticals": ["医药"],
    "medicine": ["医药", "药品"], "drug": ["药品", "药物"], "drugs": ["药品", "药物"], "innovative drugs": ["创新药"],
    "biotech": ["生物医药", "生物科技"], "vaccine": ["疫苗"], "vaccines": ["疫苗"], "medical device": ["医疗器械"],
    "medical devices": ["医疗器械"], "blood products": ["血制品"], "medical aesthetics": ["医美"],
    "healthcare": ["医疗"], "medical": ["医疗"], "hospital": ["医院"], "hospitals": ["医院"],
    "clinical trial": ["临床试验"], "clinical trials": ["临床试验"], "traditional chinese medicine": ["中药"],
    "centralized procurement": ["集采"], "volume-based procurement": ["集采"], "medical insurance": ["医保"],
    "new energy": ["新能源"], "electric vehicle": ["新能源汽车", "电动车"], "electric vehicles": ["新能源汽车", "电动车"],
    "ev": ["新能源汽车", "电动车"], "evs": ["新能源汽车", "电动车"], "nev": ["新能源汽车"], "battery": ["电池"],
    "batteries": ["电池"], "power battery": ["动力电池"], "lithium": ["锂", "锂电"], "solar": ["光伏"],
    "photovoltaic": ["光伏"], "pv": ["光伏"], "wind power": ["风电"], "energy storage": ["储能"], "hydrogen": ["氢能"],
    "automobile": ["汽车"], "automobiles": ["汽车"], "auto": ["汽车"], "autos": ["汽车"], "car": ["汽车"], "cars": ["汽车"],
    "vehicle": ["汽车"], "vehicles": ["汽车"], "delivery": ["交付", "交付量"], "deliveries": ["交付", "交付量"],
    "autonomous driving": ["自动驾驶"], "intelligent driving": ["智能驾驶"], "food": ["食品"], "beverage": ["饮料"],
    "liquor": ["白酒"], "baijiu": ["白酒"], "retail": ["零售"], "e-commerce": ["电商"], "tourism": ["旅游"],
    "home appliances": ["家电"], "apparel": ["服装"], "cosmetics": ["化妆品"], "bank": ["银行"], "banks": ["银行"],
    "insurance": ["保险"], "fund": ["基金"], "funds": ["基金"], "real estate": ["房地产"], "property": ["房地产"],
    "construction": ["建筑"], "building materials": ["建材"], "steel": ["钢铁"], "coal": ["煤炭"], "oil": ["石油", "原油"],
    "crude oil": ["原油"], "natural gas": ["天然气"], "chemical": ["化工"], "chemicals": ["化工"],
    "nonferrous metals": ["有色金属"], "metals": ["金属"], "copper": ["铜"], "gold": ["黄金"], "aluminum": ["铝"],
    "agriculture": ["农业"], "defense": ["军工"], "military": ["军工"], "machinery": ["机械"], "robot": ["机器人"],
    "robots": ["机器人"], "robotics": ["机器人"], "humanoid robot": ["人形机器人"], "manufacturing": ["制造"],
    "logistics": ["物流"], "shipping": ["航运"], "airline": ["航空"], "airlines": ["航空"], "utilities": ["公用事业"],
    "electricity": ["电力"], "media": ["传媒", "媒体"], "entertainment": ["娱乐"],
    "gaming": ["游戏"], "games": ["游戏"], "film": ["电影"], "movie": ["电影"], "advertising": ["广告"],
    "education": ["教育"],
}
_TECH = {
    "ai": ["人工智能"], "artificial intelligence": ["人工智能"], "generative": ["生成式"], "model": ["模型"],
    "models": ["模型"], "large model": ["大模型"], "large models": ["大模型"], "large language model": ["大语言模型", "大模型"],
    "llm": ["大语言模型", "大模型"], "multimodal": ["多模态"], "algorithm": ["算法"], "algorithms": ["算法"],
    "data": ["数据"], "training": ["训练"], "inference": ["推理"], "parameter": ["参数"], "parameters": ["参数"],
    "open source": ["开源"], "open-source": ["开源"], "compute": ["算力"], "computing power": ["算力"],
    "application": ["应用"], "applications": ["应用"], "technology": ["技术"], "technologies": ["技术"],
    "architecture": ["架构"], "innovation": ["创新"], "product": ["产品"], "products": ["产品"], "platform": ["平台"],
    "video": ["视频"], "videos": ["视频"], "image": ["图像", "图片"], "images": ["图像", "图片"], "text": ["文本"],
    "content": ["内容"], "generate": ["生成"], "generated": ["生成"], "generation": ["生成"], "resolution": ["分辨率"],
    "resolutions": ["分辨率"], "format": ["格式"], "formats": ["格式"], "support": ["支持"], "physics": ["物理"],
    "physical": ["物理"], "semantic": ["语义"], "understanding": ["理解"], "scene": ["场景"], "scenes": ["场景"],
    "scenario": ["场景"], "diffusion": ["扩散"], "animation": ["动画"], "animated": ["动画"], "use": ["采用", "使用"],
    "uses": ["采用", "使用"], "response": ["响应"],
}
_TIME = {
    "when": ["月", "日"], "date": ["日期", "日"], "how long": ["时长", "多长", "长达"],
    "duration": ["时长", "持续时间"], "long": ["长达", "时长"], "minute": ["分钟"], "minutes": ["分钟"],
    "seconds": ["秒"], "hour": ["小时"], "hours": ["小时"], "launch": ["推出", "发布"],
    "launched": ["推出", "发布"], "release": ["发布", "推出"], "released": ["推出", "发布"], "first": ["首个", "首部"],
    "long-term": ["长期"], "short-term": ["短期"], "next year": ["明年"], "this year": ["今年"],
}
# English names of brokers (data: answer/data/brokers_en.json, whole names: 东方证券 is not 东方财富证券) and of
# companies reports often discuss.
BROKER_NAMES: dict[str, dict] = json.loads(
    (Path(__file__).parent / "data" / "brokers_en.json").read_text(encoding="utf-8"))["names"]
BROKERS = {en.lower(): [zh] for zh, e in BROKER_NAMES.items() for en in ([e["shown"]] if "shown" in e else []) + e["aliases"]}
COMPANIES = {
    "apple": ["苹果"], "microsoft": ["微软"], "google": ["谷歌"], "amazon": ["亚马逊"], "nvidia": ["英伟达"],
    "tesla": ["特斯拉"], "tsmc": ["台积电"], "samsung": ["三星"], "intel": ["英特尔"], "huawei": ["华为"],
    "xiaomi": ["小米"], "tencent": ["腾讯"], "alibaba": ["阿里巴巴", "阿里"], "baidu": ["百度"], "bytedance": ["字节跳动"],
    "byd": ["比亚迪"], "catl": ["宁德时代"], "moutai": ["茅台"], "smic": ["中芯国际"],
}
GLOSSARY: dict[str, list[str]] = {**_REPORT, **_FINANCE, **_MARKET, **_POLICY, **_SECTORS, **_TECH, **_TIME,
                                  **BROKERS, **COMPANIES}
# Chinese near-synonyms that reports and questions use for the same thing (question word → report words).
SYNONYMS: dict[str, list[str]] = {
    "采用": ["采纳", "使用", "运用"], "使用": ["采用", "采纳", "利用"], "关键技术": ["先进技术", "核心技术"],
    "推出": ["发布", "问世"], "发布": ["推出"], "风险": ["风险因素", "风险提示"], "前景": ["展望"], "展望": ["前景"],
    "规模": ["市场规模"], "时长": ["持续时间", "长达"], "多长": ["持续时间", "长达"], "券商": ["证券"],
    "投资主题": ["投资主线"], "投资机会": ["投资主线", "投资建议"], "投资建议": ["投资主线"],
    "营收": ["营业收入"], "营业收入": ["营收"], "净利润": ["归母净利润"], "归母净利润": ["净利润"],
    "市占率": ["市场份额"], "市场份额": ["市占率"], "增速": ["增长率"], "增长率": ["增速"],
    "复合增速": ["复合增长率", "cagr"], "复合增长率": ["复合增速", "cagr"], "目标价": ["目标价格"],
    "龙头": ["头部"], "头部": ["龙头"], "研发投入": ["研发费用"], "研发费用": ["研发投入"],
}


def expand_terms(question: str, tokens: list[str]) -> list[str]:
    """Question tokens plus the Chinese terms of any glossary phrase the question contains."""
    q = question.lower()
    terms = list(dict.fromkeys(t.lower() for t in tokens))
    for phrase, zh in GLOSSARY.items():
        if phrase in q and re.search(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])", q):  # substring first: cheap
            terms.extend(z.lower() for z in zh)
    for word, alts in SYNONYMS.items():
        if word in q:
            terms.extend(alts)
    return list(dict.fromkeys(terms))


def expand_query(question: str) -> str:
    """The question with glossary terms appended, for lexical search."""
    extra = expand_terms(question, [])
    return question + (" " + " ".join(extra) if extra else "")


def names_absent(names: list[str], text: str) -> list[str]:
    """The names (as `Tokenizer.topics` gives them, lower-cased) that `text` holds neither as written nor in a
    glossary translation (an English question's "haitong" is 海通证券 in a Chinese report)."""
    low = text.lower()
    out = []
    for n in names:
        from .match import SUBJECT_SYNONYMS

        forms = [n] + GLOSSARY.get(n, []) + GLOSSARY.get(n.rstrip("s"), []) + list(SUBJECT_SYNONYMS.get(n, ()))
        if not any(f.lower() in low for f in forms):
            out.append(n)
    return out
