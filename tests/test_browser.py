"""A real headless Chromium (Debian's, driven by Playwright through executable_path) against `bot serve`."""
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest

from support import ROOT
from evals.bench_library import CHROMIUM
from test_web import Server

# one worker (of `-n 2`) runs this module: its module fixture (a server, a store) is built once
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]
ARTIFACTS = ROOT / "test-artifacts"


@contextmanager
def opened(url, setup=lambda page: None):
    """A page of Debian's headless Chromium (evals.bench_library.chromium: executable_path, never `playwright
    install`) at `url`, once the welcome text is rendered; `setup(page)` runs before it navigates."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: the README's test command installs it (apt-get install chromium)")
    from evals.bench_library import chromium

    with chromium() as browser:
        p = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        setup(p)
        p.goto(url, wait_until="load")
        p.locator("#welcome").wait_for(timeout=30000)
        yield p


def _watch(p):
    p.dialogs, p.external = [], []
    p.on("dialog", lambda d: (p.dialogs.append(d.message), d.dismiss()))
    p.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else p.external.append(r.url))


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("browser") / "data")
    try:
        with opened(server.url, _watch) as p:
            p.server = server
            yield p
    finally:
        server.stop()


def wait_text(page, selector, test, timeout=30000):
    """Wait until the element `selector` is on the page and its text `t` passes `test` (a JS expression in `t`).
    A tab's content is mounted when the tab is first shown: an element not there yet is waited for, not an error."""
    page.wait_for_function(f"(() => {{ const el = document.querySelector({selector!r}); if (!el) return false;"
                           f" const t = el.innerText; return {test}; }})()", timeout=timeout)


def show_tab(page, name):
    """Select the tab `name` and wait until the browser shows it selected."""
    tab = page.get_by_role("tab", name=name)
    tab.click()
    page.wait_for_function("n => [...document.querySelectorAll('[role=tab]')].some(b => b.innerText.includes(n)"
                           " && b.getAttribute('aria-selected') === 'true')", arg=name, timeout=30000)


def ask(page, question):
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")


def test_page_loads_nothing_from_outside(page):
    page.wait_for_timeout(1500)
    assert page.external == []


def test_chinese_question_streamed_cited_answer(page):
    assert "研报助手" in page.locator("#welcome").inner_text()
    assert "中信证券" in page.locator("#welcome").inner_text()
    ask(page, "Sora最长能生成多长的视频？")
    bot = page.locator("#chat .message.bot, #chat [data-testid='bot']").last
    bot.wait_for(timeout=30000)
    wait_text(page, "#sources", "t.includes('中信证券')", timeout=30000)
    assert "一分钟" in page.locator("#chat").inner_text()
    assert page.locator("#sources mark").count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat-answer.png"), full_page=True)


def test_clicking_a_citation_shows_its_source(page):
    link = page.locator("#chat a[href='#cite-1']").last
    link.click()
    page.wait_for_function("location.hash === '#cite-1'", timeout=5000)
    target = page.locator("#cite-1")
    assert target.is_visible() and "一分钟" in target.inner_text() or "视频" in target.inner_text()


def test_feedback_is_stored(page):
    page.locator("#chat button").last.click()  # 👍 is the last button under the last answer (label is localised)
    wait_text(page, "#feedback-status", "t.includes('谢谢')", timeout=10000)
    page.locator("#comment textarea").fill("引用很准确")
    page.locator("#send-comment").click()
    page.wait_for_timeout(1500)
    with sqlite3.connect(page.server.data_dir / "feedback.sqlite") as db:
        rows = db.execute("SELECT rating, comment, question, citations FROM feedback ORDER BY id").fetchall()
    assert rows[0][0] == 1 and rows[0][2] == "Sora最长能生成多长的视频？" and "一分钟" in rows[0][3]
    assert rows[-1][1] == "引用很准确"


def test_script_in_question_is_shown_not_run(page):
    ask(page, "<img src=x onerror=alert(1)><script>alert(2)</script>AIGC是什么？")
    wait_text(page, "#chat", "t.includes('<script>')", timeout=30000)
    page.wait_for_timeout(1000)
    assert page.dialogs == []
    page.screenshot(path=str(ARTIFACTS / "chat-escaped.png"), full_page=True)


def test_admin_upload_is_searchable_at_once(page, tmp_path):
    report = tmp_path / "测试证券 新报告.txt"
    report.write_text("测试证券:量子计算专题研究\n2024-05-06\n本报告认为量子计算机在2030年前将实现商用突破，"
                      "市场规模可达500亿元。\n", encoding="utf-8")
    page.locator("text=上传新报告").first.click()
    page.locator("#upload-files input[type=file]").set_input_files(str(report))
    wait_text(page, "#upload-status", "t.includes('已完成')", timeout=60000)
    ask(page, "量子计算机什么时候能实现商用突破？")
    wait_text(page, "#sources", "t.includes('测试证券')", timeout=30000)
    assert "2030" in page.locator("#chat").inner_text()


def test_bulk_upload_of_a_zip_reports_each_file(page, tmp_path):
    import zipfile

    bundle = tmp_path / "本周研报.zip"
    with zipfile.ZipFile(bundle, "w") as z:
        z.writestr("甲证券 储能专题.txt", "甲证券:储能专题研究\n2024-05-07\n本报告认为储能电池出货量2025年将达到300GWh。\n")
        z.writestr("乙证券 氢能专题.txt", "乙证券:氢能专题研究\n2024-05-08\n本报告认为电解槽市场规模2025年可达200亿元。\n")
        z.writestr("说明.exe", b"MZ")
    page.locator("#upload-files input[type=file]").set_input_files(str(bundle))
    wait_text(page, "#upload-status", "t.split('已完成').length == 3", timeout=60000)
    text = page.locator("#upload-status").inner_text()
    assert "说明.exe: 失败" in text and "不支持的文件类型" in text
    show_tab(page, "研报库")
    wait_text(page, "#library", "t.includes('乙证券')", timeout=10000)
    show_tab(page, "研报助手")


def test_library_tab_lists_and_searches_the_reports(page):
    show_tab(page, "研报库")
    table = page.locator("#library")
    table.wait_for(timeout=10000)
    wait_text(page, "#library", "t.includes('华鑫证券')", timeout=10000)
    assert "中信证券" in table.inner_text()
    page.locator("#library-search textarea, #library-search input").first.fill("华鑫")
    wait_text(page, "#library", "!t.includes('中信证券')", timeout=10000)
    assert "华鑫证券" in table.inner_text()
    show_tab(page, "研报助手")


def test_picker_filters_by_typed_text_and_shows_the_scope(page):
    show_tab(page, "研报助手")  # where the last test left it, or not if it failed
    picker = page.locator("#filter input").first
    picker.click()
    picker.fill("华鑫")
    option = page.locator("ul[role='listbox'] li, [role='option']").filter(has_text="华鑫证券").first
    option.wait_for(timeout=10000)
    assert page.locator("ul[role='listbox'] li, [role='option']").filter(has_text="中信证券").count() == 0
    option.click()
    wait_text(page, "#scope", "t.includes('已选 1 份')", timeout=10000)
