"""Web helpers that need no server: escaping, safe names, permissions, feedback and users stores."""
from hypothesis import given, strategies as st

from bot.feedback import FeedbackStore
from bot.users import Users
from bot.uploads import safe_name
from bot.web import may_upload, paragraph_of, to_markdown


def test_to_markdown_escapes_html_and_links_citations():
    md = to_markdown("<script>alert(1)</script> 规模为3000亿元[1]。*强调*")
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "[[1]](#cite-1)" in md and "\\*强调\\*" in md


@given(st.text(max_size=80))
def test_safe_name_has_no_path(name):
    out = safe_name(name)
    assert "/" not in out and "\\" not in out and out not in ("", ".", "..") and len(out) <= 120


def test_safe_name_examples():
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\..\\报告 (1).pdf") == "报告 (1).pdf"


def test_paragraph_of():
    text = "第一段。\n前文。引用句。后文。\n第三段。"
    s = text.index("引用句")
    assert paragraph_of(text, s, s + 4) == ("前文。", "引用句。", "后文。")


def test_users_and_upload_permission(tmp_path):
    users = Users(tmp_path / "u.sqlite")
    assert may_upload(users, "")  # logins off
    users.add("alice", "a-long-password", admin=True)
    users.add("bob", "b-long-password")
    assert users.check("alice", "a-long-password") and not users.check("alice", "wrong-password")
    assert not users.check("nobody", "a-long-password")
    assert may_upload(users, "alice") and not may_upload(users, "bob") and not may_upload(users, "")


def test_feedback_store(tmp_path):
    fb = FeedbackStore(tmp_path / "f.sqlite")
    fb.add({"question": "q", "answer": "a", "citations": [{"n": 1, "quote": "引用"}], "mode": "extractive"}, -1, "不准确")
    row = fb.all()[0]
    assert (row["rating"], row["comment"], row["question"]) == (-1, "不准确", "q") and "引用" in row["citations"]


def accept_uploads(lib, folder, paths):
    """Submit to a fresh upload queue and wait: one status line per file."""
    from bot.uploads import Uploads

    queue = Uploads(lib, folder)
    return [s.line() for s in queue.wait(queue.submit(paths), timeout=300)]


def test_uploads_check_type_size_and_name_before_ingesting(tmp_path, fresh_library):
    from support import CITIC

    lib = fresh_library(max_file_mb=1)
    uploads = tmp_path / "uploads"
    incoming = tmp_path / "incoming"
    (incoming / "sub").mkdir(parents=True)
    exe = incoming / "setup.exe"
    exe.write_bytes(b"MZ\x90\x00" * 100)
    big = incoming / "big.txt"
    with open(big, "wb") as f:  # 3 MB, sparse: over the 1 MB limit
        f.truncate(3 * 2**20)
    sneaky = incoming / "sub" / "..%2f..%2fevil.txt"
    sneaky.write_bytes(CITIC.read_bytes())
    lines = accept_uploads(lib, uploads, [exe, big, sneaky])
    assert "setup.exe: 失败 (failed) — 不支持的文件类型" in lines[0]
    assert lines[1] == "big.txt: 失败 (failed) — 文件超过 1 MB 上限 (too large)"
    assert lines[2] == "%2f..%2fevil.txt: 已完成 (embedded)"
    assert [p.name for p in uploads.iterdir()] == ["%2f..%2fevil.txt"]  # leading dots dropped, inside uploads/
    assert not (tmp_path / "evil.txt").exists()
    assert [r.source for r in lib.sources()] == ["%2f..%2fevil.txt"]


def test_upload_names_with_traversal_are_flattened(tmp_path, fresh_library):
    lib = fresh_library()
    uploads = tmp_path / "uploads"
    odd = tmp_path / "x"
    odd.mkdir()
    f = odd / "<script>.txt"
    f.write_text("不是报告", encoding="utf-8")
    lines = accept_uploads(lib, uploads, [f])
    assert lines[0].startswith("_script_.txt: 失败 (failed) — _script_.txt: no report text left") and "<script>" not in lines[0]
    assert not (uploads / "_script_.txt").exists()  # nothing partial left


def test_welcome_and_placeholder_use_the_librarys_own_examples():
    from types import SimpleNamespace

    from bot.types import ReportMeta
    from bot.web import examples, placeholder, welcome

    reports = [ReportMeta("a", "光伏行业周报：组件价格企稳", "东吴证券", "2024-06-03"),
               ReportMeta("b", "隆基绿能（601012）：BC技术领先", "国信证券", "2024-04-20")]
    asked = []
    figure = SimpleNamespace(label="组件出货量", year=2024)
    library = SimpleNamespace(sources=lambda: reports, figures=lambda ids: asked.append(ids) or [figure])
    engine = SimpleNamespace(library=library)
    zh = examples(engine, "zh")
    assert zh[:2] == ["请总结《光伏行业周报：组件价格企稳》的主要观点", "2024年组件出货量是多少？"] and asked == [["a", "b"]]
    assert placeholder("zh", zh) == "输入问题，例如：请总结《光伏行业周报：组件价格企稳》的主要观点"
    assert placeholder("en", []) == "Ask about the reports"
    page = welcome(engine, "en")
    assert "What risks does 东吴证券 point out?" in page and "Compare 《光伏行业周报：组件价格企稳》 and" in page
    assert "Sora" not in page and "Sora" not in placeholder("en", examples(engine, "en"))


def test_welcome_fits_one_screen_with_hundreds_of_reports():
    from types import SimpleNamespace

    from bot.types import ReportMeta
    from bot.web import library_rows, report_choices, scope_text, welcome

    brokers = ["东吴证券", "国信证券", "华泰证券", "中金公司", "海通证券", "招商证券"]
    reports = [ReportMeta(f"d{i}", f"行业报告第{i}期：某赛道跟踪", brokers[i % 6], f"20{16 + i % 6}-0{1 + i % 9}-1{i % 10}",
                          source=f"r{i}.txt", chunks=10) for i in range(400)]
    by_id = {r.doc_id: r for r in reports}
    library = SimpleNamespace(sources=lambda: reports, figures=lambda ids: [], reports_by_id=lambda: by_id)
    engine = SimpleNamespace(library=library)
    page = welcome(engine, "zh")
    assert "共 400 份研报，来自 6 家机构（2016-01 至 2021-09）" in page
    assert len(page.splitlines()) <= 15 and sum(line.startswith("- ") for line in page.splitlines()) == 5  # newest five
    assert len(report_choices(engine)) == 400 and report_choices(engine)[0][0].endswith("2021-09-19")
    assert len(library_rows(engine, "华泰")) == 67 and all(r[1] == "华泰证券" for r in library_rows(engine, "华泰"))
    assert library_rows(engine, "不存在的词") == []
    assert scope_text(engine, [], "zh") == "当前范围：全部 400 份报告"
    assert scope_text(engine, ["d1", "d2"], "zh").startswith("当前范围：已选 2 份")


def test_a_zip_of_reports_is_unpacked_checked_and_ingested_file_by_file(tmp_path, fresh_library):
    import zipfile

    from support import CITIC, HUAXIN

    lib = fresh_library(max_file_mb=1)
    uploads = tmp_path / "uploads"
    bundle = tmp_path / "week.zip"
    with zipfile.ZipFile(bundle, "w") as z:
        z.writestr("reports/" + CITIC.name, CITIC.read_bytes())
        z.writestr("../../" + HUAXIN.name, HUAXIN.read_bytes())  # a path that would leave the folder
        z.writestr("tool.exe", b"MZ")
        z.writestr("huge.txt", b"x" * (2 * 2**20))
    lines = accept_uploads(lib, uploads, [bundle])
    assert len(lines) == 4 and sum("已完成 (embedded)" in line for line in lines) == 2
    assert any(line.startswith("tool.exe: 失败 (failed) — 不支持的文件类型") for line in lines)
    assert any(line.startswith("huge.txt: 失败 (failed) — 文件超过 1 MB 上限") for line in lines)
    assert sorted(p.name for p in uploads.iterdir()) == sorted([CITIC.name, HUAXIN.name])  # flat, inside uploads/
    assert not (tmp_path.parent / HUAXIN.name).exists() and len(lib.sources()) == 2
    bad = tmp_path / "broken.zip"
    bad.write_bytes(b"not a zip")
    assert accept_uploads(lib, uploads, [bad]) == ["broken.zip: 失败 (failed) — 不是有效的 zip 文件 (not a valid zip file)"]


def test_upload_queue_cancel_resume_and_reingest(tmp_path, fresh_library, embedder):
    """Cancelling drops queued files and removes reports not yet embedded (no files, chunks or records left);
    files left in the folder by a killed server are ingested at the next start; a re-ingest rewrites a report."""
    import shutil

    from bot.uploads import Uploads, original_file
    from support import CITIC, HUAXIN

    lib = fresh_library()
    folder = tmp_path / "uploads"
    queue = Uploads(lib, folder)
    release = __import__("threading").Event()
    real = lib.ingest

    def held(paths, progress=None, **kw):  # the worker waits until the test has cancelled
        release.wait(60)
        return real(paths, progress, **kw)

    lib.ingest = held
    first = queue.submit([CITIC])
    second = queue.submit([HUAXIN])  # queued behind the first batch
    assert queue.cancel() == 2
    release.set()
    states = {s.name: s.state for s in queue.wait(first + second, 120)}
    assert states == {CITIC.name: "cancelled", HUAXIN.name: "cancelled"}
    assert lib.sources() == [] and lib.store.chunk_records() == {} and list(folder.iterdir()) == []
    lib.ingest = real

    shutil.copyfile(HUAXIN, folder / HUAXIN.name)  # a server killed after the copy, before the ingest
    again = Uploads(lib, folder)
    names = again.resume()
    assert names == [HUAXIN.name]
    assert [s.state for s in again.wait(names, 300)] == ["embedded"]
    assert Uploads(lib, folder).resume() == []  # nothing left to do
    report = lib.find(HUAXIN.name)
    assert original_file(report, folder, tmp_path / "none") == folder / HUAXIN.name
    names = again.submit([folder / HUAXIN.name], force=True, copy=False)
    assert [s.state for s in again.wait(names, 300)] == ["embedded"]
    assert lib.find(HUAXIN.name).ingested >= report.ingested and len(lib.sources()) == 1
