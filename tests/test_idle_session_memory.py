"""What an idle session shares to stay small, and that sharing never leaks between sessions.

A ``Session`` shares one empty read-only mapping for its changed properties, States'
stored forms, render regions, events run, GlobalState versions seen and TTL writes until
it first writes one; a ``gr.Request`` without cookies or query shares one empty mapping
(docs/performance.md, "Issue 20, item 5: idle memory").
"""

import copy
import pickle

import pytest

from blocksstate.app.registry import get_app
from blocksstate.empty import EMPTY
from blocksstate.engine.request import Request
from blocksstate.launch.script import script_module
from blocksstate.sessions.session import Session
from tests.test_store import GUIDES

custom = script_module(GUIDES / "custom_class.py")


def test_what_one_session_writes_never_shows_in_another():
    demo = get_app("custom-class")
    first, second = Session.new(demo), Session.new(demo)

    first.set_props(custom.status.id, {"label": "Mine"})
    first.note_ran(1, True)
    first.saw_global("visits", 3)
    first.attach_region(0, "region")

    assert first.props == {custom.status.id: {"label": "Mine"}}
    assert first.ran_before(1) is True and first.globals_seen == {"visits": 3}
    assert first.regions == {0: "region"}
    assert second.props == {} and second.ran_before(1) is None and second.globals_seen == {}
    assert second.regions == {}
    assert Session.new(demo).props == {}


async def test_a_session_that_changed_nothing_is_stored_and_restored(store):
    demo = get_app("custom-class")
    session = Session.new(demo)
    session.replace_props(custom.status.id, None)  # nothing to drop: still nothing
    session.forget_region(0)

    await store.save(session, 60)
    loaded = await store.load(demo, session.id)

    assert loaded is not None and loaded.props == {} and loaded.ran_before(1) is None
    loaded.set_props(custom.status.id, {"label": "Later"})
    assert loaded.props == {custom.status.id: {"label": "Later"}} and session.props == {}


@pytest.mark.parametrize("query, expected", [(b"", {}), (b"q=1&lang=fr", {"q": "1", "lang": "fr"})])
def test_a_requests_cookies_and_query_read_and_pickle_as_dicts(query, expected):
    scope = {"type": "websocket", "query_string": query, "headers": [], "cookies": {}}
    request = Request.from_scope(scope, "s1", "demo")

    assert request.query_params == expected and dict(request.query_params) == expected
    assert request.cookies == {} and request.cookies.get("sessionid") is None
    copied = pickle.loads(pickle.dumps(request.query_params))
    assert type(copied) is dict and copied == expected
    with pytest.raises(TypeError):
        Request.from_scope(scope).cookies["sessionid"] = "forged"  # shared: never writable


def test_a_requests_cookies_are_its_own_copy():
    scope = {"type": "websocket", "query_string": b"", "headers": [], "cookies": {"a": "1"}}
    request = Request.from_scope(scope)
    scope["cookies"]["a"] = "2"
    assert request.cookies == {"a": "1"}


def test_the_shared_empty_mapping_refuses_every_write_and_copies_as_a_dict_of_its_own():
    writes = [
        lambda: EMPTY.__setitem__(1, "x"),
        lambda: EMPTY.update({1: "x"}),
        lambda: EMPTY.setdefault(1, {}),
        lambda: EMPTY.pop(1, None),
        lambda: EMPTY.popitem(),
        lambda: EMPTY.clear(),
        lambda: EMPTY.__ior__({1: "x"}),
        lambda: EMPTY.__delitem__(1),
    ]
    for write in writes:
        with pytest.raises(TypeError, match="read-only"):
            write()
    assert EMPTY == {} and EMPTY.get(1, "default") == "default" and 1 not in EMPTY
    for copied in (pickle.loads(pickle.dumps(EMPTY)), copy.copy(EMPTY), copy.deepcopy(EMPTY)):
        assert type(copied) is dict and copied == {}
        copied[1] = "mine"
    assert EMPTY == {}
