"""Safe Markdown: what Markdown and Chatbot text looks like on the page, and what never gets in."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.utils.safestring import SafeString

import blocksstate
from blocksstate.components.markdown import render_markdown
from blocksstate.templatetags.blocksstate import modules
from blocksstate.testing import PageClient, registered


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


# -- updates: the same renderer, the page inserts its HTML ----------------------------------------

TABLE_AND_IMAGE = "| Item | Qty |\n|------|-----|\n| Milk | 2 |\n\n![A chart](/chart.png)"
HOSTILE = "<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>"


def test_a_markdown_update_carries_the_text_and_its_html():
    markdown = blocksstate.Markdown()

    update = markdown.page_update(markdown.postprocess(TABLE_AND_IMAGE))

    assert update["value"] == TABLE_AND_IMAGE
    assert update["html"] == render_markdown(TABLE_AND_IMAGE)
    tags = {tag for tag, _ in ElementCollector(update["html"]).elements}
    assert {"table", "th", "td", "img"} <= tags


def test_a_chatbot_update_carries_each_message_as_html():
    chatbot = blocksstate.Chatbot()
    history = chatbot.postprocess(
        [["**hi**", TABLE_AND_IMAGE], {"role": "user", "content": HOSTILE}]
    )

    update = chatbot.page_update(history)

    assert update["value"] == history
    assert update["html"] == [render_markdown(m["content"]) for m in history]
    assert "<strong>hi</strong>" in update["html"][0]
    assert (
        "<table>" in update["html"][1]
        and '<img src="/chart.png" alt="A chart">' in update["html"][1]
    )
    assert {tag for tag, _ in ElementCollector(update["html"][2]).elements} == {"p"}


def test_empty_values_have_no_html():
    assert blocksstate.Markdown().page_update(None) == {"value": None, "html": ""}
    assert blocksstate.Chatbot().page_update([]) == {"value": [], "html": []}


def test_other_components_send_their_value_alone():
    assert blocksstate.Textbox().page_update("**hi**") == {"value": "**hi**"}
    assert blocksstate.HTML().page_update("<b>mine</b>") == {"value": "<b>mine</b>"}


async def test_update_frames_carry_the_servers_html():
    with blocksstate.Blocks() as demo:
        text = blocksstate.Textbox(label="Text")
        shown = blocksstate.Markdown("# Start")
        chat = blocksstate.Chatbot()
        show = blocksstate.Button("Show")
        show.click(lambda t: (t, [{"role": "user", "content": t}]), text, [shown, chat])

    with registered(demo) as app:
        async with PageClient(app) as client:
            outcome = await client.click("Show", {text: TABLE_AND_IMAGE})

    assert outcome.updates[shown.id] == {
        "value": TABLE_AND_IMAGE,
        "html": render_markdown(TABLE_AND_IMAGE),
    }
    assert outcome.updates[chat.id]["html"] == [render_markdown(TABLE_AND_IMAGE)]


def test_the_page_has_no_markdown_renderer_of_its_own():
    static = Path(blocksstate.__file__).parent / "static" / "blocksstate"
    assert not (static / "markdown.js").exists()
    assert not any("markdown" in module for module in modules())
