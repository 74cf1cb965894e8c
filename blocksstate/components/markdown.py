"""Safe Markdown: the text of ``Markdown`` and ``Chatbot`` components as HTML for the page.

The one renderer of Markdown, for the first page and for updates alike: the
page inserts the HTML it is sent and never renders text itself.
Raw HTML in the text is never passed through: markdown-it runs with HTML
disabled (so ``<script>`` shows as text), and nh3 sanitises its output as a
second line of defence (allowed tags and URL schemes only, ``rel`` on links).
"""

from __future__ import annotations

import functools

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Tags markdown-it produces from CommonMark plus tables; nothing else is kept.
TAGS = frozenset(
    {
        "a",
        "blockquote",
        "br",
        "code",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
        "s",
        "del",
    }
)
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}


@functools.cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")


def render_markdown(text: str | None) -> SafeString:
    """Return ``text`` rendered as sanitised HTML, safe to insert in a page.

    Table cell alignment (a ``style`` attribute) is dropped: a strict
    Content-Security-Policy would refuse it anyway.
    """
    if not text:
        return mark_safe("")
    return _render(str(text))


# A chat sends its whole history with each update (each token of a stream): the
# messages already shown are rendered once per process, not once per update.
@functools.lru_cache(maxsize=1024)
def _render(text: str) -> SafeString:
    html = _parser().render(text)
    cleaned = nh3.clean(
        html,
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 (sanitised by nh3 just above)
