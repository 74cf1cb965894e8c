"""Connections the server refuses for good: the visitor is told why, and the page stops trying."""

from __future__ import annotations

import contextlib
import re
import socket
import threading

import pytest
from playwright.sync_api import expect

from tests.e2e.support import TcpProxy

pytestmark = pytest.mark.e2e


class HostRewritingProxy(TcpProxy):
    """A reverse proxy that forwards requests under the server's own host name.

    As a site put behind a proxy under another name without adding that name to
    ``ALLOWED_HOSTS``: pages load, but their sockets' ``Origin`` is the other name.
    One request per connection, so that each one's ``Host`` is rewritten.
    """

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._forward, args=(client,), daemon=True).start()

    def _forward(self, client: socket.socket) -> None:
        client.settimeout(None)
        head = b""
        with contextlib.suppress(OSError):
            while b"\r\n\r\n" not in head and (chunk := client.recv(65536)):
                head += chunk
        head = re.sub(rb"(?im)^host:.*$", f"Host: 127.0.0.1:{self.target_port}\r".encode(), head)
        if not re.search(rb"(?im)^upgrade:", head):
            head = re.sub(rb"(?im)^connection:.*$", b"Connection: close\r", head)
        upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
        upstream.settimeout(None)
        upstream.sendall(head)
        with self._lock:
            self._pairs.append((client, upstream))
        threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()
        self._pump(client, upstream)


@pytest.fixture
def renamed(demo_server):
    """The demo server behind a proxy, at a name of this machine it does not allow."""
    proxy = HostRewritingProxy(demo_server.port)
    # *.localhost is this machine to Chromium, but not in the demo's ALLOWED_HOSTS.
    yield f"http://app.localhost:{proxy.port}"
    proxy.close()


def expect_refused(page, sockets, message: str) -> None:
    """The visitor reads why; the page neither retries nor lets anything be clicked."""
    expect(page.get_by_role("status")).to_have_text(message)
    expect(page.locator(".bs-app")).to_have_attribute("data-bs-state", "closed")
    expect(page.get_by_role("button", name="Add Items")).to_be_disabled()
    assert page.evaluate("window.blocksstate.apps['cart'].app.connection.stopped") is True
    assert len(sockets) == 1


def test_a_page_from_an_origin_not_allowed_is_told_why_and_stops_trying(page, renamed):
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket))

    page.goto(f"{renamed}/cart/")

    expect_refused(
        page,
        sockets,
        "This page cannot connect to the app: the server does not accept connections "
        "from this address.",
    )


# Before the page script reads it, the page config names an app the server does not have.
RENDERED_BEFORE_THE_APP_WAS_REMOVED = """
new MutationObserver(() => {
  for (const config of document.querySelectorAll('script[type="application/json"]')) {
    if (config.textContent.includes("/ws/blocks/cart/")) {
      config.textContent = config.textContent.replace("/ws/blocks/cart/", "/ws/blocks/gone/");
    }
  }
}).observe(document, { childList: true, subtree: true, characterData: true });
"""


def test_a_page_of_an_app_the_server_no_longer_has_is_told_why_and_stops_trying(
    new_profile, demo_server
):
    page = new_profile(init_script=RENDERED_BEFORE_THE_APP_WAS_REMOVED).new_page()
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket))

    page.goto(f"{demo_server.url}/cart/")

    expect_refused(
        page,
        sockets,
        "This app is not available on the server any more. Reloading the page may help.",
    )
    assert sockets[0].url.endswith("/ws/blocks/gone/")
