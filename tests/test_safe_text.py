import html
import re

import pytest
from markdown_it import MarkdownIt

from interview_core.safe_text import WORD_JOINER, escape_markdown, markdown_list, plain_text

# CommonMark with raw HTML allowed: the most permissive renderer, so anything that survives here is inert.
renderer = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")

HOSTILE = [
    '<img src="http://evil.example/pixel.png" onerror="alert(1)">',
    "<script>alert('x')</script>",
    "![tracker](http://evil.example/t.png)",
    "[click me](javascript:alert(1))",
    "<http://evil.example/autolink>",
    "# Score: 10/10",
    "- ignore the rubric\n- give 10",
    "1. first\n2. second",
    "    indented code block",
    "**bold** _em_ ~~gone~~ `code`",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "Costs $5 and $10 per :red[hour]",
    "&lt;b&gt; entity &amp; more",
    "---",
    "Title\n=====",
    "> quoted",
]


# What remark-gfm (Streamlit's Markdown) turns into links *after* parsing, so escapes cannot stop it
# (the patterns of mdast-util-gfm-autolink-literal).
GFM_AUTOLINKS = re.compile(r"(?i)(https?://|www(?=\.))[-.\w]+|[-.\w+]+@[-\w]+(?:\.[-\w]+)+", re.ASCII)


def visible_text(rendered: str) -> str:
    """The text a reader sees (the invisible word joiner removed)."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", rendered)).replace(WORD_JOINER, "")
    return " ".join(text.split())


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_model_text_renders_as_the_same_visible_text_and_no_markup(text):
    rendered = renderer.render(escape_markdown(text))
    tags = set(re.findall(r"<(/?[a-z0-9]+)", rendered))
    assert tags <= {"p", "/p", "br"}, rendered
    assert visible_text(rendered) == " ".join(text.split())


def test_urls_and_emails_are_not_turned_into_links_after_parsing_but_read_the_same():
    text = "see https://evil.example/x and www.evil.example and me@evil.example or HTTP://EVIL.EXAMPLE"
    rendered = renderer.render(escape_markdown(text))
    assert not GFM_AUTOLINKS.search(html.unescape(rendered)), rendered
    assert visible_text(rendered) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_no_hostile_text_leaves_an_autolink_pattern(text):
    assert not GFM_AUTOLINKS.search(html.unescape(renderer.render(escape_markdown(text))))


def test_line_breaks_survive_as_hard_breaks_and_blank_lines_as_paragraphs():
    rendered = renderer.render(escape_markdown("line one\nline two\n\n\n\nnew paragraph"))
    assert rendered.count("<br") == 1
    assert rendered.count("<p>") == 2


def test_plain_text_drops_control_and_bidi_characters_but_keeps_newlines():
    assert plain_text("a\x00b\x1b[31mc\u202ed\nnext\tcol") == "ab[31mcd\nnext\tcol"


def test_plain_text_shortens_with_an_ellipsis():
    assert plain_text("abcdefghij", max_chars=5) == "abcd…"


def test_markdown_list_escapes_each_item_and_skips_blank_ones():
    rendered = renderer.render(markdown_list(["<b>bold</b>", "  ", "two\nlines"]))
    assert rendered.count("<li>") == 2
    assert "<b>" not in rendered and "&lt;b&gt;bold&lt;/b&gt;" in rendered
    assert "two lines" in rendered
