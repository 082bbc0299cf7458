import codecs
import os

import pytest

from bot.errors import IngestError
from bot.ingest.clean import clean_text
from bot.ingest.load import decode_text, load_text
from support import CITIC, HUAXIN

MB = 2**20


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-16", "utf-8-sig", "utf-16-be"])
def test_encodings_decode_to_the_same_text(tmp_path, encoding):
    text = CITIC.read_text(encoding="utf-8")
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    f = tmp_path / "copy.txt"
    f.write_bytes(data)
    assert load_text(f, 20 * MB) == text


def test_gb18030_copy_cleans_to_the_same_text(tmp_path):
    text = HUAXIN.read_text(encoding="utf-8")
    f = tmp_path / "gb.txt"
    f.write_bytes(text.encode("gb18030"))
    assert clean_text(load_text(f, 20 * MB)).text == clean_text(text).text


def test_empty_file_is_refused(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    with pytest.raises(IngestError, match="empty"):
        load_text(f, MB)


def test_binary_junk_with_text_extension_is_refused(tmp_path):
    f = tmp_path / "junk.txt"
    f.write_bytes(os.urandom(4096))
    with pytest.raises(IngestError, match="binary|encoding"):
        load_text(f, MB)


def test_oversized_file_is_refused_without_reading(tmp_path, monkeypatch):
    f = tmp_path / "huge.txt"
    with open(f, "wb") as fh:
        fh.truncate(21 * MB)  # sparse: no 21 MB written
    from pathlib import Path

    def boom(self):
        raise AssertionError("read_bytes called on an oversized file")

    monkeypatch.setattr(Path, "read_bytes", boom)
    with pytest.raises(IngestError, match="over the 20 MB limit"):
        load_text(f, 20 * MB)


def test_fake_pdf_is_refused(tmp_path):
    f = tmp_path / "fake.pdf"
    f.write_text("this is not a pdf at all")
    with pytest.raises(IngestError, match="not a PDF"):
        load_text(f, MB)


def _pdf(text: str | None) -> bytes:
    """A minimal valid one-page PDF, with a text layer when `text` is given."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode() if text else b""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_pdf_text_layer(tmp_path):
    f = tmp_path / "r.pdf"
    f.write_bytes(_pdf("Sora can generate videos up to one minute long."))
    assert "one minute" in load_text(f, MB)


def test_pdf_without_text_layer_is_refused(tmp_path):
    f = tmp_path / "scan.pdf"
    f.write_bytes(_pdf(None))
    with pytest.raises(IngestError, match="no text layer"):
        load_text(f, MB)


def test_docx(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("华鑫证券研究报告")
    d.add_paragraph("Sora能够生成一分钟的视频。")
    f = tmp_path / "r.docx"
    d.save(f)
    text = load_text(f, MB)
    assert "Sora能够生成一分钟的视频。" in text and "华鑫证券研究报告" in text


def test_broken_docx_is_refused(tmp_path):
    f = tmp_path / "r.docx"
    f.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(IngestError, match="not a valid .docx"):
        load_text(f, MB)


def test_html_drops_scripts_and_navigation(tmp_path):
    f = tmp_path / "r.html"
    f.write_text("<html><head><title>报告</title><script>alert('x')</script></head><body><nav>首页 登录</nav>"
                 "<p>Sora能够生成一分钟的视频。</p><footer>京ICP备123号</footer></body></html>", encoding="utf-8")
    text = load_text(f, MB)
    assert "Sora能够生成一分钟的视频。" in text
    assert "alert" not in text and "京ICP备" not in text and "登录" not in text


def test_unsupported_extension(tmp_path):
    f = tmp_path / "r.xlsx"
    f.write_bytes(b"x")
    with pytest.raises(IngestError, match="unsupported"):
        load_text(f, MB)


def test_decode_rejects_nul_bytes():
    with pytest.raises(IngestError):
        decode_text(b"abc\x00\x00\x01def" * 10)
