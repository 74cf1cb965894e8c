"""Connections the server refuses for good: the visitor is told why, and the page stops trying."""

from __future__ import annotations

import contextlib
import re
import socket
import socketserver
import threading

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


class HostRewritingProxy(socketserver.ThreadingTCPServer):
    """A reverse proxy that forwards requests under the server's own host name.

    As a site put behind a proxy under another name without adding that name to
    ``ALLOWED_HOSTS``: pages load, but their sockets' ``Origin`` is the other name.
    One request per connection, so that each one's ``Host`` is rewritten.
    """

    daemon_threads = True

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        super().__init__(("127.0.0.1", 0), ForwardUnderTargetHost)
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, name="e2e-renaming-proxy", daemon=True).start()

    def close(self) -> None:
        self.shutdown()
        self.server_close()


class ForwardUnderTargetHost(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        target = self.server.target_port
        head = b""
        with contextlib.suppress(OSError):
            while b"\r\n\r\n" not in head and (chunk := self.request.recv(65536)):
                head += chunk
        head = re.sub(rb"(?im)^host:.*$", f"Host: 127.0.0.1:{target}\r".encode(), head)
        if not re.search(rb"(?im)^upgrade:", head):
            head = re.sub(rb"(?im)^connection:.*$", b"Connection: close\r", head)
        with socket.create_connection(("127.0.0.1", target), timeout=5) as upstream:
            upstream.settimeout(None)
            upstream.sendall(head)
            threading.Thread(target=_copy, args=(upstream, self.request), daemon=True).start()
            _copy(self.request, upstream)


def _copy(source: socket.socket, sink: socket.socket) -> None:
    """Forward bytes until ``source`` ends, then close both ways."""
    with contextlib.suppress(OSError):
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    for sock in (source, sink):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def renamed(demo_server):
    """The demo server behind a proxy, at a name of this machine it does not allow."""
    proxy = HostRewritingProxy(demo_server.port)
    # *.localhost is this machine to Chromium, but not in the demo's ALLOWED_HOSTS.
    yield f"http://app.localhost:{proxy.port}"
    proxy.close()


def expect_refused(page, url: str, message: str) -> list:
    """Open ``url``: the visitor reads why; the page neither retries nor lets anything be
    clicked. Return the page's sockets (one)."""
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket))

    page.goto(url)

    expect(page.get_by_role("status")).to_have_text(message)
    expect(page.locator(".bs-app")).to_have_attribute("data-bs-state", "closed")
    expect(page.get_by_role("button", name="Add Items")).to_be_disabled()
    # Stopped: no socket after the refusal. (A socket that drops before the server's
    # answer, on a loaded machine, is retried as any drop is: the refusal ends it.)
    assert page.evaluate("window.blocksstate.apps['cart'].app.connection.stopped") is True
    count = len(sockets)
    page.wait_for_timeout(1000)  # longer than the page's first reconnect delay (150-300 ms)
    assert 1 <= len(sockets) == count
    return sockets


def test_a_page_from_an_origin_not_allowed_is_told_why_and_stops_trying(page, renamed):
    expect_refused(
        page,
        f"{renamed}/cart/",
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

    sockets = expect_refused(
        page,
        f"{demo_server.url}/cart/",
        "This app is not available on the server any more. Reloading the page may help.",
    )
    assert sockets[0].url.endswith("/ws/blocks/gone/")
