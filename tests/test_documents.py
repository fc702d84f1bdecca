import io
import zipfile

import pytest
from docx import Document
from PIL import Image
from pypdf import PdfReader, PdfWriter

from interview_core.documents import MAX_UPLOAD_BYTES, extract_text
from interview_core.errors import InvalidInput


def text_pdf(*lines: str) -> bytes:
    """A minimal one-page PDF whose text layer holds `lines` (Helvetica)."""
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in escaped) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def docx_bytes() -> bytes:
    document = Document()
    document.add_paragraph("Jane Doe, backend engineer")
    document.add_paragraph("Built payment APIs with FastAPI and PostgreSQL.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Python"
    table.rows[0].cells[1].text = "8 years"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def message(filename: str, data: bytes, **kwargs) -> str:
    with pytest.raises(InvalidInput) as caught:
        extract_text(filename, data, **kwargs)
    return str(caught.value)


def test_pdf_resume_text_is_extracted():
    text = extract_text("cv.pdf", text_pdf("Jane Doe", "Senior backend engineer (Python)"))
    assert "Jane Doe" in text and "Senior backend engineer (Python)" in text


def test_docx_paragraphs_and_table_cells_are_extracted():
    text = extract_text("cv.docx", docx_bytes())
    assert "Built payment APIs with FastAPI and PostgreSQL." in text
    assert "Python | 8 years" in text


@pytest.mark.parametrize(
    "data",
    [
        "Café résumé: naïve Zürich engineer\n".encode(),
        "Café résumé: naïve Zürich engineer\n".encode("cp1252"),
        "Café résumé: naïve Zürich engineer\n".encode("utf-16"),
        b"\xef\xbb\xbf" + "Café résumé: naïve Zürich engineer\n".encode(),
    ],
    ids=["utf-8", "windows-1252", "utf-16-bom", "utf-8-bom"],
)
def test_text_files_in_common_encodings_read_correctly(data):
    assert extract_text("cv.txt", data) == "Café résumé: naïve Zürich engineer"


def test_text_is_tidied_without_losing_lines():
    assert (
        extract_text("jd.txt", b"  Role  \r\n\r\n\r\n\r\nDuties:\tbuild things  \n") == "Role\n\nDuties:\tbuild things"
    )


def test_utf16_without_a_byte_order_mark_is_not_mistaken_for_text_with_nuls():
    assert "binary" in message("cv.txt", "plain words here".encode("utf-16-le"))


def test_empty_file_says_it_is_empty():
    assert "is empty" in message("cv.pdf", b"", what="resume")


def test_huge_file_names_the_limit():
    text = message("cv.txt", b"a" * (MAX_UPLOAD_BYTES + 1))
    assert "the limit is 5 MB" in text


def test_text_longer_than_the_field_allows_names_both_sizes():
    text = message("jd.txt", b"x" * 15_000, max_chars=10_000, what="job description")
    assert "job description jd.txt has 15,000 characters" in text and "the limit is 10,000" in text


def test_binary_bytes_named_txt_are_refused():
    assert "binary file" in message("cv.txt", bytes(range(256)) * 20)


def test_image_named_pdf_is_called_mislabelled():
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, format="PNG")
    assert "named .pdf but it is a PNG image" in message("cv.pdf", png.getvalue())


def test_word_document_named_pdf_is_called_mislabelled():
    assert "named .pdf but it is a Word (.docx) document" in message("cv.pdf", docx_bytes())


def test_pdf_named_txt_is_called_mislabelled():
    assert "named .txt but it is a PDF" in message("cv.txt", text_pdf("hello"))


def test_unsupported_extension_lists_what_is_accepted():
    assert "not a PDF, DOCX or TXT" in message("cv.odt", b"hello")
    assert "Save it as .docx" in message("cv.doc", b"\xd0\xcf\x11\xe0rest")


def test_password_protected_pdf_says_so():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf("secret resume"))))
    writer.encrypt(user_password="hunter2", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    assert "password-protected" in message("cv.pdf", out.getvalue())


def test_scanned_image_pdf_says_there_is_no_text():
    out = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(out, format="PDF")
    assert "scanned image" in message("scan.pdf", out.getvalue())


def test_damaged_pdf_says_it_could_not_be_read():
    assert "could not be read as a PDF" in message("cv.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 10)


def test_zip_that_is_not_a_word_document_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert "ZIP archive" in message("cv.docx", out.getvalue())


def test_every_refusal_tells_the_candidate_what_to_do():
    refusals = [
        message("cv.pdf", b""),
        message("cv.txt", bytes(range(256)) * 20),
        message("cv.pdf", docx_bytes()),
        message("cv.odt", b"x"),
    ]
    assert all("paste the text" in text.lower() or "upload" in text.lower() for text in refusals)
