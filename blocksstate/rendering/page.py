"""What an app's page options put on the page: its theme's CSS and fonts, its mode, its head.

The one place these are rendered: ``render_app`` (the app's own markup) and the
``{% blocks_head %}`` tag (the page's ``<head>``) both come here.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from ..app.blocks import Blocks
from ..conf import setting
from ..themes.css import font_links, theme_css

# The elements of ``head`` that get the page's CSP nonce (unless they carry one).
NONCED_TAG = re.compile(r"<(script|style|link)\b(?![^>]*\bnonce=)", re.IGNORECASE)
MODES = ("dark", "light")


def mode(request: HttpRequest | None) -> str | None:
    """Return the mode the page asks for with ``?__theme=dark`` or ``light`` (Gradio's), or None."""
    if request is None:
        return None
    asked = request.GET.get("__theme")
    return asked if asked in MODES else None


def app_classes(blocks: Blocks, request: HttpRequest | None) -> list[str]:
    """Return the classes of the app's root element that its page options add."""
    classes = []
    if blocks.fill_height:
        classes.append("bs-fill-height")
    if blocks.fill_width:
        classes.append("bs-fill-width")
    if (asked := mode(request)) is not None:
        classes.append(asked)
    return classes


def theme_style(blocks: Blocks, element: str, nonce: str | None) -> SafeString:
    """Return the ``<link>``s of the theme's fonts and its ``<style>`` for ``element``, or nothing."""
    theme = blocks.theme
    if theme is None:
        return mark_safe("")
    cache = theme.__dict__.setdefault("_css_cache", {})
    if element not in cache:
        cache[element] = theme_css(theme, element)
    nonce_attr = format_html(' nonce="{}"', nonce) if nonce else mark_safe("")
    links = format_html_join(
        "",
        '<link rel="stylesheet" href="{}"{}>\n',
        ((url, nonce_attr) for url in font_links(theme, bool(setting("GOOGLE_FONTS")))),
    )
    # The theme's values cannot hold "<" (Base refuses it): the CSS cannot end the element.
    return format_html("{}<style{}>{}</style>", links, nonce_attr, mark_safe(cache[element]))  # noqa: S308


def head_markup(blocks: Blocks, nonce: str | None) -> SafeString:
    """Return the app's ``head`` HTML, its scripts, styles and links given the page's nonce.

    ``head`` is the developer's own HTML, put in the page as is (as Gradio does).
    """
    if not blocks.head:
        return mark_safe("")
    head = blocks.head
    if nonce:
        head = NONCED_TAG.sub(lambda m: format_html('<{} nonce="{}"', m.group(1), nonce), head)
    return mark_safe(head)  # noqa: S308 (the developer's own markup)


def page_context(blocks: Blocks, root_id: str, request: Any, nonce: str | None) -> dict[str, Any]:
    """Return what ``app.html`` adds for the page options: root classes and the theme's style."""
    return {
        "page_classes": " ".join(app_classes(blocks, request)),
        "theme_style": theme_style(blocks, f'.bs-app[id="{root_id}"]', nonce),
    }
