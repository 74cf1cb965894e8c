"""A WebSocket client on a bare socket, that reads only when told to: a page that stops reading.

Its receive buffer is small, so what it does not read stays on the server.
"""

from __future__ import annotations

import base64
import collections
import json
import os
import select
import socket
import struct
from typing import Any

from blocksstate.protocol import frames_of

TIMEOUT = 20


class RawPage:
    def __init__(self, port: int, app: str) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        self.sock.settimeout(TIMEOUT)
        self.sock.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET /ws/blocks/{app}/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        self._buffer = b""
        self._unread: collections.deque[dict[str, Any]] = collections.deque()
        head = self._read_until(b"\r\n\r\n")
        assert b" 101 " in head.split(b"\r\n", 1)[0], head

    def send(self, frame: dict[str, Any]) -> None:
        """Send one text frame, masked as a client must."""
        payload = json.dumps(frame).encode()
        mask = os.urandom(4)
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x81, 0x80 | length)
        elif length < 1 << 16:
            header = struct.pack("!BBH", 0x81, 0x80 | 126, length)
        else:
            header = struct.pack("!BBQ", 0x81, 0x80 | 127, length)
        masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def receive(self) -> dict[str, Any]:
        """The next frame the server sent (a message holds one, or several in an array)."""
        while not self._unread:
            self._unread.extend(frames_of(self._message()))
        return self._unread.popleft()

    def _message(self) -> str:
        """Read the next text message (skipping pings)."""
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", self._read(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", self._read(8))
            payload = self._read(length)
            if first & 0x0F == 0x1:
                return payload.decode()

    def wait_until_closed_by_server(self, timeout: float) -> bool:
        """Without reading: wait until the server ends the TCP connection (FIN or reset)."""
        poller = select.poll()
        poller.register(self.sock, select.POLLRDHUP)  # POLLHUP and POLLERR come anyway
        return bool(poller.poll(timeout * 1000))

    def close(self) -> None:
        self.sock.close()

    def _read(self, n: int) -> bytes:
        while len(self._buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            self._buffer += chunk
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self._buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            self._buffer += chunk
        head, self._buffer = self._buffer.split(marker, 1)
        return head
