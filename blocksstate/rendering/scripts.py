"""The app's client-side functions (``js=``), registered by one inline script per app.

Gradio evaluates the text of a ``js=`` function in the page; under a strict
Content-Security-Policy (no 'unsafe-eval') that cannot run. Here the functions are
written into the page as code, in a ``<script>`` carrying the page's CSP nonce, which
registers them by listener id (and ``"load"`` for ``Blocks(js=...)``) under
``window.blocksstate.js[app]``; the page client calls them. Nothing is ever ``eval``'d.
"""

from __future__ import annotations

import json

from django.utils.safestring import SafeString, mark_safe

from ..app.blocks import Blocks


def _as_code(source: str) -> str:
    # The developer's own code; "</" cannot end the script element ("<\/" in a string or
    # regex is the same text).
    return source.strip().rstrip(";").replace("</", "<\\/")


def js_functions(blocks: Blocks) -> dict[str, str]:
    """The app's client-side functions by key: a listener's id, or "load"."""
    found = {str(d.id): d.js for d in blocks.dependencies if d.js}
    if getattr(blocks, "js", None):
        found["load"] = blocks.js  # type: ignore[assignment]
    return found


def registration(blocks: Blocks, app: str) -> SafeString:
    """The body of the app's inline script (empty when it has no ``js=``)."""
    functions = js_functions(blocks)
    if not functions:
        return mark_safe("")
    entries = ",\n".join(
        f"  {json.dumps(key)}: ({_as_code(source)})" for key, source in functions.items()
    )
    name = json.dumps(app).replace("</", "<\\/")
    body = (
        "(window.blocksstate ??= {}).js ??= {};\n"
        f"window.blocksstate.js[{name}] = {{\n{entries}\n}};"
    )
    return mark_safe(body)  # noqa: S308 (the developer's own code, "</" escaped)
