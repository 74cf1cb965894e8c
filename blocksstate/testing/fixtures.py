"""pytest fixtures for app authors: ``pytest_plugins = ["blocksstate.testing.fixtures"]``.

Needs pytest and pytest-asyncio; the rest of ``blocksstate.testing`` needs neither.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Any

import pytest
import pytest_asyncio

from ..app.blocks import Blocks
from .apps import registered
from .page import PageClient


@pytest.fixture
def register_blocks() -> Iterator[Callable[..., str]]:
    """Register a Blocks for this test: ``name = register_blocks(demo)``; unregistered after.

    ``register_blocks(demo, login_required=True)``: with ``register()``'s access keywords.
    """
    with contextlib.ExitStack() as stack:

        def register(blocks: Blocks, name: str | None = None, **access: Any) -> str:
            return stack.enter_context(registered(blocks, name, **access))

        yield register


@pytest_asyncio.fixture
async def open_page() -> AsyncIterator[Callable[..., Awaitable[PageClient]]]:
    """Open pages for this test: ``page = await open_page("cart")``; left (unload runs) after.

    ``open_page("cart", user=alice)``: the socket's user (``scope["user"]``).
    """
    pages: list[PageClient] = []

    async def open_one(
        app: str,
        resume: str | None = None,
        values: Mapping[Any, Any] | None = None,
        user: Any = None,
    ) -> PageClient:
        page = PageClient(app, user=user)
        pages.append(page)
        return await page.open(resume=resume, values=values)

    yield open_one
    for page in reversed(pages):
        if page.connected:
            await page.close()
