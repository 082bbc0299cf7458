"""The web chat at library scale, in a real headless Chromium: a few hundred small reports made for the test,
the library view searched, the picker filtered by a typed term, and a bulk upload whose files show their
states (queued → reading → indexed → embedded) while the chat keeps answering."""
import subprocess
import sys
import zipfile

import pytest

from support import ROOT
from test_browser import ask, opened, show_tab, wait_text
from test_web import Server

# one worker (of `-n 2`) runs this module: its module fixture (a server, a store) is built once
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser_library")]
N_REPORTS = 300
BROKERS = ["东吴证券", "国信证券", "华泰证券", "中金公司", "海通证券", "招商证券", "兴业证券", "光大证券"]
SECTORS = ["光伏", "储能", "半导体", "创新药", "医疗器械", "消费电子", "白酒", "汽车零部件", "军工", "化工新材料"]


def write_library(folder):
    """N_REPORTS one-paragraph reports: distinct titles, eight brokers, dates over three years."""
    folder.mkdir()
    for i in range(N_REPORTS):
        broker, sector = BROKERS[i % len(BROKERS)], SECTORS[i % len(SECTORS)]
        date = f"20{21 + i % 3}-{1 + i % 12:02d}-{1 + i % 27:02d}"
        (folder / f"r{i:03d}.txt").write_text(
            f"{broker}:{sector}行业跟踪第{i}期\n{date}\n本期{sector}行业样本公司{i}号的营业收入为{100 + i}亿元，"
            f"同比增长{i % 40 + 1}%，我们维持行业推荐评级。\n", encoding="utf-8")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    base = tmp_path_factory.mktemp("library")
    write_library(base / "reports")
    env = {"BOT_DATA_DIR": str(base / "data"), "OMP_WAIT_POLICY": "passive"}
    import os

    r = subprocess.run([sys.executable, "-m", "bot.cli", "ingest", str(base / "reports")], cwd=ROOT,
                       env={**os.environ, **env}, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0 and f"added {N_REPORTS}" in r.stdout + r.stderr, r.stderr[-2000:]
    server = Server(base / "data")
    try:
        with opened(server.url) as p:
            p.base = base
            yield p
    finally:
        server.stop()


def test_welcome_summarises_hundreds_of_reports(page):
    wait_text(page, "#welcome", f"t.includes('共 {N_REPORTS} 份研报')", timeout=30000)
    text = page.locator("#welcome").inner_text()
    assert "来自 8 家机构" in text and len(text.splitlines()) <= 20


def test_library_view_searches_hundreds_of_reports(page):
    show_tab(page, "研报库")
    wait_text(page, "#library", "t.includes('已完成')", timeout=30000)
    # the page's load has answered (it shows the admin's remove row): what is typed now is not raced by it
    page.locator("#remove").wait_for(state="visible", timeout=30000)
    page.locator("#library-search textarea, #library-search input").first.fill("行业跟踪第123期")
    wait_text(page, "#library", "t.includes('行业跟踪第123期') && !t.includes('行业跟踪第122期')", timeout=30000)
    text = page.locator("#library").inner_text()
    assert "行业跟踪第123期" in text and "r123.txt" in text
    show_tab(page, "研报助手")


def test_picker_filters_hundreds_of_reports_by_a_typed_term(page):
    show_tab(page, "研报助手")  # where the last test left it, or not if it failed
    picker = page.locator("#filter input").first
    picker.click()
    picker.fill("第207期")
    options = page.locator("ul[role='listbox'] li, [role='option']")
    options.filter(has_text="第207期").first.wait_for(timeout=30000)
    assert options.count() == 1
    options.first.click()
    wait_text(page, "#scope", "t.includes('已选 1 份')", timeout=30000)
    ask(page, "样本公司207号的营业收入是多少？")
    wait_text(page, "#chat", "t.includes('307亿元')", timeout=30000)
    page.locator("#filter").get_by_role("button").last.click()  # clear the selection for the next test


def test_bulk_upload_shows_each_files_state_and_the_chat_keeps_answering(page):
    bundle = page.base / "batch.zip"
    with zipfile.ZipFile(bundle, "w") as z:
        for i in range(6):
            z.writestr(f"新报告{i}.txt", f"测试证券:氢能专题第{i}期\n2024-06-0{i + 1}\n" +
                       f"第{i}期报告认为，电解槽{i}号项目的投资额为{40 + i}亿元，制氢成本有望下降。" * 80)
    show_tab(page, "研报助手")
    page.locator("text=上传新报告").first.click()
    page.evaluate("""() => { window.seen = []; new MutationObserver(() => {
        const el = document.querySelector('#upload-status'); if (el) window.seen.push(el.innerText); })
        .observe(document.body, {subtree: true, childList: true, characterData: true}); }""")
    page.locator("#upload-files input[type=file]").set_input_files(str(bundle))
    status = page.locator("#upload-status")
    wait_text(page, "#upload-status", "t.includes('新报告5.txt')", timeout=30000)
    ask(page, "样本公司12号的营业收入是多少？")  # the chat answers while the upload is ingested
    wait_text(page, "#chat", "t.includes('112亿元')", timeout=60000)
    wait_text(page, "#upload-status", "t.split('已完成').length == 7", timeout=180000)
    assert "失败" not in status.inner_text()
    seen = page.evaluate("window.seen")
    assert any("可按关键词检索" in t for t in seen), seen  # searchable before embedded, and the page said so
    show_tab(page, "研报库")
    page.locator("#library-search textarea, #library-search input").first.fill("氢能专题")
    wait_text(page, "#library", "t.includes('氢能专题第5期')", timeout=30000)
    show_tab(page, "研报助手")
