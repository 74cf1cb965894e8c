"""A real page reading a streamed answer five times the unread window is served, not closed.

The page acknowledges what it reads (``received`` frames, socket.js); the
server (tests/backpressure/page_settings.py: a 1.5-million-character window,
2 s to read) would close a page that does not, with 4509.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.conftest import require_tool
from tests.e2e.support import (
    ServerProcess,
    connection_states,
    open_app,
    record_connection_states,
    run_demo_site,
    session_id,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stream_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    require_tool("chromium")
    server = run_demo_site(
        tmp_path_factory.mktemp("backpressure-site"), "tests.backpressure.page_settings"
    )
    yield server
    server.stop()


def test_a_page_that_reads_gets_a_stream_larger_than_the_window_without_a_reconnect(
    stream_server, page
):
    from tests.backpressure.blocks import STREAM_APP, STREAM_STEPS

    open_app(page, stream_server.url, f"/blocksstate/apps/{STREAM_APP}/", STREAM_APP)
    before = session_id(page, STREAM_APP)
    record_connection_states(page, STREAM_APP)
    page.get_by_role("button", name="Stream").click()
    expect(page.get_by_label("Step")).to_have_value(str(STREAM_STEPS))
    assert connection_states(page) == ["open"]
    assert session_id(page, STREAM_APP) == before
    assert "does not read" not in stream_server.log()
