"""Decoding what a browser sends, and encoding what the server sends (docs/protocol.md)."""

import json

import pytest

from blocksstate import protocol
from blocksstate.protocol import Close, EventFrame, Hello, ProtocolError, decode

LIMIT = 1_000_000


def test_hello_decodes_with_defaults():
    assert decode('{"type": "hello", "protocol": 1}', LIMIT) == Hello(
        protocol=1, resume=None, values={}
    )


def test_hello_with_resume_and_values():
    frame = decode(
        json.dumps({"type": "hello", "protocol": 1, "resume": "tok", "values": {"2": "typed"}}),
        LIMIT,
    )

    assert frame == Hello(protocol=1, resume="tok", values={"2": "typed"})


def test_event_decodes():
    frame = decode(
        json.dumps({"type": "event", "seq": 7, "dep": 0, "values": {"2": ["Milk", "Water"]}}), LIMIT
    )

    assert frame == EventFrame(seq=7, dep=0, values={"2": ["Milk", "Water"]})


def test_event_values_may_be_missing_or_null():
    assert decode('{"type": "event", "seq": 1, "dep": 2}', LIMIT).values == {}
    assert decode('{"type": "event", "seq": 1, "dep": 2, "values": null}', LIMIT).values == {}


def test_close_decodes():
    assert decode('{"type": "close"}', LIMIT) == Close()


@pytest.mark.parametrize(
    ("text", "code", "seq"),
    [
        (None, "bad_frame", None),
        ("", "bad_frame", None),
        ("{nope", "bad_frame", None),
        ("[1, 2]", "bad_frame", None),
        ('"hello"', "bad_frame", None),
        ("null", "bad_frame", None),
        ("[" * 100_000, "bad_frame", None),
        ('{"seq": 3}', "unknown_type", 3),
        ('{"type": "shout", "seq": 4}', "unknown_type", 4),
        ('{"type": 5}', "unknown_type", None),
        ('{"type": "event", "dep": 0}', "bad_frame", None),
        ('{"type": "event", "seq": "1", "dep": 0}', "bad_frame", None),
        ('{"type": "event", "seq": 1.5, "dep": 0}', "bad_frame", None),
        ('{"type": "event", "seq": true, "dep": 0}', "bad_frame", None),
        ('{"type": "event", "seq": 1}', "bad_frame", 1),
        ('{"type": "event", "seq": 1, "dep": "0"}', "bad_frame", 1),
        ('{"type": "event", "seq": 1, "dep": false}', "bad_frame", 1),
        ('{"type": "event", "seq": 1, "dep": 0, "values": [1]}', "bad_frame", 1),
        ('{"type": "event", "seq": 1, "dep": 0, "values": "x"}', "bad_frame", 1),
        ('{"type": "hello"}', "unsupported_protocol", None),
        ('{"type": "hello", "protocol": 2}', "unsupported_protocol", None),
        ('{"type": "hello", "protocol": "1"}', "unsupported_protocol", None),
        ('{"type": "hello", "protocol": 1, "resume": 5}', "bad_frame", None),
        ('{"type": "hello", "protocol": 1, "values": [1]}', "bad_frame", None),
    ],
)
def test_malformed_frames_raise_a_protocol_error(text, code, seq):
    with pytest.raises(ProtocolError) as caught:
        decode(text, LIMIT)

    assert (caught.value.code, caught.value.seq) == (code, seq)
    assert caught.value.message


def test_oversized_frames_are_refused_before_parsing():
    text = json.dumps({"type": "event", "seq": 1, "dep": 0, "values": {"1": "x" * 100}})

    assert decode(text, len(text)).seq == 1
    with pytest.raises(ProtocolError) as caught:
        decode(text, len(text) - 1)
    assert caught.value.code == "too_large"


def test_the_size_limit_counts_bytes_not_characters():
    text = json.dumps({"type": "close", "pad": "é" * 10}, ensure_ascii=False)

    assert len(text) < len(text.encode())
    with pytest.raises(ProtocolError) as caught:
        decode(text, len(text))
    assert caught.value.code == "too_large"


def test_lone_surrogates_do_not_crash_the_size_check():
    text = '{"type": "close", "x": "\ud800"}'

    assert decode(text, LIMIT) == Close()


def test_server_frames_encode_as_compact_json():
    frame = protocol.done(7, True)

    assert protocol.encode(frame) == '{"type":"done","seq":7}'
    assert protocol.done(7, False) == {"type": "failed", "seq": 7}
    assert json.loads(protocol.encode({"type": "update", "updates": {"1": {"value": "é"}}})) == {
        "type": "update",
        "updates": {"1": {"value": "é"}},
    }


def test_error_and_session_frames():
    assert protocol.error("too_large", "big", 3) == {
        "type": "error",
        "code": "too_large",
        "message": "big",
        "seq": 3,
    }
    assert protocol.session_frame("s", "r", True, "note", "u") == {
        "type": "session",
        "protocol": 1,
        "session": "s",
        "resume": "r",
        "resumed": True,
        "notice": "note",
        "upload": "u",
    }
    assert protocol.closed("bye") == {"type": "closed", "reason": "bye"}


def test_alert_and_progress_frames_are_those_docs_protocol_md_shows():
    """Every frame the server sends is built here, the engine's and a handler's alike."""
    assert protocol.alert(7, 0, "error", "Error", "Out of stock", 10) == json.loads(
        '{"type": "alert", "seq": 7, "dep": 0, "level": "error", "title": "Error",'
        ' "message": "Out of stock", "duration": 10}'
    )
    assert protocol.progress(7, 0, 0.3, "Crunching", "steps", 3, 10) == json.loads(
        '{"type": "progress", "seq": 7, "dep": 0, "progress": 0.3, "desc": "Crunching",'
        ' "unit": "steps", "index": 3, "length": 10}'
    )
    assert protocol.queued(7, 0) == json.loads('{"type": "queued", "seq": 7, "dep": 0}')
    assert protocol.started(7, 0) == json.loads('{"type": "started", "seq": 7, "dep": 0}')
