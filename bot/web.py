"""Gradio web chat: thin handlers over the answer engine, the library and the feedback store.

Endpoints (gradio_client): `/chat` (message, report filter) → streamed chat, history kept per session;
`/ask` (question) → the answer JSON of `bot ask --json`.
"""
from __future__ import annotations

import html
import re
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr

from .answer import Engine
from .errors import BotError
from .examples import example_questions
from .feedback import FeedbackStore
from .ingest.load import SUFFIXES
from .retrieve import Filters
from .types import Answer, Citation
from .uploads import Uploads, original_file
from .users import Users

TEXT = {
    "zh": {"title": "研报助手", "placeholder": "输入问题，例如：{example}", "ask": "输入关于研报的问题", "send": "发送", "new": "新对话",
           "filter": "只在这些报告中查找（不选 = 全部）", "sources": "引用来源", "comment": "反馈意见（可选）",
           "send_comment": "提交意见", "upload": "上传新报告（管理员）", "knows": "我了解以下研报：",
           "library": "研报库", "search_lib": "搜索标题、机构、日期或文件名", "remove": "删除此报告（管理员）",
           "remove_name": "要删除的报告文件名", "scope_all": "当前范围：全部 {n} 份报告",
           "scope_some": "当前范围：已选 {n} 份 — {names}",
           "count": "共 {n} 份研报，来自 {brokers} 家机构（{first} 至 {last}）。主要机构：{top}。", "recent": "最新的报告：",
           "cols": ["标题", "机构", "日期", "字数", "文本块", "导入时间", "状态", "文件"],
           "status": {"indexed": "可关键词检索，向量计算中", "embedded": "已完成"}, "twin": "（与《{}》几乎相同，算作同一来源）",
           "cancel": "取消上传", "reingest": "重新导入此报告（管理员）",
           "ask_like": "示例问题：", "thanks": "谢谢反馈，已记录。", "no_answer": "请先提问，再提交反馈。",
           "intro": "每个回答都附有研报原文引用；涉及数字时，由确定性的公式计算，并标明每个输入的出处。"},
    "en": {"title": "Research-report assistant", "placeholder": "Ask a question, e.g. {example}",
           "ask": "Ask about the reports", "send": "Send", "new": "New conversation",
           "filter": "Only search these reports (none = all)",
           "sources": "Sources", "comment": "Feedback (optional)", "send_comment": "Send feedback",
           "upload": "Upload a report (admins)", "knows": "I know these reports:", "ask_like": "Try:",
           "library": "Library", "search_lib": "Search titles, brokers, dates or file names",
           "remove": "Remove this report (admins)", "remove_name": "File name of the report to remove",
           "scope_all": "Scope: all {n} reports", "scope_some": "Scope: {n} chosen — {names}",
           "count": "{n} reports from {brokers} brokers ({first} to {last}). Main brokers: {top}.",
           "recent": "Newest reports:",
           "cols": ["Title", "Broker", "Date", "Characters", "Chunks", "Ingested", "Status", "File"],
           "status": {"indexed": "searchable by keywords, embedding", "embedded": "done"},
           "twin": " (nearly the same as “{}”: counted as one source)",
           "cancel": "Cancel upload", "reingest": "Re-ingest this report (admins)",
           "thanks": "Thank you, your feedback is saved.", "no_answer": "Ask something first, then send feedback.",
           "intro": "Every answer quotes the reports; numbers come from deterministic formulas with cited inputs."},
}

CSS = """
#sources mark { background: #ffe58f; padding: 0 2px; }
#sources .cite { border-left: 3px solid #d9d9d9; padding: 4px 10px; margin: 8px 0; }
#sources .cite:target { border-left-color: #fa8c16; background: #fff7e6; }
#sources .meta { color: #666; font-size: 0.9em; }
"""


@dataclass
class Session:
    """One browser (or gradio_client) session: the turns so far and their answers."""

    turns: list[tuple[str, str]] = field(default_factory=list)
    answers: list[dict] = field(default_factory=list)


def examples(engine: Engine, lang: str) -> list[str]:
    """Example questions built from the library's own reports (and a figure of the newest ones)."""
    reports = engine.library.sources()
    figures = engine.library.figures([r.doc_id for r in reports[-3:]]) if lang == "zh" and reports else []
    return example_questions(reports, lang, figures=figures)


def placeholder(lang: str, questions: list[str]) -> str:
    t = TEXT[lang]
    return t["placeholder"].format(example=questions[0]) if questions else t["ask"]


WELCOME_TITLES = 8  # a small library is listed whole; a large one summarised, with its newest few


def welcome(engine: Engine, lang: str, questions: list[str] | None = None) -> str:
    """What the assistant knows, on one screen whatever the library's size: a few titles, or counts, brokers,
    dates and the newest few."""
    t = TEXT[lang]
    reports = engine.library.sources()
    questions = examples(engine, lang) if questions is None else questions
    lines = [f"## {t['title']}", t["intro"], "", f"**{t['knows']}**"]
    if len(reports) > WELCOME_TITLES:
        brokers = Counter(r.broker for r in reports if r.broker)
        dates = sorted(r.date for r in reports if r.date)
        top = "、".join(f"{html.escape(b)}（{n}）" for b, n in brokers.most_common(5)) or "–"
        lines.append(t["count"].format(n=len(reports), brokers=len(brokers), first=dates[0][:7] if dates else "?",
                                       last=dates[-1][:7] if dates else "?", top=top))
        lines.append(t["recent"])
        reports = sorted(reports, key=lambda r: r.date or "", reverse=True)[:5]
    lines += [f"- {html.escape(r.broker or '?')}（{r.date or '?'}）：{html.escape(r.title)}" for r in reports] or ["- –"]
    lines += ["", f"**{t['ask_like']}** " + " · ".join(html.escape(q) for q in questions[:4])]
    return "\n".join(lines)


def report_choices(engine: Engine) -> list[tuple[str, str]]:
    """Picker entries: broker, date and the whole title, so typing any of them (or a company in the title) finds it."""
    return [(f"{r.title} · {r.broker or '?'} · {r.date or '?'}", r.doc_id)
            for r in sorted(engine.library.sources(), key=lambda r: r.date or "", reverse=True)]


def scope_text(engine: Engine, selected, lang: str) -> str:
    t = TEXT[lang]
    reports = engine.library.reports_by_id()
    chosen = [reports[d] for d in (selected or []) if d in reports]
    if not chosen:
        return t["scope_all"].format(n=len(reports))
    names = "；".join(html.escape(r.title[:30]) for r in chosen[:3]) + ("…" if len(chosen) > 3 else "")
    return t["scope_some"].format(n=len(chosen), names=names)


def library_rows(engine: Engine, term: str = "", limit: int = 500, lang: str = "zh") -> list[list]:
    """The library table: every report matching the search term (title, broker, date, file), newest first."""
    term = (term or "").strip().lower()
    status, twin = TEXT[lang]["status"], TEXT[lang]["twin"]
    by_id = engine.library.reports_by_id()
    rows = []
    for r in sorted(engine.library.sources(), key=lambda r: r.date or "", reverse=True):
        if term and term not in f"{r.title} {r.broker} {r.date} {r.source}".lower():
            continue
        state = status.get(r.status, r.status)
        if r.twin_of in by_id:
            state += twin.format(by_id[r.twin_of].title)
        rows.append([r.title, r.broker, r.date, r.chars or "", r.chunks, r.ingested, state, r.source])
        if len(rows) >= limit:
            break
    return rows


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>])")


def to_markdown(text: str) -> str:
    """Answer text as safe Markdown: HTML escaped, Markdown syntax neutralised, [n] → link to source n."""
    safe = _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    safe = re.sub(r"\\\[(\d+)\\\]", lambda m: f"[[{m.group(1)}]](#cite-{m.group(1)})", safe)
    return safe.replace("\n", "  \n")


def paragraph_of(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The paragraph around a quote, split as (before, quote, after)."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    b = len(text) if b == -1 else b
    return text[a:start], text[start:end], text[end:b]


def sources_html(engine: Engine, ans: Answer | None, lang: str) -> str:
    if ans is None or not ans.citations:
        return f"<h3>{TEXT[lang]['sources']}</h3>"
    parts = [f"<h3>{TEXT[lang]['sources']}</h3>"]
    for c in ans.citations:
        before, quote, after = _context(engine, c)
        parts.append(
            f'<div class="cite" id="cite-{c.n}"><div class="meta">[{c.n}] {html.escape(c.broker)} · {html.escape(c.date)} · '
            f"《{html.escape(c.title)}》</div><div>…{html.escape(before[-120:])}<mark>{html.escape(quote)}</mark>"
            f"{html.escape(after[:120])}…</div></div>")
    for calc in ans.calculations:
        parts.append(f'<div class="calc"><b>{html.escape(calc["formula"])}</b></div>')
    return "\n".join(parts)


def _context(engine: Engine, c: Citation) -> tuple[str, str, str]:
    try:
        text = engine.library.report_text(engine.library.find(c.doc_id))
    except BotError:
        return "", c.quote, ""
    return paragraph_of(text, c.start, c.end)


def _filters(selected) -> Filters | None:
    return Filters(reports=tuple(selected)) if selected else None


def build_app(engine: Engine, users: Users, feedback: FeedbackStore, charts: Path, uploads: Uploads) -> gr.Blocks:
    theme = gr.themes.Default(font=["system-ui", "PingFang SC", "WenQuanYi Micro Hei", "sans-serif"],
                              font_mono=["monospace"])  # system fonts only: nothing fetched from a CDN

    def chat(message, selected, lang, session: Session, request: gr.Request):
        session = session or Session()
        history = _history(session)
        shown_q = message or ""
        try:
            stream = engine.stream(message, filters=_filters(selected), history=session.turns)
            partial = ""
            for piece in stream:
                if isinstance(piece, Answer):
                    ans = piece
                    break
                partial += piece
                yield "", history + _pair(shown_q, to_markdown(partial)), gr.skip(), gr.skip(), session
        except BotError as e:  # one clear sentence, never a traceback
            yield "", history + _pair(shown_q, html.escape(str(e))), gr.skip(), gr.skip(), session
            return
        body = to_markdown(ans.answer)
        if ans.notes:
            body += "  \n\n" + "  \n".join(f"*{html.escape(n)}*" for n in ans.notes)
        session.turns.append((ans.question, ans.answer))
        session.answers.append(ans.to_dict())
        chart = None
        if ans.extra.get("calculations"):
            from .tools.chart import chart_calculations

            chart = chart_calculations(ans.extra["calculations"], charts / f"{uuid.uuid4().hex}.png")
        yield ("", _history(session), sources_html(engine, ans, lang),
               gr.update(value=str(chart) if chart else None, visible=bool(chart)), session)

    def new_conversation(lang):
        return [], Session(), sources_html(engine, None, lang), gr.update(value=None, visible=False), ""

    def like(data: gr.LikeData, session: Session, request: gr.Request):
        session = session or Session()
        turn = data.index // 2 if isinstance(data.index, int) else data.index[0] // 2
        if turn >= len(session.answers):
            return ""
        feedback.add(session.answers[turn], 1 if data.liked else -1, user=_user(request))
        return TEXT["zh"]["thanks"]

    def comment(text, lang, session: Session, request: gr.Request):
        session = session or Session()
        if not session.answers:
            return TEXT[lang]["no_answer"], text
        if text.strip():
            feedback.add(session.answers[-1], 0, text.strip(), user=_user(request))
        return TEXT[lang]["thanks"], ""

    def intro(lang):
        """Welcome text, question placeholder and example questions, from the library as it is now."""
        questions = examples(engine, lang)
        return (welcome(engine, lang, questions), gr.update(placeholder=placeholder(lang, questions)),
                gr.update(samples=[[q] for q in questions]))

    def upload(files, term, lang, request: gr.Request):
        """Many files or a .zip at once, ingested in the background; each file's state is shown as it moves
        (queued → reading → indexed → embedded), the picker and the library table follow."""
        if not may_upload(users, _user(request)):
            yield ("只有管理员可以上传报告。 Only admins can upload reports.",) + (gr.skip(),) * 5
            return
        names = uploads.submit([Path(f if isinstance(f, str) else f.name) for f in files or []])
        shown = None
        while True:
            states = uploads.status(names)
            now = tuple(s.state for s in states)
            finished = uploads.done(names)
            if now != shown or finished:
                text = "\n".join("- " + s.line() for s in states) or "-"
                if shown is None or finished or {"indexed", "embedded"} & (set(now) - set(shown)):
                    yield (text, gr.update(choices=report_choices(engine)), library_rows(engine, term, lang=lang)) \
                        + intro(lang)
                else:
                    yield (text,) + (gr.skip(),) * 5
                shown = now
            if finished:
                return
            time.sleep(0.5)

    def cancel_upload(request: gr.Request):
        if not may_upload(users, _user(request)):
            return "只有管理员可以取消上传。 Only admins can cancel uploads."
        n = uploads.cancel()
        return f"正在取消 {n} 项 (cancelling {n})" if n else "没有进行中的上传 (nothing to cancel)"

    def ingest_status() -> dict:
        return {"files": {s.name: s.state for s in uploads.status()},
                "pending_reports": len(engine.library.pending())}

    def reingest(name, request: gr.Request):
        if not may_upload(users, _user(request)):
            return "只有管理员可以重新导入报告。 Only admins can re-ingest reports."
        try:
            report = engine.library.find((name or "").strip())
        except BotError as e:
            return html.escape(str(e))
        path = original_file(report, uploads.folder, engine.settings.corpus_dir)
        if path is None:
            return html.escape(f"{report.source}: 原文件已不在服务器上，请重新上传 (the original file is gone; upload it again).")
        uploads.submit([path], force=True, copy=False)
        return html.escape(f"{report.source}: 已排队重新导入，进度见上传区 (queued for re-ingest)")

    def library_rows_for(term, lang="zh"):
        return library_rows(engine, term, lang=lang)

    def ask_api(question: str) -> dict:
        try:
            return engine.ask(question).to_dict()
        except BotError as e:
            return {"question": question, "error": str(e)}

    def switch(lang_label):
        lang = "en" if lang_label == "English" else "zh"
        t = TEXT[lang]
        header_md, msg_update, samples = intro(lang)
        return (lang, header_md, msg_update, gr.update(value=t["send"]), gr.update(value=t["new"]),
                gr.update(label=t["filter"]), gr.update(label=t["comment"]), gr.update(value=t["send_comment"]),
                gr.update(label=t["upload"]), samples)

    def on_load(request: gr.Request):
        allowed = may_upload(users, _user(request))
        return (gr.update(visible=allowed), gr.update(choices=report_choices(engine)), gr.update(visible=allowed),
                library_rows(engine), scope_text(engine, [], "zh")) + intro("zh")

    def remove(name, term, lang, request: gr.Request):
        if not may_upload(users, _user(request)):
            return "只有管理员可以删除报告。 Only admins can remove reports.", gr.skip(), gr.skip(), gr.skip()
        try:
            r = engine.library.remove((name or "").strip())
        except BotError as e:
            return html.escape(str(e)), gr.skip(), gr.skip(), gr.skip()
        return (f"removed {html.escape(r.source)}", library_rows(engine, term), gr.update(choices=report_choices(engine)),
                welcome(engine, lang))

    t = TEXT["zh"]
    first_questions = examples(engine, "zh")
    with gr.Blocks(title="研报助手", analytics_enabled=False) as app:
        lang = gr.State("zh")
        session = gr.State(None)
        with gr.Row():
            header = gr.Markdown(welcome(engine, "zh", first_questions), elem_id="welcome")
            lang_radio = gr.Radio(["中文", "English"], value="中文", label="界面语言 / Language", scale=0, min_width=180)
        with gr.Tab(t["title"], elem_id="chat-tab"):
            with gr.Row():
                with gr.Column(scale=3):
                    scope = gr.Markdown(scope_text(engine, [], "zh"), elem_id="scope")
                    chatbot = gr.Chatbot(height=480, elem_id="chat", feedback_options=("Like", "Dislike"),
                                         sanitize_html=True, label=t["title"])
                    msg = gr.Textbox(placeholder=placeholder("zh", first_questions), show_label=False, elem_id="question",
                                     lines=1)
                    with gr.Row():
                        send = gr.Button(t["send"], variant="primary", elem_id="send")
                        new = gr.Button(t["new"], elem_id="new")
                    example_list = gr.Examples([[q] for q in first_questions], inputs=msg)
                    # a searchable multi-select: typing filters by title, broker, date (or a company in a title)
                    reports = gr.Dropdown(report_choices(engine), multiselect=True, filterable=True, label=t["filter"],
                                          elem_id="filter")
                    with gr.Row():
                        comment_box = gr.Textbox(label=t["comment"], elem_id="comment", scale=3)
                        comment_btn = gr.Button(t["send_comment"], elem_id="send-comment", scale=1)
                    status = gr.Markdown(elem_id="feedback-status")
                with gr.Column(scale=2):
                    sources = gr.HTML(sources_html(engine, None, "zh"), elem_id="sources")
                    chart = gr.Image(visible=False, label="scenario chart", elem_id="chart", type="filepath")
            with gr.Accordion(t["upload"], open=False, visible=True) as upload_box:
                files = gr.File(file_count="multiple", file_types=sorted(SUFFIXES | {".zip"}), label=t["upload"],
                                elem_id="upload-files")
                upload_status = gr.Markdown(elem_id="upload-status")
                with gr.Row():
                    cancel_btn = gr.Button(t["cancel"], elem_id="cancel-upload", size="sm", scale=0)
                    cancel_status = gr.Markdown()
        with gr.Tab(t["library"], elem_id="library-tab"):
            lib_search = gr.Textbox(label=t["search_lib"], elem_id="library-search")
            lib_table = gr.Dataframe(library_rows(engine), headers=t["cols"], interactive=False, elem_id="library",
                                     wrap=True)
            with gr.Row(visible=False) as remove_box:
                remove_name = gr.Textbox(label=t["remove_name"], scale=3, elem_id="remove-name")
                reingest_btn = gr.Button(t["reingest"], scale=1, elem_id="reingest")
                remove_btn = gr.Button(t["remove"], variant="stop", scale=1, elem_id="remove")
            remove_status = gr.Markdown()
        with gr.Row(visible=False):
            ask_q = gr.Textbox()
            ask_out = gr.JSON()
            ask_btn = gr.Button()
            status_out = gr.JSON()
            status_btn = gr.Button()

        outputs = [msg, chatbot, sources, chart, session]
        send.click(chat, [msg, reports, lang, session], outputs, api_name="chat")
        msg.submit(chat, [msg, reports, lang, session], outputs, api_name=False)
        new.click(new_conversation, [lang], [chatbot, session, sources, chart, status], api_name=False)
        chatbot.like(like, [session], [status], api_name=False)
        comment_btn.click(comment, [comment_box, lang, session], [status, comment_box], api_name=False)
        files.upload(upload, [files, lib_search, lang], [upload_status, reports, lib_table, header, msg,
                                                          example_list.dataset], api_name=False)
        cancel_btn.click(cancel_upload, None, [cancel_status], api_name=False)
        reingest_btn.click(reingest, [remove_name], [remove_status], api_name=False)
        status_btn.click(ingest_status, None, [status_out], api_name="ingest_status")
        reports.change(lambda sel, lg: scope_text(engine, sel, lg), [reports, lang], [scope], api_name=False)
        # one queue for the page's load and the library search: a term typed while the load is in flight is
        # answered after it, so the load's full table never replaces the filtered one
        lib_search.change(library_rows_for, [lib_search], [lib_table], api_name="library",
                          concurrency_limit=1, concurrency_id="library-table")
        remove_btn.click(remove, [remove_name, lib_search, lang], [remove_status, lib_table, reports, header],
                         api_name=False)
        ask_btn.click(ask_api, [ask_q], [ask_out], api_name="ask")
        lang_radio.change(switch, [lang_radio], [lang, header, msg, send, new, reports, comment_box, comment_btn, upload_box,
                                                 example_list.dataset], api_name=False)
        app.load(on_load, None, [upload_box, reports, remove_box, lib_table, scope, header, msg, example_list.dataset],
                 api_name=False, concurrency_limit=1, concurrency_id="library-table")
    app.launch_options = {"theme": theme, "css": CSS}  # Gradio 6 takes theme and css at launch
    return app


def _pair(question: str, answer_md: str) -> list[dict]:
    return [{"role": "user", "content": html.escape(question)}, {"role": "assistant", "content": answer_md}]


def _history(session: Session) -> list[dict]:
    out: list[dict] = []
    for q, a in session.turns:
        out += _pair(q, to_markdown(a))
    return out


def _user(request: gr.Request | None) -> str:
    return getattr(request, "username", None) or ""


def may_upload(users: Users, username: str) -> bool:
    """With logins on, only admins upload; with logins off (local use) everyone at this machine may."""
    return not users.enabled() or users.is_admin(username)


def serve(engine: Engine, data_dir: Path, host: str = "127.0.0.1", port: int = 7860, block: bool = True):
    """Launch the chat. Concurrency: 8 handlers at once (answers take ~30 ms offline; the embedding model and
    jieba are behind locks), up to 200 queued."""
    charts = data_dir / "charts"
    charts.mkdir(parents=True, exist_ok=True)
    uploads = Uploads(engine.library, data_dir / "uploads")
    uploads.resume()  # a server killed mid-upload finishes the job now
    users = Users(data_dir / "users.sqlite")
    feedback = FeedbackStore(data_dir / "feedback.sqlite")
    app = build_app(engine, users, feedback, charts, uploads)
    app.queue(default_concurrency_limit=8, max_size=200)
    app.launch(server_name=host, server_port=port, auth=users.check if users.enabled() else None,
               auth_message="研报助手：请登录 / please sign in", allowed_paths=[str(charts)], prevent_thread_lock=not block,
               show_error=False, quiet=True, footer_links=["api"], ssr_mode=False,
               max_file_size=int(engine.settings.max_file_mb * 2**20), **app.launch_options)
    return app
