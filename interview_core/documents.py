"""Uploaded resume or job description -> plain text (PDF, DOCX or TXT).

Every problem a candidate can cause (empty, huge, binary, mislabelled,
encrypted or scanned files) ends in `InvalidInput` with a sentence saying
what happened and what to do; nothing else escapes from here.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import zipfile
from pathlib import PurePath

from .errors import InvalidInput
from .safe_text import plain_text

log = logging.getLogger("interview_core.documents")

#: same as server.maxUploadSize in .streamlit/config.toml
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: a resume or JD longer than this many pages is not a resume or JD; reading stops there
MAX_PDF_PAGES = 30
#: a DOCX that inflates past this is refused before parsing (zip bombs)
MAX_DOCX_UNPACKED_BYTES = 50 * 1024 * 1024
SUPPORTED_EXTENSIONS = ("pdf", "docx", "txt")

_PDF_MAGIC = b"%PDF-"
_ZIP_MAGIC = b"PK\x03\x04"
_KNOWN_BINARIES = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\xd0\xcf\x11\xe0": "an old Word (.doc) or Excel file",
    b"{\\rtf": "an RTF document",
}


def extract_text(filename: str, data: bytes, *, max_chars: int | None = None, what: str = "file") -> str:
    """The text of an uploaded PDF, DOCX or TXT, tidied; `what` names it in messages ("resume")."""
    name = PurePath(filename or "upload").name
    extension = PurePath(name).suffix.lower().lstrip(".")
    if not data:
        raise InvalidInput(f"The {what} {name} is empty. Choose another file or paste the text instead.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput(
            f"The {what} {name} is {len(data) / 1_048_576:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 1_048_576} MB. "
            "Upload a shorter version or paste the text instead."
        )
    if extension not in SUPPORTED_EXTENSIONS:
        hint = " Save it as .docx (File → Save as) and upload that." if extension == "doc" else ""
        raise InvalidInput(f"{name} is not a PDF, DOCX or TXT file.{hint} You can also paste the text instead.")
    actual = _sniff(data)
    if actual != extension and not (extension == "txt" and actual == "text"):
        raise InvalidInput(
            f"{name} is named .{extension} but it is {_describe(actual, data)}. "
            "Upload the original PDF, DOCX or TXT file, or paste the text instead."
        )
    reader = {"pdf": _pdf_text, "docx": _docx_text, "txt": _txt_text}[extension]
    text = _tidy(reader(name, data))
    if not text:
        raise InvalidInput(f"No text was found in {name}. Paste the text instead.")
    if max_chars is not None and len(text) > max_chars:
        raise InvalidInput(
            f"The {what} {name} has {len(text):,} characters of text; the limit is {max_chars:,}. "
            "Upload or paste a shorter version."
        )
    return text


def _sniff(data: bytes) -> str:
    """What the bytes really are: pdf, docx, zip, binary or text."""
    head = data[:1024]
    if head.lstrip()[:5] == _PDF_MAGIC:
        return "pdf"
    if head.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "docx" if "word/document.xml" in archive.namelist() else "zip"
        except zipfile.BadZipFile:
            return "binary"
    if any(head.startswith(magic) for magic in _KNOWN_BINARIES):
        return "binary"
    return "text" if _decode(data) is not None else "binary"


def _describe(kind: str, data: bytes) -> str:
    for magic, label in _KNOWN_BINARIES.items():
        if data.startswith(magic):
            return label
    return {
        "pdf": "a PDF",
        "docx": "a Word (.docx) document",
        "zip": "a ZIP archive",
        "text": "plain text",
        "binary": "a binary file, not text",
    }[kind]


def _pdf_text(name: str, data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileNotDecryptedError("password required")
        pages = reader.pages[:MAX_PDF_PAGES]
        text = "\n\n".join(page.extract_text() or "" for page in pages)
        page_count = len(reader.pages)
    except (FileNotDecryptedError, DependencyError) as exc:
        raise InvalidInput(
            f"{name} is password-protected. Save an unprotected copy (or print it to PDF) and upload that, "
            "or paste the text instead."
        ) from exc
    except InvalidInput:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        log.info("unreadable PDF upload: %s", type(exc).__name__)
        raise InvalidInput(
            f"{name} could not be read as a PDF (the file looks damaged). Paste the text instead."
        ) from exc
    if not text.strip() and page_count:
        raise InvalidInput(
            f"{name} contains no selectable text: it looks like a scanned image. "
            "Upload a PDF exported from your editor, or paste the text instead."
        )
    return text


def _docx_text(name: str, data: bytes) -> str:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_DOCX_UNPACKED_BYTES:
            raise InvalidInput(f"{name} unpacks to far more than a resume; upload a shorter document.")
    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise InvalidInput(f"{name} could not be read as a Word document. Paste the text instead.") from exc
    except Exception as exc:  # lxml raises its own parse errors on damaged XML
        log.info("unreadable DOCX upload: %s", type(exc).__name__)
        raise InvalidInput(f"{name} could not be read as a Word document. Paste the text instead.") from exc
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells]
            # merged cells repeat their text in every cell they span
            parts.append(" | ".join(dict.fromkeys(cell for cell in cells if cell)))
    return "\n".join(parts)


def _txt_text(name: str, data: bytes) -> str:
    text = _decode(data)
    if text is None:
        raise InvalidInput(f"{name} is not readable text. Save it as UTF-8 text, or paste the text instead.")
    return text


def _decode(data: bytes) -> str | None:
    """Decode text whatever its encoding; None when the bytes are not text."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        encoding = _guess_encoding(data[:200_000])
        if encoding is None:
            return None
        text = data.decode(encoding, errors="replace")
    return text if _looks_like_text(text) else None


def _guess_encoding(sample: bytes) -> str | None:
    """The likeliest legacy encoding; Windows-1252 wins ties, being what most non-UTF-8 resumes use."""
    from charset_normalizer import from_bytes

    matches = list(from_bytes(sample))
    if not matches:
        return None
    least_chaos = min(match.chaos for match in matches)
    tied = [match.encoding for match in matches if match.chaos <= least_chaos]
    return "cp1252" if "cp1252" in tied else matches[0].encoding


def _looks_like_text(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return True
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls / len(sample) < 0.01


def _tidy(text: str) -> str:
    """Plain text with tidy whitespace: trailing spaces gone, at most one blank line in a row."""
    lines = [line.rstrip() for line in plain_text(text).replace("\f", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
