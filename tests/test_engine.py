"""The engine, without a socket: validation, handler results, State changes, chains, errors."""

import asyncio
import copy
import os
import threading
from dataclasses import dataclass, field

import pytest
from django.test import override_settings

import blocksstate as gr
from blocksstate.engine.runner import InvalidInput, UnknownDependency
from blocksstate.testing import dependency, registered
from tests.helpers_engine import Harness

SHOW_ERRORS = {"SHOW_ERRORS": True}


@dataclass
class Basket:
    """A custom State value with a content hash, as the guide asks for."""

    items: list = field(default_factory=list)

    def __hash__(self):
        return hash(tuple(self.items))


class Tally:
    """A plain object, changed in place by handlers."""

    def __init__(self):
        self.count = 0

    def __eq__(self, other):
        return isinstance(other, Tally) and other.count == self.count

    def __hash__(self):
        return hash(self.count)


# -- validation ---------------------------------------------------------------------------------


def age_form():
    with gr.Blocks() as demo:
        age = gr.Number(label="Age", minimum=0, maximum=120)
        size = gr.Radio(["S", "M", "L"], label="Size")
        result = gr.Textbox(label="Result")
        go = gr.Button("Go")
        go.click(lambda a, s: f"{a} {s}", [age, size], result)
    return demo, age, size, result, go


@pytest.mark.parametrize(
    ("which", "value", "message"),
    [
        ("age", 121, "must be at most 120"),
        ("age", "twelve", "expected a number, got str"),
        ("size", "XL", "'XL' is not one of the choices"),
        ("result", "typed", "its value cannot be set from the page"),
    ],
)
async def test_invalid_values_are_refused_naming_the_component(which, value, message):
    demo, age, size, result, go = age_form()
    component = {"age": age, "size": size, "result": result}[which]
    harness = Harness(demo)
    session = harness.session()

    with pytest.raises(InvalidInput) as caught:
        await harness.run(session, demo.dependencies[0], {component: value})

    assert caught.value.message == f"{component!r}: {message}"
    assert repr(component) in caught.value.message
    assert f"(id {component.id})" in caught.value.message


async def test_one_bad_value_rejects_the_whole_event_and_changes_nothing():
    demo, age, size, result, go = age_form()
    harness = Harness(demo)
    session = harness.session()

    with pytest.raises(InvalidInput):
        await harness.run(session, demo.dependencies[0], {age: 30, size: "XL"})

    assert session.values[age.id] is None
    assert session.dirty == {c.id for c in demo.components.values() if callable(c.value)}


async def test_valid_values_reach_the_handler():
    demo, age, size, result, go = age_form()
    harness = Harness(demo)

    run = await harness.run(harness.session(), demo.dependencies[0], {age: 30, size: "M"})

    assert run.ok
    assert run.updates == {result.id: {"value": "30.0 M"}}


def test_a_browser_cannot_ask_for_server_only_or_unknown_events():
    with gr.Blocks() as demo:
        state = gr.State([])
        shown = gr.Number(label="Shown")
        state.change(len, state, shown)
    harness = Harness(demo)

    for dep in (0, 7, -1, "0", True, None):
        with pytest.raises(UnknownDependency):
            harness.engine.client_dependency(dep)


# -- what handlers return -------------------------------------------------------------------------


def two_outputs(fn):
    with gr.Blocks() as demo:
        name = gr.Textbox(label="Name", value="first")
        note = gr.Textbox(label="Note", value="note")
        go = gr.Button("Go")
        go.click(fn, None, [name, note])
    return demo, name, note


async def test_a_tuple_fills_the_outputs_in_order():
    demo, name, note = two_outputs(lambda: ("Ada", "hello"))
    harness = Harness(demo)
    session = harness.session()

    run = await harness.run(session, 0)

    assert run.updates == {name.id: {"value": "Ada"}, note.id: {"value": "hello"}}
    assert session.values[name.id] == "Ada"


async def test_a_dict_updates_only_the_outputs_it_names():
    holder = {}
    demo, name, note = two_outputs(lambda: {holder["note"]: "only the note"})
    holder["note"] = note
    harness = Harness(demo)
    session = harness.session()

    run = await harness.run(session, 0)

    assert run.updates == {note.id: {"value": "only the note"}}
    assert session.values[name.id] == "first"


async def test_update_and_skip():
    demo, name, note = two_outputs(lambda: (gr.update(visible=False, label="Hidden"), gr.skip()))
    harness = Harness(demo)
    session = harness.session()

    run = await harness.run(session, 0)

    assert run.updates == {name.id: {"visible": False, "label": "Hidden"}}
    assert session.values[name.id] == "first"
    assert session.props[name.id] == {"visible": False, "label": "Hidden"}


async def test_a_component_instance_updates_the_properties_it_was_given():
    demo, name, note = two_outputs(
        lambda: (gr.Textbox(value="Grace", label="Your name"), gr.Textbox(interactive=False))
    )
    harness = Harness(demo)
    session = harness.session()

    run = await harness.run(session, 0)

    assert run.updates == {
        name.id: {"value": "Grace", "label": "Your name"},
        note.id: {"interactive": False},
    }
    assert session.values[note.id] == "note"


async def test_wrong_number_of_outputs_is_a_clear_error_and_changes_nothing():
    with gr.Blocks() as demo:
        count = gr.State(0)
        shown = gr.Textbox(label="Shown", value="before")
        go = gr.Button("Go")
        go.click(lambda c: (c + 1, "after", "extra"), count, [count, shown])
    harness = Harness(demo)
    session = harness.session()

    with override_settings(BLOCKSSTATE=SHOW_ERRORS):
        run = await harness.run(session, 0)

    assert not run.ok
    assert [a["level"] for a in run.alerts] == ["error"]
    assert run.alerts[0]["message"] == "<lambda>() returned 3 values but the event has 2 outputs"
    assert run.of_type("update") == []
    assert session.values[count.id] == 0
    assert session.values[shown.id] == "before"


async def test_developer_errors_are_not_shown_to_visitors_unless_asked():
    demo, name, note = two_outputs(lambda: "just one")
    harness = Harness(demo)

    with override_settings(BLOCKSSTATE={"SHOW_ERRORS": False}):
        run = await harness.run(harness.session(), 0)

    assert not run.ok
    assert run.alerts[0]["message"] == "Something went wrong while handling this event."


# -- State change detection -----------------------------------------------------------------------


def change_counter(initial, fn, *, state_is_output=True):
    """A State, a button that runs ``fn`` on it, and a counter of the State's .change events."""
    with gr.Blocks() as demo:
        state = gr.State(initial)
        changes = gr.State(0)
        shown = gr.Number(label="Changes")
        go = gr.Button("Go")
        go.click(fn, state, state if state_is_output else None)
        state.change(lambda n: (n + 1, n + 1), changes, [changes, shown])
    return demo, state, shown


def append_in_place(items):
    items.append("x")
    return items


async def test_state_change_fires_when_list_content_changes_in_place():
    demo, state, shown = change_counter([], append_in_place)
    harness = Harness(demo)
    session = harness.session()

    await harness.run(session, 0)
    run = await harness.run(session, 0)

    assert run.updates == {shown.id: {"value": 2}}
    assert session.values[state.id] == ["x", "x"]


async def test_state_change_does_not_fire_when_the_value_is_unchanged():
    demo, state, shown = change_counter(["a"], lambda items: list(items))
    harness = Harness(demo)

    run = await harness.run(harness.session(), 0)

    assert run.ok
    assert run.updates == {}


async def test_state_change_fires_for_a_mutated_dataclass_input_without_output():
    def add(basket):
        basket.items.append("apple")

    demo, state, shown = change_counter(Basket(), add, state_is_output=False)
    harness = Harness(demo)
    session = harness.session()

    run = await harness.run(session, 0)

    assert run.updates == {shown.id: {"value": 1}}
    assert session.values[state.id] == Basket(["apple"])


async def test_state_change_fires_for_a_mutated_custom_object():
    def bump(tally):
        tally.count += 1
        return tally

    demo, state, shown = change_counter(Tally(), bump)
    harness = Harness(demo)
    session = harness.session()

    await harness.run(session, 0)
    run = await harness.run(session, 0)

    assert run.updates == {shown.id: {"value": 2}}
    assert session.values[state.id].count == 2


async def test_reading_a_custom_object_without_changing_it_fires_nothing():
    demo, state, shown = change_counter(Tally(), lambda tally: tally)
    harness = Harness(demo)

    run = await harness.run(harness.session(), 0)

    assert run.updates == {}


# -- failures and rollback -------------------------------------------------------------------------


async def test_a_failing_handler_rolls_back_its_in_place_change_of_a_state_list():
    def add_then_fail(items):
        items.append("half-done")
        raise gr.Error("Out of stock")

    with gr.Blocks() as demo:
        cart = gr.State(["Milk"])
        size = gr.Number(label="Size")
        fail = gr.Button("Fail")
        count = gr.Button("Count")
        fail.click(add_then_fail, cart, cart)
        count.click(len, cart, size)
    harness = Harness(demo)
    session = harness.session()

    run = await harness.run(session, 0)
    assert not run.ok
    assert [(a["level"], a["message"]) for a in run.alerts] == [("error", "Out of stock")]
    assert session.values[cart.id] == ["Milk"]

    run = await harness.run(session, 1)
    assert run.updates == {size.id: {"value": 1}}


async def test_success_runs_only_on_success_and_failure_only_on_failure():
    def build(fn):
        with gr.Blocks() as demo:
            log = gr.Textbox(label="Log")
            go = gr.Button("Go")
            step = go.click(fn, None, log)
            step.success(lambda: "success", None, log)
            step.failure(lambda: "failure", None, log)
            step.then(lambda text: text + " then", log, log)
        return demo, log

    def fail():
        raise gr.Error("no")

    for fn, ok, expected in ((lambda: "ran", True, "success then"), (fail, False, "failure then")):
        demo, log = build(fn)
        harness = Harness(demo)
        session = harness.session()
        run = await harness.run(session, 0)
        assert run.ok is ok
        assert session.values[log.id] == expected


async def test_a_change_loop_stops_at_max_chain_steps_with_an_alert():
    with gr.Blocks() as demo:
        number = gr.Number(label="N", value=0)
        go = gr.Button("Go")
        go.click(lambda: 1, None, number)
        number.change(lambda n: n + 1, number, number)
    harness = Harness(demo)
    session = harness.session()

    with override_settings(BLOCKSSTATE={"MAX_CHAIN_STEPS": 5}):
        run = await harness.run(session, 0)

    assert not run.ok
    assert run.alerts[-1]["message"] == "This event triggered more than 5 steps and was stopped."
    assert session.values[number.id] == 5
    assert len(run.of_type("update")) == 5


async def test_an_unpicklable_state_value_names_the_component_and_keeps_the_old_value():
    with gr.Blocks() as demo:
        holder = gr.State("fine")
        go = gr.Button("Lock it")
        go.click(lambda: threading.Lock(), None, holder)
    harness = Harness(demo)
    session = harness.session()

    with override_settings(BLOCKSSTATE=SHOW_ERRORS):
        run = await harness.run(session, 0)

    assert not run.ok
    message = run.alerts[0]["message"]
    assert repr(holder) in message
    assert "session_hash" in message
    assert session.values[holder.id] == "fine"
    assert holder.id not in session.dirty


# -- streaming, async, feedback --------------------------------------------------------------------


async def test_a_generator_sends_one_update_per_yield():
    def count_up():
        for i in range(3):
            yield f"step {i}"

    with gr.Blocks() as demo:
        out = gr.Textbox(label="Out")
        gr.Button("Go").click(count_up, None, out)
    harness = Harness(demo)

    run = await harness.run(harness.session(), 0)

    assert [f["updates"][str(out.id)]["value"] for f in run.of_type("update")] == [
        "step 0",
        "step 1",
        "step 2",
    ]


async def test_async_handlers_and_async_generators():
    async def greet(name):
        await asyncio.sleep(0)
        return f"Hello {name}"

    async def spell(name):
        for letter in name:
            await asyncio.sleep(0)
            yield letter

    with gr.Blocks() as demo:
        name = gr.Textbox(label="Name")
        out = gr.Textbox(label="Out")
        gr.Button("Greet").click(greet, name, out)
        gr.Button("Spell").click(spell, name, out)
    harness = Harness(demo)
    session = harness.session()

    run = await harness.run(session, 0, {name: "Ada"})
    assert run.updates == {out.id: {"value": "Hello Ada"}}

    run = await harness.run(session, 1)
    assert [f["updates"][str(out.id)]["value"] for f in run.of_type("update")] == ["A", "d", "a"]


async def test_info_and_warning_arrive_as_alerts_before_the_update():
    def save(text):
        gr.Info("Saved")
        gr.Warning("Almost full")
        return text.upper()

    with gr.Blocks() as demo:
        text = gr.Textbox(label="Text")
        out = gr.Textbox(label="Out")
        gr.Button("Save").click(save, text, out)
    harness = Harness(demo)

    run = await harness.run(harness.session(), 0, {text: "ok"})

    assert [(f["type"], f.get("level"), f.get("message")) for f in run.frames] == [
        ("alert", "info", "Saved"),
        ("alert", "warning", "Almost full"),
        ("update", None, None),
    ]
    assert all(f["seq"] == 1 and f["dep"] == 0 for f in run.frames)


async def test_request_session_hash_is_the_session_id():
    seen = []

    def who(request: gr.Request):
        seen.append(request.session_hash)
        return request.session_hash

    with gr.Blocks() as demo:
        out = gr.Textbox(label="Out")
        gr.Button("Who").click(who, None, out)
    harness = Harness(demo)
    session = harness.session()

    await harness.run(session, 0)

    assert seen == [session.id]


# -- defaults per session --------------------------------------------------------------------------


async def test_a_callable_default_is_called_per_session():
    calls = []

    def fresh():
        calls.append(1)
        return {"n": len(calls)}

    with gr.Blocks() as demo:
        state = gr.State(fresh)
        stamp = gr.Textbox(lambda: f"page {len(calls)}", label="Stamp")
    harness = Harness(demo)

    first, second = harness.session(), harness.session()

    assert first.values[state.id] == {"n": 1}
    assert second.values[state.id] == {"n": 2}
    assert first.values[stamp.id] == "page 1"
    assert second.values[stamp.id] == "page 2"


async def test_defaults_are_deep_copied_per_session():
    default = [["nested"]]

    def touch(items):
        items[0].append("mine")
        items.append("more")
        return items

    with gr.Blocks() as demo:
        state = gr.State(default)
        gr.Button("Touch").click(touch, state, state)
    harness = Harness(demo)
    mine, theirs = harness.session(), harness.session()

    await harness.run(mine, 0)

    assert mine.values[state.id] == [["nested", "mine"], "more"]
    assert theirs.values[state.id] == [["nested"]]
    assert default == [["nested"]]
    assert harness.session().values[state.id] == [["nested"]]


async def test_clear_button_resets_state_so_a_later_event_sees_the_default():
    with gr.Blocks() as demo:
        notes = gr.State(["default"])
        note = gr.Textbox(label="Note")
        count = gr.Number(label="Count")
        add = gr.Button("Add")
        add.click(lambda n, items: items + [n], [note, notes], notes)
        gr.Button("Count").click(len, notes, count)
        clear = gr.ClearButton([notes, note])
    harness = Harness(demo)
    session = harness.session()

    await harness.run(session, 0, {note: "a"})
    await harness.run(session, 0)
    run = await harness.run(session, 1)
    assert run.updates == {count.id: {"value": 3}}

    run = await harness.run(session, dependency(demo, clear, "click"), {note: "typed"})
    assert run.updates == {note.id: {"value": ""}}

    run = await harness.run(session, 1)
    assert run.updates == {count.id: {"value": 1}}
    assert session.values[notes.id] == ["default"]


async def test_an_unpicklable_state_output_leaves_the_other_outputs_unchanged():
    with gr.Blocks() as demo:
        holder = gr.State("fine")
        shown = gr.Textbox(label="Shown", value="before")
        gr.Button("Lock it").click(lambda: (threading.Lock(), "after"), None, [holder, shown])
    harness = Harness(demo)
    session = harness.session()

    run = await harness.run(session, 0)

    assert not run.ok
    assert run.of_type("update") == []
    assert session.values[shown.id] == "before"
    assert session.values[holder.id] == "fine"


# -- a failed step changes nothing, on the page either ------------------------------------------


def fails_after_return(handler):
    """An app whose step's handler returns, then fails when its results are applied."""
    with gr.Blocks() as demo:
        notes = gr.State([])
        kept = gr.BrowserState("")
        said = gr.Textbox(label="Said", value="before")
        count = gr.Number(label="Count", value=1, visible=False)
        gr.Button("Go").click(handler, notes, [notes, kept, said, count])
    return demo, notes, kept, said, count


FAILS_AFTER_RETURN = {
    "a State grown in place past MAX_STATE_BYTES": lambda notes: (
        notes.append("x" * 5000) or gr.skip(),
        gr.skip(),
        "after",
        gr.update(value=2, visible=True),
    ),
    "a State output past MAX_STATE_BYTES": lambda notes: (["x" * 5000], gr.skip(), "after", 2),
    "an unpicklable State made in place": lambda notes: (
        notes.append(threading.Lock()) or gr.skip(),
        gr.skip(),
        "after",
        2,
    ),
    "a BrowserState value too large for its token": lambda notes: (
        gr.skip(),
        os.urandom(600).hex(),
        "after",
        2,
    ),
    "text holding a lone surrogate": lambda notes: (["ok"], gr.skip(), "a\ud800b", 2),
    "a number past a float's range": lambda notes: (["ok"], "ok", "after", 10**400),
    "NaN for a Number": lambda notes: (["ok"], "ok", "after", float("nan")),
    "a property no frame can carry": lambda notes: (
        ["ok"],
        "ok",
        gr.update(value="after", label="a\ud800b"),
        2,
    ),
}


@pytest.mark.parametrize("handler", FAILS_AFTER_RETURN.values(), ids=FAILS_AFTER_RETURN.keys())
async def test_a_step_that_fails_after_its_function_returned_sends_and_keeps_nothing(handler):
    demo, notes, kept, said, count = fails_after_return(handler)
    harness = Harness(demo)
    session = harness.session()
    session.dirty = set()
    before = copy.deepcopy((session.values, session.pickled, session.props))

    with override_settings(
        BLOCKSSTATE={"MAX_STATE_BYTES": 2000, "MAX_BROWSER_STATE_BYTES": 500, **SHOW_ERRORS}
    ):
        run = await harness.run(session, 0)

    assert not run.ok
    assert [f["type"] for f in run.frames] == ["alert"], run.alerts
    assert (session.values, session.pickled, session.props) == before
    assert session.dirty == set() and run.outcome.browser_tokens == {}


async def test_a_failed_then_step_leaves_the_steps_before_it_in_place():
    def grow(notes):
        notes.append("x" * 5000)
        return "second"

    with gr.Blocks() as demo:
        notes = gr.State([])
        first = gr.Textbox(label="First", value="")
        second = gr.Textbox(label="Second", value="")
        go = gr.Button("Go")
        go.click(lambda: "first", None, first).then(grow, notes, second)
    harness = Harness(demo)
    session = harness.session()

    with override_settings(BLOCKSSTATE={"MAX_STATE_BYTES": 2000}):
        run = await harness.run(session, dependency(demo, go, "click"))

    assert run.ok  # the event's own step succeeded; its .then failed
    assert [f["type"] for f in run.frames] == ["update", "alert"]
    assert run.updates == {first.id: {"value": "first"}}
    assert (session.values[first.id], session.values[second.id]) == ("first", "")
    assert session.values[notes.id] == []


async def test_a_stream_that_fails_puts_the_page_back_to_what_the_session_keeps():
    def stream(notes):
        yield "thinking", gr.update(visible=True)
        notes.append("x" * 5000)
        yield "done", gr.update(visible=True, label="Ready")

    with gr.Blocks() as demo:
        notes = gr.State([])
        said = gr.Textbox(label="Said", value="before")
        flag = gr.Textbox(label="Flag", visible=False)
        gr.Button("Go").click(stream, notes, [said, flag])
    harness = Harness(demo)
    session = harness.session()

    with override_settings(BLOCKSSTATE={"MAX_STATE_BYTES": 2000}):
        run = await harness.run(session, 0)

    assert not run.ok
    shown = [f["updates"] for f in run.of_type("update")]
    assert shown[:2] == [
        {str(said.id): {"value": "thinking"}, str(flag.id): {"visible": True}},
        {str(said.id): {"value": "done"}, str(flag.id): {"visible": True, "label": "Ready"}},
    ]
    # Sent last, before the alert: what the page must show again.
    assert [f["type"] for f in run.frames] == ["update", "update", "update", "alert"]
    assert shown[2] == {
        str(said.id): {"value": "before"},
        str(flag.id): {"visible": False, "label": "Flag"},
    }
    assert session.values[said.id] == "before" and session.props == {}
    assert session.values[notes.id] == []


async def test_a_function_that_returns_a_generator_streams_from_its_second_yield():
    def count_up():
        yield from ("one", "two", "three")

    with gr.Blocks() as demo:
        out = gr.Textbox(label="Out")
        gr.Button("Go").click(lambda: count_up(), None, out)
    harness = Harness(demo)

    run = await harness.run(harness.session(), 0)

    assert [f["updates"][str(out.id)]["value"] for f in run.of_type("update")] == [
        "two",
        "three",
    ]


async def test_an_event_returns_what_it_did_errors_tokens_and_globals_written():
    """The engine tells its caller what happened: nobody has to read the frames it sent."""
    with gr.Blocks() as demo:
        kept = gr.BrowserState(0)
        total = gr.GlobalState(0, key=f"outcome-{os.getpid()}-{id(demo)}")
        shown = gr.Number(label="Shown")

        def fail(n):
            raise gr.Error("Out of stock")

        bump = gr.Button("Bump").click(
            lambda k, t: (k + 1, t + 1, k + 1), [kept, total], [kept, total, shown]
        )
        bump.then(fail, kept, None)

    with registered(demo, "outcome"):
        harness = Harness(demo)
        session = harness.session()
        run = await harness.run(session, 0)

    outcome = run.outcome
    assert outcome.ok  # the event's own step succeeded; its .then failed
    assert outcome.errors == ["Out of stock"]
    assert list(outcome.globals_changed) == [total.id]  # with its new version
    assert session.globals_seen[total.key] == outcome.globals_changed[total.id]
    assert list(outcome.browser_tokens) == [kept.key_for("outcome")]
    assert outcome.shown == {str(shown.id): {"value"}}
