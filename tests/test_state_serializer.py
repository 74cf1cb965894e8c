"""``gr.State(serializer=...)``: what each serializer stores, read back from a real cache, and an
event on a marshal State seen, persisted and announced like any other."""

from __future__ import annotations

import array
import datetime
import decimal
from collections import OrderedDict

import pytest

import blocksstate as gr
from blocksstate.components.state import StateNotPicklable
from blocksstate.sessions.backends import get_store
from blocksstate.sessions.session import Session
from blocksstate.testing import PageClient, registered
from tests.helpers_session import stored

pytest_plugins = ["tests.helpers_fixtures"]  # cache_alias


async def round_trip(cache_alias: str, value, serializer: str):
    """Declare a State holding ``value``, save a session with it, and load it back from the cache."""
    with gr.Blocks() as demo:
        state = gr.State(None, serializer=serializer)
    with registered(demo):
        session = Session.new(demo)
        session.set_state(state.id, value, state.dumps(value))
        await get_store(cache_alias).save(session, 60)
        loaded = await get_store(cache_alias).load(demo, session.id)
    return loaded.values[state.id]


@pytest.mark.parametrize("serializer", ["pickle", "marshal"])
async def test_plain_data_comes_back_equal_and_with_its_types(cache_alias, serializer):
    value = {
        "items": [{"id": 1, "name": "é", "done": False, "price": 2.5}],
        "pair": (1, None),
        "tags": {"a", "b"},
        "frozen": frozenset({3}),
        "blob": b"\x00\xff",
        "big": 10**40,
        "z": 1 + 2j,
        7: "int key",
    }
    loaded = await round_trip(cache_alias, value, serializer)
    assert loaded == value
    assert type(loaded["pair"]) is tuple and type(loaded["tags"]) is set


@pytest.mark.parametrize("serializer", ["pickle", "marshal"])
async def test_shared_and_recursive_references_survive(cache_alias, serializer):
    shared = [1]
    value = {"a": shared, "b": shared, "me": []}
    value["me"].append(value)
    loaded = await round_trip(cache_alias, value, serializer)
    assert loaded["a"] is loaded["b"]
    assert loaded["me"][0] is loaded


async def test_what_marshal_cannot_store_is_pickled_and_comes_back_exactly(cache_alias):
    value = [
        OrderedDict(b=1, a=2),
        datetime.date(2026, 11, 22),
        decimal.Decimal("1.10"),
        gr.Request,  # a class, stored by reference
    ]
    loaded = await round_trip(cache_alias, value, "marshal")
    assert loaded == value
    assert [type(v) for v in loaded] == [type(v) for v in value]


async def test_marshal_stores_other_buffers_as_bytes_as_documented(cache_alias):
    value = [bytearray(b"ab"), array.array("b", [1, 2])]
    assert await round_trip(cache_alias, value, "marshal") == [b"ab", b"\x01\x02"]
    # pickle keeps them as they were
    loaded = await round_trip(cache_alias, value, "pickle")
    assert [type(v) for v in loaded] == [bytearray, array.array]


def test_marshal_is_faster_only_where_it_can_be_exact():
    state = gr.State(serializer="marshal")
    assert state.dumps([1, "a"]).startswith(b"M")
    assert not state.dumps(datetime.date(2026, 1, 1)).startswith(b"M")


def test_a_value_neither_can_store_is_named_in_the_error():
    state = gr.State(serializer="marshal")
    with pytest.raises(StateNotPicklable, match="cannot be pickled"):
        state.dumps([lambda: 1])


@pytest.mark.parametrize("bad", ["json", "", None, "Marshal"])
def test_an_unknown_serializer_is_refused_when_the_state_is_declared(bad):
    with pytest.raises(ValueError, match="serializer must be one of 'pickle', 'marshal'"):
        gr.State([], serializer=bad)


async def test_a_state_reads_what_it_stored_before_its_serializer_changed(cache_alias):
    """A deploy that switches a State's serializer keeps the values sessions already hold."""
    with gr.Blocks() as before:
        old = gr.State(None)
    with gr.Blocks() as after:
        new = gr.State(None, serializer="marshal")
    assert old.id == new.id  # the same State in the next deploy of the app

    value = {"kept": [1, 2]}
    store = get_store(cache_alias)
    with registered(before, "deployed"):
        session = Session.new(before)
        session.set_state(old.id, value, old.dumps(value))
        await store.save(session, 60)
    with registered(after, "deployed"):
        assert (await store.load(after, session.id)).values[new.id] == value


def counter_of_items(serializer: str, changes: list[int]):
    with gr.Blocks() as demo:
        items = gr.State(lambda: [{"id": 0}], serializer=serializer)
        length = gr.Number(label="Length")

        def add(current):
            current.append({"id": len(current)})  # in place, as handlers do
            return current

        gr.Button("Add").click(add, items, items)
        items.change(lambda current: changes.append(len(current)) or len(current), items, length)
    return demo, items, length


@pytest.mark.parametrize("serializer", ["pickle", "marshal"])
async def test_an_in_place_change_is_persisted_and_fires_change(cache_alias, serializer):
    changes: list[int] = []
    demo, items, length = counter_of_items(serializer, changes)
    with registered(demo) as app:
        page = await PageClient(app).open()
        await page.click("Add")
        await page.click("Add")
        assert page.value(length) == 3
        session = await stored(demo, page.session_id)
        await page.close()
    assert changes == [2, 3]
    assert session.values[items.id] == [{"id": 0}, {"id": 1}, {"id": 2}]


async def test_two_sessions_of_a_marshal_state_do_not_share_the_default(cache_alias):
    with gr.Blocks() as demo:
        items = gr.State([], serializer="marshal")
        gr.Button("Add").click(lambda current: current + ["x"], items, items)
    with registered(demo) as app:
        first = await PageClient(app).open()
        second = await PageClient(app).open()
        await first.click("Add")
        await first.click("Add")
        await second.click("Add")
        assert (await stored(demo, first.session_id)).values[items.id] == ["x", "x"]
        assert (await stored(demo, second.session_id)).values[items.id] == ["x"]
        await first.close()
        await second.close()


@pytest.mark.parametrize("serializer", ["pickle", "marshal"])
async def test_change_fires_only_when_the_value_changed(cache_alias, serializer):
    """Showing an item of the State elsewhere flags it in marshal's bytes, which is no change;
    flipping a field in place keeps the length, which is one."""
    changes: list[str] = []
    with gr.Blocks() as demo:
        items = gr.State(
            lambda: [{"id": 1000 + i, "done": False} for i in range(3)], serializer=serializer
        )
        shown = gr.JSON()
        gr.Button("Same").click(lambda current: current, items, items)
        gr.Button("Show").click(lambda current: (current, current[-1]), items, [items, shown])
        gr.Button("Hide").click(lambda: None, None, shown)

        def toggle(current):
            current[0]["done"] = not current[0]["done"]
            return current

        gr.Button("Toggle").click(toggle, items, items)
        items.change(lambda current: changes.append(str(current[0]["done"])), items, None)
    with registered(demo) as app:
        page = await PageClient(app).open()
        for name in ["Same", "Show", "Same", "Hide", "Same", "Show", "Hide"]:
            await page.click(name)
        assert changes == []
        await page.click("Toggle")
        await page.click("Show")
        await page.click("Toggle")
        assert changes == ["True", "False"]
        assert (await stored(demo, page.session_id)).values[items.id][0]["done"] is False
        await page.close()


def test_a_slow_pickle_earns_one_hint_naming_the_state_and_marshal(monkeypatch, caplog):
    from blocksstate.components import state as state_module

    monkeypatch.setattr(state_module, "SLOW_PICKLE_SECONDS", 0.0)
    with gr.Blocks():
        items = gr.State([])
        fast = gr.State([], serializer="marshal")
        shared = gr.GlobalState(0, key="tests-slow-pickle-hint")
    value = [{"id": i, "name": f"item {i}"} for i in range(1000)]
    with caplog.at_level("WARNING", logger="blocksstate"):
        for _ in range(3):
            items.dumps(value)
            fast.dumps(value)
            shared.dumps(value)
    hints = [r.getMessage() for r in caplog.records if "marshal" in r.getMessage()]
    assert len(hints) == 1
    assert repr(items) in hints[0] and 'serializer="marshal"' in hints[0]
