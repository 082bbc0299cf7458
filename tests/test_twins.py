"""Near-copies: one report stored twice under two names is kept twice, linked, and counted as one source."""
from dataclasses import replace
from types import SimpleNamespace

from bot.answer import Engine
from bot.ingest.twins import NEAR, current, similarity, sketch

# reports of a few thousand characters, as real ones are (a small edit then changes a small share of the text)
BODY = "本报告认为，氢能产业链正处于商业化前夜。2023年国内电解槽出货量约为1.2GW，同比增长120%。" + "".join(
    f"第{i}节：示范项目{i}号的制氢规模为{i * 7 % 90 + 10}千吨，碱性电解槽单价为每千瓦{1500 + i * 13}元，"
    f"配套光伏装机{i * 3 % 50 + 5}万千瓦。" for i in range(40)) + "风险提示：政策推进不及预期，技术降本不及预期。"
OTHER = "本报告认为，储能电池出货量快速增长。2023年国内储能电池出货量约为200GWh，同比增长50%。" + "".join(
    f"第{i}节：样本电站{i}号的储能容量为{i * 11 % 70 + 20}兆瓦时，系统单价为每瓦时{i % 9 + 1}.{i % 7}元，"
    f"循环寿命{6000 + i * 17}次。" for i in range(40)) + "风险提示：需求不及预期。"


def write(folder, name, head, body):
    (folder / name).write_text(head + body, encoding="utf-8")


def test_sketches_tell_a_near_copy_from_another_report():
    a = sketch(BODY)
    assert similarity(a, a) == 1.0
    assert similarity(a, sketch("转载说明：本文转自某平台。" + BODY.replace("约为1.2GW", "为1.2GW"))) >= NEAR
    assert similarity(a, sketch(OTHER)) < 0.2
    assert sketch("太短") == "" and similarity("", a) == 0.0


def test_a_near_copy_is_kept_linked_and_quoted_once(tmp_path, fresh_library):
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "a.txt", "甲证券:氢能专题研究\n2024-06-01\n", BODY)
    # the same report reposted: another title line and one sentence worded a little differently
    write(folder, "b.txt", "某平台转载:氢能产业深度\n2024-06-03\n", BODY.replace("约为1.2GW", "为1.2GW"))
    write(folder, "c.txt", "乙证券:储能专题研究\n2024-06-02\n", OTHER)
    lib = fresh_library()
    s = lib.ingest([folder])
    assert (s.added, s.duplicates, s.failed) == (3, 0, [])  # nothing dropped: a copy may be an update
    by_source = {r.source: r for r in lib.sources()}
    assert by_source["b.txt"].twin_of == by_source["a.txt"].doc_id
    assert by_source["a.txt"].twin_of == "" and by_source["c.txt"].twin_of == ""
    assert any(n.startswith("b.txt: nearly the same text as a.txt") for n in s.notes), s.notes
    assert "sketch" not in by_source["a.txt"].to_dict()  # hashes are for the store, not for `bot list --json`

    ans = Engine(lib).ask("国内2023年的电解槽出货量是多少？", mode="extractive")
    assert "1.2GW" in ans.answer.splitlines()[0]
    assert len({c.source for c in ans.citations} & {"a.txt", "b.txt"}) == 1, [c.source for c in ans.citations]

    from bot.web import library_rows
    rows = {row[-1]: row for row in library_rows(SimpleNamespace(library=lib))}
    assert "几乎相同" in rows["b.txt"][6] and "甲证券:氢能专题研究" not in rows["a.txt"][6]
    assert "几乎相同" not in rows["a.txt"][6] and "几乎相同" not in rows["c.txt"][6]


def test_a_store_written_before_sketches_gets_them_when_its_files_are_read_again(tmp_path, fresh_library):
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "a.txt", "甲证券:氢能专题研究\n2024-06-01\n", BODY)
    write(folder, "b.txt", "某平台转载:氢能产业深度\n2024-06-03\n", BODY.replace("约为1.2GW", "为1.2GW"))
    lib = fresh_library()
    lib.ingest([folder])
    # no sketch at all, or one of another format (hex, untagged), is made again
    lib.store.mark_reports([replace(r, sketch="" if r.source == "a.txt" else "00d92f68" * 64, twin_of="")
                            for r in lib.store.list_reports()])
    again = lib.ingest([folder])
    assert (again.added, again.unchanged, again.replaced, again.chunks_added) == (0, 2, 0, 0)  # nothing re-embedded
    by_source = {r.source: r for r in lib.store.list_reports()}
    assert all(current(r.sketch) for r in by_source.values())
    assert by_source["b.txt"].twin_of == by_source["a.txt"].doc_id


def test_the_cli_says_which_report_a_near_copy_repeats(tmp_path):
    import json
    import os
    import subprocess
    import sys

    from support import ROOT

    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "a.txt", "甲证券:氢能专题研究\n2024-06-01\n", BODY)
    write(folder, "b.txt", "某平台转载:氢能产业深度\n2024-06-03\n", BODY.replace("约为1.2GW", "为1.2GW"))
    env = {**os.environ, "BOT_DATA_DIR": str(tmp_path / "data"), "OMP_WAIT_POLICY": "passive"}

    def bot(*args):
        return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=600)

    r = bot("ingest", str(folder))
    assert r.returncode == 0 and "added 2" in r.stdout, r.stderr[-2000:]
    assert "note: b.txt: nearly the same text as a.txt" in r.stderr
    (folder / "c.txt").write_text((folder / "a.txt").read_text(encoding="utf-8"), encoding="utf-8")
    said = json.loads(bot("ingest", "--json", str(folder)).stdout)  # an exact copy is skipped, and --json says so
    assert said["duplicates"] == 1 and any(n.startswith("c.txt: same text as a.txt") for n in said["notes"])
    line = next(x for x in bot("sources").stdout.splitlines() if "[b.txt]" in x)
    assert "nearly the same as [a.txt]" in line
    rows = {x["source"]: x for x in json.loads(bot("sources", "--json").stdout)}
    assert rows["b.txt"]["twin_of"] == rows["a.txt"]["doc_id"] and "sketch" not in rows["b.txt"]


def test_an_upload_of_a_near_copy_says_which_report_it_repeats(tmp_path, fresh_library):
    from test_web_units import accept_uploads

    incoming = tmp_path / "incoming"
    incoming.mkdir()
    write(incoming, "a.txt", "甲证券:氢能专题研究\n2024-06-01\n", BODY)
    write(incoming, "b.txt", "某平台转载:氢能产业深度\n2024-06-03\n", BODY.replace("约为1.2GW", "为1.2GW"))
    lines = accept_uploads(fresh_library(), tmp_path / "uploads", [incoming / "a.txt", incoming / "b.txt"])
    assert lines[0] == "a.txt: 已完成 (embedded)"
    assert lines[1].startswith("b.txt: 已完成 (embedded) — 与 a.txt 内容几乎相同"), lines
