"""Web helpers that need no server: escaping, safe names, permissions, feedback and users stores."""
from hypothesis import given, strategies as st

from bot.feedback import FeedbackStore
from bot.users import Users
from bot.web import may_upload, paragraph_of, safe_name, to_markdown


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
