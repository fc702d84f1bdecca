"""Make model and candidate text inert before it is rendered as Markdown.

Streamlit renders Markdown (GitHub flavour plus its own extras: `:red[...]`
directives, `$...$` maths). Model output must show up exactly as written
and never become HTML, an image the browser fetches, a link, or a heading.
`escape_markdown` backslash-escapes every character that could start
such syntax, breaks the patterns GitHub-flavoured Markdown turns into links
on its own (`http://`, `www.`, `a@b.c`) with an invisible word joiner, and
keeps the line breaks. Whole blocks of such text are better shown with
`st.text`, which parses nothing; `plain_text` prepares them.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that start Markdown, HTML, Streamlit directives or maths wherever they appear.
_ALWAYS = re.compile(r"([\\`*_{}\[\]<>!|~$&#])")
# GitHub-flavoured Markdown turns "http://x", "www.x" and "a@b.c" in plain text into links after parsing,
# so escapes cannot stop it; an invisible WORD JOINER (U+2060) inside each pattern does.
WORD_JOINER = "\u2060"
_SCHEME = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*):(?=//)")
_WWW = re.compile(r"(?i)\b(www)(?=\.)")
_AT = re.compile(r"@")
# Block syntax that only matters at the start of a line.
_LINE_START = re.compile(r"^([-+=])")
_ORDERED = re.compile(r"^(\d+)([.)])")
# Bidirectional overrides can make text read differently from what is stored.
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), None)


def plain_text(text: object, *, max_chars: int | None = None) -> str:
    """Text with control characters, NULs and bidi overrides removed; other whitespace kept."""
    if text is None:
        return ""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n").translate(_BIDI)
    value = "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    if max_chars is not None and len(value) > max_chars:
        value = value[: max_chars - 1].rstrip() + "…"
    return value


def escape_markdown(text: object) -> str:
    """Markdown that renders as exactly `text`: no HTML, images, links, headings or lists."""
    lines = []
    for raw_line in plain_text(text).split("\n"):
        # Leading spaces would turn a line into a code block; tabs likewise.
        line = raw_line.strip()
        line = _ALWAYS.sub(r"\\\1", line)
        line = _SCHEME.sub(rf"\1:{WORD_JOINER}", line)
        line = _WWW.sub(rf"\1{WORD_JOINER}", line)
        line = _AT.sub(f"{WORD_JOINER}@", line)
        line = _LINE_START.sub(r"\\\1", line)
        line = _ORDERED.sub(r"\1\\\2", line)
        lines.append(line)
    # Blank lines stay paragraph breaks; single newlines become hard line breaks.
    paragraphs = "\n".join(lines).strip("\n")
    paragraphs = re.sub(r"\n{3,}", "\n\n", paragraphs)
    return re.sub(r"(?<!\n)\n(?!\n)", "  \n", paragraphs)


def markdown_list(items: list[str]) -> str:
    """A Markdown bullet list whose items are escaped text."""
    return "\n".join(f"- {escape_markdown(' '.join(str(item).split()))}" for item in items if str(item).strip())
