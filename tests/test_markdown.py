"""Safe Markdown: what Markdown and Chatbot text looks like on the page, and what never gets in."""

import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.utils.safestring import SafeString

import blocksstate
from blocksstate.markdown import render_markdown


class ElementCollector(HTMLParser):
    """Collect the elements (tag and attributes) a browser would build from some HTML."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def test_common_markdown_is_rendered():
    html = render_markdown(
        "Some **bold** and *italic* text with `code`.\n\n"
        "- first\n- second\n\n"
        "1. one\n2. two\n\n"
        "```\nprint('hi')\n```\n\n"
        "# Title"
    )

    assert "<strong>bold</strong>" in html
    assert "<em>italic</em>" in html
    assert "<code>code</code>" in html
    assert "<ul>\n<li>first</li>\n<li>second</li>\n</ul>" in html
    assert "<ol>" in html and "<li>two</li>" in html
    assert "<pre><code>print('hi')\n</code></pre>" in html
    assert "<h1>Title</h1>" in html


def test_links_open_without_handing_over_the_page():
    html = render_markdown("See [the docs](https://example.org/docs?a=1&b=2).")

    assert (
        '<a href="https://example.org/docs?a=1&amp;b=2" rel="noopener noreferrer">the docs</a>'
        in html
    )


def test_tables_are_rendered():
    html = render_markdown("| Item | Qty |\n|------|-----|\n| Milk | 2 |")

    assert "<table>" in html and "<th>Item</th>" in html and "<td>Milk</td>" in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script>",
        "before <script src=//evil.example/x.js></script> after",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">click</a>',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "![x](javascript:alert(1))",
        "<iframe src=https://evil.example></iframe>",
        "<div onclick=alert(1)>hi</div>",
        "<svg><script>alert(1)</script></svg>",
    ],
)
def test_html_and_script_urls_never_come_through(text):
    html = render_markdown(text)

    elements = ElementCollector(html).elements
    assert {tag for tag, _ in elements} <= {"p"}, html
    assert all(not attrs for _, attrs in elements), html


def test_raw_html_is_shown_as_text():
    assert render_markdown("<b>hi</b>") == "<p>&lt;b&gt;hi&lt;/b&gt;</p>\n"


def test_result_is_safe_to_insert_in_a_template():
    assert isinstance(render_markdown("*x*"), SafeString)


@pytest.mark.parametrize("text", [None, ""])
def test_nothing_renders_as_nothing(text):
    assert render_markdown(text) == ""


# -- the client's renderer (static/blocksstate/markdown.js), for values from the socket ----------

MARKDOWN_JS = Path(blocksstate.__file__).parent / "static" / "blocksstate" / "markdown.js"
COMMON = (
    "# Title\n\nSome **bold**, *italic* and `a<b` with [a link](https://example.org/?a=1&b=2).\n\n"
    "- one\n- two\n\n1. first\n2. second\n\n```\nif (a < b) {}\n```"
)
HOSTILE = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](data:text/html,<script>alert(1)</script>)",
    '[x](https://a.example/"onmouseover="alert(1))',
    "**<b>bold</b>** `<i>`",
    "<svg onload=alert(1)>",
]
# Runs in a process of its own: a test session may already drive a browser through Playwright.
BROWSER_SCRIPT = """
import json, sys
from playwright.sync_api import sync_playwright
executable, source_path = sys.argv[1], sys.argv[2]
source = open(source_path, encoding="utf-8").read().replace("export function", "function")
texts = json.load(sys.stdin)
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
    page = browser.new_page()
    script = "(texts) => { " + source + "\\nreturn texts.map((t) => renderMarkdown(t)); }"
    json.dump(page.evaluate(script, texts), sys.stdout)
    browser.close()
"""


@pytest.fixture(scope="module")
def client_html():
    """What markdown.js's renderMarkdown makes of each test text, in Chromium."""
    from tests.conftest import require_tool

    executable = require_tool("chromium")
    texts = [COMMON, *HOSTILE]
    result = subprocess.run(
        [sys.executable, "-c", BROWSER_SCRIPT, executable, str(MARKDOWN_JS)],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dict(zip(texts, json.loads(result.stdout), strict=True))


@pytest.mark.e2e
def test_client_renders_the_common_markdown(client_html):
    html = client_html[COMMON]

    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html and "<em>italic</em>" in html
    assert "<code>a&lt;b</code>" in html
    assert '<a href="https://example.org/?a=1&amp;b=2" rel="noopener noreferrer">a link</a>' in html
    assert "<ul><li>one</li><li>two</li></ul>" in html
    assert "<ol><li>first</li><li>second</li></ol>" in html
    assert "<pre><code>if (a &lt; b) {}</code></pre>" in html


@pytest.mark.e2e
@pytest.mark.parametrize("text", HOSTILE)
def test_client_never_inserts_unescaped_text(client_html, text):
    html = client_html[text]

    elements = ElementCollector(html).elements
    assert {tag for tag, _ in elements} <= {"p", "strong", "code", "em"}, html
    assert all(not attrs for _, attrs in elements), html
