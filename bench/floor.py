"""The floor of blocksstate's stack: echo servers that answer the counter's frames and do nothing else.

Both answer the load generator's client as blocksstate's counter app does, frame for
frame and about byte for byte: ``hello`` gets a ``session`` frame, each ``event`` gets
``{"type":"update","seq":n,"dep":0,"updates":{"2":{"value":n}}}`` then
``{"type":"done","seq":n}``. No state, no lock, no handler: what is left is the cost of
the WebSocket server itself.

- ``benchsite/floor.py``: a bare Channels ``AsyncWebsocketConsumer``, routed by the
  bench site's own ASGI application (same daphne, same ``AuthMiddlewareStack``), at
  ``FLOOR_PATH``;
- this module run as a script: a bare ``websockets`` server (no Django, no Channels), for
  reference: ``python bench/floor.py PORT``.

The ids are the counter app's (``benchsite/blocks.py``: its Count is component 2, its
click dependency 0); ``loadgen.py`` builds its client's spec from ``COUNTER_SPEC``.
"""

from __future__ import annotations

import json
import secrets
import sys

FLOOR_PATH = "/ws/floor/counter/"
COUNTER_SPEC = {
    "components": {2: {"type": "number", "label": "Count"}},
    "deps": [
        {
            "id": 0,
            "api_name": "increment",
            "targets": [[3, "click"]],
            "inputs": [1],
            "outputs": [1, 2],
        }
    ],
}


def session_frame() -> str:
    """A ``session`` frame as long as blocksstate's (a session id, a resume and an upload token)."""
    session = secrets.token_urlsafe(24)
    return json.dumps(
        {
            "type": "session",
            "protocol": 1,
            "session": session,
            "resume": secrets.token_urlsafe(96),
            "resumed": False,
            "notice": None,
            "upload": secrets.token_urlsafe(80),
        },
        separators=(",", ":"),
    )


def answer(text: str) -> list[str]:
    """The frames to send back for one frame received."""
    frame = json.loads(text)
    kind = frame.get("type")
    if kind == "hello":
        return [session_frame()]
    if kind == "event":
        seq = frame["seq"]
        return [
            json.dumps(
                {"type": "update", "seq": seq, "dep": 0, "updates": {"2": {"value": seq}}},
                separators=(",", ":"),
            ),
            json.dumps({"type": "done", "seq": seq}, separators=(",", ":")),
        ]
    return []


async def serve_websockets(port: int) -> None:
    """The bare ``websockets`` echo server, until killed."""
    import asyncio
    import http

    import websockets
    from websockets.asyncio.server import serve

    async def handler(ws: websockets.asyncio.server.ServerConnection) -> None:
        try:
            async for text in ws:
                for reply in answer(text):
                    await ws.send(reply)
        except websockets.ConnectionClosed:
            pass

    def health(connection: object, request: websockets.http11.Request) -> object:
        # run.py waits for an HTTP answer before it starts measuring
        if request.path == "/health":
            return connection.respond(http.HTTPStatus.OK, "ok\n")  # type: ignore[attr-defined]
        return None

    async with serve(
        handler,
        "127.0.0.1",
        port,
        process_request=health,
        max_size=None,
        ping_interval=None,
        compression=None,
    ):
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    import asyncio

    asyncio.run(serve_websockets(int(sys.argv[1])))
