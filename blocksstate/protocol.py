"""The wire protocol: JSON frames between the page and the server (see docs/protocol.md).

``decode`` turns what a browser sent into a typed frame or raises
``ProtocolError`` with a code and a message; ``encode`` and the frame builders
make what the server sends. Nothing here touches a session.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .empty import EMPTY

PROTOCOL_VERSION = 1

# WebSocket close codes (docs/protocol.md, "Close codes"). The page gives up after a
# 44xx and tells the visitor why; after any other code it reconnects and resumes.
# The page heard nothing for PAGE_TIMEOUT seconds: it reconnects if it is still there.
CLOSE_PAGE_SILENT = 4001
# The socket's user may not open the app (its access rule), or is not the user who started
# the session it asks to resume; a ``closed`` frame says which, in words.
CLOSE_ACCESS_DENIED = 4401
CLOSE_FORBIDDEN_ORIGIN = 4403
CLOSE_UNKNOWN_APP = 4404
# Another connection resumed this session: the page must not reconnect.
CLOSE_CONTINUED_ELSEWHERE = 4409
# A service the connection needs (the channel layer, the cache) failed: come back.
CLOSE_TRY_AGAIN = 4503
# The page fell too far behind (unread answers or queued frames past their bound).
CLOSE_BACKPRESSURE = 4509


class ProtocolError(Exception):
    """A frame the server cannot accept; answered with an ``error`` frame."""

    def __init__(
        self,
        code: str,
        message: str,
        seq: int | None = None,
        component: int | None = None,
        kept: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.seq = seq
        #: The component whose value was refused (``invalid_input``), when one was, and the
        #: update entry of the value its session kept, for the page to show again.
        self.component = component
        self.kept = kept


@dataclass(frozen=True)
class Hello:
    """First frame of a connection: start a session, or resume one.

    ``language`` is the page's (its config's): what the server says to it is in that
    language when the site offers it.
    """

    protocol: int
    resume: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    browser: dict[str, str] = field(default_factory=dict)
    language: str | None = None


class EventFrame(NamedTuple):
    """A browser event: run dependency ``dep`` after applying the edited ``values``.

    ``data`` is what the page says of the event (a ``select``'s index, a ``delete``'s file),
    given to handlers as ``gr.EventData`` (see ``app.event_data``); ``trigger`` the
    ``(component id, event)`` that fired, one of the dependency's triggers (``gr.on``).
    """

    seq: int
    dep: int
    values: dict[str, Any] = EMPTY
    data: dict[str, Any] | None = None
    trigger: tuple[int, str] | None = None


@dataclass(frozen=True)
class Close:
    """The page is going away: end the session now."""


@dataclass(frozen=True)
class Received:
    """The page has read ``chars`` characters of the frames sent on this socket, in all."""

    chars: int


@dataclass(frozen=True)
class Ping:
    """The page checks that the connection is alive; answered at once with ``pong``.

    ``session`` is the id the ``session`` frame of this connection gave, once the page
    has it: proof that the page holds the newest resume token.
    """

    session: str | None = None


Frame = Hello | EventFrame | Close | Received | Ping


def decode(text: str | None, max_bytes: int) -> Frame:
    """Parse one text frame; raise ProtocolError for anything malformed, oversized or unknown."""
    if text is None:
        raise ProtocolError("bad_frame", "frames must be JSON text, not binary")
    # A character is at most 4 bytes of UTF-8 (1 if ASCII): most frames need no encoding.
    if len(text) > max_bytes or (
        len(text) * 4 > max_bytes
        and not text.isascii()
        and len(text.encode("utf-8", "surrogatepass")) > max_bytes
    ):
        raise ProtocolError("too_large", f"frame is larger than {max_bytes} bytes")
    try:
        data = _parse(text)
    except (ValueError, RecursionError):
        raise ProtocolError("bad_frame", "frame is not valid JSON") from None
    if not isinstance(data, dict):
        raise ProtocolError("bad_frame", "frame must be a JSON object")
    kind = data.get("type")
    seq = data.get("seq") if _is_int(data.get("seq")) else None
    if kind == "event":
        if seq is None:
            raise ProtocolError("bad_frame", "event frame needs an integer 'seq'")
        if not _is_int(data.get("dep")):
            raise ProtocolError("bad_frame", "event frame needs an integer 'dep'", seq)
        event_data = data.get("data")
        if event_data is not None and not isinstance(event_data, dict):
            raise ProtocolError("bad_frame", "an event's 'data' must be a JSON object", seq)
        trigger = data.get("trigger")
        if trigger is not None and not (
            isinstance(trigger, list)
            and len(trigger) == 2
            and _is_int(trigger[0])
            and isinstance(trigger[1], str)
        ):
            raise ProtocolError(
                "bad_frame", "an event's 'trigger' must be [component id, event]", seq
            )
        # One per event: ``tuple.__new__`` skips the named tuple's Python-level ``__new__``.
        return _new_tuple(
            EventFrame,
            (
                seq,
                data["dep"],
                _values(data, seq),
                event_data,
                None if trigger is None else (trigger[0], trigger[1]),
            ),
        )
    if kind == "hello":
        version = data.get("protocol")
        if version != PROTOCOL_VERSION:
            raise ProtocolError(
                "unsupported_protocol",
                f"this server speaks protocol {PROTOCOL_VERSION}, not {version!r}",
            )
        resume = data.get("resume")
        if resume is not None and not isinstance(resume, str):
            raise ProtocolError("bad_frame", "'resume' must be a token string or null")
        browser = data.get("browser") or {}
        if not isinstance(browser, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in browser.items()
        ):
            raise ProtocolError(
                "bad_frame", "'browser' must be an object of storage key to token string"
            )
        language = data.get("language")
        if language is not None and not isinstance(language, str):
            raise ProtocolError("bad_frame", "'language' must be a language code or null")
        return Hello(
            protocol=version,
            resume=resume,
            values=_values(data, None),
            browser=browser,
            language=language,
        )
    if kind == "ping":
        session = data.get("session")
        if session is not None and not isinstance(session, str):
            raise ProtocolError("bad_frame", "'session' must be a session id or null")
        return Ping(session=session)
    if kind == "close":
        return Close()
    if kind == "received":
        chars = data.get("chars")
        if not _is_int(chars) or chars < 0:
            raise ProtocolError("bad_frame", "received frame needs a non-negative integer 'chars'")
        return Received(chars=chars)
    raise ProtocolError("unknown_type", f"unknown frame type {kind!r}", seq)


_scan = json.JSONDecoder().scan_once


def _parse(text: str) -> Any:
    """``json.loads(text)``: a frame with no space around it (as pages send them) read by the
    decoder's scanner alone, without ``loads``' two look-ups for whitespace."""
    try:
        data, end = _scan(text, 0)
    except StopIteration:  # no JSON value at the start: ``loads`` says why, or reads past spaces
        return json.loads(text)
    return data if end == len(text) else json.loads(text)


_new_tuple = tuple.__new__


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _values(data: dict[str, Any], seq: int | None) -> dict[str, Any]:
    values = data.get("values", EMPTY)
    if values is None:
        return EMPTY
    if not isinstance(values, dict):
        raise ProtocolError("bad_frame", "'values' must be an object of component id to value", seq)
    return values


# Made once: ``json.dumps`` with options builds an encoder per call (two frames per event).
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=str)
# ``_ENCODER.encode`` makes its C encoder again on every call; this one is made once. It
# keeps no record of the containers it is in (the record of one call that failed would
# stay for the next): a frame's values passed ``check_json_safe``, so none holds itself,
# and one that did would fail with RecursionError, turned into the ValueError below.
_C_ENCODE = (
    None
    if json.encoder.c_make_encoder is None
    else json.encoder.c_make_encoder(
        None, str, json.encoder.encode_basestring, None, ":", ",", False, False, False
    )
)


def encode(frame: dict[str, Any]) -> str:
    """Serialise a server frame; raise ValueError for one a WebSocket cannot carry.

    NaN is not JSON (the page's parser refuses the frame), and a lone surrogate
    cannot be encoded as UTF-8 (the socket refuses it).
    """
    if _C_ENCODE is None:
        text = _ENCODER.encode(frame)
    else:
        try:
            text = "".join(_C_ENCODE(frame, 0))
        except RecursionError:
            raise ValueError("a frame holds itself, or is nested too deeply") from None
    if not text.isascii():
        text.encode("utf-8")  # UnicodeEncodeError, a ValueError, on a lone surrogate
    return text


def message(texts: list[str]) -> str:
    """One WebSocket message of server frames (each ``encode``'s text): one as it is,
    several as a JSON array, in order. The page reads both (``frames_of``)."""
    return texts[0] if len(texts) == 1 else "[" + ",".join(texts) + "]"


def frames_of(text: str) -> list[dict[str, Any]]:
    """The frames of one message from the server, in order (what the page does with it)."""
    parsed = json.loads(text)
    return parsed if isinstance(parsed, list) else [parsed]


def error(
    code: str,
    message: str,
    seq: int | None = None,
    component: int | None = None,
    kept: dict[str, Any] | None = None,
) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": "error", "code": code, "message": message, "seq": seq}
    if component is not None:
        frame["component"] = component  # the component whose value was refused
        if kept is not None:
            frame["kept"] = kept  # its value in the session, as an update entry
    return frame


def session_frame(
    session_id: str,
    resume: str,
    resumed: bool,
    notice: str | None = None,
    upload: str | None = None,
) -> dict[str, Any]:
    """The page's session; ``upload`` is the token its uploads carry (kept in memory only)."""
    return {
        "type": "session",
        "protocol": PROTOCOL_VERSION,
        "session": session_id,
        "resume": resume,
        "resumed": resumed,
        "notice": notice,
        "upload": upload,
    }


def update(seq: int | None, dep: int | None, updates: dict[str, Any]) -> dict[str, Any]:
    """Values and properties to show, by component id (``seq``/``dep`` None: the server's own)."""
    return {"type": "update", "seq": seq, "dep": dep, "updates": updates}


def browser_state(seq: int | None, dep: int | None, tokens: dict[str, str]) -> dict[str, Any]:
    """Tokens for the page to keep in localStorage, by storage key."""
    return {"type": "browser_state", "seq": seq, "dep": dep, "tokens": tokens}


def alert(
    seq: int | None,
    dep: int | None,
    level: str,
    title: str,
    message: str,
    duration: float | None,
) -> dict[str, Any]:
    """A message for the visitor: ``level`` is "error", "warning" or "info"."""
    return {
        "type": "alert",
        "seq": seq,
        "dep": dep,
        "level": level,
        "title": title,
        "message": message,
        "duration": duration,
    }


def progress(
    seq: int | None,
    dep: int | None,
    fraction: float | None,
    desc: str | None,
    unit: str,
    index: float | None = None,
    length: float | None = None,
) -> dict[str, Any]:
    """How far a handler is (``fraction`` from 0 to 1, None when unknown); ``index`` of
    ``length`` steps when it counts them (``length`` None when the total is unknown)."""
    return {
        "type": "progress",
        "seq": seq,
        "dep": dep,
        "progress": fraction,
        "desc": desc,
        "unit": unit,
        "index": index,
        "length": length,
    }


def queued(seq: int | None, dep: int | None) -> dict[str, Any]:
    """The run waits for its place (its listener's concurrency limit, or a handler thread)."""
    return {"type": "queued", "seq": seq, "dep": dep}


def started(seq: int | None, dep: int | None) -> dict[str, Any]:
    """The run that was ``queued`` got its place and starts now."""
    return {"type": "started", "seq": seq, "dep": dep}


def done(seq: int | None, ok: bool) -> dict[str, Any]:
    return {"type": "done" if ok else "failed", "seq": seq}


def pong() -> dict[str, Any]:
    return {"type": "pong"}


def closed(reason: str) -> dict[str, Any]:
    return {"type": "closed", "reason": reason}
