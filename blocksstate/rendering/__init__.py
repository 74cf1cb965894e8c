"""The page side of a Blocks: a render tree of its blocks, their markup, and the page config.

``build_tree`` walks the layout and gives every block a node: the template
that renders it (``blocksstate/components/<template_name>.html``, which a
project may override) and the context that template gets (ids, initial value,
label, properties, value schema, and what the block's ``template_context``
adds). ``render_app`` renders the tree with the page config of
``docs/protocol.md`` embedded, so the page is readable before its socket opens
and the client knows what to send.

- ``tree``: the nodes, the context every block gets, and the markup (``render_app``)
- ``config``: the page config (``page_config``)
- ``page``: what the app's page options add (its theme's CSS, ``head``, classes)
"""

from .config import page_config
from .tree import Node, Scope, build_tree, render_app

__all__ = ["Node", "Scope", "build_tree", "page_config", "render_app"]
