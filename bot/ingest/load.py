"""Load a report file into raw text: format by extension, encoding detected.

Every failure is an IngestError whose message names the file and the problem.
"""
from __future__ import annotations

import codecs
import io
from pathlib import Path

from charset_normalizer import from_bytes

from ..errors import IngestError

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".pdf", ".docx"}
SIDECAR_SUFFIX = ".meta.json"


def is_report_file(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES and not path.name.endswith(SIDECAR_SUFFIX) and not path.name.startswith(".")


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """Read a file, refusing (without reading) anything over the size limit."""
    try:
        size = path.stat().st_size
    except OSError as e:
        raise IngestError(f"{path.name}: cannot be read ({e.strerror}).") from None
    if size > max_bytes:
        raise IngestError(f"{path.name}: {size / 2**20:.1f} MB is over the {max_bytes / 2**20:.0f} MB limit (BOT_MAX_FILE_MB).")
    if size == 0:
        raise IngestError(f"{path.name}: the file is empty.")
    try:
        return path.read_bytes()
    except OSError as e:
        raise IngestError(f"{path.name}: cannot be read ({e.strerror}).") from None


_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode_text(data: bytes, name: str = "file") -> str:
    """Decode text bytes: BOM first, then strict UTF-8, then charset-normalizer.

    Chinese legacy encodings are decoded as GB18030, the superset of GBK and GB2312,
    so a character outside GBK does not break a file labelled GBK.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    if b"\x00" in data[:4096]:
        raise IngestError(f"{name}: looks like a binary file, not text.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # GB18030 decodes nearly any byte soup, so only trust it when it yields mostly CJK text.
    best = from_bytes(data).best()
    enc = (best.encoding if best else "").lower()
    if enc in {"gbk", "gb2312", "gb18030", "hz", "cp936"} or not best:
        enc = "gb18030"
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        raise IngestError(f"{name}: the text encoding could not be recognised (tried UTF-8, GB18030 and detection).") from None
    if _looks_binary(text):
        raise IngestError(f"{name}: looks like a binary file, not text.")
    return text


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t\f") or ch == "\ufffd" or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad / len(sample) > 0.02


def html_to_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "footer", "header", "aside", "form", "iframe", "svg", "button"]):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else ""
    if soup.title:
        soup.title.decompose()
    body = soup.get_text("\n")
    return (title + "\n" + body) if title and title not in body[:500] else body


def pdf_to_text(data: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.startswith(b"%PDF"):
        raise IngestError(f"{name}: is not a PDF file (no %PDF header).")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise IngestError(f"{name}: the PDF is encrypted.")
        pages = [(p.extract_text() or "") for p in reader.pages]
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        raise IngestError(f"{name}: the PDF is damaged and cannot be read ({type(e).__name__}).") from None
    text = "\n\n".join(p.strip() for p in pages)
    if not text.strip():
        raise IngestError(f"{name}: the PDF has no text layer (a scan?); OCR it first.")
    return text


def docx_to_text(data: bytes, name: str) -> str:
    import zipfile

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise IngestError(f"{name}: is not a valid .docx file ({type(e).__name__}).") from None
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text.strip() for cell in row.cells))
    return "\n\n".join(parts)


def load_text(path: Path, max_bytes: int) -> str:
    """Raw text of one report file (before cleaning)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise IngestError(f"{path.name}: unsupported file type {suffix or '(none)'}; use .txt, .md, .html, .pdf or .docx.")
    data = read_bytes(path, max_bytes)
    if suffix == ".pdf":
        return pdf_to_text(data, path.name)
    if suffix == ".docx":
        return docx_to_text(data, path.name)
    text = decode_text(data, path.name)
    if suffix in HTML_SUFFIXES:
        text = html_to_text(text)
    return text
